"""Administration: the definition's tables edited as rows or through Excel, checked by the
definition's own rules, shown as differences, saved in one audited transaction."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.access.viewer import AccessDeniedError
from indicators.admin import editing
from indicators.admin.workbook import SHEETS, propose_workbook, read_tables, workbook_bytes
from indicators.analytics import synchronisation
from indicators.common.problems import RefusedInputError
from indicators.ingest.template import template_bytes
from indicators.store.database import Store
from indicators.store.stored import stored_definition
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A

TODAY = dt.date(2025, 10, 15)
NEW_COMMITMENT = {
    "id": "C9",
    "organisation": "asso-elan",
    "action_type": "ACT-VISITES",
    "node": "OUT-JEUNES",
    "places": "0950001K",
    "grades": "3e",
    "sex": "",
    "targeted": "40",
    "periods": "2024-2025",
    "status": "ongoing",
    "indicators": "jeunes-touches",
}


def last_audit(store: Store) -> pd.Series:
    log = store.query(
        "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime.now() + dt.timedelta(days=1)
    )
    return log.iloc[0]  # newest first


def with_row(frame: pd.DataFrame, row: dict[str, str]) -> pd.DataFrame:
    return pd.concat([frame, pd.DataFrame([row], dtype="string")], ignore_index=True)


def test_only_evaluators_administer(store: Store) -> None:
    for viewer in (PARTNER_A, FUNDER, None):
        with pytest.raises(AccessDeniedError):
            editing.tables(store, viewer)  # type: ignore[arg-type]
        with pytest.raises(AccessDeniedError):
            editing.propose(store, viewer, {})  # type: ignore[arg-type]
        with pytest.raises(AccessDeniedError):
            workbook_bytes(store, viewer)  # type: ignore[arg-type]


def test_the_tables_are_the_stores_definition_as_text(store: Store) -> None:
    tables = editing.tables(store, EVALUATOR)
    assert set(tables) == {"places", "organisations", "commitments", "periods", "targets"}
    assert list(tables["commitments"]["id"]) == ["C1", "C2", "C3"]
    assert tables["commitments"].loc[0, "places"] == "0950001K;0950002L"


def test_unchanged_tables_propose_nothing(store: Store) -> None:
    proposal = editing.propose(store, EVALUATOR, editing.tables(store, EVALUATOR))
    assert proposal.changes == [] and proposal.errors == [] and not proposal.ready
    with pytest.raises(RefusedInputError) as refused:
        editing.save(store, EVALUATOR, proposal, "rien")
    assert refused.value.code == "nothing-changed"


def test_a_new_commitment_is_saved_audited_and_expected_from_then_on(store: Store) -> None:
    before = synchronisation.expected_reports(store, EVALUATOR, TODAY)
    assert "asso-elan" not in set(before[before["indicator"] == "jeunes-touches"]["organisation"])
    tables = editing.tables(store, EVALUATOR)
    proposal = editing.propose(
        store, EVALUATOR, {"commitments": with_row(tables["commitments"], NEW_COMMITMENT)}
    )
    assert [(c.kind, c.key) for c in proposal.changes] == [("added", "C9")]
    assert proposal.ready, [p.message() for p in proposal.problems]
    summary = editing.save(store, EVALUATOR, proposal, "Élan rejoint les visites en 3e")
    assert summary.counts["commitments"] == 4
    assert "C9" in {c.id for c in stored_definition(store).commitments}
    after = synchronisation.expected_reports(store, EVALUATOR, TODAY)
    assert "asso-elan" in set(after[after["indicator"] == "jeunes-touches"]["organisation"])
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(stored_definition(store), "asso-elan")))
    cells = {str(c.value) for row in book["Saisie"].iter_rows() for c in row if c.value}
    assert "jeunes-touches" in cells
    entry = last_audit(store)
    assert entry["action"] == "definition.edit" and entry["actor"] == "eva"
    details = json.loads(entry["details"])
    assert details["reason"] == "Élan rejoint les visites en 3e"
    assert details["changes"] == [
        {"table": "commitments", "kind": "added", "key": "C9", "fields": list(NEW_COMMITMENT)}
    ]


@pytest.mark.parametrize(
    ("table", "edit", "code"),
    [
        ("commitments", {"organisation": "asso-inconnue"}, "unknown-organisation"),
        ("commitments", {"indicators": "pas-un-indicateur"}, "unknown-indicator"),
        ("commitments", {"status": "peut-être"}, "invalid-value"),
        ("places", {"education_priority": "REP++"}, "invalid-value"),
        ("places", {"uai": "0950001A"}, "invalid-uai"),
        ("periods", {"due": "2024-01-01"}, "bad-dates"),
        ("targets", {"value": "beaucoup"}, "not-a-number"),
    ],
)
def test_an_invalid_edit_gets_the_files_own_problem_and_is_not_saved(
    store: Store, table: str, edit: dict[str, str], code: str
) -> None:
    tables = editing.tables(store, EVALUATOR)
    frame = tables[table].copy()
    row = 1 if table == "places" and len(frame) > 1 else 0
    if table == "places":
        row = int(frame.index[frame["kind"] == "school"][0])
    for column, value in edit.items():
        frame.loc[row, column] = value
    proposal = editing.propose(store, EVALUATOR, {table: frame})
    assert code in {p.code for p in proposal.errors}, [p.message() for p in proposal.problems]
    problem = next(p for p in proposal.errors if p.code == code)
    assert problem.file.endswith(".csv") and problem.message("fr") and problem.hint("fr")
    assert not proposal.ready
    before = stored_definition(store)
    with pytest.raises(RefusedInputError) as refused:
        editing.save(store, EVALUATOR, proposal, "essai")
    assert refused.value.code == "definition-has-errors"
    assert stored_definition(store) == before


def test_removing_an_organisation_that_still_has_commitments_is_refused(store: Store) -> None:
    tables = editing.tables(store, EVALUATOR)
    organisations = tables["organisations"]
    proposal = editing.propose(
        store, EVALUATOR, {"organisations": organisations[organisations["code"] != "asso-elan"]}
    )
    assert [(c.kind, c.key) for c in proposal.changes] == [("removed", "asso-elan")]
    assert "unknown-organisation" in {p.code for p in proposal.errors}


def test_a_save_needs_a_reason(store: Store) -> None:
    tables = editing.tables(store, EVALUATOR)
    proposal = editing.propose(
        store, EVALUATOR, {"commitments": with_row(tables["commitments"], NEW_COMMITMENT)}
    )
    with pytest.raises(RefusedInputError) as refused:
        editing.save(store, EVALUATOR, proposal, "  ")
    assert refused.value.code == "reason-missing"


def _round_trip(store: Store, tmp_path: Path, edit: object = None) -> Path:
    path = tmp_path / "definition.xlsx"
    path.write_bytes(workbook_bytes(store, EVALUATOR))
    if edit is not None:
        book = openpyxl.load_workbook(path)
        edit(book)  # type: ignore[operator]
        book.save(path)
    return path


def test_an_untouched_workbook_gives_no_difference(store: Store, tmp_path: Path) -> None:
    path = _round_trip(store, tmp_path)
    found, notes = read_tables(path, path.name)
    assert set(found) == set(SHEETS) and notes == []
    proposal, _ = propose_workbook(store, EVALUATOR, path, path.name)
    assert proposal.changes == [] and proposal.errors == []
    assert last_audit(store)["target"] == "definition.xlsx"


def test_the_workbook_offers_drop_downs_for_closed_lists(store: Store, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_round_trip(store, tmp_path))
    validations = book[SHEETS["commitments"]].data_validations.dataValidation
    formulas = {v.formula1 for v in validations}
    assert any("Listes" in f for f in formulas) and len(validations) == 3
    assert book["Listes"].sheet_state == "hidden"


def test_an_edited_workbook_shows_its_differences_then_saves(store: Store, tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        targets = book[SHEETS["targets"]]
        targets["E3"] = 85  # taux-reussite-dnb's target: 82 → 85
        targets["F3"] = "-2 points : révisée en comité"  # starts like a formula: kept as text
        commitments = book[SHEETS["commitments"]]
        commitments.append(list(NEW_COMMITMENT.values()))

    path = _round_trip(store, tmp_path, edit)
    proposal, notes = propose_workbook(store, EVALUATOR, path, path.name)
    assert notes == []
    changes = {(c.table, c.kind, c.key): c for c in proposal.changes}
    assert set(changes) == {
        ("targets", "changed", "taux-reussite-dnb · * · 2024-2025 · target"),
        ("commitments", "added", "C9"),
    }
    changed = changes[("targets", "changed", "taux-reussite-dnb · * · 2024-2025 · target")]
    assert changed.fields == ("value", "note")
    assert changed.after is not None and changed.after["value"] == "85"
    assert proposal.ready
    editing.save(store, EVALUATOR, proposal, "cibles révisées")
    saved = {(t.indicator, t.kind): t for t in stored_definition(store).targets}
    assert saved[("taux-reussite-dnb", "target")].value == 85
    assert saved[("taux-reussite-dnb", "target")].note == "-2 points : révisée en comité"
    again, _ = propose_workbook(store, EVALUATOR, _round_trip(store, tmp_path), "x.xlsx")
    assert again.changes == []


def test_a_sheet_without_its_header_is_left_aside_with_a_note(store: Store, tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book[SHEETS["places"]].delete_rows(1)

    path = _round_trip(store, tmp_path, edit)
    found, notes = read_tables(path, path.name)
    assert "places" not in found and "organisations" in found
    assert len(notes) == 1 and "Lieux" in notes[0]


# -- the indicator catalogue: corrections in place, new versions from a date --------------------


def history(store: Store, code: str) -> pd.DataFrame:
    from indicators.analytics.catalogue import indicator_history

    return indicator_history(store, EVALUATOR, code)


def test_a_label_is_corrected_on_the_current_version(store: Store) -> None:
    proposal = editing.propose_indicator(
        store, EVALUATOR, "jeunes-touches", {"label_fr": "Jeunes rencontrés"}
    )
    assert [c.fields for c in proposal.changes] == [("label_fr",)]
    assert proposal.ready and proposal.valid_from is None
    editing.save(store, EVALUATOR, proposal, "libellé plus juste")
    assert len(history(store, "jeunes-touches")) == 1
    assert next(
        i for i in stored_definition(store).indicators if i.code == "jeunes-touches"
    ).label_fr == ("Jeunes rencontrés")


def test_changing_what_an_indicator_measures_makes_a_new_version_from_a_date(
    store: Store,
) -> None:
    start = dt.date.today() + dt.timedelta(days=30)
    proposal = editing.propose_indicator(
        store, EVALUATOR, "visites-entreprise", {"aggregation_time": "max"}, start
    )
    change = proposal.changes[0]
    assert change.fields == ("version", "aggregation_time")
    assert change.before is not None and change.after is not None
    assert (change.before["version"], change.after["version"]) == ("1", "2")
    assert proposal.ready, [p.message() for p in proposal.problems]
    editing.save(store, EVALUATOR, proposal, "le comité compte le maximum du trimestre")
    versions = history(store, "visites-entreprise")
    assert list(versions["version"]) == [1, 2]
    assert versions["valid_to"].iloc[0] == versions["valid_from"].iloc[1]
    assert versions["valid_from"].iloc[1].date() == start


def test_a_new_version_cannot_start_before_the_current_one(store: Store) -> None:
    proposal = editing.propose_indicator(
        store, EVALUATOR, "visites-entreprise", {"unit": "hour"}, dt.date(2000, 1, 1)
    )
    assert "version-starts-too-early" in {p.code for p in proposal.errors}
    assert "01/01/2000" in next(p.message() for p in proposal.errors)


@pytest.mark.parametrize(
    ("edits", "code"),
    [
        ({"unit": "parsecs"}, "invalid-value"),
        ({"node": "NOEUD-INCONNU"}, "unknown-node"),
        ({"range_min": "beaucoup"}, "not-a-number"),
        ({"label_fr": ""}, "missing-field"),
    ],
)
def test_an_invalid_indicator_edit_gets_the_catalogues_own_problem(
    store: Store, edits: dict[str, str], code: str
) -> None:
    proposal = editing.propose_indicator(store, EVALUATOR, "jeunes-touches", edits)
    assert code in {p.code for p in proposal.errors}, [p.message() for p in proposal.problems]
    assert not proposal.ready


def test_an_unknown_indicator_is_refused(store: Store) -> None:
    with pytest.raises(RefusedInputError):
        editing.propose_indicator(store, EVALUATOR, "pas-un-indicateur", {})
    with pytest.raises(AccessDeniedError):
        editing.propose_indicator(store, PARTNER_A, "jeunes-touches", {})
