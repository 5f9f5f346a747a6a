"""The common indicator catalogue as pages and exports see it, and its search."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd

from indicators.access.viewer import Viewer, require
from indicators.common.i18n import label, t
from indicators.common.text import normalise
from indicators.store.database import Store


def indicator_table(store: Store, viewer: Viewer) -> pd.DataFrame:
    """One row per current indicator, with its full reference sheet in `sheet` (a dict)."""
    require(viewer, "catalogue")
    table = store.query("indicators")
    table["sheet"] = table["sheet"].map(json.loads)
    return table


def indicator_history(store: Store, viewer: Viewer, code: str) -> pd.DataFrame:
    """One row per version of one indicator, oldest first."""
    require(viewer, "catalogue")
    return store.query("indicator_history", code=code)


def version_breaks(store: Store, viewer: Viewer, code: str) -> pd.DataFrame:
    """Where an indicator's definition changed: one row per version after its first, oldest
    first, with the day it came into force and the reason given when it was saved (columns
    version, valid_from, reason). Values keep the version they were reported under: a curve
    crossing a break compares figures of two definitions."""
    history = indicator_history(store, viewer, code)
    return history.iloc[1:][["version", "valid_from", "reason"]].reset_index(drop=True)


def school_table(store: Store, viewer: Viewer) -> pd.DataFrame:
    """Every school of the initiative as the shared plan names it: its territory, UAI,
    priority-education status (REP+, REP, none), the QPV it serves, its commune and its pupils
    (the sum of its enrolment by grade, empty where unknown)."""
    require(viewer, "catalogue")
    schools = store.query("schools")
    pupils = store.query("enrolment").groupby("school", as_index=False)["pupils"].sum()
    return schools.merge(pupils, on="school", how="left")


def _haystack(row: pd.Series) -> tuple[str, str, str]:
    sheet: dict[str, Any] = row["sheet"]
    code = normalise(row["code"])
    labels = normalise(" ".join([sheet["label_fr"], sheet["label_en"], *sheet["aliases"]]))
    rest = normalise(
        " ".join(
            [
                sheet["definition_fr"],
                sheet["definition_en"],
                str(row.get("node_label_fr") or ""),
                str(row.get("node_label_en") or ""),
                sheet["node"],
            ]
        )
    )
    return code, labels, rest


def search_indicators(
    table: pd.DataFrame,
    query: str = "",
    levels: list[str] | None = None,
    types: list[str] | None = None,
) -> pd.DataFrame:
    """Rows of `table` whose text holds every word of `query`, best matches first.

    Words match codes, labels in both languages, aliases, definitions and the node, whatever
    the case and accents. A code or label match ranks above a match in the definition.
    """
    rows = table
    if levels:
        rows = rows[rows["level"].isin(levels)]
    if types:
        rows = rows[rows["type"].isin(types)]
    words = normalise(query).split()
    if not words or rows.empty:
        return rows
    scores = []
    for _, row in rows.iterrows():
        code, labels, rest = _haystack(row)
        everything = f"{code} {labels} {rest}"
        if not all(word in everything for word in words):
            scores.append(-1)
            continue
        scores.append(sum(3 if word in code else 2 if word in labels else 1 for word in words))
    ranked = rows.assign(_score=scores)
    ranked = ranked[ranked["_score"] >= 0]
    return ranked.sort_values("_score", ascending=False, kind="stable").drop(columns="_score")


def sheet_facts(
    row: pd.Series, lang: str, dimensions: Callable[[str], str] = str
) -> list[tuple[str, str]]:
    """The fields of one reference sheet as (label, value) lines in `lang`, for display or export;
    `dimensions` gives the words for a breakdown dimension."""
    sheet: dict[str, Any] = row["sheet"]
    dedup = sheet["deduplication"]
    note = dedup[f"note_{lang}"]
    facts = [
        ("sheet.node", f"{row[f'node_label_{lang}']} ({label('level', row['level'], lang)})"),
        ("sheet.type", label("type", sheet["type"], lang)),
        ("sheet.unit", label("unit", sheet["unit"], lang)),
        ("sheet.polarity", label("polarity", sheet["polarity"], lang)),
        ("sheet.frequency", label("frequency", sheet["frequency"], lang)),
        ("sheet.range", f"{sheet['range_min']:g} – {sheet['range_max']:g}"),
    ]
    if sheet["numerator_fr"]:
        facts += [
            ("sheet.numerator", sheet[f"numerator_{lang}"]),
            ("sheet.denominator", sheet[f"denominator_{lang}"]),
        ]
    facts += [
        ("sheet.aggregation_time", label("aggregation", sheet["aggregation_time"], lang)),
        ("sheet.aggregation_space", label("aggregation", sheet["aggregation_space"], lang)),
        (
            "sheet.deduplication",
            label("deduplication", dedup["rule"], lang) + (f" — {note}" if note else ""),
        ),
        ("sheet.disaggregations", ", ".join(map(dimensions, sheet["disaggregations"])) or "—"),
        ("sheet.source", sheet[f"source_{lang}"]),
        ("sheet.aliases", ", ".join(f"« {a} »" for a in sheet["aliases"]) or "—"),
    ]
    return [(t(key, lang), value) for key, value in facts]
