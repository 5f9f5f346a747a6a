"""AppTest of what changed between two submissions: on Déposer for the partner (its own
uploads only), and in the evaluator's review before accepting; French numbers."""

from __future__ import annotations

import os
from pathlib import Path

from indicators.definition.loading import load_definition
from indicators.ingest import uploads
from indicators.store.database import Store
from tests.conftest import PARTNER_A
from tests.stored import Sender
from tests.test_app import PAGES, started, texts
from tests.workbooks import write_workbook

HEADER = ["Indicateur", "Collège", "Période", "Valeur"]


def corrected(store: Store, tmp_path: Path) -> None:
    """Valmont's file, then its correction: a value changed, a large one added."""
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    for name, rows in (
        ("bilan-v1.xlsx", [["Nb visites", "0950002L", "T1 2024-2025", 3]]),
        (
            "bilan-v2.xlsx",
            [
                ["Nb visites", "0950002L", "T1 2024-2025", 4],
                ["Nb jeunes touchés", "0950002L", "T1 2024-2025", 1204],
            ],
        ),
    ):
        path = write_workbook(tmp_path / name, {"Bilan": [HEADER, *rows]})
        done = uploads.confirm_upload(store, PARTNER_A, definition, "ent-valmont", path, name)
        assert done.status == "received"


def test_the_partner_sees_what_its_correction_changed_on_deposer(
    app_store: Store, tmp_path: Path
) -> None:
    corrected(app_store, tmp_path)
    at = started(app_store, "valmont", page=PAGES["upload"])
    assert not at.exception, at.exception
    assert "Ce qu'un dépôt a changé" in [s.value for s in at.subheader]
    assert "1 valeur(s) modifiée(s), 1 ajoutée(s) et 0 retirée(s)" in texts(at)
    assert "« bilan-v1.xlsx »" in texts(at)
    diff = at.dataframe[-1].value.set_index("Changement")
    assert list(diff.index) == ["modifiée", "ajoutée"]
    assert diff.at["modifiée", "Ancienne valeur"] == "3"
    assert diff.at["modifiée", "Nouvelle valeur"] == "4"
    assert diff.at["modifiée", "Avant : fichier · feuille!cellule"] == "bilan-v1.xlsx · Bilan!D2"
    assert diff.at["modifiée", "Après : fichier · feuille!cellule"] == "bilan-v2.xlsx · Bilan!D2"
    assert diff.at["ajoutée", "Nouvelle valeur"] == "1 204"  # thousands spaced
    assert diff.at["ajoutée", "Ancienne valeur"] == "—"
    assert diff.at["modifiée", "Lieu"] == "Collège du Moulin"


def test_another_partner_sees_nothing_of_it(app_store: Store, tmp_path: Path) -> None:
    corrected(app_store, tmp_path)
    at = started(app_store, "elan", page=PAGES["upload"])
    assert not at.exception, at.exception
    assert "bilan-v" not in texts(at) + str([d.value for d in at.dataframe])
    assert "Ce qu'un dépôt a changé" not in [s.value for s in at.subheader]


def test_the_evaluator_sees_what_a_submission_changes_before_accepting_it(
    app_store: Store, tmp_path: Path
) -> None:
    corrected(app_store, tmp_path)
    at = started(app_store, "eva", page=PAGES["sync"])
    at.selectbox(key="review_org").set_value("ent-valmont").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="review_submission").value is not None
    review = at.expander[-1]
    assert review.label == "Ce que ce dépôt change, avant de l'accepter"
    diff = review.dataframe[0].value
    assert list(diff["Changement"]) == ["modifiée", "ajoutée"]
    assert list(diff["Ancienne valeur"]) == ["3", "—"]
    at.text_input[0].input("Merci")
    at.button(key="review_accept").click().run()
    assert at.success[-1].value == "Dépôt accepté."
    # another organisation's submissions, each with its own changes
    Sender(app_store)("asso-elan", [("visites-entreprise", "0950001K", "2024-2025-T1", 7)])
    at.selectbox(key="review_org").set_value("asso-elan").run()
    assert not at.exception, at.exception
    assert list(at.expander[-1].dataframe[0].value["Nouvelle valeur"]) == ["7"]


