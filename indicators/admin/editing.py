"""Editing the definition's tables as rows: what changed, whether the result holds, saving it.

An edit never goes around the definition's rules: the edited rows are written as the CSV file
they belong to, beside the other files of the store's definition, and read by the loader of
`data/` (`read_definition`), so an edit gets exactly the problems (codes, messages, hints) the
file would. Nothing is saved while one error remains; a save is one transaction, audited with
its differences and its reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.analytics.catalogue import indicator_history
from indicators.common.problems import DefinitionProblem, RefusedInputError
from indicators.definition.loading import CSV_COLUMNS, FILES
from indicators.definition.model import Definition, Indicator
from indicators.definition.writing import (
    TABLES,
    THEORY_COLUMNS,
    Row,
    csv_text,
    documents,
    files,
    read_files,
    rows,
    theory_rows,
    theory_text,
    yaml_text,
)
from indicators.store.database import LoadSummary, Store, definition_hash, indicator_sheet
from indicators.store.stored import stored_definition

KEYS: dict[str, tuple[str, ...]] = {
    "places": ("code",),
    "organisations": ("code",),
    "commitments": ("id",),
    "periods": ("code",),
    "targets": ("indicator", "place", "period", "kind"),
    "nodes": ("code",),
    "links": ("from", "to"),
    "attachments": ("indicator",),  # the node each indicator measures
    "indicators": ("code",),
}
ATTACHMENT_COLUMNS = ["indicator", "node"]
KINDS = ("added", "changed", "removed")


@dataclass(frozen=True)
class Change:
    """One row added, changed or removed in one table."""

    table: str
    kind: str  # added, changed, removed
    key: str  # the row's key as people read it: "C0042", "jeunes-touches · * · 2025-2026 · target"
    before: Row | None
    after: Row | None

    @property
    def fields(self) -> tuple[str, ...]:
        """The columns whose text differs (all of them for an added or removed row)."""
        if self.before is None or self.after is None:
            return tuple(self.after or self.before or {})
        return tuple(c for c in self.after if self.before.get(c) != self.after[c])


@dataclass
class Proposal:
    """Edited tables, their differences with the store's definition, and their problems."""

    changes: list[Change]
    problems: list[DefinitionProblem]
    definition: Definition | None
    tables: dict[str, list[Row]] = field(default_factory=dict)
    valid_from: dt.datetime | None = None  # when a new version of an indicator starts

    @property
    def errors(self) -> list[DefinitionProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ready(self) -> bool:
        """True when there is something to save and nothing stops it."""
        return bool(self.changes) and not self.errors and self.definition is not None

    def counts(self) -> dict[str, int]:
        return {kind: sum(c.kind == kind for c in self.changes) for kind in KINDS}


def tables(store: Store, viewer: Viewer) -> dict[str, pd.DataFrame]:
    """The definition's tables as the store holds them, one frame of text per table."""
    require_role(viewer, "evaluator")
    return {
        table: pd.DataFrame(table_rows, columns=CSV_COLUMNS[table], dtype="string")
        for table, table_rows in rows(stored_definition(store)).items()
    }


# Columns holding a number: written "9 800" or "62,5" in a French table, "9800" and "62.5"
# in the files.
NUMBER_COLUMNS = {"value", "targeted", "pupils_6e", "pupils_5e", "pupils_4e", "pupils_3e"}
NUMBER_COLUMNS |= {"range_min", "range_max"}
_FRENCH_NUMBER = re.compile(r"^-?\d{1,3}([ \u00a0\u202f]?\d{3})*(,\d+)?$")


def normalise_rows(
    table: str,
    frame: pd.DataFrame | Iterable[Mapping[str, object]],
    columns: Sequence[str] | None = None,
) -> list[Row]:
    """Rows of text in the table's columns: missing cells and NaN as '', numbers without a
    trailing '.0' (and written the French way "9 800" or "62,5" read as the files write
    them), lists of choices joined by ';', dates as ISO dates, every cell trimmed; rows left
    entirely empty dropped."""
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else list(frame)
    out: list[Row] = []
    for record in records:
        row = {
            column: _field_text(column, record.get(column))
            for column in columns or CSV_COLUMNS[table]
        }
        if any(row.values()):
            out.append(row)
    return out


def number_text(text: str) -> str:
    """A number as the files write it ("9800", "62.5") from the way French writes it
    ("9 800", "62,5"); any other text as it is (the loader says what is wrong with it)."""
    if not _FRENCH_NUMBER.match(text):
        return text
    return re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")


def _field_text(name: str, value: object) -> str:
    """A field as the files write it (a number without its French spaces and comma)."""
    return number_text(_text(value)) if name in NUMBER_COLUMNS else _text(value)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "tolist"):  # a numpy array (several choices) or scalar from an editor
        value = value.tolist()
    if isinstance(value, list | tuple):  # several choices: a ';'-list in the files
        return ";".join(text for text in (_text(v) for v in value) if text)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return str(value.isoformat())[:10]
    return str(value).strip()


