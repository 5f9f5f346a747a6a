"""Build small partner workbooks for tests: rows written from a top-left cell, with merges."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string

Row = Sequence[object]


def write_workbook(
    path: Path,
    sheets: dict[str, Sequence[Row]],
    *,
    start: str = "A1",
    merges: dict[str, Sequence[str]] | None = None,
    hidden: Sequence[str] = (),
) -> Path:
    """Write `sheets` ({name: rows}) to `path`, each table's first cell at `start`."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    first_row = int("".join(ch for ch in start if ch.isdigit()))
    first_col = column_index_from_string("".join(ch for ch in start if ch.isalpha()))
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=first_row + r, column=first_col + c, value=value)
        for ref in (merges or {}).get(name, ()):
            sheet.merge_cells(ref)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path
