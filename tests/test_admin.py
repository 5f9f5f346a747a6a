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
from openpyxl.worksheet.worksheet import Worksheet

from indicators.access.viewer import AccessDeniedError
from indicators.admin import editing, shown
from indicators.admin.workbook import (
    CATALOGUE,
    SHEETS,
    propose_workbook,
    read_tables,
    workbook_bytes,
)
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
    assert set(found) == {*SHEETS, "indicators"} and notes == []
    assert len(found["indicators"]) == len(stored_definition(store).indicators)
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


def test_the_catalogue_round_trips_through_excel_with_versions(
    store: Store, tmp_path: Path
) -> None:
    """In the sheet Indicateurs: a label corrected stays in its version, a changed rule makes
    a new version in force from the save, a new row adds an indicator, a bad unit is refused
    with the catalogue's own problem; saved in one go and audited."""

    def column(sheet: Worksheet, name: str) -> int:
        return int(next(c.column for c in sheet[1] if c.value == name))

    def row_of(sheet: Worksheet, code: str) -> int:
        return int(next(c.row for c in sheet["A"] if c.value == code))

    def edit(book: openpyxl.Workbook) -> None:
        sheet = book[CATALOGUE]
        sheet.cell(row_of(sheet, "jeunes-touches"), column(sheet, "label_fr"), "Jeunes vus")
        sheet.cell(row_of(sheet, "visites-entreprise"), column(sheet, "aggregation_time"), "max")
        header = [c.value for c in sheet[1]]
        new = {
            "code": "ateliers-cv",
            "label_fr": "Ateliers CV",
            "label_en": "CV workshops",
            "definition_fr": "Ateliers d'aide au CV animés",
            "definition_en": "CV workshops held",
            "node": "ACT-VISITES",
            "unit": "event",
            "source_fr": "Partenaire",
            "source_en": "Partner",
        }
        sheet.append([new.get(str(name)) for name in header])

    path = _round_trip(store, tmp_path, edit)
    proposal, notes = propose_workbook(store, EVALUATOR, path, path.name)
    assert notes == [] and proposal.ready, [p.message() for p in proposal.problems]
    changes = {(c.kind, c.key): c for c in proposal.changes if c.table == "indicators"}
    assert set(changes) == {
        ("changed", "jeunes-touches"),
        ("changed", "visites-entreprise"),
        ("added", "ateliers-cv"),
    }
    assert changes[("changed", "jeunes-touches")].fields == ("label_fr",)
    assert changes[("changed", "visites-entreprise")].fields == ("version", "aggregation_time")
    assert proposal.valid_from is not None  # the new version is in force from the save
    editing.save(store, EVALUATOR, proposal, "revue du catalogue")
    assert list(history(store, "visites-entreprise")["version"]) == [1, 2]
    assert list(history(store, "jeunes-touches")["version"]) == [1]
    saved = {i.code: i for i in stored_definition(store).indicators}
    assert saved["jeunes-touches"].label_fr == "Jeunes vus"
    assert saved["visites-entreprise"].aggregation_time == "max"
    assert saved["ateliers-cv"].unit == "event" and saved["ateliers-cv"].version == 1
    assert last_audit(store)["action"] == "definition.edit"
    again, _ = propose_workbook(store, EVALUATOR, _round_trip(store, tmp_path), "x.xlsx")
    assert again.changes == []  # what was saved reads back as it is

    def wrong_unit(book: openpyxl.Workbook) -> None:
        sheet = book[CATALOGUE]
        sheet.cell(row_of(sheet, "jeunes-touches"), column(sheet, "unit"), "parsecs")

    refused, _ = propose_workbook(
        store, EVALUATOR, _round_trip(store, tmp_path, wrong_unit), "y.xlsx"
    )
    assert "invalid-value" in {p.code for p in refused.errors} and not refused.ready


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
    from indicators.analytics.catalogue import version_breaks

    breaks = version_breaks(store, PARTNER_A, "visites-entreprise")  # the catalogue is shared
    assert list(breaks["version"]) == [2]
    assert list(breaks["reason"]) == ["le comité compte le maximum du trimestre"]
    assert list(versions["reason"]) == ["", "le comité compte le maximum du trimestre"]


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


