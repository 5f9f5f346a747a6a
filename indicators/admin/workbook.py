"""The definition's tables through Excel: a workbook to edit offline (one sheet per table,
drop-downs for the closed lists and the codes), read back through the sandboxed reader, and
compared with the store's definition before anything is saved (`editing.propose`).

A sheet left out of the returned workbook leaves its table as it is: only the tables present
are proposed. The sheet Indicateurs holds the catalogue, one row per indicator: a changed row
corrects it, or makes a new version when what it measures changed; a new code adds one. Text a spreadsheet would run as a formula is written with a leading apostrophe
and read back without it, so a round trip without edits gives no difference.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.access.viewer import Viewer, require_role
from indicators.admin.editing import (
    CATALOGUE_COLUMNS,
    Proposal,
    catalogue_rows,
    normalise_rows,
    propose,
    tables,
)
from indicators.common.formula_guard import FORMULA_STARTS, safe_cell
from indicators.definition.loading import CSV_COLUMNS
from indicators.definition.model import (
    AGGREGATION_RULES,
    COMMITMENT_STATUSES,
    DEDUPLICATION_RULES,
    EDUCATION_PRIORITIES,
    FREQUENCIES,
    INDICATOR_TYPES,
    ORGANISATION_TYPES,
    PERIOD_KINDS,
    PLACE_KINDS,
    POLARITIES,
    TARGET_KINDS,
    UNITS,
)
from indicators.definition.writing import TABLES, Row
from indicators.ingest.reader import read_workbook
from indicators.store.database import Store
from indicators.store.stored import stored_definition

SHEETS = {
    "places": "Lieux",
    "organisations": "Organisations",
    "commitments": "Engagements",
    "periods": "Périodes",
    "targets": "Cibles",
}
CATALOGUE = "Indicateurs"  # the indicator catalogue, one row per indicator (lists joined by ';')
LISTS = "Listes"
NUMBERS = {"value", "targeted", "pupils_6e", "pupils_5e", "pupils_4e", "pupils_3e"}
DATES = {"start", "end", "due"}
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def workbook_bytes(store: Store, viewer: Viewer) -> bytes:
    """The definition's tables as a workbook to edit offline (audited as an export)."""
    require_role(viewer, "evaluator")
    definition = stored_definition(store)
    frames = tables(store, viewer)
    lists = {
        "kind_place": list(PLACE_KINDS),
        "education_priority": list(EDUCATION_PRIORITIES),
        "type": list(ORGANISATION_TYPES),
        "status": list(COMMITMENT_STATUSES),
        "kind_period": list(PERIOD_KINDS),
        "kind_target": list(TARGET_KINDS),
        "places": [p.code for p in definition.places],
        "territories": [p.code for p in definition.places if p.kind == "territory"],
        "schools": [p.code for p in definition.places if p.kind == "school"],
        "organisations": [o.code for o in definition.organisations],
        "nodes": [n.code for n in definition.nodes],
        "indicators": [i.code for i in definition.indicators],
        "periods": [p.code for p in definition.periods],
        "years": [p.code for p in definition.periods if p.kind == "school_year"],
        "target_places": ["*", *(p.code for p in definition.places)],
        "types": list(INDICATOR_TYPES),
        "units": list(UNITS),
        "polarities": list(POLARITIES),
        "aggregations": list(AGGREGATION_RULES),
        "deduplications": list(DEDUPLICATION_RULES),
        "frequencies": list(FREQUENCIES),
    }
    book = openpyxl.Workbook()
    list_sheet = book.worksheets[0]
    list_sheet.title = LISTS
    ranges: dict[str, str] = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        list_sheet.cell(row=1, column=col, value=name)
        for row, value in enumerate(values, start=2):
            list_sheet.cell(row=row, column=col, value=safe_cell(value))
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    list_sheet.sheet_state = "hidden"
    drops = {
        "places": {
            "kind": "kind_place",
            "parent": "territories",
            "education_priority": "education_priority",
        },
        "organisations": {"type": "type", "place": "schools"},
        "commitments": {"organisation": "organisations", "node": "nodes", "status": "status"},
        "periods": {"kind": "kind_period", "parent": "years"},
        "targets": {
            "indicator": "indicators",
            "place": "target_places",
            "period": "periods",
            "kind": "kind_target",
        },
    }
    for table in TABLES:
        frame = frames[table]
        _table_sheet(
            book, SHEETS[table], CSV_COLUMNS[table], frame.to_dict("records"), drops[table], ranges
        )
    catalogue_drops = {
        "node": "nodes",
        "type": "types",
        "unit": "units",
        "polarity": "polarities",
        "aggregation_time": "aggregations",
        "aggregation_space": "aggregations",
        "deduplication_rule": "deduplications",
        "frequency": "frequencies",
    }
    records = catalogue_rows(store, viewer)
    _table_sheet(book, CATALOGUE, CATALOGUE_COLUMNS, records, catalogue_drops, ranges)
    book.move_sheet(LISTS, offset=len(TABLES) + 1)
    out = io.BytesIO()
    book.save(out)
    store.audit(viewer.username, "export", "definition.xlsx")
    return out.getvalue()


