"""The funder pack: one workbook (a sheet per section and per indicator, the definitions, the
suppression note; safe against formula injection) and one PDF report with the charts, in
French or English, made from a published summary (or an evaluator's preview). Drawing only: `indicators.reports`
checks who asks, reads the catalogue and audits the download."""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from indicators.access.suppression import TOTAL, small
from indicators.analytics.progress import STATUS_COLOURS
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import label, t
from indicators.views.curves import number, numbers
from indicators.views.exports import hidden_note, xlsx_bytes

HIDDEN_GREY = "#8a8a8a"  # a withheld figure's hatched mark (as curves.mark_hidden on screen)


def headline_rows(summary: Summary, lang: str) -> list[tuple[str, str]]:
    """The headline figures as (label, text): small counts shown as "< threshold"."""
    rows = []
    for measure, value, hidden in summary.tables["headline"].itertuples(index=False):
        name = str(measure)
        if name.startswith("partners:"):
            title = t(
                "synthesis.partners_of", lang, kind=label("organisation_type", name[9:], lang)
            )
        else:
            title = t(f"synthesis.{name}", lang)
        people = name in ("reached", "internships")
        if hidden:
            text = t("synthesis.hidden", lang)
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            text = "—"
        elif people and small(float(value), summary.threshold):
            text = f"< {summary.threshold}"
        else:
            text = f"{float(value):,.0f}".replace(",", " " if lang == "fr" else ",")
        rows.append((title, text))
    return rows


