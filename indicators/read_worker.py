"""The worker process that parses one untrusted file, under memory and CPU limits.

Run as `python -m indicators.read_worker TASK MEMORY_BYTES CPU_SECONDS ARGS...` where TASK is
`read PATH FORMAT` (answer: the Workbook) or `annotate PATH FORMAT PROBLEMS OUT` (answer: the
path written). It writes one pickled answer on standard output: ("ok", result) or
("refused", code, reason). A crash of
the parser (a Rust panic aborts the process) is seen by the parent as a signal, never here.
Only the standard library and python-calamine are imported (xlrd too, for .xls), to start fast.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import pickle
import resource
import sys
from dataclasses import replace
from pathlib import Path

from indicators.cell_facts import cell_facts
from indicators.workbook import CellValue, Sheet, Workbook

CSV_DELIMITERS = ";,\t|"
STAMP_SHEET = "_mesure"  # the hidden stamp of the official template (indicators.template)
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
    flags = cell_facts(path, fmt)
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
        sheets.append(Sheet.from_rows(meta.name, grid, start, merged, flags.get(meta.name, {})))
        del grid  # the factorised grid is all that is kept
    if not sheets:
        raise RefusedError("no-sheet", "")
    if stamp:  # the template's own list sheet holds nothing personal: no need to say it was skipped
        hidden = [name for name in hidden if name != LISTS_SHEET]
    return Workbook(fmt, tuple(sheets), tuple(hidden), tuple(skipped), stamp=stamp)


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


def peak_mb() -> float:
    """This process's peak resident memory (Linux), 0 where it cannot be told."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_task(task: str, args: list[str]) -> object:
    """The result of one task on an untrusted file."""
    path, fmt = Path(args[0]), args[1]
    if task == "read":
        return replace(read(path, fmt), reader_peak_mb=peak_mb())
    if task == "annotate":
        from indicators.annotate import annotate_file

        problems = pickle.loads(Path(args[2]).read_bytes())  # written by the parent process
        return str(annotate_file(path, fmt, problems, Path(args[3])))
    raise ValueError(task)


def main(argv: list[str]) -> int:
    task, memory, seconds = argv[0], int(argv[1]), int(argv[2])
    gc.disable()  # a short-lived process building a million objects: no collection pauses
    # Limits first, before any byte of the file is parsed.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        answer: tuple[object, ...] = ("ok", run_task(task, argv[3:]))
    except RefusedError as refused:
        answer = ("refused", refused.code, refused.reason)
    except MemoryError:
        answer = ("refused", "reader-crashed", "mémoire dépassée / out of memory")
    except RecursionError:
        answer = ("refused", "reader-crashed", "structure trop profonde / too deeply nested")
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