def _table_sheet(
    book: openpyxl.Workbook,
    title: str,
    columns: list[str],
    records: Sequence[Mapping[Any, Any]],
    drops: dict[str, str],
    ranges: dict[str, str],
) -> None:
    """One table as a sheet: bold header, one row per record, drop-downs from the lists."""
    sheet = book.create_sheet(title)
    for col, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = max(12, len(column) + 4)
    for r, record in enumerate(records, start=2):
        for col, column in enumerate(columns, start=1):
            sheet.cell(row=r, column=col, value=_cell(column, str(record[column] or "")))
    last = max(len(records) + 200, 500)
    for column, list_name in drops.items():
        letter = get_column_letter(columns.index(column) + 1)
        check = DataValidation(type="list", formula1=f"={ranges[list_name]}", allow_blank=True)
        check.error = "Choisissez une valeur de la liste / pick a value from the list"
        check.showErrorMessage = True
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "A2"


def _cell(column: str, text: str) -> object:
    if not text:
        return None
    if column in NUMBERS:
        try:
            number = float(text)
        except ValueError:
            return safe_cell(text)
        return int(number) if number == int(number) else number
    if column in DATES:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return safe_cell(text)
    return safe_cell(text)


def _unguarded(value: object) -> object:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def read_tables(path: Path, name: str) -> tuple[dict[str, list[Row]], list[str]]:
    """The tables found in an edited workbook, and notes on what was left aside (a sheet
    without its header row). Raises UnreadableFileError for a file that cannot be read."""
    workbook = read_workbook(path, name)
    by_name = {sheet.name.strip().casefold(): sheet for sheet in workbook.sheets}
    found: dict[str, list[Row]] = {}
    notes: list[str] = []
    every = {table: (title, CSV_COLUMNS[table]) for table, title in SHEETS.items()}
    every["indicators"] = (CATALOGUE, CATALOGUE_COLUMNS)
    for table, (title, columns) in every.items():
        sheet = by_name.get(title.casefold()) or by_name.get(table)
        if sheet is None:
            continue
        grid = sheet.rows
        header_at = next(
            (
                i
                for i, row in enumerate(grid[:10])
                if {str(v).strip() for v in row if v is not None} >= set(columns)
            ),
            None,
        )
        if header_at is None:
            notes.append(
                f"Feuille « {sheet.name} » : ligne d'en-tête introuvable (colonnes attendues :"
                f" {', '.join(columns)}) ; feuille laissée de côté."
            )
            continue
        header = [str(v).strip() if v is not None else "" for v in grid[header_at]]
        records = [
            {column: _unguarded(row[header.index(column)]) for column in columns}
            for row in grid[header_at + 1 :]
        ]
        found[table] = normalise_rows(table, records, columns)
    return found, notes


def propose_workbook(
    store: Store, viewer: Viewer, path: Path, name: str
) -> tuple[Proposal, list[str]]:
    """What saving an edited workbook would change, with its problems and reading notes
    (its sheet Indicateurs: corrections, new versions in force from today, new indicators)."""
    require_role(viewer, "evaluator")
    found, notes = read_tables(path, name)
    if not found:
        notes.append(
            "Aucune feuille de la définition reconnue (Lieux, Organisations, Engagements,"
            " Périodes, Cibles, Indicateurs) : rien à comparer."
        )
    catalogue = found.pop("indicators", None)
    return propose(store, viewer, found, catalogue), notes