def _titles(indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    return dict(zip(indicators["code"], indicators[f"label_{lang}"], strict=True))


def progress_rows(summary: Summary, indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each indicator's value, expected value and status, with words for people
    (`indicators`: the catalogue, for the indicators' names)."""
    table = summary.tables["progress"]
    names = _titles(indicators, lang)
    units = table["indicator"].map(dict(zip(indicators["code"], indicators["unit"], strict=True)))
    return pd.DataFrame(
        {
            t("column.indicator", lang): table["indicator"].map(names),
            t("progress.actual", lang): [
                t("synthesis.hidden", lang) if h else number(v, u, lang)
                for v, h, u in zip(table["value"], table["hidden"].fillna(""), units, strict=True)
            ],
            t("progress.expected", lang): numbers(table["expected"], units, lang),
            t("progress.status", lang): table["status"].map(
                lambda s: label("progress_status", s, lang)
            ),
        }
    )


def reach_table(summary: Summary, lang: str, by: str = "sex") -> pd.DataFrame:
    """The reach table by sex (or grade) as printed, with its totals named."""
    text = summary.reach(by).text(lang)
    text.index = [t("synthesis.total", lang) if i == TOTAL else i for i in text.index]
    text.columns = [
        t("synthesis.total", lang) if c == TOTAL else label("sex", str(c), lang)
        for c in text.columns
    ]
    return text.reset_index(names=t("column.place", lang))


def hidden_rows(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """`frame` as a sheet prints it: in each row withheld from funders (its `hidden` reason),
    the `columns` read « masqué » (never blank, never 0), and the reason in words."""
    out = frame.copy()
    if "hidden" not in out:  # a summary published before its tables carried their protection
        return out
    reasons = out["hidden"].fillna("").astype(str)
    word = t("synthesis.hidden", lang)
    for column in columns:
        out[column] = [
            word if why else value for value, why in zip(out[column], reasons, strict=True)
        ]
    out["hidden"] = reasons.map(lambda code: hidden_note(code, lang))
    return out


# The headers of the pack's tables of figures, by column.
HEADERS = {
    "place": "column.place",
    "pupils": "synthesis.pupils",
    "reached": "synthesis.reached",
    "hidden": "column.hidden",
    "period": "column.period",
    "expected": "column.expected",
    "received": "column.received",
    "on_time": "column.on_time",
    "completeness": "sync.completeness",
    "timeliness": "sync.timeliness",
}
PERCENT = ("completeness", "timeliness")


def _rounded(value: Any) -> Any:
    """A figure with two decimals at most (74.51, not 74.5098039), anything else as it is."""
    return round(float(value), 2) if isinstance(value, (int, float)) else value


def _as_percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` with the rates of `columns` as percentages with one decimal."""
    return frame.assign(**{c: (100 * frame[c]).round(1) for c in columns if c in frame})


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with its headers in words (a rate says it is in %)."""
    names = {}
    for column in frame.columns:
        name = t(HEADERS[column], lang) if column in HEADERS else str(column)
        names[column] = t("synthesis.percent_of", lang, name=name) if column in PERCENT else name
    return frame.rename(columns=names)


def note(summary: Summary, lang: str) -> str:
    """Why cells are hidden, in words."""
    return t("synthesis.note", lang, threshold=summary.threshold, largest=summary.threshold - 1)


def workbook(summary: Summary, indicators: pd.DataFrame, lang: str) -> bytes:
    """The pack as a workbook (`indicators`: the catalogue, for names and definitions)."""
    sheets: dict[str, pd.DataFrame] = {
        t("synthesis.sheet_headline", lang): pd.DataFrame(
            headline_rows(summary, lang),
            columns=[t("synthesis.measure", lang), t("column.number", lang)],
        ),
        t("synthesis.sheet_reach", lang): reach_table(summary, lang),
        t("synthesis.sheet_reach_grade", lang): reach_table(summary, lang, "grade"),
        t("synthesis.sheet_progress", lang): progress_rows(summary, indicators, lang),
        t("synthesis.sheet_need", lang): _headed(
            hidden_rows(summary.tables["need"], ["reached"], lang), lang
        ),
        t("synthesis.sheet_sync", lang): _headed(
            hidden_rows(
                _as_percent(summary.tables["sync"], ["completeness", "timeliness"]),
                ["expected", "received", "on_time", "completeness", "timeliness"],
                lang,
            ),
            lang,
        ),
    }
    catalogue = indicators.set_index("code")
    table = summary.tables["progress"].set_index("indicator")
    for n, code in enumerate(table.index, start=1):
        row = table.loc[code]
        # a sheet per indicator, numbered: a name cut at 31 characters (Excel's limit) would
        # read as a typo; the indicator's name is the sheet's first line
        sheets[t("synthesis.sheet_indicator", lang, n=n)] = pd.DataFrame(
            {
                t("synthesis.field", lang): [
                    t("column.indicator", lang),
                    t("progress.actual", lang),
                    t("progress.baseline", lang),
                    t("progress.expected", lang),
                    t("progress.forecast", lang),
                    t("progress.status", lang),
                ],
                t("column.number", lang): [
                    catalogue.loc[code, f"label_{lang}"],
                    t("synthesis.hidden", lang) if row["hidden"] else _rounded(row["value"]),
                    _rounded(row["baseline"]),
                    _rounded(row["expected"]),
                    _rounded(row["forecast"]),
                    label("progress_status", str(row["status"]), lang),
                ],
            }
        )
    definitions = indicators
    sheets[t("synthesis.sheet_definitions", lang)] = pd.DataFrame(
        {
            t("sheet.code", lang): definitions["code"],
            t("sheet.label", lang): definitions[f"label_{lang}"],
            t("sheet.unit", lang): definitions["unit"].map(lambda u: label("unit", u, lang)),
            t("sheet.aggregation_time", lang): definitions["aggregation_time"].map(
                lambda a: label("aggregation", a, lang)
            ),
            t("sheet.aggregation_space", lang): definitions["aggregation_space"].map(
                lambda a: label("aggregation", a, lang)
            ),
            t("sheet.deduplication", lang): definitions["deduplication_rule"].map(
                lambda d: label("deduplication", d, lang)
            ),
        }
    )
    sheets[t("synthesis.sheet_note", lang)] = pd.DataFrame(
        {t("synthesis.sheet_note", lang): [note(summary, lang)]}
    )
    return xlsx_bytes(sheets)


def pdf(summary: Summary, nodes: pd.DataFrame, lang: str) -> bytes:
    """The pack as a PDF report: the headline figures, then a page per chart
    (`nodes`: the theory of change's nodes, for their names)."""
    out = io.BytesIO()
    with PdfPages(out) as document:
        # 1. title and headline figures
        page = plt.figure(figsize=(8.27, 11.69))
        page.text(0.08, 0.93, t("synthesis.title", lang), fontsize=20, weight="bold")
        page.text(0.08, 0.89, scope_line(summary, lang), fontsize=11)
        y = 0.82
        for title, text in headline_rows(summary, lang):
            page.text(0.08, y, title, fontsize=12)
            page.text(0.75, y, text, fontsize=12, weight="bold")
            y -= 0.04
        page.text(0.08, 0.05, "\n".join(textwrap.wrap(note(summary, lang), 110)), fontsize=7)
        document.savefig(page)
        plt.close(page)
        # 2. young people reached by place and sex
        reach = summary.reach()
        shown = reach.shown().drop(index=TOTAL, columns=TOTAL)
        reasons = reach.reasons.drop(index=TOTAL, columns=TOTAL)
        page, axis = plt.subplots(figsize=(11.69, 8.27))
        shown.plot.barh(ax=axis, color=["#b279a2", "#4c78a8"])
        axis.set_title(t("synthesis.reach_title", lang))
        axis.legend([label("sex", str(c), lang) for c in shown.columns])
        _mark_hidden_bars(
            axis,
            {
                i: [label("sex", str(c), lang) for c in reasons.columns if reasons.at[place, c]]
                for i, place in enumerate(reasons.index)
                if (reasons.loc[place] != "").any()
            },
            lang,
        )
        axis.invert_yaxis()
        page.text(0.02, 0.01, "\n".join(textwrap.wrap(note(summary, lang), 180)), fontsize=7)
        page.tight_layout(rect=(0, 0.05, 1, 1))
        document.savefig(page)
        plt.close(page)
        # 3. outcomes: each node's status
        names = dict(zip(nodes["code"], nodes[f"label_{lang}"], strict=True))
        nodes = summary.tables["nodes"]
        page, axis = plt.subplots(figsize=(11.69, 8.27))
        axis.barh(
            [names.get(n, n) for n in nodes["node"]],
            [1] * len(nodes),
            color=[STATUS_COLOURS.get(s, "#ccc") for s in nodes["status"]],
        )
        for i, state in enumerate(nodes["status"]):
            axis.text(0.02, i, label("progress_status", str(state), lang), va="center", fontsize=8)
        axis.set_xticks([])
        axis.invert_yaxis()
        axis.set_title(t("synthesis.progress_title", lang))
        page.tight_layout()
        document.savefig(page)
        plt.close(page)
        # 4. need and reach
        need = summary.tables["need"]
        withheld = need["hidden"].fillna("").astype(str) != ""
        page, axis = plt.subplots(figsize=(11.69, 8.27))
        coverage = [
            math.nan if h or not p or pd.isna(r) else 100 * float(r) / float(p)
            for p, r, h in zip(need["pupils"], need["reached"], withheld, strict=True)
        ]
        axis.barh(list(need["place"]), coverage, color="#4c78a8")
        axis.set_xlim(0, 110)
        _mark_hidden_bars(axis, {i: [] for i, h in enumerate(withheld) if h}, lang)
        axis.set_xlabel(t("coordination.coverage_axis", lang))
        axis.set_title(t("coordination.need", lang))
        axis.invert_yaxis()
        page.tight_layout()
        document.savefig(page)
        plt.close(page)
        # 5. synchronisation of the alliance
        sync = summary.tables["sync"]
        page, axis = plt.subplots(figsize=(11.69, 8.27))
        axis.plot(list(sync["period"]), (100 * sync["completeness"]).tolist(), marker="o")
        axis.plot(list(sync["period"]), (100 * sync["timeliness"]).tolist(), marker="s")
        axis.set_ylim(0, 105)
        axis.legend([t("synthesis.completeness", lang), t("synthesis.timeliness", lang)])
        if "hidden" in sync:
            hidden = sync["hidden"].fillna("").astype(str) != ""
            _mark_hidden_periods(axis, [i for i, h in enumerate(hidden) if h], lang)
        axis.set_title(t("synthesis.sync_title", lang))
        page.tight_layout()
        document.savefig(page)
        plt.close(page)
    return out.getvalue()


def _mark_hidden_bars(axis: Any, rows: dict[int, list[str]], lang: str) -> None:
    """On a horizontal bar chart, each row (its position) whose figure is withheld: a grey
    hatched band across the whole axis with « masqué » (and what is hidden there)."""
    right = axis.get_xlim()[1]
    word = t("synthesis.hidden", lang)
    for position, names in rows.items():
        axis.barh(
            position, right, height=0.8, color="none", edgecolor=HIDDEN_GREY, hatch="//", lw=0.8
        )
        text = f"{word} : {', '.join(names)}" if names else word
        axis.text(right / 2, position, text, ha="center", va="center", color="#555555")


def _mark_hidden_periods(axis: Any, positions: list[int], lang: str) -> None:
    """On a chart over periods, each period whose figures are withheld: a grey hatched band
    from bottom to top with « masqué »."""
    word = t("synthesis.hidden", lang)
    top = axis.get_ylim()[1]
    for position in positions:
        axis.axvspan(
            position - 0.35, position + 0.35, facecolor="none", edgecolor=HIDDEN_GREY, hatch="//"
        )
        axis.text(position, top / 2, word, ha="center", va="center", rotation=90, color="#555555")


def scope_line(summary: Summary, lang: str) -> str:
    when = (
        t("synthesis.published_on", lang, when=f"{summary.published_at:%d/%m/%Y}")
        if summary.published_at
        else t("synthesis.preview", lang)
    )
    scope = t("progress.whole", lang) if summary.scope == "*" else summary.scope
    return f"{summary.year} · {scope} · {when}"


def page_count(data: bytes) -> int:
    """The number of pages of a PDF (its /Type /Page objects)."""
    import re

    return len(re.findall(rb"/Type\s*/Page\b", data))