# -- a new initiative from nothing: `mesure init --empty`, then the Administration alone ---------

LUZY_NODES = [
    {
        "code": "ACT-ATELIERS",
        "level": "activity",
        "label_fr": "Ateliers du centre social",
        "label_en": "Social centre workshops",
    },
    {
        "code": "INT-LIEN",
        "level": "intermediate_outcome",
        "label_fr": "Lien entre les familles et le collège",
        "label_en": "Families connected with the school",
    },
]
LUZY_INDICATOR = {
    "code": "familles-accueillies",
    "label_fr": "Familles accueillies",
    "label_en": "Families welcomed",
    "definition_fr": "Familles distinctes venues à au moins un atelier dans l'année.",
    "definition_en": "Distinct families who came to at least one workshop in the year.",
    "node": "INT-LIEN",
    "source_fr": "Registre du centre social",
    "source_en": "Social centre register",
    "range_max": "500",
}


def empty_store(tmp_path: Path) -> Store:
    from indicators.cli import EXIT_OK, main

    db = tmp_path / "luzy.duckdb"
    code = main(["init", "--empty", "--db", str(db), "--code", "luzy", "--name", "Luzy ensemble"])
    assert code == EXIT_OK
    return Store(db)


def test_an_empty_initiative_holds_only_its_backbone(tmp_path: Path) -> None:
    from indicators.cli import EXIT_USAGE, main

    store = empty_store(tmp_path)
    definition = stored_definition(store)
    assert definition.initiative.code == "luzy" and not definition.initiative.demo
    assert [o.type for o in definition.organisations] == ["backbone"]
    assert not (definition.nodes or definition.indicators or definition.places)
    assert not (definition.commitments or definition.periods or definition.targets)
    assert {d.code for d in definition.dimensions} == {"sex", "grade"}
    assert main(["init", "--empty", "--db", str(store.path)]) == EXIT_USAGE  # never over a store


def test_the_administration_alone_sets_up_a_second_initiative(tmp_path: Path) -> None:
    from indicators.access import accounts
    from indicators.access.viewer import Viewer
    from indicators.analytics.figures import values
    from indicators.ingest.pipeline import ingest
    from indicators.ingest.template import ENTRY_SHEET
    from tests.conftest import FAST

    store = empty_store(tmp_path)

    def save(proposal: editing.Proposal, reason: str) -> None:
        assert proposal.ready, [p.message() for p in proposal.problems]
        editing.save(store, EVALUATOR, proposal, reason)

    def add(table: str, *new_rows: dict[str, str]) -> None:
        frame = editing.tables(store, EVALUATOR)[table]
        for row in new_rows:
            frame = with_row(frame, row)
        save(editing.propose(store, EVALUATOR, {table: frame}), f"{table} de Luzy")

    theory = editing.theory_tables(store, EVALUATOR)
    save(
        editing.propose_theory(
            store,
            EVALUATOR,
            {
                "nodes": pd.DataFrame(LUZY_NODES),
                "links": with_row(theory["links"], {"from": "ACT-ATELIERS", "to": "INT-LIEN"}),
            },
        ),
        "la théorie du changement de Luzy",
    )
    add(
        "places",
        {"code": "T-LUZY", "kind": "territory", "name": "Luzy et alentours"},
        {
            "code": "0580661D",
            "kind": "school",
            "name": "Collège de Luzy",
            "parent": "T-LUZY",
            "uai": "0580661D",
            "education_priority": "none",
            "commune_insee": "58149",
            "pupils_3e": "48",
        },
    )
    add(
        "organisations",
        {"code": "cs-luzy", "name": "Centre social de Luzy", "type": "association"},
    )
    accounts.add_account(
        store, EVALUATOR, "virginie", "Virginie", "partner", "x" * 16, "cs-luzy", security=FAST
    )
    save(editing.propose_new_indicator(store, EVALUATOR, LUZY_INDICATOR), "premier indicateur")
    add(
        "periods",
        {
            "code": "2025-2026",
            "label_fr": "Année 2025-2026",
            "label_en": "Year 2025-2026",
            "kind": "school_year",
            "start": "2025-09-01",
            "end": "2026-08-31",
            "due": "2026-09-30",
        },
    )
    add(
        "commitments",
        {
            "id": "L1",
            "organisation": "cs-luzy",
            "action_type": "ACT-ATELIERS",
            "node": "INT-LIEN",
            "places": "0580661D",
            "periods": "2025-2026",
            "status": "ongoing",
            "indicators": "familles-accueillies",
        },
    )
    add(
        "targets",
        {
            "indicator": "familles-accueillies",
            "place": "*",
            "period": "2025-2026",
            "kind": "target",
            "value": "60",
        },
    )
    definition = stored_definition(store)
    assert [n.code for n in definition.nodes] == ["ACT-ATELIERS", "INT-LIEN"]
    assert [i.code for i in definition.indicators] == ["familles-accueillies"]
    assert [t.value for t in definition.targets] == [60]
    edits = store.query(
        "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime.now() + dt.timedelta(days=1)
    )
    assert (edits["action"] == "definition.edit").sum() == 7

    path = tmp_path / "luzy.xlsx"
    path.write_bytes(template_bytes(definition, "cs-luzy"))
    book = openpyxl.load_workbook(path)
    book[ENTRY_SHEET].cell(row=2, column=8, value=37)
    book.save(path)
    outcome = ingest(store, path, definition, "cs-luzy", "virginie")
    assert outcome.status == "received", [p.code for p in outcome.preparation.problems]
    partner = accounts.get_account(store, "virginie").viewer()
    assert isinstance(partner, Viewer) and partner.organisation == "cs-luzy"
    seen = values(store, partner)
    assert list(zip(seen["indicator"], seen["place"], seen["value"], strict=True)) == [
        ("familles-accueillies", "0580661D", 37.0)
    ]


