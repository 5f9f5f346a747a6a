"""A workbook as read: visible sheets as factorised grids of raw cell values.

Rows and columns are 0-based and absolute (A1 is (0, 0)); a grid's first cell is at
`origin`. A grid is stored factorised: each distinct cell value once in `uniques`, and one
integer code per cell, row by row. A sheet of a million cells holds a few hundred distinct
labels and numbers, so everything that looks at a value (matching a label, parsing a number)
is done once per distinct value, and the grid crosses from the worker process to the app as
a few megabytes of integers rather than a million Python objects.

`flags` holds the cells whose value the reader cannot be trusted on, or that need their
format: error cells (`#DIV/0!`), formulas never calculated (readers return both as blank),
numbers shown as a percentage.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

CellValue = object  # None, str, float, int, bool, datetime, date, time or timedelta
EMPTY_CODES = (0, 1)  # codes of None and "": the two ways a reader says a cell is empty


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


def factorise(rows: Sequence[Sequence[CellValue]]) -> tuple[array[int], int, list[CellValue]]:
    """(codes, width, uniques) of a grid: `uniques[codes[r * width + c]]` is cell (r, c).

    Short rows are padded with empty cells. Codes 0 and 1 are None and "" (both empty).
    Python says True == 1 == 1.0: a grid holding booleans is keyed by type as well, so a
    boolean never passes for a number.
    """
    width = max(map(len, rows), default=0)
    # Each pass below runs in C (a million cells: about 0.08 s, against half a second for a
    # Python loop): the cells in one list, the distinct values in order of first appearance,
    # then one lookup per cell, whose text's hash the first pass already computed.
    if all(len(row) == width for row in rows):
        cells = list(chain.from_iterable(rows))
    else:
        cells = []
        for row in rows:
            cells.extend(row)
            cells.extend([None] * (width - len(row)))
    distinct = dict.fromkeys(cells)
    if (True in distinct or False in distinct) and bool in set(map(type, cells)):
        typed: dict[object, int] = {(type(None), None): 0, (str, ""): 1}
        codes = array("i", [typed.setdefault((type(v), v), len(typed)) for v in cells])
        return codes, width, [None, None, *(key[1] for key in list(typed)[2:])]  # type: ignore[index]
    distinct.pop(None, None)
    distinct.pop("", None)
    index: dict[object, int] = {None: 0, "": 1}
    index.update(zip(distinct, range(2, len(distinct) + 2), strict=True))
    return array("i", list(map(index.__getitem__, cells))), width, [None, None, *distinct]


@dataclass(frozen=True)
class Sheet:
    """One visible sheet, its grid factorised (see the module's docstring)."""

    name: str
    codes: array[int]
    width: int
    uniques: list[CellValue]
    origin: tuple[int, int] = (0, 0)
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (row0, col0, row1, col1), inclusive
    flags: dict[tuple[int, int], str] = field(
        default_factory=dict
    )  # "error:#N/A", "formula-without-value", "percent"

    @classmethod
    def from_rows(
        cls,
        name: str,
        rows: Sequence[Sequence[CellValue]],
        origin: tuple[int, int] = (0, 0),
        merged: Iterable[tuple[int, int, int, int]] = (),
        flags: dict[tuple[int, int], str] | None = None,
    ) -> Sheet:
        """A sheet from its rows of raw values."""
        codes, width, uniques = factorise(rows)
        return cls(name, codes, width, uniques, origin, tuple(merged), flags or {})

    @property
    def height(self) -> int:
        """How many rows the grid holds."""
        return len(self.codes) // self.width if self.width else 0

    def row(self, offset: int) -> list[CellValue]:
        """The raw values of the grid's row `offset` (0 is the grid's first row)."""
        if not 0 <= offset < self.height:
            return []
        start = offset * self.width
        return [self.uniques[code] for code in self.codes[start : start + self.width]]

    @property
    def rows(self) -> list[list[CellValue]]:
        """The whole grid as rows of raw values (for small sheets and tests)."""
        return [self.row(offset) for offset in range(self.height)]

    def value(self, row: int, col: int) -> CellValue:
        """The raw value at an absolute (row, col), None outside the grid."""
        r, c = row - self.origin[0], col - self.origin[1]
        if 0 <= r < self.height and 0 <= c < self.width:
            return self.uniques[self.codes[r * self.width + c]]
        return None

    @property
    def cells(self) -> int:
        """How many cells the grid holds, empty ones included."""
        return len(self.codes)


@dataclass(frozen=True)
class Workbook:
    """What a file held, once read."""

    format: str
    sheets: tuple[Sheet, ...]
    hidden_sheets: tuple[str, ...] = ()
    skipped_sheets: tuple[str, ...] = ()  # chart sheets and other non-worksheets
    notes: tuple[str, ...] = ()
    stamp: dict[str, str] = field(default_factory=dict)  # from the official template's hidden sheet
    reader_peak_mb: float = 0.0  # the worker's peak resident memory while reading, when known
