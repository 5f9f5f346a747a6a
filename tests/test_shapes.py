"""A partner shows the reader a sheet it did not understand; the reading is kept once confirmed.

The files here have headers no vocabulary knows ("Qui", "Quand", "Combien"), written row by
row with openpyxl: the reader finds no table in them until the partner points at the header
row and says what each column holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.access.viewer import AccessDeniedError, Viewer
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest import uploads
from indicators.ingest.layout import ColumnChoice
from indicators.ingest.pipeline import Outcome, ingest
from indicators.ingest.shapes import (
    SheetLayout,
    choice_of,
    layout_problems,
    make_layout,
    option_of,
    remembered_layouts,
    role_options,
    signature,
)
from indicators.store.database import Store
from tests.test_layouts import book, codes, read

VALMONT = Viewer("valmont", "partner", "Transports Valmont", "ent-valmont")
ELAN = Viewer("elan", "partner", "Association Élan", "asso-elan")


@pytest.fixture
def definition(definition_dir: Path) -> Definition:
    return load_definition(definition_dir)


def journal(path: Path, rows: list[list[object]], *, titles: int = 2) -> Path:
    """The partner's own journal: a title, a blank row, then headers no one taught the reader."""
    top: list[list[object]] = [["Journal des actions — Transports Valmont"], []]
    top = top[:titles]
    return book(path, {"Journal": [*top, ["Qui", "Quand", "Combien", "Remarques"], *rows]})


def shown(header_row: int = 2) -> SheetLayout:
    """How the partner shows the journal: places, periods, then visits, a remark."""
    header = ["Qui", "Quand", "Combien", "Remarques"]
    return SheetLayout(
        "Journal",
        header_row,
        signature(enumerate(header)),
        (
            ColumnChoice(0, "place"),
            ColumnChoice(1, "period"),
            ColumnChoice(2, "value", "visites-entreprise"),
            ColumnChoice(3, "comment"),
        ),
    )


def check(
    store: Store, definition: Definition, path: Path, layouts: tuple[SheetLayout, ...] = ()
) -> Outcome:
    return uploads.check_upload(store, VALMONT, definition, "ent-valmont", path, path.name, layouts)


