"""From partner workbooks to stored values: layouts, every problem code, loading and history."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from indicators.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from indicators.common.problems import CELL_TEMPLATES
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest.pipeline import Outcome, ingest
from indicators.store import database as store_module
from indicators.store.database import Store
from tests.conftest import BASE_DEFINITION
from tests.workbooks import write_workbook

ORG = "ent-valmont"  # committed to visites-entreprise and jeunes-touches


@pytest.fixture(scope="module")
def definition() -> Definition:
    return load_definition(BASE_DEFINITION)


def values(outcome: Outcome) -> dict[tuple[str, str, str, str], float | None]:
    return {c.key: c.value for c in outcome.preparation.candidates}


def codes(outcome: Outcome) -> list[str]:
    return [p.code for p in outcome.preparation.problems]


def at(outcome: Outcome, code: str) -> list[str]:
    return [f"{p.sheet}!{p.cell}" for p in outcome.preparation.problems if p.code == code]


def run(store: Store, definition: Definition, path: Path, **kwargs: object) -> Outcome:
    return ingest(store, path, definition, ORG, "test", **kwargs)  # type: ignore[arg-type]


# --- layouts -----------------------------------------------------------------------------


def test_long_layout_with_title_totals_and_notes(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "bilan.xlsx",
        {
            "Bilan": [
                ["Transports Valmont – bilan du premier trimestre"],
                ["Année scolaire 2024-2025"],
                [],
                ["Indicateur", "Collège", "Période", "Sexe", "Valeur"],
                ["Nb jeunes touchés", "Collège des Tilleuls", "T1 2024-2025", "Filles", 45],
                ["Nb jeunes touchés", "Collège des Tilleuls", "T1 2024-2025", "Garçons", "1 040"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", None, "3"],
                ["Total", None, None, None, 1088],
                [],
                [
                    "Source : registre de l'association, données arrêtées au 31 décembre 2024 par la coordinatrice"
                ],
            ]
        },
        start="B2",
    )
    outcome = run(store, definition, path, dry_run=True)
    assert outcome.status == "dry-run" and outcome.created == 3
    assert values(outcome) == {
        ("jeunes-touches", "0950001K", "2024-2025-T1", "sex=F"): 45,
        ("jeunes-touches", "0950001K", "2024-2025-T1", "sex=M"): 1040,
        ("visites-entreprise", "0950002L", "2024-2025-T1", ""): 3,
    }
    assert at(outcome, "total-row-skipped") == ["Bilan!B9"]
    assert outcome.preparation.errors == []
    first = outcome.preparation.candidates[0]
    assert (first.sheet, first.cell) == ("Bilan", "F6")  # provenance: the value's own cell


def test_wide_layout_merged_two_row_header_and_sheet_per_school(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "ecoles.xlsx",
        {
            "Collège du Moulin": [
                ["Période", "Jeunes touchés", None, "Commentaire"],
                [None, "Filles", "Garçons", None],
                ["T1 2024-2025", 12, 14, "RAS"],
            ],
            "Tilleuls": [
                ["Période", "Jeunes touchés", None],
                [None, "Filles", "Garçons"],
                ["T1 2024-2025", 20, 22],
            ],
        },
        merges={"Collège du Moulin": ["B1:C1"], "Tilleuls": ["B1:C1"]},
    )
    outcome = run(store, definition, path)
    assert outcome.status == "received" and outcome.created == 4
    assert values(outcome)[("jeunes-touches", "0950002L", "2024-2025-T1", "sex=M")] == 14
    assert values(outcome)[("jeunes-touches", "0950001K", "2024-2025-T1", "sex=F")] == 20


def test_wide_by_periods_and_csv_in_french_formats(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Indicateur;Établissement;T1 2024-2025;2024-2025\n"
        "Visites d'entreprise organisées;0950001K;4;12\n"
        "Nombre de bénéficiaires;0950001K;1\u00a0204;NC\n".encode("cp1252")
    )
    outcome = run(store, definition, path)
    assert outcome.preparation.errors == []
    assert values(outcome) == {
        ("visites-entreprise", "0950001K", "2024-2025-T1", ""): 4,
        ("visites-entreprise", "0950001K", "2024-2025", ""): 12,
        ("jeunes-touches", "0950001K", "2024-2025-T1", ""): 1204,
        ("jeunes-touches", "0950001K", "2024-2025", ""): None,  # reported as not available
    }


def test_rate_from_numerator_and_denominator_and_fraction_said(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "taux.xlsx",
        {
            "DNB": [
                ["Indicateur", "Collège", "Période", "Numérateur", "Dénominateur"],
                ["Taux de réussite au brevet", "0950001K", "2024-2025", 81, 100],
            ],
            "Projet": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["taux-projet-avenir", "0950001K", "2024-2025", 0.45],
            ],
        },
    )
    outcome = run(store, definition, path, dry_run=True)
    assert values(outcome)[("taux-reussite-dnb", "0950001K", "2024-2025", "")] == 81
    assert values(outcome)[("taux-projet-avenir", "0950001K", "2024-2025", "")] == 45
    said = [p for p in outcome.preparation.problems if p.code == "value-interpreted"]
    assert said and said[0].details["how"] == "fraction-read-as-percent"
    assert "fraction lue en pourcentage" in said[0].message("fr")
    assert "fraction read as a percentage" in said[0].message("en")


def test_a_column_of_fractions_reads_1_as_100_percent_and_a_percent_format_is_a_fraction(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    """0.45 and 1 in one column are 45 % and 100 %; a cell shown as 100 % holds 1."""
    path = write_workbook(
        tmp_path / "fractions.xlsx",
        {
            "Projet": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["taux-projet-avenir", "0950001K", "2024-2025", 0.45],
                ["taux-projet-avenir", "0950002L", "2024-2025", 1],
            ],
            "Pourcents": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["taux-projet-avenir", "0950001K", "T1 2024-2025", 60],
                ["taux-projet-avenir", "0950002L", "T1 2024-2025", 1],
            ],
        },
    )
    outcome = run(store, definition, path, dry_run=True)
    found = values(outcome)
    assert found[("taux-projet-avenir", "0950001K", "2024-2025", "")] == 45
    assert found[("taux-projet-avenir", "0950002L", "2024-2025", "")] == 100
    assert found[("taux-projet-avenir", "0950002L", "2024-2025-T1", "")] == 1  # a percent column
    column = [p for p in outcome.preparation.problems if p.details.get("how") == "fraction-column"]
    assert [f"{p.sheet}!{p.cell}" for p in column] == ["Projet!D3"]

    book = openpyxl.load_workbook(path)
    book["Pourcents"]["D3"].number_format = "0%"  # shown as 100 %: a fraction whatever its column
    book.save(path)
    shown = run(store, definition, path, dry_run=True)
    assert values(shown)[("taux-projet-avenir", "0950002L", "2024-2025-T1", "")] == 100
    said = [(p.sheet, p.cell, p.details.get("how")) for p in shown.preparation.problems]
    assert ("Pourcents", "D3", "percent-format") in said


# --- one case per problem code -----------------------------------------------------------

PROBLEM_ROWS: dict[str, list[object]] = {
    "unknown-indicator": ["Nombre de licornes", "0950001K", "T1 2024-2025", 3],
    "unknown-place": ["Nb jeunes touchés", "Lycée imaginaire", "T1 2024-2025", 3],
    "unknown-period": ["Nb jeunes touchés", "0950001K", "l'an dernier", 3],
    "period-outside-initiative": ["Nb jeunes touchés", "0950001K", "2031-2032", 3],
    "not-a-number": ["Nb jeunes touchés", "0950001K", "T1 2024-2025", "beaucoup"],
    "negative-count": ["Nb jeunes touchés", "0950001K", "T1 2024-2025", -4],
    "percentage-over-100": ["taux-projet-avenir", "0950001K", "2024-2025", "140 %"],
    "out-of-range": ["Nb jeunes touchés", "0950001K", "T1 2024-2025", 999999],
    "error-cell": ["Nb jeunes touchés", "0950001K", "T1 2024-2025", "#N/A"],
    "not-committed": ["Score de confiance en soi", "0950001K", "2024-2025", 6.5],
}


@pytest.mark.parametrize("code", sorted(PROBLEM_ROWS))
def test_each_problem_code_at_its_cell(
    tmp_path: Path, store: Store, definition: Definition, code: str
) -> None:
    path = write_workbook(
        tmp_path / "p.xlsx",
        {
            "Feuille": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 2],
                PROBLEM_ROWS[code],
            ]
        },
    )
    outcome = run(store, definition, path)
    found = [p for p in outcome.preparation.problems if p.code == code]
    assert found, codes(outcome)
    problem = found[0]
    assert problem.sheet == "Feuille" and problem.cell.endswith("3")
    assert problem.message("fr") and problem.message("en") and problem.hint("fr")
    if problem.severity == "error":
        assert outcome.status == "rejected" and store.query("observations", org="").empty
    else:
        assert outcome.status == "received"


def test_numerator_over_denominator_duplicates_and_formulas(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "p.xlsx",
        {
            "F": [
                ["Indicateur", "Collège", "Période", "Numérateur", "Dénominateur", "Valeur"],
                ["taux-reussite-dnb", "0950001K", "2024-2025", 120, 100, None],
                ["Visites entreprises", "0950002L", "T1 2024-2025", None, None, 2],
                ["Visites entreprises", "0950002L", "T1 2024-2025", None, None, 3],
                ["Visites entreprises", "0950001K", "T1 2024-2025", None, None, "=1/0"],
            ]
        },
    )
    outcome = run(store, definition, path)
    assert at(outcome, "numerator-over-denominator") == ["F!D2"]
    assert at(outcome, "duplicate-key") == ["F!F4"]
    assert at(outcome, "formula-without-value") == ["F!F5"]
    assert outcome.status == "rejected"


def test_hidden_sheets_are_skipped_and_said(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "h.xlsx",
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 2],
            ],
            "Élèves": [["Nom", "Prénom"], ["Martin", "Léa"]],
        },
        hidden=["Élèves"],
    )
    outcome = run(store, definition, path)
    assert outcome.preparation.hidden_sheets == ("Élèves",)
    assert "hidden-sheet-skipped" in codes(outcome)
    assert outcome.status == "received"


def test_every_cell_code_has_both_languages_and_a_hint() -> None:
    for code, (fr, en, hint_fr, hint_en) in CELL_TEMPLATES.items():
        assert fr and en and hint_fr and hint_en and fr != en, code


# --- loading -----------------------------------------------------------------------------


def _file(tmp_path: Path, name: str, visits: int) -> Path:
    return write_workbook(
        tmp_path / name,
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", visits],
                ["Nb jeunes touchés", "0950002L", "T1 2024-2025", 30],
            ]
        },
    )


def test_same_file_again_changes_nothing_and_says_so(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = _file(tmp_path, "a.xlsx", 4)
    first = run(store, definition, path)
    again = run(store, definition, path)
    assert (first.status, first.created) == ("received", 2)
    assert (again.status, again.created, again.updated, again.unchanged) == ("unchanged", 0, 0, 2)
    assert len(store.query("observations", org=ORG)) == 2


def test_corrected_file_supersedes_and_keeps_history(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    run(store, definition, _file(tmp_path, "premier.xlsx", 4))
    corrected = run(store, definition, _file(tmp_path, "corrige.xlsx", 5))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 1)
    history = store.query("observations", org=ORG)
    visits = history[history["indicator"] == "visites-entreprise"]
    assert list(visits["value"]) == [4, 5]
    assert list(visits["is_current"]) == [False, True]
    assert list(visits["filename"]) == ["premier.xlsx", "corrige.xlsx"]
    assert set(visits["uploaded_by"]) == {"test"} and visits["uploaded_at"].notna().all()
    assert list(visits["cell"]) == ["D2", "D2"]


def test_dry_run_writes_nothing(tmp_path: Path, store: Store, definition: Definition) -> None:
    outcome = run(store, definition, _file(tmp_path, "a.xlsx", 4), dry_run=True)
    assert outcome.created == 2
    assert store.query("observations", org="").empty


def test_a_failure_halfway_leaves_nothing(
    tmp_path: Path, store: Store, definition: Definition, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(*args: object) -> None:
        raise RuntimeError("disk full, after the values were inserted")

    monkeypatch.setattr(store_module, "_audit", broken_audit)
    with pytest.raises(RuntimeError):
        run(store, definition, _file(tmp_path, "a.xlsx", 4))
    monkeypatch.undo()
    assert store.query("observations", org="").empty
    with store._connect() as con:
        assert con.execute("select count(*) from submissions").fetchall() == [(0,)]


# --- command line ------------------------------------------------------------------------


def test_cli_ingest_json_and_exit_codes(
    tmp_path: Path, definition_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "m.duckdb"), "--data", str(definition_dir)]
    good = _file(tmp_path, "a.xlsx", 4)
    assert main(["ingest", str(good), "--org", ORG, "--json", *db]) == EXIT_OK
    summary = json.loads(capsys.readouterr().out)
    for key in (
        "status",
        "file",
        "sha256",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "errors",
        "warnings",
    ):
        assert key in summary
    assert summary["status"] == "received" and summary["created"] == 2
    bad = write_workbook(
        tmp_path / "b.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", "x"],
            ]
        },
    )
    annotated = tmp_path / "annotes"
    assert (
        main(["ingest", str(bad), "--org", ORG, "--json", "--annotated", str(annotated), *db])
        == EXIT_REFUSED
    )
    refused = json.loads(capsys.readouterr().out)
    assert refused["errors"][0]["code"] == "not-a-number" and refused["errors"][0]["cell"] == "D2"
    assert (
        refused["annotated"] == str(annotated / "b.annote.xlsx")
        and (annotated / "b.annote.xlsx").is_file()
    )
    junk = tmp_path / "c.xlsx"
    junk.write_bytes(b"not a workbook")
    assert main(["ingest", str(junk), "--org", ORG, *db]) == EXIT_USAGE
    printed = capsys.readouterr().out
    assert "c.xlsx : unreadable" in printed and "[content-mismatch]" in printed
    assert main(["ingest", str(good), "--org", "inconnue", *db]) == EXIT_USAGE


def test_export_observations_with_provenance_and_safe_cells(
    tmp_path: Path, definition_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "m.duckdb"), "--data", str(definition_dir)]
    path = tmp_path / "=cmd.csv"
    path.write_text(
        "Indicateur;Collège;Période;Valeur\nVisites entreprises;0950002L;T1 2024-2025;-3\n"
        "Visites entreprises;0950001K;T1 2024-2025;4\n",
        encoding="utf-8",
    )
    main(["ingest", str(_file(tmp_path, "a.xlsx", 4)), "--org", ORG, *db])
    main(["ingest", str(path), "--org", "asso-elan", *db])
    capsys.readouterr()
    assert main(["export", "observations", "--format", "csv", *db]) == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["organisation"] for r in rows} == {ORG}  # the CSV with -3 was rejected entirely
    assert {"filename", "sheet", "cell", "submission_id", "uploaded_by", "is_current"} <= set(
        rows[0]
    )
    assert main(["export", "observations", "--org", "asso-elan", *db]) == EXIT_OK
    assert capsys.readouterr().out.strip().count("\n") == 0  # header only


def test_confirmed_mapping_is_remembered_for_the_next_upload(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    from indicators.ingest.uploads import check_file, confirm_mappings, to_confirm
    from tests.conftest import EVALUATOR

    path = write_workbook(
        tmp_path / "maison.xlsx",
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Sorties Tremplin", "0950002L", "T1 2024-2025", 2],
            ]
        },
    )
    first = check_file(store, EVALUATOR, definition, ORG, path, path.name)
    assert first.blocked
    assert [(kind, label) for kind, label, _, _ in to_confirm(first)] == [
        ("indicator", "Sorties Tremplin")
    ]
    confirm_mappings(
        store,
        EVALUATOR,
        definition,
        ORG,
        [("indicator", "Sorties Tremplin", "visites-entreprise")],
    )
    again = check_file(store, EVALUATOR, definition, ORG, path, path.name)
    assert not again.blocked and to_confirm(again) == []
    match = again.outcome.preparation.mappings[("indicator", "Sorties Tremplin")]  # type: ignore[union-attr]
    assert (match.target, match.method) == ("visites-entreprise", "memory")
    other = check_file(store, EVALUATOR, definition, "asso-elan", path, path.name)
    assert other.blocked  # memory is per organisation
    with store._connect() as con:
        assert con.execute(
            "select action from audit_log where action = 'mapping.confirm'"
        ).fetchall()


def test_a_hundredfold_change_is_a_unit_warning(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    def rate(name: str, period: str, value: object) -> Path:
        return write_workbook(
            tmp_path / name,
            {
                "B": [
                    ["Indicateur", "Collège", "Période", "Valeur"],
                    ["Nb jeunes touchés", "0950002L", period, value],
                ]
            },
        )

    assert run(store, definition, rate("t1.xlsx", "T1 2024-2025", 45)).status == "received"
    jump = run(store, definition, rate("an.xlsx", "2024-2025", 4500))  # another period, ×100
    assert at(jump, "unit-jump") == ["B!D2"]
    (unit,) = [p for p in jump.preparation.warnings if p.code == "unit-jump"]
    assert "×100" in unit.message()
    assert at(jump, "frequency-mismatch") == ["B!D2"]  # a termly indicator given for a year
    assert jump.status == "received"  # a warning never blocks
    calm = run(store, definition, rate("t1-bis.xlsx", "T1 2024-2025", 47), dry_run=True)
    assert "unit-jump" not in codes(calm)


# --- columnar reading: provenance far right, keys given twice, every bad row reported ------


def test_stored_cells_are_named_like_excel_far_to_the_right(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    """The store names cells itself (in SQL): AB, ZZ, AAA must come out as Excel writes them."""
    starts = (("Y1", {"AB2", "AB3"}), ("ZW1", {"ZZ2", "ZZ3"}), ("ZX1", {"AAA2", "AAA3"}))
    for n, (start, cells) in enumerate(starts):
        rows: list[list[object]] = [
            ["Indicateur", "Collège", "Période", "Valeur"],
            ["visites-entreprise", "0950001K", "T1 2024-2025", 3 + n],
            ["visites-entreprise", "0950002L", "T1 2024-2025", 10 + n],
        ]
        path = write_workbook(tmp_path / f"{start}.xlsx", {"Feuille": rows}, start=start)
        outcome = run(store, definition, path)
        assert {c.cell for c in outcome.preparation.candidates} == cells
        current = store.query("observations", org=ORG)
        assert set(current[current["is_current"]]["cell"]) == cells


def test_two_columns_giving_one_key_in_a_row_are_a_duplicate(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "deux.xlsx",
        {
            "Feuille": [
                ["Collège", "Période", "Visites entreprises", "Visites entreprises"],
                ["0950001K", "T1 2024-2025", 3, 5],
            ]
        },
    )
    outcome = run(store, definition, path, dry_run=True)
    assert at(outcome, "duplicate-key") == ["Feuille!D2"]
    duplicate = next(p for p in outcome.preparation.problems if p.code == "duplicate-key")
    assert "Feuille!C2" in duplicate.message("fr")


def test_an_unknown_school_is_reported_on_every_row_naming_it(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "inconnu.xlsx",
        {
            "Feuille": [
                ["Indicateur", "Collège", "Période", "Valeur", "Valeur"],
                ["visites-entreprise", "Collège Imaginaire", "T1 2024-2025", 3, None],
                ["visites-entreprise", "Collège Imaginaire", "T2 2024-2025", 4, None],
            ]
        },
    )
    outcome = run(store, definition, path, dry_run=True)
    assert at(outcome, "unknown-place") == ["Feuille!B2", "Feuille!B3"]


# --- headers and rows that looked like something else ---------------------------------------


def test_a_comment_saying_somme_does_not_make_a_totals_row(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = write_workbook(
        tmp_path / "commentaire.xlsx",
        {
            "Feuille": [
                ["Indicateur", "Collège", "Période", "Valeur", "Commentaire"],
                ["Visites entreprises", "0950001K", "T1 2024-2025", 2, "Somme des visites"],
                ["Total", None, None, 2, None],
            ]
        },
    )
    outcome = run(store, definition, path, dry_run=True)
    assert values(outcome) == {("visites-entreprise", "0950001K", "2024-2025-T1", ""): 2}
    assert at(outcome, "total-row-skipped") == ["Feuille!A3"]


def test_period_headers_in_words_are_periods_and_a_label_is_not_a_breakdown(
    tmp_path: Path, store: Store
) -> None:
    """ "1er trimestre 2024-2025" and "Année scolaire 2024-2025" head values for that period;
    an indicator whose label holds a breakdown's word ("partenaires") stays an indicator."""
    full = load_definition(store_module.data_dir())
    path = write_workbook(
        tmp_path / "mots.xlsx",
        {
            "Trimestres": [
                ["Indicateur", "Collège", "1er trimestre 2024-2025", "2e trimestre 2024-2025"],
                ["Jeunes / bénévole", "0950243Y", 3, 4],
            ],
            "Année": [
                ["Collège", "Part des stages de 3e trouvés grâce aux partenaires"],
                ["0950243Y", 40],
            ],
            "Titre": [
                ["Collège", "Indicateur", "Année scolaire 2024-2025"],
                ["0951761Y", "Jeunes / bénévole", 5],
            ],
        },
    )
    book = openpyxl.load_workbook(path)
    book["Année"].insert_rows(1)
    book["Année"]["A1"] = "Année scolaire 2024-2025"
    book.save(path)
    outcome = ingest(store, path, full, "ent-aeroservices-nord", "test", dry_run=True)
    assert outcome.preparation.errors == []
    found = values(outcome)
    assert found[("jeunes-par-benevole", "0950243Y", "2024-2025-T1", "")] == 3
    assert found[("jeunes-par-benevole", "0950243Y", "2024-2025-T2", "")] == 4
    assert found[("taux-stages-partenaires", "0950243Y", "2024-2025", "")] == 40
    assert found[("jeunes-par-benevole", "0951761Y", "2024-2025", "")] == 5


def test_a_ratio_may_have_a_numerator_larger_than_its_denominator(
    tmp_path: Path, store: Store
) -> None:
    full = load_definition(store_module.data_dir())
    path = write_workbook(
        tmp_path / "ratio.xlsx",
        {
            "Ratio": [
                ["Indicateur", "Collège", "Période", "Numérateur", "Dénominateur"],
                ["jeunes-par-benevole", "0950243Y", "2024-2025", 30, 10],
                ["taux-stages-partenaires", "0950243Y", "2024-2025", 30, 10],
            ]
        },
    )
    outcome = ingest(store, path, full, "ent-aeroservices-nord", "test", dry_run=True)
    assert values(outcome)[("jeunes-par-benevole", "0950243Y", "2024-2025", "")] == 3
    assert at(outcome, "numerator-over-denominator") == ["Ratio!D3"]