def key_of(table: str, row: Mapping[str, str]) -> str:
    return " · ".join(row[k] for k in KEYS[table])


def differences(table: str, before: Sequence[Row], after: Sequence[Row]) -> list[Change]:
    """Rows added, changed and removed, by the table's key, in the order of `after` then the
    removed ones in the order of `before`."""
    old = {key_of(table, r): r for r in before}
    new = {key_of(table, r): r for r in after}
    changes = []
    for key, row in new.items():
        if key not in old:
            changes.append(Change(table, "added", key, None, row))
        elif old[key] != row:
            changes.append(Change(table, "changed", key, old[key], row))
    changes += [Change(table, "removed", k, r, None) for k, r in old.items() if k not in new]
    return changes


def propose(
    store: Store,
    viewer: Viewer,
    edited: Mapping[str, pd.DataFrame | Iterable[Mapping[str, object]]],
    catalogue: Iterable[Mapping[str, object]] | None = None,
    valid_from: dt.date | None = None,
) -> Proposal:
    """What saving these edited tables would change, and every problem it would have
    (the definition's own rules, codes and messages). Nothing is written.

    `catalogue`: the indicator catalogue edited as rows (`catalogue_rows`): a changed row
    corrects its indicator, or makes a new version in force from `valid_from` when what it
    measures changed; a row with a new code adds an indicator. An indicator left out of the
    rows stays as it is (values refer to it: it is never removed)."""
    require_role(viewer, "evaluator")
    unknown = set(edited) - set(TABLES)
    if unknown:
        raise ValueError(sorted(unknown))
    current = stored_definition(store)
    current_rows = rows(current)
    texts = dict(store.definition_files() or files(current))
    new_tables = {table: normalise_rows(table, frame) for table, frame in edited.items()}
    for table, table_rows in new_tables.items():
        texts[FILES[table]] = csv_text(table, table_rows)
    changes = [
        change
        for table, table_rows in new_tables.items()
        for change in differences(table, current_rows[table], table_rows)
    ]
    problems: list[DefinitionProblem] = []
    if not changes and catalogue is None:
        # nothing edited: nothing to read again (at 10 M observations' scale, the definition
        # read from its files costs 2 s, and the page proposes each of its tables on every run)
        return Proposal([], [], current, new_tables)
    start = None
    if catalogue is not None:
        edited_catalogue = _catalogue_edits(current, catalogue)
        changes += edited_catalogue.changes
        problems += edited_catalogue.problems
        texts[FILES["indicators"]] = edited_catalogue.text
        if edited_catalogue.new_versions:
            start = _version_start(store, valid_from)
            for indicator in edited_catalogue.new_versions:
                problems += _too_early(store, viewer, indicator, start)
    definition, read_problems = read_files(texts)
    return Proposal(changes, problems + read_problems, definition, new_tables, start)


def catalogue_rows(store: Store, viewer: Viewer) -> list[Row]:
    """The indicator catalogue as rows of text (lists joined by ';'), one per indicator in
    its current version: what the Excel round trip writes and reads back."""
    require_role(viewer, "evaluator")
    return [{"code": i.code, **indicator_row(i)} for i in stored_definition(store).indicators]


@dataclass(frozen=True)
class _CatalogueEdits:
    changes: list[Change]
    problems: list[DefinitionProblem]
    text: str  # indicators.yaml as edited
    new_versions: list[Indicator]


