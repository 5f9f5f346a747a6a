"""The official workbook template, pre-filled with one partner's commitments.

One row per value expected from the partner (indicator × place × period), drop-down lists
for the key columns, locked headers, each indicator's definition beside it, and a hidden
stamp saying which initiative, organisation and catalogue versions it was made for.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from indicators.common.formula_guard import safe_cell
from indicators.definition.model import GRADES, Definition, Indicator, Period
from indicators.ingest import parse

TEMPLATE_VERSION = "1"
ENTRY_SHEET = "Saisie"
LISTS_SHEET = parse.LISTS_SHEET
STAMP_SHEET = parse.STAMP_SHEET
COLUMNS = [
    ("Code indicateur", 24),
    ("Indicateur", 42),
    ("Collège (UAI)", 14),
    ("Collège", 30),
    ("Période", 14),
    ("Sexe", 8),
    ("Niveau", 8),
    ("Valeur", 12),
    ("Numérateur", 12),
    ("Dénominateur", 13),
    ("Commentaire", 30),
    ("Aide : définition", 70),
]
EXTRA_ROWS = 200  # empty, unlocked rows under the pre-filled ones, for added breakdowns
HEADER_FILL = PatternFill("solid", start_color="1F4E78")
INPUT_FILL = PatternFill("solid", start_color="FFF2CC")


def expected_rows(definition: Definition, organisation: str) -> list[tuple[Indicator, str, Period]]:
    """(indicator, place, period) of every value the organisation committed to report."""
    indicators = {i.code: i for i in definition.indicators}
    periods = {p.code: p for p in definition.periods}
    rows: dict[tuple[str, str, str], tuple[Indicator, str, Period]] = {}
    for commitment in definition.commitments:
        if commitment.organisation != organisation:
            continue
        for code in commitment.indicators:
            indicator = indicators[code]
            for year in commitment.periods:
                if indicator.frequency == "term":
                    chosen = [
                        p for p in definition.periods if p.parent == year and p.kind == "term"
                    ]
                else:
                    chosen = [periods[year]]
                for period in chosen:
                    for place in commitment.places:
                        rows[(code, place, period.code)] = (indicator, place, period)
    return sorted(rows.values(), key=lambda r: (r[2].start, r[0].code, r[1]))


def write_template(definition: Definition, organisation: str, out: Path) -> Path:
    """Write the organisation's pre-filled template to `out` (.xlsx); return `out`."""
    names = {p.code: p.name for p in definition.places}
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = ENTRY_SHEET
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width
    rows = expected_rows(definition, organisation)
    for r, (indicator, place, period) in enumerate(rows, start=2):
        values = [
            indicator.code,
            indicator.label_fr,
            place,
            names.get(place, place),
            period.code,
            None,
            None,
            None,
            None,
            None,
            None,
            _help(indicator),
        ]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=r, column=col, value=safe_cell(value))  # definition text is typed
    last = len(rows) + 1 + EXTRA_ROWS
    for r in range(2, last + 1):
        for col in range(1, len(COLUMNS)):
            entry = sheet.cell(row=r, column=col)
            entry.protection = Protection(locked=False)  # the headers alone stay locked
            if 8 <= col <= 10 and r <= len(rows) + 1:
                entry.fill = INPUT_FILL
    _lists(book, sheet, definition, last)
    sheet.freeze_panes = "C2"
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    _stamp(book, definition, organisation)
    book.save(out)
    return out


def _help(indicator: Indicator) -> str:
    text = indicator.definition_fr
    if indicator.is_rate:
        text += (
            f" Numérateur : {indicator.numerator_fr}. Dénominateur : {indicator.denominator_fr}."
        )
    return text


def _lists(book: openpyxl.Workbook, sheet: Worksheet, definition: Definition, last: int) -> None:
    """Drop-down lists for the key columns, from a hidden sheet of allowed values."""
    lists = book.create_sheet(LISTS_SHEET)
    columns = {
        "A": [i.code for i in definition.indicators],
        "C": [p.code for p in definition.places],
        "E": [p.code for p in definition.periods],
        "F": ["F", "M"],
        "G": list(GRADES),
    }
    for index, (column, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        for r, value in enumerate(values, start=1):
            lists.cell(row=r, column=index, value=safe_cell(value))
        validation = DataValidation(
            type="list",
            formula1=f"={LISTS_SHEET}!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Valeur non prévue",
            error="Choisissez une valeur dans la liste.",
        )
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"


def _stamp(book: openpyxl.Workbook, definition: Definition, organisation: str) -> None:
    stamp = book.create_sheet(STAMP_SHEET)
    stamp.append(["template_version", TEMPLATE_VERSION])
    stamp.append(["initiative", definition.initiative.code])
    stamp.append(["organisation", organisation])
    stamp.append(["created", dt.date.today().isoformat()])
    for indicator in definition.indicators:
        stamp.append([f"indicator:{indicator.code}", indicator.version])
    stamp.sheet_state = "veryHidden"


def template_bytes(definition: Definition, organisation: str) -> bytes:
    """The organisation's pre-filled template as the bytes of an .xlsx file."""
    with tempfile.TemporaryDirectory(prefix="mesure-template-") as folder:
        return write_template(definition, organisation, Path(folder) / "modele.xlsx").read_bytes()
