"""What changed between two submissions, as a page shows it: a sentence and a table in the
reader's language, numbers written the French way in French (decimal comma, thousands
spaced), each value with the file, sheet and cell it was read from."""

from __future__ import annotations

import math

import pandas as pd

from indicators.common.i18n import t
from indicators.ingest.changes import Changes
from indicators.views.curves import number


def _value(value: float, numerator: float, denominator: float, unit: str, lang: str) -> str:
    """A value as people read it, with its numerator and denominator when it has them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = number(value, unit, lang)
    if not (math.isnan(numerator) or math.isnan(denominator)):
        text += f" ({number(numerator, '', lang)} / {number(denominator, '', lang)})"
    return text


def _where(file: str, sheet: str, cell: str) -> str:
    return f"{file} · {sheet}!{cell}" if file else "—"


def summary(found: Changes, lang: str) -> str:
    """One sentence: how many values changed, were added and removed, against which file."""
    counts = found.counts()
    if not sum(counts.values()):
        return t("changes.none", lang)
    key = "changes.summary" if found.old else "changes.summary_first"
    return t(key, lang, **counts, file=found.old_file)


def table(found: Changes, lang: str) -> dict[str, list[str]]:
    """The changed values as {column title: texts}, changed ones first."""
    rows = found.rows.astype(object).where(found.rows.notna(), math.nan)
    en = lang == "en"

    def values(side: str) -> list[str]:
        return [
            _value(v, n, d, str(u), lang)
            for v, n, d, u in zip(
                rows[f"{side}_value"],
                rows[f"{side}_numerator"].astype(float),
                rows[f"{side}_denominator"].astype(float),
                rows["unit"],
                strict=True,
            )
        ]

    def where(side: str) -> list[str]:
        return [
            _where(str(f), str(s), str(c))
            for f, s, c in zip(
                rows[f"{side}_file"], rows[f"{side}_sheet"], rows[f"{side}_cell"], strict=True
            )
        ]

    return {
        t("changes.change", lang): [t(f"changes.kind.{k}", lang) for k in rows["change"]],
        t("column.indicator", lang): list(
            rows["indicator_label_en" if en else "indicator_label_fr"]
        ),
        t("column.place", lang): list(rows["place_name"]),
        t("column.period", lang): list(rows["period_label_en" if en else "period_label_fr"]),
        t("column.breakdown", lang): [str(b) or "—" for b in rows[f"breakdown_{lang}"]],
        t("changes.old", lang): values("old"),
        t("changes.new", lang): values("new"),
        t("changes.old_cell", lang): where("old"),
        t("changes.new_cell", lang): where("new"),
    }


def submission_names(frame: pd.DataFrame) -> dict[int, str]:
    """Each submission of `frame` (id, filename, uploaded_at) as a person recognises it: file,
    day and time."""
    return {
        int(i): f"{f} · {pd.Timestamp(at):%d/%m/%Y %H:%M}"
        for i, f, at in zip(frame["id"], frame["filename"], frame["uploaded_at"], strict=True)
    }


def since_choices(earlier: pd.DataFrame, lang: str) -> dict[int, str]:
    """What a submission can be compared with (`earlier`: changes.earlier_submissions), id ->
    words: 0 for the one just before it (the default, named), then the older ones; empty when
    there is none."""
    names = submission_names(earlier)
    ids = list(names)
    if not ids:
        return {}
    previous = t("changes.since_previous_named", lang, name=names[ids[0]])
    return {0: previous, **{i: names[i] for i in ids[1:]}}