def _catalogue_edits(
    current: Definition, edited: Iterable[Mapping[str, object]]
) -> _CatalogueEdits:
    old = {i.code: i for i in current.indicators}
    indicators = list(current.indicators)
    changes: list[Change] = []
    problems: list[DefinitionProblem] = []
    added: list[Row] = []
    new_versions: list[Indicator] = []
    for record in edited:
        row = {k: _field_text(k, v) for k, v in record.items() if k in CATALOGUE_COLUMNS}
        code = row.get("code", "")
        if not any(v for k, v in row.items() if k != "version"):
            continue  # an empty row
        if code in old:
            new, before, after, found = _edited(old[code], row)
            problems += found
            if after != before:
                changes.append(Change("indicators", "changed", code, before, after))
                indicators[indicators.index(old[code])] = new
                if new.version != old[code].version:
                    new_versions.append(new)
        else:
            fresh = new_indicator_row(code) | {
                k: v for k, v in row.items() if k in INDICATOR_FIELDS and v
            }
            added.append(fresh)
            changes.append(Change("indicators", "added", code, None, fresh))
    catalogue = documents(dataclasses.replace(current, indicators=tuple(indicators)))["indicators"]
    catalogue["indicators"] += [_sheet_entry(row) for row in added]
    return _CatalogueEdits(changes, problems, yaml_text(catalogue), new_versions)


def save(store: Store, viewer: Viewer, proposal: Proposal, reason: str) -> LoadSummary:
    """Save a ready proposal as the store's definition: one transaction, audited with its
    differences and its reason. RefusedInputError when it is not ready or has no reason."""
    require_role(viewer, "evaluator")
    if not proposal.changes:
        raise RefusedInputError(
            "nothing-changed", "Aucune modification à enregistrer.", "Nothing to save."
        )
    if proposal.errors or proposal.definition is None:
        raise RefusedInputError(
            "definition-has-errors",
            f"{len(proposal.errors)} erreur(s) à corriger avant d'enregistrer.",
            f"{len(proposal.errors)} error(s) to fix before saving.",
        )
    if not reason.strip():
        raise RefusedInputError(
            "reason-missing",
            "Dites en une phrase pourquoi vous modifiez la définition (elle est gardée au journal).",
            "Say in one sentence why you change the definition (it is kept in the audit log).",
        )
    return store.save_definition(
        proposal.definition,
        actor=viewer.username,
        reason=reason.strip(),
        action="definition.edit",
        valid_from=proposal.valid_from,
        changes=[
            {"table": c.table, "kind": c.kind, "key": c.key, "fields": list(c.fields)}
            for c in proposal.changes
        ],
    )


INDICATOR_FIELDS = (
    "label_fr",
    "label_en",
    "definition_fr",
    "definition_en",
    "node",
    "type",
    "unit",
    "polarity",
    "aggregation_time",
    "aggregation_space",
    "deduplication_rule",
    "frequency",
    "range_min",
    "range_max",
    "source_fr",
    "source_en",
    "numerator_fr",
    "numerator_en",
    "denominator_fr",
    "denominator_en",
    "disaggregations",
    "aliases",
)
CATALOGUE_COLUMNS = ["code", "version", *INDICATOR_FIELDS]  # the catalogue as rows


def indicator_row(indicator: Indicator) -> Row:
    """An indicator's editable fields as text (lists joined by ';')."""
    row: Row = {"version": str(indicator.version)}
    for name in INDICATOR_FIELDS:
        if name == "deduplication_rule":
            value: object = indicator.deduplication.rule
        else:
            value = getattr(indicator, name)
        if isinstance(value, tuple):
            value = ";".join(value)
        elif isinstance(value, float) and value == int(value):
            value = int(value)
        row[name] = str(value)
    return row


def propose_indicator(
    store: Store,
    viewer: Viewer,
    code: str,
    edits: Mapping[str, object],
    valid_from: dt.date | None = None,
) -> Proposal:
    """What changing an indicator's fields would do. A change of what it measures (its
    type, unit, rules, numerator, denominator, breakdowns...) makes a new version in force from
    `valid_from` (values already received keep the version they were reported under); labels,
    aliases, range and source are corrected on the current version. The indicator catalogue is
    then read by the loader of data/, so an edit gets the files' own problems."""
    require_role(viewer, "evaluator")
    current = stored_definition(store)
    old = next((i for i in current.indicators if i.code == code), None)
    if old is None:
        raise RefusedInputError(
            "unknown-indicator",
            f"Indicateur inconnu : « {code} ».",
            f"Unknown indicator: '{code}'.",
        )
    new, before, after, problems = _edited(old, edits)
    indicators = tuple(new if i.code == code else i for i in current.indicators)
    texts = dict(files(dataclasses.replace(current, indicators=indicators)))
    definition, read_problems = read_files(texts)
    changes = [] if after == before else [Change("indicators", "changed", code, before, after)]
    start = None
    if new.version != old.version:
        start = _version_start(store, valid_from)
        problems += _too_early(store, viewer, new, start)
    return Proposal(changes, problems + read_problems, definition, {}, start)


