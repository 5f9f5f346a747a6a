"""Turn-the-curve charts and the sentences that say what a progress figure is made of."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators.analytics.progress import STATUS_COLOURS, NodeStatus
from indicators.analytics.theory import TheoryGraph
from indicators.common.i18n import label, t

ACTUAL, OWN, FORECAST, TARGET, BASELINE = "#1f4e79", "#e07b39", "#8e9aaf", "#2e7d32", "#5b5b5b"
HIDDEN_LINE, HIDDEN_FILL = "#8a8a8a", "rgba(160,160,160,0.18)"  # a withheld figure's mark
HIDDEN_AXIS = 9  # the marks' own axis (0 to 1, not shown): a mark never reads as a value
VERSION_LINE = "#7b3fa0"  # a new version of the indicator's definition
Spans = Mapping[str, tuple[dt.date, dt.date]]  # a period's code: its first and last day


def break_position(day: dt.date, categories: Sequence[str], spans: Spans) -> float | None:
    """Where `day` falls on an axis of periods drawn as categories (category i spans i - 0.5
    to i + 0.5): inside the period holding it, in proportion of the days gone by; None when
    no period of the axis holds it."""
    for position, code in enumerate(categories):
        if code not in spans:
            continue
        start, end = spans[code]
        if start <= day <= end:
            return position - 0.5 + (day - start).days / ((end - start).days + 1)
    return None


def mark_versions(
    figure: go.Figure,
    breaks: pd.DataFrame,
    categories: Sequence[str],
    spans: Spans,
    lang: str,
) -> go.Figure:
    """A vertical line where each new version of the indicator came into force (`breaks`:
    catalogue.version_breaks), labelled with its number and its reason (whole on hover):
    values on either side were reported under two definitions."""
    for version, day, reason in _versions(breaks):
        x = break_position(day, categories, spans)
        if x is None:
            continue
        whole = t("chart.version_break", lang, version=version, date=f"{day:%d/%m/%Y}")
        short = f"v{version}" + (f" : {_shortened(reason)}" if reason else "")
        figure.add_shape(
            type="line",
            x0=x,
            x1=x,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": VERSION_LINE, "dash": "dashdot", "width": 2},
        )
        figure.add_annotation(
            x=x,
            y=1,
            xref="x",
            yref="paper",
            text=short,
            hovertext=f"{whole} : {reason}" if reason else whole,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"color": VERSION_LINE, "size": 11},
            bgcolor="rgba(255,255,255,0.8)",
        )
    return figure


def breaks_sentence(breaks: pd.DataFrame, lang: str) -> str:
    """The new versions of an indicator in words, each with its date and its reason."""
    items = []
    for version, day, reason in _versions(breaks):
        item = t("chart.version_break", lang, version=version, date=f"{day:%d/%m/%Y}")
        items.append(f"{item} ({reason})" if reason else item)
    return t("progress.version_breaks", lang, items=" ; ".join(items))


def _versions(breaks: pd.DataFrame) -> list[tuple[int, dt.date, str]]:
    """(version, first day, reason) of each row of `catalogue.version_breaks`."""
    return [
        (int(row["version"]), pd.Timestamp(str(row["valid_from"])).date(), str(row["reason"] or ""))
        for row in breaks.to_dict("records")
    ]


def _shortened(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def mark_hidden(
    figure: go.Figure,
    hidden: Mapping[str, Sequence[str]],
    lang: str,
    *,
    horizontal: bool = False,
) -> go.Figure:
    """Draw the figures withheld from the viewer as such, never as a gap or a zero: at each
    category of the chart's axis in `hidden` (a period, a place), a grey hatched band across
    the whole plot with the word « masqué », and on hover what is hidden there (the series
    named in `hidden[category]`, when there are several). The bands stand on an axis of their
    own, from 0 to 1 and not shown, so that their height means nothing."""
    if not hidden:
        return figure
    positions = list(hidden)
    word = t("chart.hidden", lang)
    details = [f"{word} : {', '.join(names)}" if names else word for names in hidden.values()]
    band = {
        "name": word,
        "text": [word] * len(positions),
        "textposition": "inside",
        "insidetextanchor": "middle",
        "textfont": {"color": "#555555"},
        "hovertext": details,
        "hoverinfo": "text",
        "marker": {
            "color": HIDDEN_FILL,
            "pattern": {"shape": "/", "fgcolor": HIDDEN_LINE, "solidity": 0.15},
            "line": {"color": HIDDEN_LINE, "width": 1},
        },
        "showlegend": True,
    }
    if horizontal:
        figure.add_trace(
            go.Bar(
                y=positions,
                x=[1] * len(positions),
                orientation="h",
                xaxis=f"x{HIDDEN_AXIS}",
                **band,
            )
        )
        figure.update_layout(
            {f"xaxis{HIDDEN_AXIS}": {"overlaying": "x", "range": [0, 1], "visible": False}}
        )
    else:
        figure.add_trace(
            go.Bar(x=positions, y=[1] * len(positions), yaxis=f"y{HIDDEN_AXIS}", **band)
        )
        figure.update_layout(
            {f"yaxis{HIDDEN_AXIS}": {"overlaying": "y", "range": [0, 1], "visible": False}}
        )
    return figure


def hidden_at(
    positions: Iterable[Any], reasons: Iterable[Any], name: str = ""
) -> dict[str, list[str]]:
    """The categories (`positions`) whose figure is hidden (a non-empty reason), each with the
    series `name` when given: what `mark_hidden` draws."""
    out: dict[str, list[str]] = {}
    for position, reason in zip(positions, reasons, strict=True):
        if isinstance(reason, str) and reason:
            out.setdefault(str(position), [])
            if name and name not in out[str(position)]:
                out[str(position)].append(name)
    return out


def shown_or_hidden(
    values: Iterable[Any], reasons: Iterable[Any], unit: str, lang: str
) -> list[str]:
    """A column of figures as a table prints them: each number as people read it, « masqué »
    for a withheld one (never blank, never 0)."""
    word = t("chart.hidden", lang)
    return [
        word if isinstance(reason, str) and reason else number(value, unit, lang)
        for value, reason in zip(values, reasons, strict=True)
    ]


def merged(*parts: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Several `hidden_at` together."""
    out: dict[str, list[str]] = {}
    for part in parts:
        for position, names in part.items():
            out.setdefault(position, [])
            out[position] += [n for n in names if n not in out[position]]
    return out


