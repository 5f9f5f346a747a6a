"""Charts and sentences of the Coordination page: the presence matrix, need against reach, the
partner network, and what to do about each gap and overlap."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators.common.i18n import label, t
from indicators.views.curves import hidden_at, mark_hidden

GAP, FRAGILE, COVERED, WELL_COVERED = "#d9534f", "#f2cf5b", "#c7e3b0", "#2e7d32"


def presence_scale(top: int) -> list[list[float | str]]:
    """A colour scale from 0 to `top` organisations: 0 red (a gap), 1 yellow (fragile), then
    light to dark green."""
    gap, fragile = 0.5 / top, 1.5 / top
    return [
        [0.0, GAP],
        [gap, GAP],
        [gap, FRAGILE],
        [fragile, FRAGILE],
        [fragile, COVERED],
        [1.0, WELL_COVERED],
    ]


TYPE_COLOURS = {
    "school": "#4c78a8",
    "company": "#f58518",
    "company_foundation": "#e45756",
    "association": "#54a24b",
    "public_body": "#b279a2",
    "backbone": "#5b5b5b",
}


def matrix_figure(grid: pd.DataFrame, members: Mapping[str, str], lang: str) -> go.Figure:
    """Places (rows) x members (columns), coloured by the number of organisations acting:
    red where none (a gap), yellow where one alone (fragile), greens above."""
    table = grid.pivot_table(
        index="place_name", columns="member", values="partners", aggfunc="sum", fill_value=0
    )
    table = table[[m for m in members if m in table.columns]]
    z = table.to_numpy().tolist()
    top = max(5, int(table.to_numpy().max()) if table.size else 5)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[members[m] for m in table.columns],
            y=list(table.index),
            text=z,
            texttemplate="%{text}",
            colorscale=presence_scale(top),
            zmin=0,
            zmax=top,
            colorbar={"title": t("coordination.partners", lang)},
            hovertemplate="%{y}<br>%{x}<br>%{z} "
            + t("coordination.partners", lang).lower()
            + "<extra></extra>",
        )
    )
    figure.update_layout(
        height=max(320, 34 * len(table.index) + 160),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed"},
    )
    return figure


def school_label(row: Mapping[Any, Any]) -> str:
    """A school's name with its priority-education status and QPV where it has them:
    « Collège des Tilleuls · REP+ · QPV »."""
    parts = [str(row["school_name"])]
    if str(row.get("education_priority") or "") in ("REP", "REP+"):
        parts.append(str(row["education_priority"]))
    if str(row.get("qpv") or ""):
        parts.append("QPV")
    return " · ".join(parts)


def need_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Coverage of each school (young people reached / pupils enrolled), lowest first; a
    school whose reach is withheld from the viewer is marked « masqué », never left out."""
    rows = rows.assign(
        name=[
            school_label(row) + (f" ({row['grade']})" if row["grade"] else "")
            for row in rows.to_dict("records")
        ]
    )
    withheld = hidden_at(rows["name"], rows["hidden"])
    shown = rows.dropna(subset=["coverage"]).copy()
    shown = shown.sort_values("coverage")
    figure = go.Figure(
        go.Bar(
            x=(100 * shown["coverage"]).round(1).tolist(),
            y=shown["name"].tolist(),
            orientation="h",
            marker={"color": ["#d9534f" if c < 0.5 else "#4c78a8" for c in shown["coverage"]]},
            customdata=list(zip(shown["reached"].tolist(), shown["pupils"].tolist(), strict=True)),
            hovertemplate="%{y}<br>%{x} %<br>%{customdata[0]} / %{customdata[1]}<extra></extra>",
        )
    )
    mark_hidden(figure, withheld, lang, horizontal=True)
    figure.update_layout(
        height=max(300, 22 * (len(shown) + len(withheld)) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": t("coordination.coverage_axis", lang), "range": [0, 110]},
    )
    return figure


def network_figure(organisations: pd.DataFrame, links: pd.DataFrame, lang: str) -> go.Figure:
    """Organisations on a circle, grouped by type; a line for each pair sharing schools (the
    thicker, the more schools); isolated organisations drawn hollow."""
    ordered = organisations.sort_values(["type", "name"]).reset_index(drop=True)
    n = max(1, len(ordered))
    pos = {
        code: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n))
        for i, code in enumerate(ordered["code"])
    }
    figure = go.Figure()
    for width in sorted(set(links["schools"].clip(upper=4))) if len(links) else []:
        chosen = links[links["schools"].clip(upper=4) == width]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in zip(chosen["source"], chosen["target"], strict=True):
            if a in pos and b in pos:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"width": 0.5 + width, "color": "rgba(90,100,120,0.25)"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for kind, group in ordered.groupby("type", sort=True):
        isolated = group["links"] == 0
        figure.add_trace(
            go.Scatter(
                x=[pos[c][0] for c in group["code"]],
                y=[pos[c][1] for c in group["code"]],
                mode="markers",
                name=label("organisation_type", str(kind), lang),
                marker={
                    "size": (8 + 2 * group["schools"].clip(upper=6)).tolist(),
                    "color": [
                        "white" if alone else TYPE_COLOURS.get(str(kind), "#888")
                        for alone in isolated
                    ],
                    "line": {"width": 2, "color": TYPE_COLOURS.get(str(kind), "#888")},
                },
                text=[
                    f"{name}<br>{t('coordination.schools_n', lang, n=s)} · "
                    f"{t('coordination.links_n', lang, n=k)}"
                    for name, s, k in zip(
                        group["name"], group["schools"], group["links"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.05},
    )
    return figure


def overlap_advice(row: Mapping[Any, Any], lang: str) -> str:
    """What to do about one overlap, in a sentence."""
    double = row.get("double_counted")
    if isinstance(double, float) and not math.isnan(double) and double > 0:
        return t("coordination.advice_overlap_counted", lang, n=int(double))
    return t("coordination.advice_overlap", lang)


def _pupils(n: int, lang: str) -> str:
    return t("coordination.why.pupils", lang, n=f"{n:,}".replace(",", " " if lang == "fr" else ","))


def _school_words(row: Mapping[Any, Any], lang: str) -> list[str]:
    words = []
    if row.get("education_priority") in ("REP+", "REP"):
        words.append(str(row["education_priority"]))
    if row.get("qpv"):
        words.append(t("coordination.why.qpv", lang))
    return words


def gap_reason(row: Mapping[Any, Any], lang: str) -> str:
    """Why a coverage gap ranks where it does (a row of `rank_gaps`), in a few words."""
    words = [t("coordination.why.target", lang)] if row.get("with_target") else []
    words += _school_words(row, lang)
    if row.get("pupils"):
        words.append(_pupils(int(row["pupils"]), lang))
    return " · ".join(words) or t("coordination.why.none", lang)


def overlap_reason(row: Mapping[Any, Any], lang: str) -> str:
    """Why an overlap ranks where it does (a row of `rank_overlaps`), in a few words."""
    words = [t("coordination.why.actors", lang, n=int(row["partners"]))]
    if row.get("pupils"):
        words.append(_pupils(int(row["pupils"]), lang))
    return " · ".join(words + _school_words(row, lang))
