"""A workbook as read: visible sheets as grids of raw cell values, with what the grid hides.

Rows and columns are 0-based and absolute (A1 is (0, 0)); a grid's first cell is at
`origin`. `flags` holds the cells whose value the reader cannot be trusted on: error cells
(`#DIV/0!`) and formulas that were never calculated, which readers return as blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CellValue = object  # None, str, float, int, bool, datetime, date, time or timedelta


def column_letters(col: int) -> str:
    """Excel column letters of a 0-based column (0 -> A, 27 -> AB)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """The A1 reference of a 0-based (row, col)."""
    return f"{column_letters(col)}{row + 1}"


def parse_cell_name(ref: str) -> tuple[int, int]:
    """The 0-based (row, col) of an A1 reference; ValueError if it is not one."""
    ref = ref.replace("$", "").upper()
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = ref[len(letters) :]
    if not letters or not digits.isdigit() or not ref.startswith(letters):
        raise ValueError(ref)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1


@dataclass(frozen=True)
class Sheet:
    """One visible sheet."""

    name: str
    rows: list[list[CellValue]]
    origin: tuple[int, int] = (0, 0)
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (row0, col0, row1, col1), inclusive
    flags: dict[tuple[int, int], str] = field(
        default_factory=dict
    )  # "error:#N/A", "formula-without-value"

    def value(self, row: int, col: int) -> CellValue:
        """The raw value at an absolute (row, col), None outside the grid."""
        r, c = row - self.origin[0], col - self.origin[1]
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    @property
    def cells(self) -> int:
        """How many cells the grid holds."""
        return sum(len(row) for row in self.rows)


@dataclass(frozen=True)
class Workbook:
    """What a file held, once read."""

    format: str
    sheets: tuple[Sheet, ...]
    hidden_sheets: tuple[str, ...] = ()
    skipped_sheets: tuple[str, ...] = ()  # chart sheets and other non-worksheets
    notes: tuple[str, ...] = ()
    stamp: dict[str, str] = field(default_factory=dict)  # from the official template's hidden sheet
