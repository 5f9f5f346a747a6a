"""The partner's own workbook, annotated with its problems, opens in openpyxl as expected."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from indicators.common.formula_guard import safe_cell
from indicators.definition.loading import load_definition
from indicators.ingest.annotate import PROBLEMS_SHEET, annotated_upload
from indicators.ingest.pipeline import prepare
from tests.conftest import BASE_DEFINITION
from tests.workbooks import write_workbook

ROWS: list[list[object]] = [
    ["Indicateur", "Collège", "Période", "Valeur"],
    ["Visites entreprises", "0950002L", "T1 2024-2025", "beaucoup"],
    ["Nombre de licornes", "0950002L", "T1 2024-2025", 3],
    ["Visites entreprises", "0950001K", "T1 2024-2025", 4],
]


def test_safe_cell_neutralises_formulas() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1") == f"'{start}1"
    assert safe_cell("Collège") == "Collège" and safe_cell(-3) == -3


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_problem_cells_get_a_french_comment_and_a_problem_sheet(
    tmp_path: Path, suffix: str
) -> None:
    if suffix == ".xlsx":
        upload = write_workbook(tmp_path / "bilan.xlsx", {"Bilan": ROWS})
        sheet_name = "Bilan"
    else:
        upload = tmp_path / "bilan.csv"
        upload.write_text(
            "\n".join(";".join(str(v) for v in row) for row in ROWS), encoding="utf-8"
        )
        sheet_name = "bilan"
    preparation = prepare(upload, load_definition(BASE_DEFINITION), "ent-valmont")
    by_code = {p.code: p for p in preparation.errors}
    assert {"not-a-number", "unknown-indicator"} <= set(by_code)
    out = annotated_upload(upload, upload.name, preparation.problems, tmp_path / "annote.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == PROBLEMS_SHEET
    sheet = book[sheet_name]
    assert isinstance(sheet, Worksheet)
    number = sheet["D2"]
    assert number.value == "beaucoup"
    assert number.comment is not None
    assert "n'est pas un nombre" in number.comment.text and "→" in number.comment.text
    assert number.fill.start_color.rgb.endswith("F8CBAD")
    assert sheet["A3"].comment is not None and "indicateur non reconnu" in sheet["A3"].comment.text
    assert sheet["D4"].comment is None  # a good cell stays untouched
    listing = book[PROBLEMS_SHEET]
    assert isinstance(listing, Worksheet)
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(preparation.problems)
    assert {(r[2], r[7]) for r in rows} >= {("D2", "not-a-number"), ("A3", "unknown-indicator")}
