"""Workbooks laid out the way partners really build them, each read with the right values.

Every file here is written row by row with `Worksheet.append` (titles merged over the table,
numbers formatted as Excel shows them), not with the demo's generator: the reader must
understand layouts no one made for it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from indicators.cli import EXIT_REFUSED, main
from indicators.definition.checks import uai_check_letter
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest import uploads
from indicators.ingest.matching import AUTO, Vocabulary
from indicators.ingest.pipeline import Outcome, ingest
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests.conftest import BASE_DEFINITION, EVALUATOR, PROJECT, copied_store

DATA = PROJECT / "data"


@dataclass(frozen=True)
class Shown:
    """A cell value with the number format a partner gave it ("0.0%", "# ##0")."""

    value: object
    format: str


def pct(value: float) -> Shown:
    return Shown(value, "0.0%")


def book(
    path: Path, sheets: dict[str, Sequence[Sequence[object]]], *, title_merge: int = 0
) -> Path:
    """A workbook written the way a person fills one: row after row from A1, the first row in
    bold (a one-cell title merged over `title_merge` columns when given), formats kept."""
    workbook = openpyxl.Workbook()
    for n, (name, rows) in enumerate(sheets.items()):
        sheet = workbook.active if n == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = name
        for row in rows:
            sheet.append([c.value if isinstance(c, Shown) else c for c in row])
            for col, cell in enumerate(row, start=1):
                if isinstance(cell, Shown):
                    sheet.cell(row=sheet.max_row, column=col).number_format = cell.format
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        if title_merge > 1 and rows and len(rows[0]) == 1:  # a title, not a header
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=title_merge)
    workbook.save(path)
    return path


def read(outcome: Outcome) -> dict[tuple[str, str, str, str], float | None]:
    return {c.key: c.value for c in outcome.preparation.candidates}


def codes(outcome: Outcome) -> list[str]:
    return [p.code for p in outcome.preparation.problems]


def where(outcome: Outcome, code: str) -> list[str]:
    return [f"{p.sheet}!{p.cell}" for p in outcome.preparation.problems if p.code == code]


@pytest.fixture(scope="module")
def initiative() -> Definition:
    return load_definition(DATA)


@pytest.fixture(scope="session")
def initiative_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("initiative")
    return init_store(folder / "initiative.duckdb", DATA, actor="test")[0].path


@pytest.fixture
def demo_store(tmp_path: Path, initiative_template: Path) -> Store:
    """A store of the embedded initiative (31 schools, the whole catalogue), without values."""
    return copied_store(initiative_template, tmp_path / "initiative.duckdb")


def send(store: Store, definition: Definition, path: Path, org: str, **kw: object) -> Outcome:
    return ingest(store, path, definition, org, "test", **kw)  # type: ignore[arg-type]


# --- names as partners write them ----------------------------------------------------------


def test_capitals_without_accents_abbreviations_and_aliases(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "bilan.xlsx",
        {
            "BILAN": [
                ["BILAN DES ACTIONS - TRANSPORTS VALMONT"],
                [],
                ["ETABLISSEMENT", "INDICATEUR", "PERIODE", "NOMBRE"],
                ["CLG DU HAUT VAL", "NB VISITES", "T1 2024-2025", 4],
                ["Col. Lucie Aubrac des Vergers", "BENEFICIAIRES", "T1 2024-2025", 31],
                ["COLLEGE DES TILLEULS", "Nombre d'eleves beneficiaires", "T2 2024-2025", 28],
                ["Collège Tilleuls", "VISITES REALISEES", "T2 2024-2025", 2],
            ]
        },
        title_merge=4,
    )
    outcome = send(demo_store, initiative, path, "ent-transports-valmont")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == {
        ("visites-entreprise", "0951272S", "2024-2025-T1", ""): 4,
        ("jeunes-touches", "0951761Y", "2024-2025-T1", ""): 31,
        ("jeunes-touches", "0950243Y", "2024-2025-T2", ""): 28,
        ("visites-entreprise", "0950243Y", "2024-2025-T2", ""): 2,
    }
    assert "mapping-to-confirm" not in codes(outcome)  # folding is not guessing
    sure = outcome.preparation.mappings
    assert all(m.confidence >= AUTO for (kind, _), m in sure.items() if kind == "place")


def _two_jean_moulins(tmp_path: Path) -> tuple[Definition, Store]:
    """The small definition with two schools of the same name, in Sarcelles and Toulouse."""
    folder = tmp_path / "definition"
    shutil.copytree(BASE_DEFINITION, folder)
    north, south = "0950003", "0310004"
    with (folder / "places.csv").open("a", encoding="utf-8") as places:
        places.write("T-SARCELLES,territory,Cité éducative de Sarcelles,,,,,,,,,\n")
        places.write("T-TOULOUSE,territory,Cité éducative de Toulouse,,,,,,,,,\n")
        for digits, territory, commune in ((north, "T-SARCELLES", "95585"), (south, "T-TOULOUSE", "31555")):  # fmt: skip
            uai = digits + uai_check_letter(digits)
            places.write(f"{uai},school,Collège Jean-Moulin,{territory},{uai},REP,{commune},,,,,\n")
    return load_definition(folder), init_store(tmp_path / "two.duckdb", folder, actor="test")[0]


def test_the_commune_breaks_a_tie_between_two_schools_of_the_same_name(tmp_path: Path) -> None:
    definition, store = _two_jean_moulins(tmp_path)
    north, south = "0950003" + uai_check_letter("0950003"), "0310004" + uai_check_letter("0310004")
    path = book(
        tmp_path / "visites.xlsx",
        {
            "Par commune": [
                ["Établissement", "Commune", "Période", "Visites entreprises"],
                ["COLLEGE JEAN MOULIN", "Sarcelles", "T1 2024-2025", 3],
                ["Collège Jean Moulin", "TOULOUSE", "T1 2024-2025", 5],
            ],
            "Année": [
                ["Établissement", "Période", "Visites entreprises"],
                ["Clg Jean-Moulin (Toulouse)", "2024-2025", 12],
                ["Clg Jean-Moulin - Sarcelles", "2024-2025", 9],
            ],
        },
    )
    outcome = send(store, definition, path, "ent-valmont", dry_run=True)
    assert not outcome.preparation.errors, codes(outcome)
    assert read(outcome) == {
        ("visites-entreprise", north, "2024-2025-T1", ""): 3,
        ("visites-entreprise", south, "2024-2025-T1", ""): 5,
        ("visites-entreprise", south, "2024-2025", ""): 12,
        ("visites-entreprise", north, "2024-2025", ""): 9,
    }
    # Without a commune the name alone is a question, never a silent pick.
    alone = book(
        tmp_path / "seul.xlsx",
        {"B": [["Collège", "Période", "Visites entreprises"], ["Jean Moulin", "T1 2024-2025", 3]]},
    )
    asked = send(store, definition, alone, "ent-valmont", dry_run=True)
    assert read(asked) == {} and "mapping-to-confirm" in codes(asked)


# --- rates -----------------------------------------------------------------------------------


def test_a_rate_column_headed_taux_with_percent_formats(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "taux.xlsx",
        {
            "Résultats": [
                ["Indicateur", "Collège", "Année", "Taux"],
                ["Taux d'absentéisme", "0950243Y", "2024-2025", pct(0.083)],
                ["Réussite brevet", "0950243Y", "2024-2025", "81,5 %"],
                ["Part des élèves exclus temporairement", "0950243Y", "2024-2025", pct(0.021)],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == pytest.approx(
        {
            ("taux-absenteisme", "0950243Y", "2024-2025", ""): 8.3,
            ("taux-reussite-dnb", "0950243Y", "2024-2025", ""): 81.5,
            ("taux-exclusions-temporaires", "0950243Y", "2024-2025", ""): 2.1,
        }
    )


# --- context above the table -----------------------------------------------------------------


def test_indicator_in_the_title_schools_as_rows_terms_as_columns(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    terms = ["Collège", "T1 2024-2025", "2e trim. 2024-2025", "Trimestre 3 2024/2025"]
    path = book(
        tmp_path / "ateliers.xlsx",
        {
            "Ateliers": [
                ["Ateliers de savoir-être tenus – année scolaire 2024-2025"],
                ["Association Coup de Pouce Réussite"],
                [],
                terms,
                ["Collège des Tilleuls", 4, 5, 3],
                ["CLG DU HAUT VAL", 2, None, 6],
            ],
            "Nb visites": [terms, ["Collège des Tilleuls", 1, 0, 2]],
        },
        title_merge=4,
    )
    outcome = send(demo_store, initiative, path, "asso-coup-de-pouce-reussite", dry_run=True)
    assert not outcome.preparation.errors, codes(outcome)
    assert read(outcome) == {
        ("ateliers-savoir-etre", "0950243Y", "2024-2025-T1", ""): 4,
        ("ateliers-savoir-etre", "0950243Y", "2024-2025-T2", ""): 5,
        ("ateliers-savoir-etre", "0950243Y", "2024-2025-T3", ""): 3,
        ("ateliers-savoir-etre", "0951272S", "2024-2025-T1", ""): 2,
        ("ateliers-savoir-etre", "0951272S", "2024-2025-T3", ""): 6,
        ("visites-entreprise", "0950243Y", "2024-2025-T1", ""): 1,
        ("visites-entreprise", "0950243Y", "2024-2025-T2", ""): 0,
        ("visites-entreprise", "0950243Y", "2024-2025-T3", ""): 2,
    }


def test_a_school_with_one_place_needs_no_school_column(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "notre-bilan.xlsx",
        {
            "Bilan": [
                ["Notre bilan de l'année"],
                ["Indicateur", "Période", "Valeur"],
                ["Rencontres avec les parents organisées", "T1 2024-2025", 3],
                ["Taux absentéisme", "2024-2025", "7,9 %"],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == pytest.approx(
        {
            ("reunions-parents", "0950243Y", "2024-2025-T1", ""): 3,
            ("taux-absenteisme", "0950243Y", "2024-2025", ""): 7.9,
        }
    )
    # A partner working in several schools still has to say which.
    other = send(demo_store, initiative, path, "ent-transports-valmont", dry_run=True)
    assert "missing-place" in codes(other)


# --- where the table ends ------------------------------------------------------------------


def test_a_comments_block_below_the_table_does_not_refuse_the_file(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "visites.xlsx",
        {
            "Visites": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites d'entreprise réalisées", "Collège des Tilleuls", "T1 2024-2025", 3],
                ["Visites d'entreprise réalisées", "Collège du Haut-Val", "T1 2024-2025", 2],
                [],
                [],
                ["Commentaires"],
                ["Visites annulées (grève)", None, None, 2],
                ["La visite du 12 novembre est reportée au 2e trimestre, 24 élèves inscrits."],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "ent-transports-valmont")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == {
        ("visites-entreprise", "0950243Y", "2024-2025-T1", ""): 3,
        ("visites-entreprise", "0951272S", "2024-2025-T1", ""): 2,
    }
    assert where(outcome, "rows-below-table") == ["Visites!A6"]  # said, never silently dropped


# --- breakdowns ------------------------------------------------------------------------------


def test_a_total_column_is_stored_and_checked_against_its_parts(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "jeunes.xlsx",
        {
            "Jeunes": [
                ["Indicateur", "Collège", "Période", "Filles", "Garçons", "Total"],
                ["Jeunes touchés", "Collège des Tilleuls", "T1 2024-2025", 20, 25, 45],
                ["Jeunes touchés", "Collège du Haut-Val", "T1 2024-2025", 10, 12, 30],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "asso-parrains-de-l-avenir")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == {
        ("jeunes-touches", "0950243Y", "2024-2025-T1", "sex=F"): 20,
        ("jeunes-touches", "0950243Y", "2024-2025-T1", "sex=M"): 25,
        ("jeunes-touches", "0950243Y", "2024-2025-T1", ""): 45,
        ("jeunes-touches", "0951272S", "2024-2025-T1", "sex=F"): 10,
        ("jeunes-touches", "0951272S", "2024-2025-T1", "sex=M"): 12,
        ("jeunes-touches", "0951272S", "2024-2025-T1", ""): 30,
    }
    assert where(outcome, "total-differs-from-parts") == ["Jeunes!F3"]
    assert "unmapped-column" not in codes(outcome)


# --- guesses ---------------------------------------------------------------------------------


def test_a_guess_is_never_stored_unless_the_partner_confirms_it(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    org = "ent-transports-valmont"
    path = book(
        tmp_path / "guess.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites d'entreprise réalisées", "Collège des Tilleuls", "T1 2024-2025", 3],
                ["Visite des entreprises faites", "Collège du Haut-Val", "T1 2024-2025", 7],
            ]
        },
    )
    guess = Vocabulary.from_definition(initiative).match(
        "indicator", "Visite des entreprises faites"
    )
    assert guess.target == "visites-entreprise" and 0.6 <= guess.confidence < AUTO
    first = send(demo_store, initiative, path, org)  # confirmed without confirming the guess
    assert first.status == "received"
    assert read(first) == {("visites-entreprise", "0950243Y", "2024-2025-T1", ""): 3}
    assert where(first, "mapping-to-confirm") == ["B!A3"]
    assert demo_store.mapping_memory(org) == {}
    stored = demo_store.query("observations", org=org)
    assert list(stored["place"]) == ["0950243Y"]
    uploads.confirm_mappings(
        demo_store,
        EVALUATOR,
        initiative,
        org,
        [("indicator", "Visite des entreprises faites", "visites-entreprise")],
    )
    second = send(demo_store, initiative, path, org)
    assert (second.status, second.created) == ("received", 1)
    assert read(second)[("visites-entreprise", "0951272S", "2024-2025-T1", "")] == 7


# --- a file that yields nothing ----------------------------------------------------------------


def test_a_file_that_yields_nothing_says_so_and_exits_1(
    tmp_path: Path, demo_store: Store, initiative: Definition, capsys: pytest.CaptureFixture[str]
) -> None:
    path = book(
        tmp_path / "liste.xlsx",
        {
            "Élèves": [
                ["Nom", "Prénom", "Classe"],
                ["Martin", "Léa", "3e B"],
                ["Diallo", "Sami", "4e A"],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y")
    assert outcome.status == "empty"
    assert "nothing-read" in [p.code for p in outcome.preparation.errors]
    assert demo_store.query("submissions", org="clg-0950243y").empty
    said, english = uploads.verdict(outcome, "fr"), uploads.verdict(outcome, "en")
    assert said is not None and english is not None
    assert said[0] == "error" and said[1].startswith("Rien n'a été lu") and "modèle" in said[1]
    assert english[1].startswith("Nothing was read")
    db = ["--db", str(demo_store.path), "--data", str(DATA)]
    code = main(["ingest", str(path), "--org", "clg-0950243y", "--json", *db])
    summary = json.loads(capsys.readouterr().out)
    assert code == EXIT_REFUSED and summary["status"] == "empty"


# --- values that will not count -------------------------------------------------------------


def test_a_rate_without_its_base_is_warned(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "taux.xlsx",
        {
            "Taux": [
                ["Indicateur", "Collège", "Période", "Valeur", "Numérateur", "Dénominateur"],
                ["Taux d'absentéisme", "0950243Y", "2024-2025", "7,9 %", None, None],
                ["Réussite brevet", "0950243Y", "2024-2025", None, 120, 150],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y", dry_run=True)
    assert read(outcome) == pytest.approx(
        {
            ("taux-absenteisme", "0950243Y", "2024-2025", ""): 7.9,
            ("taux-reussite-dnb", "0950243Y", "2024-2025", ""): 80,
        }
    )
    assert where(outcome, "rate-without-base") == ["Taux!D2"]
    (problem,) = [p for p in outcome.preparation.warnings if p.code == "rate-without-base"]
    assert "numérateur" in problem.message("fr") and "numerator" in problem.message("en")
    assert problem.hint("fr") and problem.hint("en")


def test_a_yearly_indicator_reported_for_a_term_is_warned(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    path = book(
        tmp_path / "trimestre.xlsx",
        {
            "T1": [
                ["Indicateur", "Collège", "Période", "Numérateur", "Dénominateur"],
                ["Taux d'absentéisme", "0950243Y", "T1 2024-2025", 30, 400],
                ["Taux d'absentéisme", "0950243Y", "2024-2025", 80, 400],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y", dry_run=True)
    assert read(outcome) == pytest.approx(
        {
            ("taux-absenteisme", "0950243Y", "2024-2025-T1", ""): 7.5,
            ("taux-absenteisme", "0950243Y", "2024-2025", ""): 20,
        }
    )
    assert where(outcome, "frequency-mismatch") == ["T1!D2"]
    (problem,) = [p for p in outcome.preparation.warnings if p.code == "frequency-mismatch"]
    assert "annuel" in problem.message("fr") and "yearly" in problem.message("en")


def test_a_value_for_a_period_not_yet_open_is_warned(
    tmp_path: Path, demo_store: Store, initiative: Definition
) -> None:
    demo_store.clock = lambda: dt.datetime(2025, 11, 20, 10)
    path = book(
        tmp_path / "avance.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Rencontres avec les parents organisées", "0950243Y", "T1 2025-2026", 2],
                ["Rencontres avec les parents organisées", "0950243Y", "T2 2025-2026", 4],
            ]
        },
    )
    outcome = send(demo_store, initiative, path, "clg-0950243y", dry_run=True)
    assert read(outcome) == {
        ("reunions-parents", "0950243Y", "2025-2026-T1", ""): 2,
        ("reunions-parents", "0950243Y", "2025-2026-T2", ""): 4,
    }
    assert where(outcome, "period-not-open") == ["B!C3"]
    (problem,) = [p for p in outcome.preparation.warnings if p.code == "period-not-open"]
    assert "01/01/2026" in problem.message("fr")