def numbers(values: Iterable[Any], units: str | Iterable[str], lang: str) -> list[str]:
    """A column of figures as a table prints them (`number` of each), with one unit for all or
    one unit per figure."""
    listed = list(values)
    per_row = [units] * len(listed) if isinstance(units, str) else list(units)
    return [number(value, unit, lang) for value, unit in zip(listed, per_row, strict=True)]


def number(value: float, unit: str, lang: str) -> str:
    """A figure as people read it: thousands spaced, rates with one decimal and %."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "percent":
        text = f"{value:,.1f} %"
    elif float(value).is_integer() and abs(value) >= 1:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}"
    if lang == "fr":
        text = text.replace(",", " ").replace(".", ",")
    return text


def curve_figure(
    rows: pd.DataFrame,
    unit: str,
    lang: str,
    *,
    own: bool,
    breaks: pd.DataFrame | None = None,
    spans: Spans | None = None,
) -> go.Figure:
    """One indicator's turn-the-curve chart: its history, the partner's own where `own`, the
    baseline, the targets and the line expected to them, and the forecast without change;
    a vertical line where a new version of its definition came into force (`breaks`, placed
    by the periods' `spans`). `rows` are `progress.progress` rows of one indicator and scope,
    the years by code."""
    rows = rows.sort_values("position")
    x = list(rows["period"])
    figure = go.Figure()
    expected = rows.dropna(subset=["expected"])
    if len(expected) > 1:
        figure.add_trace(
            go.Scatter(
                x=list(expected["period"]),
                y=expected["expected"].tolist(),
                mode="lines",
                name=t("progress.expected", lang),
                line={"color": TARGET, "dash": "dot", "width": 1.5},
            )
        )
    ahead = rows.dropna(subset=["forecast"])
    if not ahead.empty:
        figure.add_trace(
            go.Scatter(
                x=list(ahead["period"]),
                y=ahead["forecast"].tolist(),
                mode="lines",
                name=t("progress.forecast", lang),
                line={"color": FORECAST, "dash": "dash", "width": 2},
            )
        )
    goals = rows.dropna(subset=["target"])
    if not goals.empty:
        figure.add_trace(
            go.Scatter(
                x=list(goals["period"]),
                y=goals["target"].tolist(),
                mode="markers",
                name=t("progress.target", lang),
                marker={"symbol": "diamond", "size": 12, "color": TARGET},
            )
        )
    base = rows[rows["period"] == rows["baseline_period"]]
    if not base.empty and not math.isnan(float(base["baseline"].iloc[0])):
        figure.add_trace(
            go.Scatter(
                x=list(base["period"]),
                y=base["baseline"].tolist(),
                mode="markers",
                name=t("progress.baseline", lang),
                marker={"symbol": "star", "size": 14, "color": BASELINE},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=rows["value"].tolist(),
            mode="lines+markers",
            name=t("progress.actual", lang),
            line={"color": ACTUAL, "width": 3},
            marker={
                "size": 11,
                "color": [STATUS_COLOURS[s] for s in rows["status"]],
                "line": {"width": 2, "color": ACTUAL},
            },
            text=[label("progress_status", s, lang) for s in rows["status"]],
            hovertemplate="%{x} : %{y}<br>%{text}<extra></extra>",
        )
    )
    if own and rows["own"].notna().any():
        figure.add_trace(
            go.Scatter(
                x=x,
                y=rows["own"].tolist(),
                mode="lines+markers",
                name=t("progress.own", lang),
                line={"color": OWN, "width": 2},
            )
        )
    if "hidden" in rows:  # a year whose figure is withheld from the viewer: marked, no gap
        mark_hidden(figure, hidden_at(rows["period"], rows["hidden"]), lang)
    if breaks is not None and spans is not None:
        mark_versions(figure, breaks, x, spans, lang)
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": label("unit", unit, lang), "rangemode": "tozero"},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": x},
        plot_bgcolor="white",
    )
    return figure


def breakdown_figure(frame: pd.DataFrame, years: Sequence[str], unit: str, lang: str) -> go.Figure:
    """One line per member (a territory, a school, a sex, a grade) over the school years; a
    year whose figure is withheld from the viewer is marked « masqué » with the members hidden
    there (`frame`: progress.breakdown with member_label)."""
    figure = go.Figure()
    x = list(years)
    withheld: dict[str, list[str]] = {}
    for member, rows in frame.groupby("member", sort=False):
        by_year = dict(zip(rows["period"], rows["value"], strict=True))
        name = str(rows["member_label"].iloc[0])
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[by_year.get(y) for y in years],
                mode="lines+markers",
                name=name,
                legendgroup=str(member),
            )
        )
        if "hidden" in rows:
            withheld = merged(withheld, hidden_at(rows["period"], rows["hidden"], name))
    mark_hidden(figure, {y: withheld[y] for y in x if y in withheld}, lang)
    figure.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": label("unit", unit, lang), "rangemode": "tozero"},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": x},
        plot_bgcolor="white",
    )
    return figure


def rule_sentence(sheet: Mapping[str, Any], lang: str) -> str:
    """How an indicator (its reference sheet) is aggregated, in words: over time, over space,
    and its de-duplication rule with the catalogue's note."""
    dedup = sheet["deduplication"]
    text = t(
        "progress.rule_sentence",
        lang,
        time=label("aggregation", str(sheet["aggregation_time"]), lang).lower(),
        space=label("aggregation", str(sheet["aggregation_space"]), lang).lower(),
        dedup=label("deduplication", str(dedup["rule"]), lang).lower(),
    )
    return f"{text} {dedup.get(f'note_{lang}') or ''}".strip()


def facts_sentence(row: Mapping[str, object], unit: str, lang: str) -> str:
    """What stands behind one year's figure: organisations, values left out, the gross sum."""
    parts = [t("progress.facts", lang, organisations=row["organisations"], units=row["units"])]
    value = float(str(row["value"]))
    if math.isnan(value) and str(row.get("rule", "")) == "none":
        parts = [t("progress.facts_none", lang, units=row["units"])]
    if int(str(row["dropped"])):
        parts.append(
            t(
                "progress.facts_dropped",
                lang,
                dropped=row["dropped"],
                gross=number(float(str(row["gross"])), unit, lang),
            )
        )
    if int(str(row["without_base"])) and str(row.get("rule", "")) == "ratio":
        parts.append(t("progress.facts_without_base", lang, n=row["without_base"]))
    return " ; ".join(parts) + "."


def node_sentence(state: NodeStatus, names: Mapping[str, str], lang: str) -> str:
    """Why a node has its status: what its indicators and the nodes feeding it say."""

    def listing(items: Mapping[str, str]) -> str:
        return ", ".join(
            f"{names.get(code, code)} ({label('progress_status', s, lang).lower()})"
            for code, s in items.items()
        )

    text = t("progress.node_status", lang, status=label("progress_status", state.status, lang))
    if state.indicators:
        text += " " + t("progress.node_own", lang, items=listing(state.indicators))
    if state.feeders:
        text += " " + t("progress.node_fed", lang, items=listing(state.feeders))
    return text


def table_view(
    graph: TheoryGraph,
    table: pd.DataFrame,
    statuses: Mapping[str, NodeStatus],
    year: str,
    units: Mapping[str, str],
    lang: str,
) -> list[tuple[str, pd.DataFrame]]:
    """The graph as tables, one per level from activities up: each node's status and each of
    its indicators' value, baseline, expected value, forecast, status and turned curve."""
    at_year = table[table["period"] == year].set_index("indicator")
    turned = {True: "✓", False: "✗"}
    out = []
    for _rank, nodes in graph.nodes.groupby("level_rank", sort=True):
        rows = []
        for code, name in zip(nodes["code"], nodes[f"label_{lang}"], strict=True):
            state = label("progress_status", statuses[code].status, lang)
            measured = graph.indicators_of(code)
            if measured.empty:
                rows.append({"node": name, "node_status": state, "indicator": "—"})
            for indicator, title in zip(measured["code"], measured[f"label_{lang}"], strict=True):
                row = at_year.loc[indicator]
                unit = units[indicator]
                rows.append(
                    {
                        "node": name,
                        "node_status": state,
                        "indicator": title,
                        "actual": (
                            t("chart.hidden", lang)
                            if row.get("hidden")
                            else number(row["value"], unit, lang)
                        ),
                        "baseline": number(row["baseline"], unit, lang),
                        "expected": number(row["expected"], unit, lang),
                        "forecast": number(row["forecast"], unit, lang),
                        "status": label("progress_status", row["status"], lang),
                        "turned": turned.get(row["turned"], "—"),
                    }
                )
        titles = {
            "node": t("progress.node", lang),
            "node_status": t("progress.node_status_short", lang),
            "indicator": t("theory.indicators", lang),
            "actual": t("progress.actual", lang),
            "baseline": t("progress.baseline", lang),
            "expected": t("progress.expected", lang),
            "forecast": t("progress.forecast", lang),
            "status": t("progress.status", lang),
            "turned": t("progress.turned", lang),
        }
        frame = pd.DataFrame(rows, columns=list(titles)).fillna("").rename(columns=titles)
        out.append((str(nodes["level"].iloc[0]), frame))
    return out