def test_the_changes_speak_english(app_store: Store, tmp_path: Path) -> None:
    corrected(app_store, tmp_path)
    at = started(app_store, "valmont", lang="en", page=PAGES["upload"])
    diff = at.dataframe[-1].value
    assert list(diff["Change"]) == ["changed", "added"]
    assert list(diff["New value"]) == ["4", "1,204"]


def test_the_changes_of_several_periods_are_read_one_period_at_a_time(
    app_store: Store, tmp_path: Path
) -> None:
    corrected(app_store, tmp_path)
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    rows = [
        ["Nb visites", "0950002L", "T1 2024-2025", 5],
        ["Nb jeunes touchés", "0950002L", "2024-2025", 1500],
    ]
    path = write_workbook(tmp_path / "bilan-v3.xlsx", {"Bilan": [HEADER, *rows]})
    done = uploads.confirm_upload(
        app_store, PARTNER_A, definition, "ent-valmont", path, "bilan-v3.xlsx"
    )
    assert done.status == "received"
    at = started(app_store, "valmont", page=PAGES["upload"])
    assert len(at.dataframe[-1].value) == 2
    assert at.selectbox(key="changes_period").value == ""  # every period first
    at.selectbox(key="changes_period").set_value("2024-2025").run()
    diff = at.dataframe[-1].value
    assert list(diff["Période"]) == ["Année scolaire 2024-2025"]
    assert list(diff["Nouvelle valeur"]) == ["1 500"]


def test_an_evaluator_reads_the_changes_of_one_organisation_then_another(
    app_store: Store, tmp_path: Path
) -> None:
    corrected(app_store, tmp_path)
    send = Sender(app_store)
    send("asso-elan", [("visites-entreprise", "0950001K", "2024-2025-T1", 7)])
    send("asso-elan", [("visites-entreprise", "0950001K", "2024-2025-T1", 8)])
    at = started(app_store, "eva", page=PAGES["upload"])
    at.selectbox[0].set_value("ent-valmont").run()
    assert list(at.dataframe[-1].value["Nouvelle valeur"]) == ["4", "1 204"]
    at.selectbox[0].set_value("asso-elan").run()
    assert not at.exception, at.exception
    diff = at.dataframe[-1].value
    assert list(diff["Ancienne valeur"]) == ["7"] and list(diff["Nouvelle valeur"]) == ["8"]


def third_version(store: Store, tmp_path: Path) -> None:
    """Valmont's v1 and v2 (see `corrected`), then a v3 of the same term."""
    corrected(store, tmp_path)
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    rows = [["Nb visites", "0950002L", "T1 2024-2025", 9]]
    path = write_workbook(tmp_path / "bilan-v3.xlsx", {"Bilan": [HEADER, *rows]})
    done = uploads.confirm_upload(
        store, PARTNER_A, definition, "ent-valmont", path, "bilan-v3.xlsx"
    )
    assert done.status == "received"


def test_the_evaluator_compares_a_submission_with_an_older_one(
    app_store: Store, tmp_path: Path
) -> None:
    third_version(app_store, tmp_path)
    at = started(app_store, "eva", page=PAGES["sync"])
    at.selectbox(key="review_org").set_value("ent-valmont").run()
    since = at.selectbox(key="review_since")
    assert since.value == 0 and since.options[0].startswith("le dépôt précédent (bilan-v2.xlsx")
    assert list(at.expander[-1].dataframe[0].value["Ancienne valeur"]) == ["4"]
    since.select_index(1).run()
    assert not at.exception, at.exception
    diff = at.expander[-1].dataframe[0].value
    assert list(diff["Ancienne valeur"]) == ["3", "—"] and list(diff["Nouvelle valeur"]) == [
        "9",
        "1 204",
    ]
    assert "« bilan-v1.xlsx »" in at.expander[-1].caption[0].value


def test_the_partner_compares_its_upload_with_an_older_one_on_deposer(
    app_store: Store, tmp_path: Path
) -> None:
    third_version(app_store, tmp_path)
    at = started(app_store, "valmont", page=PAGES["upload"])
    assert list(at.dataframe[-1].value["Ancienne valeur"]) == ["4"]
    at.selectbox(key="changes_since").select_index(1).run()
    assert not at.exception, at.exception
    assert list(at.dataframe[-1].value["Ancienne valeur"]) == ["3", "—"]
