"""AppTest smoke and behaviour tests of every page, through the router and run directly."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT

PAGES = ["pages/catalogue.py", "pages/theorie_du_changement.py", "pages/deposer.py"]
TIMEOUT = 60


def texts(at: AppTest) -> str:
    parts = [
        e.value for e in (*at.title, *at.markdown, *at.caption, *at.subheader, *at.error, *at.info)
    ]
    return "\n".join(str(p) for p in parts)


def started(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def test_app_starts_on_the_catalogue_and_creates_the_store(app_env: Path) -> None:
    assert not app_env.exists()
    at = started()
    assert app_env.is_file()
    assert at.title[0].value == "Catalogue des indicateurs communs"
    assert "7 indicateurs partagés" in texts(at)
    assert "Mode démonstration" in texts(at) or any(
        "démonstration" in c.value for c in at.sidebar.caption
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_through_the_router(app_env: Path, page: str) -> None:
    at = started()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert at.title and not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_run_directly_guards_itself(app_env: Path, page: str) -> None:
    at = AppTest.from_file(str(PROJECT / page), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert at.title and not at.error


def _not_demo(app_env: Path) -> None:
    data = Path(os.environ["MESURE_DATA"])
    path = data / "initiative.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("demo: true", "demo: false"), encoding="utf-8"
    )


@pytest.mark.parametrize("page", PAGES)
def test_without_demo_a_page_run_directly_shows_no_data(app_env: Path, page: str) -> None:
    _not_demo(app_env)
    at = AppTest.from_file(str(PROJECT / page), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Connexion requise : cette page n'est accessible qu'aux comptes autorisés."
    ]
    assert not at.dataframe and not at.title and not at.get("plotly_chart")
    assert "jeunes" not in texts(at).lower()


def test_without_demo_the_router_registers_no_data_page(app_env: Path) -> None:
    _not_demo(app_env)
    at = started()
    assert at.error[0].value.startswith("Connexion requise")
    with pytest.raises(Exception, match="catalogue"):
        at.switch_page("pages/catalogue.py")
        at.run()


def test_catalogue_search_and_reference_sheet(app_env: Path) -> None:
    at = started()
    at.text_input[0].input("brevet").run()
    assert "2 indicateur(s) trouvé(s)" in texts(at)
    assert sorted(at.selectbox[0].options) == [
        "ecart-dnb-national — Écart au taux national de réussite au brevet",
        "taux-reussite-dnb — Taux de réussite au brevet",
    ]
    at.selectbox[0].set_value("taux-reussite-dnb").run()
    sheet = texts(at)
    assert "**Numérateur** : Candidats admis" in sheet
    assert "Ratio (somme des numérateurs / somme des dénominateurs)" in sheet
    at.text_input[0].input("introuvable xyz").run()
    assert "Aucun indicateur ne correspond" in texts(at)
    assert not at.selectbox


def test_catalogue_in_english(app_env: Path) -> None:
    at = started("en")
    assert at.title[0].value == "Common indicator catalogue"
    assert "7 indicators shared by every partner" in texts(at)


def test_theory_page_lists_partners_of_a_node(app_env: Path) -> None:
    at = started()
    at.switch_page("pages/theorie_du_changement.py").run()
    assert at.title[0].value == "Théorie du changement"
    assert at.get("plotly_chart")
    at.selectbox[0].set_value("ACT-VISITES").run()
    partners = at.dataframe[1].value
    assert set(partners["Organisation"]) == {
        "Transports Valmont",
        "Association Élan",
        "Alliance d'appui",
    }
    assert "Jeunes touchés" in texts(at)  # "feeds"


def test_first_start_of_a_demo_builds_the_demo_store_through_the_pipeline(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MESURE_DEMO_BUILD", "1")
    at = started()
    assert at.title[0].value == "Catalogue des indicateurs communs"
    from indicators.store import Store

    sent = Store(app_env).query("submissions", org="ent-valmont")
    assert len(sent) >= 2 and set(sent["uploaded_by"]) == {"demo:ent-valmont"}
    assert sent["uploaded_at"].max() < pd.Timestamp("2026-11-23")  # the demo's own dates
    again = started()  # the next visit opens the built store, without building again
    assert not again.exception
    assert len(Store(app_env).query("submissions", org="ent-valmont")) == len(sent)


def test_broken_definition_on_first_start_is_explained(app_env: Path) -> None:
    data = Path(os.environ["MESURE_DATA"])
    targets = data / "targets.csv"
    targets.write_text(
        targets.read_text(encoding="utf-8").replace("target,82,", "target,140,"), encoding="utf-8"
    )
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("La définition de l'initiative est incohérente")
    assert "targets.csv:3" in at.code[0].value and "140" in at.code[0].value
    assert not app_env.exists()


def test_upload_page_offers_the_template_and_shows_the_history(
    app_env: Path, tmp_path: Path
) -> None:
    at = started()
    at.switch_page("pages/deposer.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Déposer des classeurs"
    assert at.get("download_button")  # the pre-filled template
    assert "Aucun dépôt pour l'instant." in texts(at)
    at.selectbox[0].set_value("ent-valmont").run()
    from indicators.definition import load_definition
    from indicators.ingest import ingest
    from indicators.store import Store
    from tests.workbooks import write_workbook

    upload = write_workbook(
        tmp_path / "bilan-valmont.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 3],
            ]
        },
    )
    definition = load_definition(Path(os.environ["MESURE_DATA"]))
    assert ingest(Store(app_env), upload, definition, "ent-valmont", "demo").status == "received"
    at.run()
    history = at.dataframe[-1].value
    assert list(history["Fichier"]) == ["bilan-valmont.xlsx"]
    assert list(history["Valeurs en vigueur"]) == [1]
