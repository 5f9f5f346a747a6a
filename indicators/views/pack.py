"""The funder pack: one workbook (a sheet per section and per indicator, the definitions, the
suppression note; safe against formula injection) and one PDF report with the charts, in
French or English, made from a published summary (or an evaluator's preview). Drawing only: `indicators.reports`
checks who asks, reads the catalogue and audits the download."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from indicators.access.suppression import TOTAL, small
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import label, t
from indicators.views.exports import hidden_note, xlsx_bytes


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
    return pd.DataFrame(
        {
            t("column.indicator", lang): table["indicator"].map(names),
            t("progress.actual", lang): [
                t("synthesis.hidden", lang) if h else _rounded(v)
                for v, h in zip(table["value"], table["hidden"].fillna(""), strict=True)
            ],
            t("progress.expected", lang): [_rounded(v) for v in table["expected"]],
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


def hidden_rows(
    frame: pd.DataFrame, columns: list[str], lang: str, headers: dict[str, str]
) -> pd.DataFrame:
    """`frame` as a sheet prints it: in each row withheld from funders (its `hidden` reason),
    the `columns` read « masqué » (never blank, never 0), the reason in words, and its columns
    named by `headers` (the frame's own names are codes: place, pupils, hidden...)."""
    out = frame.copy()
    if "hidden" in out:  # not in a summary published before its tables carried their protection
        reasons = out["hidden"].fillna("").astype(str)
        word = t("synthesis.hidden", lang)
        for column in columns:
            out[column] = [
                word if why else value for value, why in zip(out[column], reasons, strict=True)
            ]
        out["hidden"] = reasons.map(lambda code: hidden_note(code, lang))
    headers = {**headers, "hidden": t("synthesis.why_hidden", lang)}
    return out[[c for c in headers if c in out]].rename(columns=headers)


def need_rows(summary: Summary, lang: str) -> pd.DataFrame:
    """Pupils enrolled against young people reached, by place, with the coverage (%)."""
    need = summary.tables["need"].copy()
    pupils = pd.to_numeric(need["pupils"], errors="coerce")
    reached = pd.to_numeric(need["reached"], errors="coerce")
    need["coverage"] = (100 * reached / pupils.where(pupils > 0)).round(1)
    return hidden_rows(
        need,
        ["reached", "coverage"],
        lang,
        {
            "place": t("column.place", lang),
            "pupils": t("synthesis.pupils", lang),
            "reached": t("synthesis.reached", lang),
            "coverage": t("coordination.coverage_axis", lang),
        },
    )


def sync_rows(summary: Summary, lang: str) -> pd.DataFrame:
    """Reports expected, received and received on time by period, and the two rates (%)."""
    sync = summary.tables["sync"].copy()
    for rate in ("completeness", "timeliness"):
        sync[rate] = (100 * pd.to_numeric(sync[rate], errors="coerce")).round(1)
    return hidden_rows(
        sync,
        ["expected", "received", "on_time", "completeness", "timeliness"],
        lang,
        {
            "period": t("column.period", lang),
            "expected": t("column.expected", lang),
            "received": t("column.received", lang),
            "on_time": t("synthesis.on_time", lang),
            "completeness": t("synthesis.completeness_pct", lang),
            "timeliness": t("synthesis.timeliness_pct", lang),
        },
    )


def note(summary: Summary, lang: str) -> str:
    """Why cells are hidden, in words."""
    return t("synthesis.note", lang, threshold=summary.threshold, below=summary.threshold - 1)


# Excel refuses these in a sheet's name, and names longer than 31 characters
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_SHEET_LIMIT = 31
_SHORTER = {
    "fr": (
        ("Part des ", "% "),
        ("Taux de ", "Taux "),
        ("diplôme national du brevet", "DNB"),
        ("seconde générale et technologique", "2de GT"),
        ("départemental", "départ."),
        ("entreprise", "entr."),
    ),
    "en": (
        ("Share of ", "% "),
        ("diplôme national du brevet", "DNB"),
        ("general and technological", "gen. & tech."),
        ("département's", "départ."),
    ),
}
_SMALL_WORDS = {
    "fr": {
        "de",
        "des",
        "du",
        "d",
        "la",
        "le",
        "les",
        "l",
        "un",
        "une",
        "en",
        "au",
        "aux",
        "à",
        "et",
        "qui",
        "par",
        "sur",
        "dont",
        "est",
        "pour",
    },
    "en": {
        "of",
        "the",
        "a",
        "an",
        "in",
        "to",
        "at",
        "on",
        "and",
        "who",
        "whose",
        "with",
        "for",
        "by",
    },
}


def sheet_names(titles: list[str], lang: str) -> list[str]:
    """A sheet name for each of `titles`, as Excel accepts it (31 characters at most, none of
    []:*?/\\) and each different: a long title is abbreviated (usual abbreviations, then
    without its small words, then cut after a whole word with « … »), never cut mid-word."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        name = " ".join(str(title).translate(_SHEET_FORBIDDEN).split())
        if len(name) > _SHEET_LIMIT:
            for long, short in _SHORTER["en" if lang == "en" else "fr"]:
                name = name.replace(long, short)
        if len(name) > _SHEET_LIMIT:
            small_words = _SMALL_WORDS["en" if lang == "en" else "fr"]
            words = name.replace("'", "' ").replace("’", "’ ").split()
            kept = [w for w in words if w.rstrip("'’").lower() not in small_words]
            name = " ".join(kept)
        if len(name) > _SHEET_LIMIT:
            cut = name[: _SHEET_LIMIT - 1]
            if name[_SHEET_LIMIT - 1] != " ":  # not cut after a whole word: drop the piece
                cut = cut.rsplit(" ", 1)[0]
            name = f"{cut}…"
        unique, number = name, 2
        while unique.casefold() in taken:
            suffix = f" ({number})"
            unique = f"{name[: _SHEET_LIMIT - len(suffix)].rstrip()}{suffix}"
            number += 1
        taken.add(unique.casefold())
        names.append(unique)
    return names


def _rounded(value: Any) -> Any:
    """A figure as a workbook keeps it: one decimal at most (never 74.5098)."""
    if isinstance(value, float) and not math.isnan(value):
        return round(value, 1)
    return value


def sheet_of(sheet: Any) -> dict[str, Any]:
    """An indicator's reference sheet (the catalogue's `sheet` column: JSON text or a dict)."""
    if isinstance(sheet, dict):
        return sheet
    try:
        found = json.loads(str(sheet))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


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
        t("synthesis.sheet_need", lang): need_rows(summary, lang),
        t("synthesis.sheet_sync", lang): sync_rows(summary, lang),
    }
    catalogue = indicators.set_index("code")
    table = summary.tables["progress"].set_index("indicator")
    codes = [str(c) for c in table.index if c in catalogue.index]
    titles = sheet_names([*sheets, *(str(catalogue.loc[c, f"label_{lang}"]) for c in codes)], lang)[
        len(sheets) :
    ]
    for code, title in zip(codes, titles, strict=True):
        row = table.loc[code]
        sheets[title] = pd.DataFrame(
            {
                t("synthesis.field", lang): [
                    t("column.indicator", lang),
                    t("sheet.code", lang),
                    t("sheet.unit", lang),
                    t("progress.actual", lang),
                    t("progress.baseline", lang),
                    t("progress.expected", lang),
                    t("progress.forecast", lang),
                    t("progress.status", lang),
                ],
                t("column.number", lang): [
                    catalogue.loc[code, f"label_{lang}"],
                    code,
                    label("unit", str(catalogue.loc[code, "unit"]), lang),
                    t("synthesis.hidden", lang) if row["hidden"] else _rounded(row["value"]),
                    _rounded(row["baseline"]),
                    _rounded(row["expected"]),
                    _rounded(row["forecast"]),
                    label("progress_status", str(row["status"]), lang),
                ],
            }
        )
    definitions = indicators
    sheets_of = [sheet_of(s) for s in definitions.get("sheet", pd.Series([{}] * len(definitions)))]
    sheets[t("synthesis.sheet_definitions", lang)] = pd.DataFrame(
        {
            t("sheet.code", lang): definitions["code"],
            t("sheet.label", lang): definitions[f"label_{lang}"],
            t("sheet.definition", lang): [s.get(f"definition_{lang}", "") for s in sheets_of],
            t("sheet.unit", lang): definitions["unit"].map(lambda u: label("unit", u, lang)),
            t("sheet.numerator", lang): [s.get(f"numerator_{lang}", "") for s in sheets_of],
            t("sheet.denominator", lang): [s.get(f"denominator_{lang}", "") for s in sheets_of],
            t("sheet.aggregation_time", lang): definitions["aggregation_time"].map(
                lambda a: label("aggregation", a, lang)
            ),
            t("sheet.aggregation_space", lang): definitions["aggregation_space"].map(
                lambda a: label("aggregation", a, lang)
            ),
            t("sheet.deduplication", lang): definitions["deduplication_rule"].map(
                lambda d: label("deduplication", d, lang)
            ),
            t("sheet.source", lang): [s.get(f"source_{lang}", "") for s in sheets_of],
        }
    )
    sheets[t("synthesis.sheet_note", lang)] = pd.DataFrame(
        {t("synthesis.sheet_note", lang): [note(summary, lang)]}
    )
    return xlsx_bytes(sheets)


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