def _edited(
    old: Indicator, edits: Mapping[str, object]
) -> tuple[Indicator, Row, Row, list[DefinitionProblem]]:
    """The indicator with `edits` applied to its fields (a new version when what it measures
    changed), its row before and after, and the problems of the edited numbers."""
    code = old.code
    before = indicator_row(old)
    after = dict(before)
    after.update({k: _field_text(k, v) for k, v in edits.items() if k in INDICATOR_FIELDS})
    fields = {k: after[k] for k in INDICATOR_FIELDS}
    lists = {
        k: tuple(x.strip() for x in fields.pop(k).split(";") if x.strip())
        for k in ("disaggregations", "aliases")
    }
    rule = fields.pop("deduplication_rule")
    numbers = {}
    problems: list[DefinitionProblem] = []
    for name in ("range_min", "range_max"):
        try:
            numbers[name] = float(fields.pop(name).replace(",", "."))
        except ValueError:
            numbers[name] = math.nan
            problems.append(
                DefinitionProblem(
                    "not-a-number",
                    FILES["indicators"],
                    None,
                    code,
                    {"field": name, "value": after[name]},
                )
            )
    replaced: dict[str, Any] = {
        **fields,
        **lists,
        **numbers,
        "deduplication": dataclasses.replace(old.deduplication, rule=rule),
    }
    new = dataclasses.replace(old, **replaced)
    if _measures_differently(old, new):
        new = dataclasses.replace(new, version=old.version + 1)
        after["version"] = str(new.version)
    return new, before, after, problems


def _version_start(store: Store, valid_from: dt.date | None) -> dt.datetime:
    """When a new version saved now with `valid_from` (default today) is in force."""
    now = store.clock()
    day = valid_from or now.date()
    return now if day == now.date() else dt.datetime.combine(day, dt.time())


def _too_early(
    store: Store, viewer: Viewer, new: Indicator, start: dt.datetime
) -> list[DefinitionProblem]:
    since = indicator_history(store, viewer, new.code)["valid_from"].iloc[-1]
    if start > since:
        return []
    fields = {
        "value": new.code,
        "version": new.version,
        "date": f"{start:%d/%m/%Y}",
        "since": f"{since:%d/%m/%Y}",
    }
    return [
        DefinitionProblem("version-starts-too-early", FILES["indicators"], None, new.code, fields)
    ]


def _measures_differently(old: Indicator, new: Indicator) -> bool:
    return definition_hash(indicator_sheet(old)) != definition_hash(indicator_sheet(new))


# -- the theory of change: nodes, links, and the node each indicator measures --------------------

THEORY_TABLES = ("nodes", "links", "attachments")
COLUMNS: dict[str, list[str]] = {**THEORY_COLUMNS, "attachments": ATTACHMENT_COLUMNS}


def _theory_rows(definition: Definition) -> dict[str, list[Row]]:
    return {
        **theory_rows(definition),
        "attachments": [{"indicator": i.code, "node": i.node} for i in definition.indicators],
    }


def theory_tables(store: Store, viewer: Viewer) -> dict[str, pd.DataFrame]:
    """The theory of change as the store holds it, as three frames of text: its nodes, its
    links (from, to), and the node each indicator measures (attachments)."""
    require_role(viewer, "evaluator")
    return {
        name: pd.DataFrame(table_rows, columns=COLUMNS[name], dtype="string")
        for name, table_rows in _theory_rows(stored_definition(store)).items()
    }


