"""The official template: pre-filled, protected, with lists and a stamp, and mapped exactly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from indicators.cli import EXIT_OK, EXIT_USAGE, main
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest.pipeline import ingest
from indicators.ingest.template import ENTRY_SHEET, STAMP_SHEET, expected_rows, write_template
from indicators.store.database import Store
from tests.conftest import BASE_DEFINITION

ORG = "ent-valmont"


@pytest.fixture(scope="module")
def definition() -> Definition:
    return load_definition(BASE_DEFINITION)


def test_rows_follow_the_commitments(definition: Definition) -> None:
    rows = {(i.code, place, period.code) for i, place, period in expected_rows(definition, ORG)}
    # C1: visites-entreprise (per term) and jeunes-touches (per term) in two schools, 2024-2025
    assert rows == {
        (code, school, "2024-2025-T1")
        for code in ("visites-entreprise", "jeunes-touches")
        for school in ("0950001K", "0950002L")
    }


def test_template_is_protected_listed_explained_and_stamped(
    tmp_path: Path, definition: Definition
) -> None:
    path = write_template(definition, ORG, tmp_path / "modele.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[ENTRY_SHEET]
    assert isinstance(sheet, Worksheet)
    assert sheet.protection.sheet and sheet["A1"].protection.locked
    assert not sheet["H2"].protection.locked and not sheet["A50"].protection.locked
    assert (
        "Jeunes distincts" in str(sheet["L2"].value) or "visites" in str(sheet["L2"].value).lower()
    )
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(key.startswith("A2") for key in ranges) and any(
        key.startswith("E2") for key in ranges
    )
    stamp = book[STAMP_SHEET]
    assert stamp.sheet_state == "veryHidden"
    pairs = {str(row[0]): row[1] for row in stamp.iter_rows(values_only=True)}
    assert pairs["organisation"] == ORG


def test_filled_template_maps_without_guessing(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_template(definition, ORG, tmp_path / "modele.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[ENTRY_SHEET]
    assert isinstance(sheet, Worksheet)
    for r in range(2, 6):
        sheet.cell(row=r, column=8, value=r * 10)
    book.save(path)
    outcome = ingest(store, path, definition, ORG, "test")
    assert outcome.status == "received" and outcome.created == 4
    assert outcome.preparation.template == "1"
    assert outcome.preparation.problems == []
    methods = {m.method for m in outcome.preparation.mappings.values()}
    assert methods <= {"code", "label"} and all(
        m.confidence >= 0.95 for m in outcome.preparation.mappings.values()
    )
    other = ingest(store, path, definition, "asso-elan", "test", dry_run=True)
    assert "template-other-organisation" in {p.code for p in other.preparation.problems}


def test_cli_template(tmp_path: Path, definition_dir: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert (
        main(
            [
                "template",
                "--org",
                ORG,
                "-o",
                str(out),
                "--data",
                str(definition_dir),
                "--db",
                str(tmp_path / "m.duckdb"),
            ]
        )
        == EXIT_OK
    )
    assert out.is_file()
    assert (
        main(
            [
                "template",
                "--org",
                "personne",
                "-o",
                str(out),
                "--data",
                str(definition_dir),
                "--db",
                str(tmp_path / "m.duckdb"),
            ]
        )
        == EXIT_USAGE
    )