# -- the theory of change ---------------------------------------------------------------------------


def test_the_theory_tables_are_the_stores_theory(store: Store) -> None:
    theory = editing.theory_tables(store, EVALUATOR)
    definition = stored_definition(store)
    assert list(theory["nodes"]["code"]) == [n.code for n in definition.nodes]
    assert len(theory["links"]) == len(definition.links)
    assert dict(
        zip(theory["attachments"]["indicator"], theory["attachments"]["node"], strict=True)
    ) == {i.code: i.node for i in definition.indicators}
    assert editing.propose_theory(store, EVALUATOR, theory).changes == []
    with pytest.raises(AccessDeniedError):
        editing.theory_tables(store, PARTNER_A)


def test_an_outcome_linked_and_measured_is_saved_and_audited(store: Store) -> None:
    theory = editing.theory_tables(store, EVALUATOR)
    nodes = with_row(
        theory["nodes"],
        {
            "code": "INT-OSER",
            "level": "intermediate_outcome",
            "label_fr": "Oser demander",
            "label_en": "Daring to ask",
        },
    )
    target = str(theory["nodes"].loc[theory["nodes"]["level"] == "impact", "code"].iloc[0])
    links = with_row(theory["links"], {"from": "INT-OSER", "to": target})
    attachments = theory["attachments"].copy()
    attachments.loc[attachments["indicator"] == "jeunes-touches", "node"] = "INT-OSER"
    proposal = editing.propose_theory(
        store, EVALUATOR, {"nodes": nodes, "links": links, "attachments": attachments}
    )
    assert {(c.table, c.kind, c.key) for c in proposal.changes} == {
        ("nodes", "added", "INT-OSER"),
        ("links", "added", f"INT-OSER · {target}"),
        ("attachments", "changed", "jeunes-touches"),
    }
    assert proposal.ready, [p.message() for p in proposal.problems]
    editing.save(store, EVALUATOR, proposal, "un effet que le comité veut suivre")
    definition = stored_definition(store)
    assert "INT-OSER" in {n.code for n in definition.nodes}
    assert next(i for i in definition.indicators if i.code == "jeunes-touches").node == "INT-OSER"
    entry = last_audit(store)
    assert entry["action"] == "definition.edit"
    assert {c["table"] for c in json.loads(entry["details"])["changes"]} == {
        "nodes",
        "links",
        "attachments",
    }
    assert len(history(store, "jeunes-touches")) == 1  # the node is corrected in place


