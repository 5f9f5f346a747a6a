"""A partner's own reading of a sheet the reader did not understand, kept for its next files.

When the reader finds no table in a sheet, or leaves a column unmapped, the partner shows it:
which row heads the table, and what each column holds (a place, an indicator, a period, a
value and which indicator it measures, a breakdown, nothing). That reading is a `SheetLayout`.
It is tried on the file at once (a dry run, nothing kept); once the partner confirms it, it
is remembered for the organisation and applied to every later sheet whose header row has the
same shape: the same texts in the same columns, digits aside ("T1 2024-2025" and
"T2 2025-2026" are one shape), wherever that row is among the sheet's first rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from indicators.common.text import normalise
from indicators.definition.model import Definition
from indicators.ingest.layout import (
    CHOSEN_ROLES,
    HEADER_SEARCH_ROWS,
    VALUE_ROLES,
    ColumnChoice,
    Override,
    TableReading,
    text_of,
)
from indicators.ingest.workbook import Sheet, column_letters

PREVIEW_ROWS = 25
PREVIEW_COLUMNS = 26
PREVIEW_TEXT = 60  # characters of a cell shown
DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class SheetLayout:
    """How a person said one sheet reads: the row heading its table and each column's role."""

    sheet: str  # the sheet it was shown on (for the record: it applies to any of its shape)
    header_row: int  # absolute, 0-based
    signature: str  # the shape of the header row (`signature`)
    columns: tuple[ColumnChoice, ...]

    def override(self, header_row: int | None = None) -> Override:
        """What `layout.read_table` applies, the header being at `header_row` (default: its own)."""
        return Override(self.header_row if header_row is None else header_row, self.columns)

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            "signature": self.signature,
            "columns": [{"col": c.col, "role": c.role, "target": c.target} for c in self.columns],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SheetLayout:
        return cls(
            str(data["sheet"]),
            int(data["header_row"]),
            str(data["signature"]),
            tuple(
                ColumnChoice(int(c["col"]), str(c["role"]), str(c.get("target") or ""))
                for c in data["columns"]
            ),
        )


@dataclass(frozen=True)
class Preview:
    """The first rows of a sheet as texts, for a person to point at its header and columns."""

    sheet: str
    first_row: int  # absolute, 0-based, of `rows[0]`
    first_col: int  # absolute, 0-based, of each row's first text
    rows: tuple[tuple[str, ...], ...]

    def letters(self) -> list[str]:
        """The Excel letters of the columns shown."""
        width = max((len(r) for r in self.rows), default=0)
        return [column_letters(self.first_col + n) for n in range(width)]

    def header_cells(self, header_row: int) -> list[tuple[int, str]]:
        """(absolute column, text) of the filled cells of `header_row`, when it is shown."""
        offset = header_row - self.first_row
        if not 0 <= offset < len(self.rows):
            return []
        return [(self.first_col + n, t) for n, t in enumerate(self.rows[offset]) if t]


def column_label(col: int) -> str:
    """The Excel letters of an absolute 0-based column."""
    return column_letters(col)


def preview(sheet: Sheet, rows: int = PREVIEW_ROWS, columns: int = PREVIEW_COLUMNS) -> Preview:
    """The first `rows` rows and `columns` columns of `sheet`, each cell as a short text."""
    out = []
    for offset in range(min(rows, sheet.height)):
        texts = [text_of(v)[:PREVIEW_TEXT] for v in sheet.row(offset)[:columns]]
        out.append(tuple(texts))
    return Preview(sheet.name, sheet.origin[0], sheet.origin[1], tuple(out))


def signature(cells: Iterable[tuple[int, str]]) -> str:
    """The shape of a header row from its filled cells (absolute column, text): each text
    normalised, its digits folded, with its column."""
    return " | ".join(
        f"{column_letters(col)}:{DIGITS.sub('#', normalise(text))}" for col, text in cells if text
    )


def row_signature(sheet: Sheet, row: int) -> str:
    """`signature` of an absolute row of `sheet`."""
    offset = row - sheet.origin[0]
    if not 0 <= offset < sheet.height:
        return ""
    return signature((sheet.origin[1] + n, text_of(v)) for n, v in enumerate(sheet.row(offset)))


