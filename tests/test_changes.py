"""What changed between two submissions of a partner, on real stores: uploads of real
workbooks through the ingest, then the value-level diff (added, removed, changed, with the
sheet and cell of both sides), and who may ask for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.access.viewer import AccessDeniedError
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest import changes, uploads
from indicators.store.database import Store
from tests.conftest import DEMO_USERS, EVALUATOR, FUNDER, PARTNER_A, PARTNER_B, demo_viewer
from tests.stored import Sender
from tests.workbooks import write_workbook

HEADER = ["Indicateur", "Collège", "Période", "Valeur"]


def upload(
    store: Store, definition: Definition, folder: Path, name: str, rows: list[list[object]]
) -> int:
    """Valmont uploads a workbook of `rows` (sheet Bilan, header in row 1); its submission."""
    path = write_workbook(folder / name, {"Bilan": [HEADER, *rows]})
    done = uploads.confirm_upload(store, PARTNER_A, definition, "ent-valmont", path, name)
    assert done.status == "received", done.summary()
    assert done.submission is not None
    return done.submission


@pytest.fixture
def corrected(store: Store, definition_dir: Path, tmp_path: Path) -> tuple[Store, int, int]:
    """Valmont's first file, then a second one that corrects a value, keeps another as it was
    and adds a third."""
    definition = load_definition(definition_dir)
    first = upload(
        store,
        definition,
        tmp_path,
        "bilan-v1.xlsx",
        [
            ["Nb visites", "0950002L", "T1 2024-2025", 3],
            ["Nb visites", "0950001K", "T1 2024-2025", 5],
        ],
    )
    second = upload(
        store,
        definition,
        tmp_path,
        "bilan-v2.xlsx",
        [
            ["Nb visites", "0950001K", "T1 2024-2025", 5],
            ["Nb visites", "0950002L", "T1 2024-2025", 12],
            ["Nb jeunes touchés", "0950002L", "T1 2024-2025", 1204],
        ],
    )
    return store, first, second


def test_a_correction_shows_its_changed_and_added_values_with_both_cells(
    corrected: tuple[Store, int, int],
) -> None:
    store, first, second = corrected
    found = changes.what_changed(store, PARTNER_A, second)
    assert (found.organisation, found.old, found.new) == ("ent-valmont", first, second)
    assert found.counts() == {"changed": 1, "added": 1, "removed": 0}
    rows = found.rows.set_index("change")
    changed = rows.loc["changed"]
    assert (changed["indicator"], changed["place"], changed["period"]) == (
        "visites-entreprise",
        "0950002L",
        "2024-2025-T1",
    )
    assert (changed["old_value"], changed["new_value"]) == (3.0, 12.0)
    assert (changed["old_file"], changed["old_sheet"], changed["old_cell"]) == (
        "bilan-v1.xlsx",
        "Bilan",
        "D2",
    )
    assert (changed["new_file"], changed["new_sheet"], changed["new_cell"]) == (
        "bilan-v2.xlsx",
        "Bilan",
        "D3",
    )
    assert (changed["indicator_label_fr"], changed["place_name"]) == (
        "Visites d'entreprise organisées",
        "Collège du Moulin",
    )
    added = rows.loc["added"]
    assert (added["indicator"], added["new_value"], added["new_cell"]) == (
        "jeunes-touches",
        1204.0,
        "D4",
    )
    assert added["old_file"] == "" and added["old_value"] != added["old_value"]  # NaN: none


def test_the_first_submission_adds_everything_and_a_pair_is_taken_in_order(
    corrected: tuple[Store, int, int],
) -> None:
    store, first, second = corrected
    opening = changes.what_changed(store, EVALUATOR, first)
    assert opening.old is None
    assert opening.counts() == {"changed": 0, "added": 2, "removed": 0}
    # the pair in either order compares the earlier with the later
    assert changes.what_changed(store, EVALUATOR, first, since=second).rows.equals(
        changes.what_changed(store, EVALUATOR, second, since=first).rows
    )
    # narrowed to one period
    term = changes.what_changed(store, EVALUATOR, second, period="2024-2025-T1")
    assert term.counts() == {"changed": 1, "added": 1, "removed": 0}
    assert changes.what_changed(store, EVALUATOR, second, period="2024-2025").rows.empty
    earlier = changes.earlier_submissions(store, PARTNER_A, second)
    assert list(earlier["id"]) == [first]


def test_a_value_emptied_is_removed_and_a_breakdown_is_said_in_words(store: Store) -> None:
    send = Sender(store)
    first = send(
        "asso-elan",
        [
            ("jeunes-touches", "0950002L", "2024-2025-T1", 40, None, None, "sex=F"),
            ("jeunes-touches", "0950002L", "2024-2025-T1", 30, None, None, "sex=M"),
        ],
    )
    second = send(
        "asso-elan",
        [("jeunes-touches", "0950002L", "2024-2025-T1", None, None, None, "sex=F")],
    )
    found = changes.what_changed(store, PARTNER_B, second)
    assert found.old == first
    assert found.counts() == {"changed": 0, "added": 0, "removed": 1}
    row = found.rows.iloc[0]
    assert (row["old_value"], row["breakdown_fr"], row["breakdown_en"]) == (40.0, "Filles", "Girls")


def test_a_partner_cannot_compare_another_partners_submissions(
    corrected: tuple[Store, int, int],
) -> None:
    store, first, second = corrected
    with pytest.raises(AccessDeniedError):
        changes.what_changed(store, PARTNER_B, second)
    with pytest.raises(AccessDeniedError):
        changes.earlier_submissions(store, PARTNER_B, second)
    # nor by comparing one of its own with another's
    own = Sender(store)("asso-elan", [("visites-entreprise", "0950002L", "2024-2025-T1", 2)])
    with pytest.raises(AccessDeniedError):
        changes.what_changed(store, PARTNER_B, own, since=first)
    with pytest.raises(AccessDeniedError):
        changes.what_changed(store, FUNDER, second)
    # an evaluator may, but not across two organisations
    with pytest.raises(changes.SubmissionsApartError):
        changes.what_changed(store, EVALUATOR, own, since=first)
    with pytest.raises(LookupError):
        changes.what_changed(store, EVALUATOR, 999)


def test_the_demos_correction_shows_the_one_value_it_corrected(demo_store: Store) -> None:
    """The demo's partner that found a value 2 too many sends its file again corrected: the
    diff of that upload is that one value, from the first file's cell to the second's."""
    stored = demo_store.query("observations", org="")
    replaced = stored[~stored["is_current"]]
    assert len(replaced) == 1
    old = replaced.iloc[0]
    key = ["organisation", "indicator", "place", "period", "disaggregation"]
    same = stored[(stored[key] == old[key]).all(axis=1) & stored["is_current"]].iloc[0]
    found = changes.what_changed(demo_store, EVALUATOR, int(same["submission_id"]))
    assert found.counts() == {"changed": 1, "added": 0, "removed": 0}
    row = found.rows.iloc[0]
    assert (row["old_value"], row["new_value"]) == (old["value"], old["value"] - 2)
    assert (row["old_file"], row["old_cell"]) == (old["filename"], old["cell"])
    assert (row["new_file"], row["new_cell"]) == (same["filename"], same["cell"])
    # no demo partner of another organisation may ask for it
    others = [
        u for u in DEMO_USERS[:3] if demo_viewer(demo_store, u).organisation != old["organisation"]
    ]
    with pytest.raises(AccessDeniedError):
        changes.what_changed(demo_store, demo_viewer(demo_store, others[0]), found.new)


def test_an_older_submission_of_the_same_period_can_be_chosen(
    corrected: tuple[Store, int, int], definition_dir: Path, tmp_path: Path
) -> None:
    """A third T1 file: compared by default with the second, or with the first when chosen;
    an upload of another period stored between them is neither offered nor taken for a
    change, and the first upload of a period is compared with nothing."""
    store, first, second = corrected
    definition = load_definition(definition_dir)
    yearly = upload(
        store, definition, tmp_path, "annuel.xlsx", [["Nb visites", "0950002L", "2024-2025", 40]]
    )
    third = upload(
        store,
        definition,
        tmp_path,
        "bilan-v3.xlsx",
        [
            ["Nb visites", "0950002L", "T1 2024-2025", 13],
            ["Nb visites", "0950001K", "T1 2024-2025", 6],
        ],
    )
    earlier = changes.earlier_submissions(store, PARTNER_A, third)
    assert list(earlier["id"]) == [second, first]  # the yearly file is of another period
    assert changes.earlier_submissions(store, PARTNER_A, yearly).empty
    assert changes.what_changed(store, PARTNER_A, yearly).old is None
    by_default = changes.what_changed(store, PARTNER_A, third)
    assert by_default.old == second and by_default.counts() == {
        "changed": 2,
        "added": 0,
        "removed": 0,
    }
    since_first = changes.what_changed(store, PARTNER_A, third, since=first)
    assert (since_first.old, since_first.old_file) == (first, "bilan-v1.xlsx")
    rows = since_first.rows.set_index(["change", "place"])
    assert rows.at[("changed", "0950002L"), "old_value"] == 3.0  # the first file's value
    assert rows.at[("changed", "0950002L"), "new_value"] == 13.0
    assert rows.at[("added", "0950002L"), "indicator"] == "jeunes-touches"  # the second's
    assert set(since_first.rows["period"]) == {"2024-2025-T1"}  # not the yearly value
    # scoped as the default: another partner may not, a funder neither
    with pytest.raises(AccessDeniedError):
        changes.what_changed(store, PARTNER_B, third, since=first)
    with pytest.raises(AccessDeniedError):
        changes.earlier_submissions(store, FUNDER, third)