def _theory_edit(store: Store, case: str) -> editing.Proposal:
    theory = editing.theory_tables(store, EVALUATOR)
    nodes, links = theory["nodes"].copy(), theory["links"].copy()
    by_level = {str(lv): str(c) for c, lv in zip(nodes["code"], nodes["level"], strict=True)}
    if case == "down":
        links = with_row(links, {"from": by_level["impact"], "to": by_level["activity"]})
    elif case == "cycle":
        first = links.iloc[0]
        links = with_row(links, {"from": str(first["to"]), "to": str(first["from"])})
    elif case == "level":
        nodes.loc[0, "level"] = "résultat"
    elif case == "unknown":
        links = with_row(links, {"from": by_level["activity"], "to": "NULLE-PART"})
    elif case == "removed":
        measured = str(theory["attachments"]["node"].iloc[0])
        nodes = nodes[nodes["code"] != measured]
        links = links[(links["from"] != measured) & (links["to"] != measured)]
    return editing.propose_theory(store, EVALUATOR, {"nodes": nodes, "links": links})


@pytest.mark.parametrize(
    ("case", "code", "words"),
    [
        ("down", "link-goes-down", "descend"),
        ("cycle", "toc-cycle", "cycle"),
        ("level", "invalid-value", "résultat"),
        ("unknown", "unknown-node", "NULLE-PART"),
        ("removed", "unknown-node", "inconnu"),
    ],
)
def test_an_invalid_theory_edit_gets_the_files_own_problem(
    store: Store, case: str, code: str, words: str
) -> None:
    proposal = _theory_edit(store, case)
    assert code in {p.code for p in proposal.errors}, [p.message() for p in proposal.problems]
    problem = next(p for p in proposal.errors if p.code == code)
    assert words.lower() in problem.message("fr").lower() and problem.hint("fr")
    assert not proposal.ready
    with pytest.raises(RefusedInputError):
        editing.save(store, EVALUATOR, proposal, "essai")


def test_a_new_indicator_is_added_as_its_first_version(store: Store) -> None:
    node = stored_definition(store).nodes[0].code
    proposal = editing.propose_new_indicator(
        store, EVALUATOR, {**LUZY_INDICATOR, "node": node, "aliases": "Familles ; foyers"}
    )
    assert [(c.kind, c.key) for c in proposal.changes] == [("added", "familles-accueillies")]
    assert proposal.ready, [p.message() for p in proposal.problems]
    editing.save(store, EVALUATOR, proposal, "nouvel indicateur")
    added = next(i for i in stored_definition(store).indicators if i.code == LUZY_INDICATOR["code"])
    assert (added.version, added.range_max, added.aliases) == (1, 500.0, ("Familles", "foyers"))
    assert list(history(store, "familles-accueillies")["version"]) == [1]
    assert last_audit(store)["action"] == "definition.edit"


@pytest.mark.parametrize(
    ("edits", "code", "words"),
    [
        ({"code": "jeunes-touches"}, "duplicate-code", "jeunes-touches"),
        ({"node": "NOEUD-INCONNU"}, "unknown-node", "NOEUD-INCONNU"),
        ({"type": "percentage"}, "rate-without-denominator", "dénominateur"),
        ({"range_max": "beaucoup"}, "not-a-number", "beaucoup"),
        ({"label_fr": ""}, "missing-field", "label_fr"),
    ],
)
def test_an_invalid_new_indicator_gets_the_catalogues_own_problem(
    store: Store, edits: dict[str, str], code: str, words: str
) -> None:
    node = stored_definition(store).nodes[0].code
    proposal = editing.propose_new_indicator(
        store, EVALUATOR, {**LUZY_INDICATOR, "node": node, **edits}
    )
    assert code in {p.code for p in proposal.errors}, [p.message() for p in proposal.problems]
    assert words.lower() in next(p for p in proposal.errors if p.code == code).message().lower()
    assert not proposal.ready


