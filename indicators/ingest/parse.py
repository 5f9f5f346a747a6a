"""Parsing one untrusted file into a Workbook: python-calamine for workbooks, the standard
library for CSV (any common encoding and delimiter).

Runs inside the worker process (`indicators.ingest.worker`), never in the app's: only the
standard library and python-calamine are imported (xlrd too, for .xls), to start fast.
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.ingest.cell_facts import Facts, cell_facts
from indicators.ingest.workbook import CellValue, Sheet, Workbook

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

CSV_DELIMITERS = ";,\t|"
STAMP_SHEET = "_mesure"  # the hidden stamp of the official template (indicators.ingest.template)
LISTS_SHEET = "Listes"  # the template's hidden sheet of drop-down values


class RefusedError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def read(path: Path, fmt: str) -> Workbook:
    """The workbook at `path`, already checked by `intake` to be of format `fmt`."""
    if fmt == "csv":
        return Workbook("csv", (Sheet.from_rows(path.stem or "csv", read_csv(path.read_bytes())),))
    return read_with_calamine(path, fmt)


def read_csv(data: bytes) -> list[list[CellValue]]:
    """Rows of a CSV file in any common encoding and delimiter; empty cells as None."""
    text = decode(data)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in CSV_DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    rows: list[list[CellValue]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([cell if cell.strip() else None for cell in record])
    return rows


def decode(data: bytes) -> str:
    """Text of a file: BOM first, then UTF-8, then Windows-1252, then Latin-1 (never fails)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_with_calamine(path: Path, fmt: str) -> Workbook:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise RefusedError("encrypted", "password") from None
    except (
        calamine.CalamineError,
        calamine.XmlError,
        calamine.ZipError,
        OSError,
        ValueError,
    ) as exc:
        raise RefusedError("reader-failed", _short(exc)) from None
    # The facts are read from the file's XML by Python while calamine parses the sheets in
    # Rust, which lets go of the interpreter meanwhile: on two cores they cost no time. The
    # thread reserves address space (its stack, an allocator arena): up to about 85 MB of the
    # worker's limit, a few MB of it used.
    facts = _Background(lambda: cell_facts(path, fmt))
    try:
        workbook = _sheets(book, fmt)
    finally:
        flags = facts.result()  # waited for even when a sheet is refused: nothing left running
    return replace(
        workbook,
        sheets=tuple(
            replace(sheet, flags=flags[sheet.name]) if sheet.name in flags else sheet
            for sheet in workbook.sheets
        ),
    )


def _sheets(book: CalamineWorkbook, fmt: str) -> Workbook:
    """The visible worksheets of `book`, factorised (their cell facts not yet added)."""
    import python_calamine as calamine

    sheets: list[Sheet] = []
    hidden: list[str] = []
    skipped: list[str] = []
    stamp: dict[str, str] = {}
    for meta in book.sheets_metadata:
        if meta.name == STAMP_SHEET:  # the official template's own hidden stamp
            pairs = book.get_sheet_by_name(meta.name).to_python(nrows=500)
            stamp = {str(p[0]): str(p[1]) for p in pairs if len(p) >= 2 and p[0] != ""}
            continue
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            skipped.append(meta.name)
            continue
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            hidden.append(meta.name)  # never read: hidden sheets may hold pupils' names
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            grid = sheet.to_python(skip_empty_area=True)
            merged = tuple(
                (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            )
            origin = sheet.start or (0, 0)
        except (calamine.CalamineError, calamine.XmlError, calamine.ZipError, ValueError) as exc:
            raise RefusedError("reader-failed", f"{meta.name} : {_short(exc)}") from None
        start = (int(origin[0]), int(origin[1]))
        sheets.append(Sheet.from_rows(meta.name, grid, start, merged))
        del grid  # the factorised grid is all that is kept
    if not sheets:
        raise RefusedError("no-sheet", "")
    if stamp:  # the template's own list sheet holds nothing personal: no need to say it was skipped
        hidden = [name for name in hidden if name != LISTS_SHEET]
    return Workbook(fmt, tuple(sheets), tuple(hidden), tuple(skipped), stamp=stamp)


class _Background:
    """`work()` run in a thread from now on; `result()` waits for it and returns what it
    returned, or raises what it raised (MemoryError above all) in the caller's thread."""

    def __init__(self, work: Callable[[], dict[str, Facts]]):
        self._work = work
        self._outcome: dict[str, Facts] | BaseException = {}
        self._thread = threading.Thread(target=self._run, name="mesure-cell-facts", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = self._work()
        except BaseException as exc:
            self._outcome = exc

    def result(self) -> dict[str, Facts]:
        self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]