def override_for(
    sheet: Sheet, layouts: Sequence[SheetLayout]
) -> tuple[SheetLayout, Override] | None:
    """The first of `layouts` whose header row's shape is found among the sheet's first rows
    (at its own row first), with the reading it gives this sheet; None when none fits."""
    if not layouts or not sheet.height:
        return None
    wanted = {layout.signature for layout in layouts}
    found: dict[str, int] = {}
    for layout in layouts:  # its own row first: the cheap and usual case
        if (
            layout.signature not in found
            and row_signature(sheet, layout.header_row) == layout.signature
        ):
            found[layout.signature] = layout.header_row
    top = sheet.origin[0]
    for row in range(top, top + min(sheet.height, HEADER_SEARCH_ROWS)):
        if len(found) == len(wanted):
            break
        shape = row_signature(sheet, row)
        if shape in wanted and shape not in found:
            found[shape] = row
    for layout in layouts:
        if layout.signature in found:
            return layout, layout.override(found[layout.signature])
    return None


def remembered_layouts(rows: Iterable[dict[str, Any]]) -> list[SheetLayout]:
    """The layouts of `Store.layout_memory`, newest first; a row that no longer reads is
    skipped (it was written by another version of this module)."""
    out = []
    for row in rows:
        try:
            out.append(SheetLayout.from_json(row))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def make_layout(sheet: Preview, header_row: int, choices: Iterable[ColumnChoice]) -> SheetLayout:
    """The layout a person gave `sheet` (its preview): the header row and each column's role."""
    columns = tuple(sorted(choices, key=lambda c: c.col))
    return SheetLayout(sheet.sheet, header_row, signature(sheet.header_cells(header_row)), columns)


def layout_problems(
    layout: SheetLayout, definition: Definition
) -> list[tuple[str, dict[str, str]]]:
    """What makes a layout unusable, as (i18n key, its fields): nothing when it can be tried."""
    problems: list[tuple[str, dict[str, str]]] = []
    if not layout.signature:
        problems.append(("shape.no_header", {}))
    indicators = {i.code for i in definition.indicators}
    dimensions = {d.code for d in definition.dimensions}
    for choice in layout.columns:
        where = column_letters(choice.col)
        if choice.role not in CHOSEN_ROLES:
            problems.append(("shape.bad_role", {"column": where, "role": choice.role}))
        elif choice.role in VALUE_ROLES and choice.target and choice.target not in indicators:
            problems.append(("shape.bad_indicator", {"column": where, "code": choice.target}))
        elif choice.role == "dimension" and choice.target not in dimensions:
            problems.append(("shape.bad_dimension", {"column": where}))
    if not any(c.role in VALUE_ROLES for c in layout.columns):
        problems.append(("shape.no_value", {}))
    return problems


def default_choices(
    reading: TableReading | None, cells: Sequence[tuple[int, str]]
) -> list[ColumnChoice]:
    """What the reader made of each filled header cell, as choices a person starts from: the
    role it gave the column when `reading` has that header row, "ignore" otherwise."""
    by_col = {}
    if reading is not None and reading.found and reading.header_rows:
        for column in reading.columns:
            target = ""
            if column.role in VALUE_ROLES:
                target = next((t for k, t in column.keys if k == "indicator"), "")
            elif column.role == "dimension":
                target = column.dimension
            role = column.role if column.role in CHOSEN_ROLES else "ignore"
            by_col[column.col] = ColumnChoice(column.col, role, target)
    return [by_col.get(col, ColumnChoice(col, "ignore")) for col, _ in cells]


def needs_showing(reading: TableReading, has_cells: bool) -> bool:
    """True when a person should be offered to show the reader this sheet: no table found in
    a sheet that has cells, or a header left unmapped."""
    return (has_cells and not reading.found) or bool(reading.unmapped_headers)


def role_options(definition: Definition) -> list[str]:
    """What a person may pick for a column, as option codes: a role, or "dimension:<code>"
    for a breakdown of the definition."""
    out = [r for r in CHOSEN_ROLES if r != "dimension"]
    at = out.index("commune")
    return [*out[:at], *(f"dimension:{d.code}" for d in definition.dimensions), *out[at:]]


def option_of(choice: ColumnChoice) -> str:
    """The option code of `role_options` a choice stands for."""
    return f"dimension:{choice.target}" if choice.role == "dimension" else choice.role


def choice_of(col: int, option: str, indicator: str = "") -> ColumnChoice:
    """The choice an option of `role_options` makes for column `col`; `indicator`, for a
    value column, the indicator it measures ("" to keep what its header says)."""
    role, _, dimension = option.partition(":")
    if role == "dimension":
        return ColumnChoice(col, "dimension", dimension)
    return ColumnChoice(col, role, indicator if role in VALUE_ROLES else "")