# -- an account's role and organisation -------------------------------------------------------------


def test_a_partner_moved_to_another_organisation_sees_only_its_data(store: Store) -> None:
    from indicators.access import accounts, sessions
    from indicators.analytics.figures import values
    from tests.conftest import FAST
    from tests.stored import Sender

    send = Sender(store)
    send("ent-valmont", [("visites-entreprise", "0950001K", "2024-2025-T1", 3)])
    send("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T1", 2)])
    accounts.add_account(
        store, EVALUATOR, "paul", "Paul", "partner", "x" * 16, "ent-valmont", security=FAST
    )
    token = sessions.open_session(store, accounts.get_account(store, "paul"), security=FAST)
    before = sessions.resolve(store, token, security=FAST).viewer
    assert before is not None and set(values(store, before)["organisation"]) == {"ent-valmont"}

    moved = accounts.set_role(store, EVALUATOR, "paul", "partner", "asso-elan")
    assert (moved.role, moved.organisation) == ("partner", "asso-elan")
    assert sessions.resolve(store, token, security=FAST).viewer is None  # signs in again
    again = sessions.open_session(store, moved, security=FAST)
    after = sessions.resolve(store, again, security=FAST).viewer
    assert after is not None and after.organisation == "asso-elan"
    seen = values(store, after)
    assert set(seen["organisation"]) == {"asso-elan"} and list(seen["value"]) == [2.0]
    with pytest.raises(AccessDeniedError):
        values(store, after, "ent-valmont")
    log = store.query(
        "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime.now() + dt.timedelta(days=1)
    )
    entry = log[log["action"] == "account.role"].iloc[0]
    assert entry["target"] == "paul" and entry["actor"] == "eva"
    details = json.loads(entry["details"])
    assert details["organisation"] == "asso-elan"
    assert details["before"] == {"role": "partner", "organisation": "ent-valmont"}


@pytest.mark.parametrize(
    ("username", "role", "organisation", "code", "words"),
    [
        ("paul", "funder", "asso-elan", "organisation-type", "asso-elan"),
        ("paul", "partner", None, "missing-organisation", "organisation"),
        ("paul", "partner", "asso-inconnue", "unknown-organisation", "inconnue"),
        ("paul", "chef", None, "bad-role", "chef"),
        ("eva", "partner", "asso-elan", "own-role", "propre compte"),
    ],
)
def test_an_invalid_role_change_is_refused_with_its_reason(
    store: Store, username: str, role: str, organisation: str | None, code: str, words: str
) -> None:
    from indicators.access import accounts
    from tests.conftest import FAST

    for name in ("paul", "eva"):
        accounts.add_account(
            store, EVALUATOR, name, name, "partner", "x" * 16, "ent-valmont", security=FAST
        )
    with pytest.raises(accounts.AccountError) as refused:
        accounts.set_role(store, EVALUATOR, username, role, organisation)
    assert refused.value.code == code and words in refused.value.message("fr")
    assert accounts.get_account(store, "paul").organisation == "ent-valmont"
    with pytest.raises(AccessDeniedError):
        accounts.set_role(store, PARTNER_A, "paul", "evaluator", None)


# -- the tables in words (admin.shown) --------------------------------------------------------


@pytest.mark.parametrize("table", ["places", "organisations", "commitments", "periods", "targets"])
def test_a_table_shown_in_words_reads_back_unchanged(store: Store, table: str) -> None:
    """What the page shows (lists of choices, dates, French numbers) is read back as the
    files' text: an untouched table proposes nothing."""
    definition = stored_definition(store)
    frame = editing.tables(store, EVALUATOR)[table]
    displayed = shown.display(frame, shown.columns(table, definition), "fr")
    assert not editing.propose(store, EVALUATOR, {table: displayed}).changes


def test_the_theory_shown_in_words_reads_back_unchanged(store: Store) -> None:
    definition = stored_definition(store)
    theory = editing.theory_tables(store, EVALUATOR)
    displayed = {
        name: shown.display(frame, shown.columns(name, definition), "fr")
        for name, frame in theory.items()
    }
    assert not editing.propose_theory(store, EVALUATOR, displayed).changes


