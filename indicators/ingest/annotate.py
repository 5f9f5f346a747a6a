"""The partner's own workbook, annotated: each problem cell highlighted with a French comment
saying what is wrong and how to fix it, and a sheet listing every problem.

Runs inside the limited worker (`worker annotate`): openpyxl loads the whole untrusted
workbook, which must not cost the app its memory.
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from indicators.common.formula_guard import safe_cell
from indicators.common.problems import CellProblem
from indicators.ingest.intake import Limits, inspect_file
from indicators.ingest.parse import read
from indicators.ingest.reader import run_worker

PROBLEMS_SHEET = "Problèmes"
FILLS = {
    "error": PatternFill("solid", start_color="F8CBAD"),
    "warning": PatternFill("solid", start_color="FFE699"),
}
SEVERITY_FR = {"error": "erreur", "warning": "alerte", "info": "information"}
AUTHOR = "Mesure commune"


def annotate_file(path: Path, fmt: str, problems: list[CellProblem], out: Path) -> Path:
    """Write to `out` the workbook at `path` with its problems marked; return `out`."""
    # openpyxl keeps values and formulas and drops macros; other formats are rebuilt
    book = openpyxl.load_workbook(path) if fmt in ("xlsx", "xlsm") else _rebuilt(path, fmt)
    for problem in problems:
        if not problem.cell or problem.sheet not in book.sheetnames:
            continue
        sheet = book[problem.sheet]
        if not isinstance(sheet, Worksheet):
            continue
        cell = sheet[problem.cell]
        text = f"{problem.message('fr')}\n→ {problem.hint('fr')}"
        if cell.comment is not None:
            text = f"{cell.comment.text}\n\n{text}"
        cell.comment = Comment(text, AUTHOR, width=320, height=120)
        if problem.severity in FILLS:
            cell.fill = FILLS[problem.severity]
    _problem_sheet(book, problems)
    book.save(out)
    return out


def _rebuilt(path: Path, fmt: str) -> openpyxl.Workbook:
    """A new workbook holding the values read from a CSV, .xls or .ods file, in place."""
    read_back = read(path, fmt)
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for source in read_back.sheets:
        sheet = book.create_sheet(source.name[:31])
        top, left = source.origin
        for r, row in enumerate(source.rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=top + r + 1, column=left + c + 1, value=safe_cell(value))
    return book


def _problem_sheet(book: openpyxl.Workbook, problems: list[CellProblem]) -> None:
    if PROBLEMS_SHEET in book.sheetnames:
        del book[PROBLEMS_SHEET]
    sheet = book.create_sheet(PROBLEMS_SHEET, 0)
    header = [
        "Gravité",
        "Feuille",
        "Cellule",
        "Colonne",
        "Valeur lue",
        "Problème",
        "Comment corriger",
        "Code",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    order = {"error": 0, "warning": 1, "info": 2}
    for problem in sorted(problems, key=lambda p: order.get(p.severity, 3)):
        sheet.append(
            [
                safe_cell(v)
                for v in (
                    SEVERITY_FR.get(problem.severity, problem.severity),
                    problem.sheet,
                    problem.cell,
                    problem.column,
                    problem.value,
                    problem.message("fr"),
                    problem.hint("fr"),
                    problem.code,
                )
            ]
        )
    for letter, width in zip("ABCDEFGH", (11, 18, 9, 22, 18, 60, 60, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def annotated_upload(
    path: Path, name: str, problems: list[CellProblem], out: Path, limits: Limits | None = None
) -> Path:
    """The annotated copy of an upload, written to `out` (an .xlsx) by the limited worker."""
    limits = limits or Limits()
    intake = inspect_file(path, name, limits)
    with tempfile.TemporaryDirectory() as tmp:
        listed = Path(tmp) / "problems.pickle"
        listed.write_bytes(pickle.dumps(problems))
        written = run_worker(
            "annotate", [str(path), intake.format, str(listed), str(out)], name, limits
        )
    return Path(str(written))