def test_an_unknown_layout_reads_nothing_until_the_partner_shows_it(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = journal(
        tmp_path / "journal.xlsx",
        [
            ["Collège des Tilleuls", "T1 2024-2025", 3, "deux classes de 3e"],
            ["0950002L", "T1 2024-2025", 5, ""],
        ],
    )
    before = check(store, definition, path)
    assert before.status == "empty" and read(before) == {}
    assert "no-table-found" in codes(before)
    assert uploads.sheets_to_show(uploads.check_file(store, VALMONT, definition, "ent-valmont", path, path.name)) == ["Journal"]  # fmt: skip
    seen = before.preparation.previews["Journal"]
    assert seen.first_row == 0 and seen.rows[2] == ("Qui", "Quand", "Combien", "Remarques")
    layout = make_layout(
        seen,
        2,
        [
            choice_of(0, "place"),
            choice_of(1, "period"),
            choice_of(2, "value", "visites-entreprise"),
            choice_of(3, "comment"),
        ],
    )
    assert layout == shown()
    tried = check(store, definition, path, (layout,))
    assert tried.status == "dry-run", codes(tried)
    assert read(tried) == {
        ("visites-entreprise", "0950001K", "2024-2025-T1", ""): 3,
        ("visites-entreprise", "0950002L", "2024-2025-T1", ""): 5,
    }
    assert "sheet-read-as-shown" in codes(tried) and "no-table-found" not in codes(tried)
    # Trying keeps nothing: the next check without the layout reads nothing again.
    assert store.layout_memory("ent-valmont") == []
    assert check(store, definition, path).status == "empty"
    # Confirming the upload with the reading tried stores what the dry run showed.
    done = uploads.confirm_upload(
        store, VALMONT, definition, "ent-valmont", path, path.name, (layout,)
    )
    assert done.status == "received" and done.created == 2


def test_a_remembered_reading_reads_the_next_file_of_the_same_shape_without_a_question(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    uploads.remember_layout(store, VALMONT, definition, "ent-valmont", shown())
    # next term: one title row only (the header moved up), other terms, other figures
    later = journal(
        tmp_path / "journal-t2.xlsx",
        [["Collège du Moulin", "Année 2024-2025", 7, "annulée puis reportée"]],
        titles=1,
    )
    outcome = ingest(store, later, definition, "ent-valmont", "valmont")
    assert outcome.status == "received", codes(outcome)
    assert read(outcome) == {("visites-entreprise", "0950002L", "2024-2025", ""): 7}
    assert [p.cell for p in outcome.preparation.problems if p.code == "sheet-read-as-shown"] == [
        "A2"
    ]
    # another organisation's files are not read with Valmont's reading
    other = journal(tmp_path / "elan.xlsx", [["Collège du Moulin", "T2 2024-2025", 4, ""]])
    assert (
        uploads.check_upload(store, ELAN, definition, "asso-elan", other, "elan.xlsx").status
        == "empty"
    )


def test_remembering_a_reading_is_audited_and_only_for_ones_own_organisation(
    store: Store, definition: Definition
) -> None:
    with pytest.raises(AccessDeniedError):
        uploads.remember_layout(store, ELAN, definition, "ent-valmont", shown())
    assert store.layout_memory("ent-valmont") == []
    uploads.remember_layout(store, VALMONT, definition, "ent-valmont", shown())
    uploads.remember_layout(store, VALMONT, definition, "ent-valmont", shown())  # same shape: one
    assert [SheetLayout.from_json(x) for x in store.layout_memory("ent-valmont")] == [shown()]
    with store._connect() as con:
        rows = con.execute(
            "select actor, action, target from audit_log where action = 'layout.confirm'"
        ).fetchall()
    assert rows == [("valmont", "layout.confirm", "ent-valmont")] * 2


def test_a_value_column_the_reader_left_unmapped_is_said_and_then_read_as_told(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = book(
        tmp_path / "bilan.xlsx",
        {
            "Bilan": [
                ["Collège", "Période", "Visites entreprises", "Sorties terrain", "Total"],
                ["0950001K", "T1 2024-2025", 2, 6, 8],
            ]
        },
    )
    before = check(store, definition, path)
    assert read(before) == {("visites-entreprise", "0950001K", "2024-2025-T1", ""): 2}
    assert "unmapped-column" in codes(before)
    entry = uploads.check_file(store, VALMONT, definition, "ent-valmont", path, path.name)
    assert uploads.sheets_to_show(entry) == ["Bilan"]
    start = uploads.starting_choices(entry, "Bilan", 0)
    assert [option_of(c) for c in start] == ["place", "period", "value", "ignore", "ignore"]
    assert start[2].target == "visites-entreprise"
    picked = [*start[:3], choice_of(3, "value", "jeunes-touches"), choice_of(4, "ignore")]
    layout = make_layout(entry.outcome.preparation.previews["Bilan"], 0, picked)  # type: ignore[union-attr]
    after = check(store, definition, path, (layout,))
    assert read(after) == {
        ("visites-entreprise", "0950001K", "2024-2025-T1", ""): 2,
        ("jeunes-touches", "0950001K", "2024-2025-T1", ""): 6,
    }
    assert "unmapped-column" not in codes(after)
    told = after.preparation.mappings[("indicator", "Sorties terrain")]
    assert (told.target, told.method, told.needs_confirmation) == (
        "jeunes-touches",
        "partner",
        False,
    )


def test_a_breakdown_column_the_partner_names(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    path = book(
        tmp_path / "public.xlsx",
        {
            "Public": [
                ["Où", "Qui", "Visites entreprises"],
                ["0950001K", "Filles", 3],
                ["0950001K", "Garçons", 4],
            ]
        },
    )
    layout = SheetLayout(
        "Public",
        0,
        signature(enumerate(["Où", "Qui", "Visites entreprises"])),
        (ColumnChoice(0, "place"), ColumnChoice(1, "dimension", "sex"), ColumnChoice(2, "value")),
    )
    wrong = SheetLayout(layout.sheet, 0, layout.signature, (ColumnChoice(2, "value"),))
    # the period comes from nowhere: the file says none, and the reading does not invent one
    assert read(check(store, definition, path, (wrong,))) == {}
    renamed = book(tmp_path / "public-t1.xlsx", {"T1 2024-2025": [
        ["Où", "Qui", "Visites entreprises"], ["0950001K", "Filles", 3], ["0950001K", "Garçons", 4]
    ]})  # fmt: skip
    outcome = check(store, definition, renamed, (layout,))  # the sheet's name gives the period
    assert read(outcome) == {
        ("visites-entreprise", "0950001K", "2024-2025-T1", "sex=F"): 3,
        ("visites-entreprise", "0950001K", "2024-2025-T1", "sex=M"): 4,
    }


def test_signature_folds_digits_and_case_but_keeps_columns() -> None:
    assert signature([(0, "Établissement"), (1, "T1 2024-2025")]) == signature(
        [(0, "ETABLISSEMENT"), (1, "T2 2025-2026")]
    )
    assert signature([(0, "Qui"), (1, "Quand")]) != signature([(1, "Qui"), (2, "Quand")])
    assert signature([(0, "Qui"), (1, "Quand")]) != signature([(0, "Quand"), (1, "Qui")])


def test_a_reading_that_cannot_be_tried_says_why(definition: Definition) -> None:
    header = signature(enumerate(["Qui", "Combien"]))
    problems = layout_problems(
        SheetLayout("S", 0, header, (ColumnChoice(0, "place"), ColumnChoice(1, "ignore"))),
        definition,
    )
    assert [key for key, _ in problems] == ["shape.no_value"]
    problems = layout_problems(
        SheetLayout(
            "S",
            0,
            "",
            (
                ColumnChoice(0, "dimension", "couleur"),
                ColumnChoice(1, "value", "n-existe-pas"),
                ColumnChoice(2, "measure"),
            ),
        ),
        definition,
    )
    assert [key for key, _ in problems] == [
        "shape.no_header",
        "shape.bad_dimension",
        "shape.bad_indicator",
        "shape.bad_role",
    ]
    sentences = uploads.layout_refusals(
        SheetLayout("S", 0, header, (ColumnChoice(1, "value", "n-existe-pas"),)), definition, "fr"
    )
    assert sentences == ["Colonne B : l'indicateur n-existe-pas n'est pas au catalogue."]
    with pytest.raises(ValueError):
        uploads.remember_layout(
            Store.__new__(Store),  # never reached: the layout is refused first
            VALMONT,
            definition,
            "ent-valmont",
            SheetLayout("S", 0, header, (ColumnChoice(0, "place"),)),
        )


def test_options_round_trip_and_broken_memory_rows_are_skipped(definition: Definition) -> None:
    options = role_options(definition)
    assert "dimension:sex" in options and "dimension" not in options and "measure" not in options
    for option in options:
        assert option_of(choice_of(4, option, "visites-entreprise")) == option
    assert choice_of(1, "place", "visites-entreprise") == ColumnChoice(1, "place")
    good = shown().as_json()
    assert remembered_layouts([{"sheet": "x"}, good, {"columns": "?"}]) == [shown()]


def test_a_guessed_breakdown_category_waits_for_the_partner_to_confirm_it(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    """A category written with a typo ("Filless") is only a guess: its value is held, said
    once, and stored once the partner confirmed the guess; never saved unconfirmed."""
    header = ["Indicateur", "Collège", "Période", "Sexe", "Valeur"]
    path = book(
        tmp_path / "sexe.xlsx",
        {
            "Bilan": [
                header,
                ["Nb jeunes touchés", "0950002L", "T1 2024-2025", "Garçons", 12],
                ["Nb jeunes touchés", "0950002L", "T1 2024-2025", "Filless", 14],
            ]
        },
    )
    first = check(store, definition, path)
    assert read(first) == {("jeunes-touches", "0950002L", "2024-2025-T1", "sex=M"): 12}
    assert codes(first).count("mapping-to-confirm") == 1 and "unknown-category" not in codes(first)
    checked = uploads.check_file(store, VALMONT, definition, "ent-valmont", path, path.name)
    assert uploads.to_confirm(checked) == [("dimension", "Filless", "sex=F", ())]
    done = uploads.confirm_upload(store, VALMONT, definition, "ent-valmont", path, path.name)
    assert done.status == "received"
    stored = store.current_values("ent-valmont")
    assert list(stored["disaggregation"]) == ["sex=M"]  # the guess was not saved
    assert store.mapping_memory("ent-valmont") == {}  # nor remembered
    uploads.confirm_mappings(
        store, VALMONT, definition, "ent-valmont", [("dimension", "Filless", "sex=F")]
    )
    again = check(store, definition, path)
    assert read(again) == {
        ("jeunes-touches", "0950002L", "2024-2025-T1", "sex=M"): 12,
        ("jeunes-touches", "0950002L", "2024-2025-T1", "sex=F"): 14,
    }
    assert "mapping-to-confirm" not in codes(again)