def test_columns_are_headed_in_words_and_choices_shown_by_name(store: Store) -> None:
    definition = stored_definition(store)
    places = {c.name: c for c in shown.columns("places", definition)}
    assert places["code"].header == "Code du lieu (UAI pour un collège)"
    assert places["code"].kind == shown.CODE
    assert places["kind"].word("school") == "Collège"
    assert places["parent"].word("T-NORD") == "Territoire Nord"
    assert places["education_priority"].word("none") == "Hors éducation prioritaire"
    commitments = {c.name: c for c in shown.columns("commitments", definition, "en")}
    assert commitments["places"].kind == shown.CHOICES
    assert commitments["organisation"].word("asso-elan") == "Association Élan"
    assert commitments["status"].header == "Status" and commitments["status"].word("done") == "Done"
    targets = {c.name: c for c in shown.columns("targets", definition)}
    assert targets["place"].word("*") == "Toute l'initiative"
    assert targets["value"].kind == shown.NUMBER


def test_numbers_are_shown_the_french_way_and_read_back() -> None:
    assert shown.french_number("9800") == "9 800" and shown.french_number("62.5") == "62,5"
    assert shown.french_number("-1234567.25") == "-1 234 567,25"
    assert shown.french_number("9800", "en") == "9,800" and shown.french_number("abc") == "abc"
    for text in ("9 800", "62,5", "9\u202f800", "1 234 567,25"):
        assert editing.number_text(text) == text.replace(",", ".").replace(" ", "").replace(
            "\u202f", ""
        )
    assert editing.number_text("12,3,4") == "12,3,4"


def test_a_french_number_typed_in_a_table_is_saved_as_the_files_write_it(store: Store) -> None:
    targets = editing.tables(store, EVALUATOR)["targets"].copy()
    targets.loc[2, "value"] = "1 078,5"
    proposal = editing.propose(store, EVALUATOR, {"targets": targets})
    assert not proposal.errors and [c.after["value"] for c in proposal.changes if c.after] == [
        "1078.5"
    ]


def test_a_change_is_shown_in_words(store: Store) -> None:
    definition = stored_definition(store)
    tables = editing.tables(store, EVALUATOR)
    places = tables["places"].copy()
    places.loc[places["code"] == "0950002L", "education_priority"] = "none"
    targets = tables["targets"].copy()
    targets.loc[2, "value"] = "1 078,5"
    proposal = editing.propose(store, EVALUATOR, {"places": places, "targets": targets})
    table = shown.change_table(proposal.changes, definition, "fr")
    assert table.to_dict("records") == [
        {
            "Changement": "modifié",
            "Tableau": "Lieux et collèges",
            "Ligne": "Collège du Moulin",
            "Colonnes": "Éducation prioritaire",
            "Avant": "REP",
            "Après": "Hors éducation prioritaire",
        },
        {
            "Changement": "modifié",
            "Tableau": "Cibles et références",
            "Ligne": "Jeunes touchés · Collège des Tilleuls · Année scolaire 2024-2025 · Cible",
            "Colonnes": "Valeur",
            "Avant": "300",
            "Après": "1 078,5",
        },
    ]
    english = shown.change_table(proposal.changes, definition, "en")
    assert list(english.columns) == ["Change", "Table", "Row", "Columns", "Before", "After"]
    assert english.iloc[0]["After"] == "Outside priority education"


def test_a_problem_names_the_tab_and_the_column_header(store: Store) -> None:
    places = editing.tables(store, EVALUATOR)["places"].copy()
    places.loc[places["code"] == "0950002L", "education_priority"] = "REP++"
    proposal = editing.propose(store, EVALUATOR, {"places": places})
    problem = next(p for p in proposal.errors if p.code == "invalid-value")
    text = shown.problem_text(problem, "fr")
    assert text.startswith("Lieux et collèges [0950002L] : ")
    assert "« Éducation prioritaire »" in text and "places.csv" not in text