def propose_theory(
    store: Store,
    viewer: Viewer,
    edited: Mapping[str, pd.DataFrame | Iterable[Mapping[str, object]]],
) -> Proposal:
    """What saving an edited theory of change would change (any of its nodes, links and
    attachments), and every problem it would have: the nodes and links are written as
    theory_of_change.yaml and the attachments as the indicators' `node`, then read by the
    loader of data/ (unknown node, a link going down a level, a cycle, an action type or an
    indicator left pointing at a removed node...). Nothing is written."""
    require_role(viewer, "evaluator")
    unknown = set(edited) - set(THEORY_TABLES)
    if unknown:
        raise ValueError(sorted(unknown))
    current = stored_definition(store)
    before = _theory_rows(current)
    new = {
        name: normalise_rows(name, edited[name], COLUMNS[name]) if name in edited else before[name]
        for name in THEORY_TABLES
    }
    problems: list[DefinitionProblem] = []
    measured = {row["indicator"]: row["node"] for row in new["attachments"]}
    known = {i.code for i in current.indicators}
    for code in measured.keys() - known:
        problems.append(
            DefinitionProblem("unknown-indicator", FILES["indicators"], None, code, {"value": code})
        )
    indicators = tuple(
        dataclasses.replace(i, node=measured.get(i.code, i.node)) for i in current.indicators
    )
    new["attachments"] = [{"indicator": i.code, "node": i.node} for i in indicators]
    changes = [
        change for name in THEORY_TABLES for change in differences(name, before[name], new[name])
    ]
    if not changes and not problems:  # nothing edited: nothing to read again (see `propose`)
        return Proposal([], [], current)
    texts = dict(store.definition_files() or files(current))
    texts[FILES["theory"]] = theory_text(new["nodes"], new["links"])
    texts[FILES["indicators"]] = yaml_text(
        documents(dataclasses.replace(current, indicators=indicators))["indicators"]
    )
    definition, read_problems = read_files(texts)
    return Proposal(changes, problems + read_problems, definition)


# -- a new indicator ------------------------------------------------------------------------------


def new_indicator_row(code: str = "") -> Row:
    """The fields of a new indicator's sheet, as text, with the usual choices filled in."""
    row: Row = {"code": code, "version": "1"}
    row |= {name: "" for name in INDICATOR_FIELDS}
    row |= {
        "type": "count",
        "unit": "person",
        "polarity": "higher_is_better",
        "aggregation_time": "sum",
        "aggregation_space": "sum",
        "deduplication_rule": "none",
        "frequency": "school_year",
        "range_min": "0",
        "range_max": "100000",
    }
    return row


def _number_or_text(text: str) -> object:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text  # the loader says it is not a number


def _sheet_entry(row: Row) -> dict[str, Any]:
    """A reference sheet as indicators.yaml holds it, from its fields as text."""

    def items(name: str) -> list[str]:
        return [x.strip() for x in row[name].split(";") if x.strip()]

    entry: dict[str, Any] = {"code": row["code"], "version": 1}
    entry |= {
        name: row[name]
        for name in ("label_fr", "label_en", "definition_fr", "definition_en", "node")
    }
    entry |= {name: row[name] for name in ("type", "unit", "polarity")}
    entry["aggregation"] = {"time": row["aggregation_time"], "space": row["aggregation_space"]}
    entry["deduplication"] = {"rule": row["deduplication_rule"], "note_fr": "", "note_en": ""}
    entry["frequency"] = row["frequency"]
    entry["range"] = {
        "min": _number_or_text(row["range_min"]),
        "max": _number_or_text(row["range_max"]),
    }
    entry |= {"source_fr": row["source_fr"], "source_en": row["source_en"]}
    for name in ("numerator_fr", "numerator_en", "denominator_fr", "denominator_en"):
        if row[name]:
            entry[name] = row[name]
    for name in ("disaggregations", "aliases"):
        if items(name):
            entry[name] = items(name)
    return entry


def propose_new_indicator(store: Store, viewer: Viewer, fields: Mapping[str, object]) -> Proposal:
    """What adding an indicator to the catalogue would do (its first version, in force from
    the save), and every problem its sheet would have: it is added to indicators.yaml and read
    by the loader of data/ (a code already taken, a missing field, an unknown node, a rate
    without denominator...). Nothing is written."""
    require_role(viewer, "evaluator")
    current = stored_definition(store)
    row = new_indicator_row()
    row |= {k: _field_text(k, v) for k, v in fields.items() if k in row and k != "version"}
    catalogue = documents(current)["indicators"]
    catalogue["indicators"].append(_sheet_entry(row))
    texts = dict(store.definition_files() or files(current))
    texts[FILES["indicators"]] = yaml_text(catalogue)
    definition, problems = read_files(texts)
    return Proposal([Change("indicators", "added", row["code"], None, row)], problems, definition)
