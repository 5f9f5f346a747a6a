"""The definition's tables as a backbone team reads them: each column headed in words, the
codes of closed lists and of other entries shown by their labels and names, numbers and
dates written the French way.

Nothing here changes what is edited: the frames keep the files' own columns and codes
(data/README.md), so `editing` reads them back as before. A `Column` says how one column is
shown: its header, whether it is a code a person types, a choice among codes (one or
several) shown by their words, a number, a date, or text in English. The page turns each
into a Streamlit column configuration; `display` turns a table's text into the values those
columns show (lists for several choices, dates, French numbers), `editing.normalise_rows`
turns them back into the files' text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from indicators.admin.editing import CATALOGUE_COLUMNS, COLUMNS, Change
from indicators.common.i18n import label, t
from indicators.common.problems import HINTS, DefinitionProblem
from indicators.definition.loading import CSV_COLUMNS, FILES
from indicators.definition.model import (
    AGGREGATION_RULES,
    COMMITMENT_STATUSES,
    DEDUPLICATION_RULES,
    EDUCATION_PRIORITIES,
    FREQUENCIES,
    GRADES,
    INDICATOR_TYPES,
    LEVELS,
    ORGANISATION_TYPES,
    PERIOD_KINDS,
    PLACE_KINDS,
    POLARITIES,
    TARGET_KINDS,
    UNITS,
    WHOLE_INITIATIVE,
    Definition,
)
from indicators.definition.writing import Row

# How a column is shown (Column.kind).
TEXT, CODE, CHOICE, CHOICES, NUMBER, DATE, ENGLISH = (
    "text",
    "code",
    "choice",
    "choices",
    "number",
    "date",
    "english",
)
NUMBERS = {"value", "targeted", "pupils_6e", "pupils_5e", "pupils_4e", "pupils_3e"}
NUMBERS |= {"range_min", "range_max"}
DATES = {"start", "end", "due"}
LISTS = {"territories", "places", "grades", "sex", "periods", "indicators"}
# Columns a person types as codes (a new entry's identifier, an official code).
TYPED_CODES = {
    "places": {"code", "uai", "commune_insee", "qpv"},
    "organisations": {"code"},
    "commitments": {"id"},
    "periods": {"code"},
    "nodes": {"code"},
    "indicators": {"code"},
}
# The file each table is written to, and the tab that shows it (for problems).
TABS = {
    "places": "admin.tab.places",
    "organisations": "admin.tab.organisations",
    "commitments": "admin.tab.commitments",
    "periods": "admin.tab.periods",
    "targets": "admin.tab.targets",
    "nodes": "admin.tab.theory",
    "links": "admin.tab.theory",
    "attachments": "admin.tab.theory",
    "indicators": "admin.tab.indicators",
}
FILE_TABS = {
    FILES["places"]: "admin.tab.places",
    FILES["organisations"]: "admin.tab.organisations",
    FILES["commitments"]: "admin.tab.commitments",
    FILES["periods"]: "admin.tab.periods",
    FILES["targets"]: "admin.tab.targets",
    FILES["theory"]: "admin.tab.theory",
    FILES["indicators"]: "admin.tab.indicators",
}


@dataclass(frozen=True)
class Column:
    """How one column of a definition table is shown."""

    name: str  # the file's column
    header: str
    kind: str = TEXT
    options: tuple[str, ...] = ()  # the codes offered (CHOICE, CHOICES)
    words: Mapping[str, str] = field(default_factory=dict)  # code -> words shown

    def word(self, code: object) -> str:
        """The words shown for `code` (the code itself when it has none)."""
        return self.words.get(str(code), str(code))


def header(table: str, column: str, lang: str = "fr") -> str:
    """The words heading `column` of `table`."""
    key = f"admin.field.{table}.{column}"
    try:
        return t(key, lang)
    except KeyError:
        return t(f"admin.field.{column}", lang)


def _labelled(kind: str, codes: Iterable[str], lang: str) -> dict[str, str]:
    return {code: label(kind, code, lang) for code in codes}


def columns(
    table: str,
    definition: Definition,
    lang: str = "fr",
    more: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Column]:
    """How each column of `table` (a table of `editing`, `nodes`, `links`, `attachments` or
    `indicators` for an indicator's fields) is shown, the choices coming from `definition`
    (and `more`: {column: {code: words}} for entries of an edit not yet saved)."""
    english = lang == "en"
    places = {p.code: p.name for p in definition.places}
    territories = {p.code: p.name for p in definition.places if p.kind == "territory"}
    schools = {p.code: p.name for p in definition.places if p.kind == "school"}
    nodes = {n.code: n.label_en if english else n.label_fr for n in definition.nodes}
    activities = {
        n.code: n.label_en if english else n.label_fr
        for n in definition.nodes
        if n.level == "activity"
    }
    periods = {p.code: p.label_en if english else p.label_fr for p in definition.periods}
    years = {
        p.code: p.label_en if english else p.label_fr
        for p in definition.periods
        if p.kind == "school_year"
    }
    indicators = {i.code: i.label_en if english else i.label_fr for i in definition.indicators}
    grade = next((d for d in definition.dimensions if d.code == "grade"), None)
    grades = {g: g for g in GRADES}
    if grade is not None:
        grades |= {c.code: c.label_en if english else c.label_fr for c in grade.categories}
    dimensions = {d.code: d.label_en if english else d.label_fr for d in definition.dimensions}
    choices: dict[str, dict[str, dict[str, str]]] = {
        "places": {
            "kind": _labelled("place_kind", PLACE_KINDS, lang),
            "parent": territories,
            "education_priority": _labelled("education_priority", EDUCATION_PRIORITIES, lang),
        },
        "organisations": {
            "type": _labelled("organisation_type", ORGANISATION_TYPES, lang),
            "place": schools,
            "territories": territories,
        },
        "commitments": {
            "organisation": {o.code: o.name for o in definition.organisations},
            "action_type": activities,
            "node": nodes,
            "places": places,
            "grades": grades,
            "sex": _labelled("sex", ("F", "M"), lang),
            "periods": years,
            "status": _labelled("commitment_status", COMMITMENT_STATUSES, lang),
            "indicators": indicators,
        },
        "periods": {"kind": _labelled("period_kind", PERIOD_KINDS, lang), "parent": years},
        "targets": {
            "indicator": indicators,
            "place": {WHOLE_INITIATIVE: t("admin.whole_initiative", lang), **places},
            "period": periods,
            "kind": _labelled("target_kind", TARGET_KINDS, lang),
        },
        "nodes": {"level": _labelled("level", LEVELS, lang)},
        "links": {"from": nodes, "to": nodes},
        "attachments": {"indicator": indicators, "node": nodes},
        "indicators": {
            "node": nodes,
            "type": _labelled("type", INDICATOR_TYPES, lang),
            "unit": _labelled("unit", UNITS, lang),
            "polarity": _labelled("polarity", POLARITIES, lang),
            "aggregation_time": _labelled("aggregation", AGGREGATION_RULES, lang),
            "aggregation_space": _labelled("aggregation", AGGREGATION_RULES, lang),
            "deduplication_rule": _labelled("deduplication", DEDUPLICATION_RULES, lang),
            "frequency": _labelled("frequency", FREQUENCIES, lang),
            "disaggregations": dimensions,
        },
    }
    names = {**CSV_COLUMNS, **COLUMNS, "indicators": CATALOGUE_COLUMNS}[table]
    shown = []
    for name in names:
        words = choices.get(table, {}).get(name)
        if words is not None:
            words = {**words, **{c: w or c for c, w in (more or {}).get(name, {}).items() if c}}
            several = name in LISTS or name == "disaggregations"
            kind = CHOICES if several else CHOICE
            shown.append(Column(name, header(table, name, lang), kind, tuple(words), words))
        elif name in TYPED_CODES.get(table, set()):
            shown.append(Column(name, header(table, name, lang), CODE))
        elif name in NUMBERS:
            shown.append(Column(name, header(table, name, lang), NUMBER))
        elif name in DATES:
            shown.append(Column(name, header(table, name, lang), DATE))
        elif name.endswith("_en"):
            shown.append(Column(name, header(table, name, lang), ENGLISH))
        else:
            shown.append(Column(name, header(table, name, lang)))
    return shown


# -- values as shown, and back -------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def french_number(text: str, lang: str = "fr") -> str:
    """A number of a file ("9800", "62.5") as people write it in `lang` ("9 800", "62,5");
    any other text as it is."""
    if not _PLAIN_NUMBER.match(text):
        return text
    whole, _, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", " " if lang == "fr" else ",")
    if decimals:
        return f"{sign}{grouped}{',' if lang == 'fr' else '.'}{decimals}"
    return f"{sign}{grouped}"


def display(frame: pd.DataFrame, shown: Sequence[Column], lang: str = "fr") -> pd.DataFrame:
    """`frame` (the text of a definition table) with the values its columns show: lists for
    several choices, dates, numbers the way `lang` writes them."""
    out = frame.copy()
    for column in shown:
        if column.name not in out.columns:
            continue
        values = out[column.name].fillna("").astype(str)
        if column.kind == CHOICES:
            out[column.name] = pd.Series(
                [[x.strip() for x in v.split(";") if x.strip()] for v in values],
                index=out.index,
                dtype=object,
            )
        elif column.kind == DATE:
            out[column.name] = pd.Series([_date(v) for v in values], index=out.index, dtype=object)
        elif column.kind == NUMBER:
            out[column.name] = pd.Series(
                [french_number(v, lang) for v in values], index=out.index, dtype="string"
            )
    return out


def _date(text: str) -> dt.date | str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text  # the loader says what is wrong with it


def value_words(column: Column, text: str, lang: str = "fr") -> str:
    """A cell of a file (`text`) as `column` shows it, in words."""
    if not text:
        return ""
    if column.kind == CHOICES:
        return ", ".join(column.word(x.strip()) for x in text.split(";") if x.strip())
    if column.kind == CHOICE:
        return column.word(text)
    if column.kind == NUMBER:
        return french_number(text, lang)
    if column.kind == DATE:
        day = _date(text)
        if isinstance(day, dt.date):
            return f"{day:%d/%m/%Y}"
    return text


# -- what an edit changes, as people read it ------------------------------------------------------

# The column that names a row of each table, as people know it.
TITLES = {
    "places": ("name",),
    "organisations": ("name",),
    "commitments": ("id", "organisation"),
    "periods": ("label_fr",),
    "targets": ("indicator", "place", "period", "kind"),
    "nodes": ("label_fr",),
    "links": ("from", "to"),
    "attachments": ("indicator",),
    "indicators": ("label_fr",),
}


def row_title(table: str, row: Row, shown: Iterable[Column], lang: str = "fr") -> str:
    """The words naming a row: a place's name, a target's indicator, place, period and kind."""
    by_name = {c.name: c for c in shown}
    titles = list(TITLES.get(table, ()))
    if lang == "en":
        titles = [name.replace("_fr", "_en") if name.endswith("_fr") else name for name in titles]
    words = [value_words(by_name[n], row.get(n, ""), lang) for n in titles if n in by_name]
    words = [w for w in words if w]
    separator = " → " if table == "links" else " · "
    return separator.join(words) or " · ".join(v for v in row.values() if v)[:80]


def change_table(
    changes: Sequence[Change], definition: Definition, lang: str = "fr"
) -> pd.DataFrame:
    """One row per change, in words: what changed, in which table, which row (by its name),
    which columns, the values before and after."""
    shown = {table: columns(table, definition, lang) for table in {c.table for c in changes}}
    rows = []
    for change in changes:
        by_name = {c.name: c for c in shown[change.table]}
        row = change.after or change.before or {}
        fields = [
            by_name[f]
            for f in change.fields
            if f in by_name and (change.kind == "changed" or row.get(f))
        ]
        rows.append(
            {
                t("admin.column.kind", lang): t(f"admin.kind.{change.kind}", lang),
                t("admin.column.table", lang): t(TABS[change.table], lang),
                t("admin.column.key", lang): row_title(
                    change.table, row, shown[change.table], lang
                ),
                t("admin.column.fields", lang): ", ".join(f.header for f in fields),
                t("admin.column.before", lang): _values(change.before, fields, lang),
                t("admin.column.after", lang): _values(change.after, fields, lang),
            }
        )
    return pd.DataFrame(rows)


def _values(side: Row | None, fields: Sequence[Column], lang: str) -> str:
    if side is None:
        return ""
    return " · ".join(value_words(f, side.get(f.name, ""), lang) for f in fields)


def problem_text(problem: DefinitionProblem, lang: str = "fr") -> str:
    """A problem of an edit in the page's words: the tab instead of the file, the column's
    header instead of its name."""
    tab = FILE_TABS.get(problem.file)
    if tab is None:
        return problem.message(lang)
    table = next((k for k, v in TABS.items() if v == tab), "")
    details = dict(problem.details)
    names = CSV_COLUMNS.get(table) or COLUMNS.get(table, [])
    for key, value in details.items():
        if key in ("field", "before") and isinstance(value, str) and value in names:
            details[key] = header(table, value, lang)
        elif isinstance(value, dt.date) and lang != "en":
            details[key] = f"{value:%d/%m/%Y}"
    return dataclasses.replace(problem, file=t(tab, lang), line=None, details=details).message(lang)


def problem_hint(problem: DefinitionProblem, lang: str = "fr") -> str:
    """How to fix a problem of an edit: its own hint, or, where it has none but the files'
    general one (run « mesure check »), the page's."""
    if problem.code in HINTS:
        return problem.hint(lang)
    return t("admin.hint", lang)
