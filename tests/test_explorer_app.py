"""AppTest of the Explorateur page for each role: a view read from the address, its table in
French numbers, the drill-down to file, sheet and cell, the view written back to the address,
and a refusal of mixed units."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from indicators.analytics import explorer as ex
from indicators.store.database import Store
from tests.stored import reported
from tests.test_app import PAGES, ROLE_ACCOUNTS, started

PAGE = PAGES["explorer"]
SCHOOL_1, SCHOOL_2 = "0950001K", "0950002L"


def opened(store: Store, role: str, **params: str) -> AppTest:
    """The explorer opened by `role` at an address holding `params`."""
    at = started(store, ROLE_ACCOUNTS[role], page=PAGE, params=params)
    assert not at.exception, at.exception
    return at


def table_of(at: AppTest) -> dict[str, list[str]]:
    frame = at.dataframe[0].value
    return {
        str(i): [str(v) for v in row] for i, row in zip(frame.index, frame.to_numpy(), strict=True)
    }


def test_the_evaluator_builds_a_view_from_the_address_and_drills_to_a_cell(
    app_store: Store,
) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="visites-entreprise", rows="school")
    assert at.title[0].value == "Explorateur"
    assert at.multiselect(key="explorer_indicators").value == ["visites-entreprise"]
    assert at.selectbox(key="explorer_rows").value == "school"
    assert table_of(at) == {"Collège des Tilleuls": ["3"], "Collège du Moulin": ["2"]}
    # the figure of the first school comes from Valmont's file, sheet Bilan, cell D2
    drilled = at.dataframe[1].value
    assert list(drilled["Fichier"]) == ["ent-valmont-10.xlsx"]
    assert list(drilled["Feuille"]) == ["Bilan"] and list(drilled["Cellule"]) == ["D2"]
    at.selectbox(key="explorer_drill_row").set_value(SCHOOL_2).run()
    assert list(at.dataframe[1].value["Fichier"]) == ["asso-elan-11.xlsx"]


def test_a_changed_view_goes_to_the_address_and_comes_back_from_it(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="visites-entreprise")
    at.selectbox(key="explorer_rows").set_value("partner_type").run()
    at.selectbox(key="explorer_chart").set_value("bars").run()
    assert not at.exception, at.exception
    flat = {k: at.query_params[k] for k in at.query_params}
    flat = {k: v if isinstance(v, str) else v[-1] for k, v in flat.items()}
    assert flat == {"ind": "visites-entreprise", "rows": "partner_type", "chart": "bars"}
    assert at.get("plotly_chart")
    again = opened(app_store, "evaluator", **flat)
    assert again.selectbox(key="explorer_rows").value == "partner_type"
    assert again.selectbox(key="explorer_chart").value == "bars"
    assert table_of(again) == table_of(at)
    assert "Association" in table_of(again)


def test_a_partner_sees_its_own_figures_and_hidden_ones_marked(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "partner", ind="visites-entreprise", rows="school")
    assert table_of(at) == {"Collège des Tilleuls": ["3"], "Collège du Moulin": ["masqué"]}
    assert any("masqué" in c.value for c in at.caption)
    at.selectbox(key="explorer_drill_row").set_value(SCHOOL_2).run()
    assert any("1 valeur(s) d'autres organisations" in c.value for c in at.caption)
    assert "asso-elan" not in str([d.value for d in at.dataframe])
    assert len(at.dataframe) == 1  # the other organisation's cells are not shown


def test_the_funder_has_no_explorer(app_store: Store) -> None:
    at = started(app_store, ROLE_ACCOUNTS["funder"], page=PAGE)  # asked for: home, told why
    assert not at.exception, at.exception
    assert any("Explorateur » est réservée" in w.value for w in at.warning), at.warning
    assert not [t for t in at.title if t.value == "Explorateur"]


def test_mixed_units_are_refused_with_a_sentence(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="visites-entreprise,jeunes-touches")
    assert "même unité" in at.warning[0].value
    assert not at.dataframe


def test_the_page_speaks_english(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="jeunes-touches", rows="partner", lang="en")
    assert at.title[0].value == "Explorer"
    assert at.selectbox(key="explorer_rows").label == "Rows"
    assert at.query_params["lang"] in ("en", ["en"])


def test_the_figure_drilled_into_is_in_the_address(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="visites-entreprise", rows="school")
    assert "drill" not in at.query_params  # the first figure, the default, is left out
    at.selectbox(key="explorer_drill_row").set_value(SCHOOL_2).run()
    assert at.query_params["drill"] in (SCHOOL_2, [SCHOOL_2])
    # the address sent opens the same drill-down
    again = opened(app_store, "evaluator", ind="visites-entreprise", rows="school", drill=SCHOOL_2)
    assert again.selectbox(key="explorer_drill_row").value == SCHOOL_2
    assert list(again.dataframe[1].value["Fichier"]) == ["asso-elan-11.xlsx"]
    # a figure no longer in the view gives way to the first one
    gone = opened(app_store, "evaluator", ind="visites-entreprise", rows="school", drill="X")
    assert list(gone.dataframe[1].value["Fichier"]) == ["ent-valmont-10.xlsx"]
    assert "drill" not in gone.query_params


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def saved_box(at: AppTest) -> str:
    """The label of the saved views' box."""
    return next(e.label for e in at.expander if e.label.startswith("Vues enregistrées"))


def flat_params(at: AppTest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}


def test_a_view_is_saved_then_opened_again_with_its_address(app_store: Store) -> None:
    reported(app_store)
    at = opened(app_store, "evaluator", ind="visites-entreprise", rows="school", drill=SCHOOL_2)
    assert saved_box(at) == "Vues enregistrées (0)"
    at.text_input(key="saved_view_name").input("  Visites par collège ")
    button(at, "Enregistrer la vue actuelle").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Vue « Visites par collège » enregistrée."
    assert saved_box(at) == "Vues enregistrées (1)"
    # the same name again is refused with a sentence
    at.text_input(key="saved_view_name").input("visites PAR collège")
    button(at, "Enregistrer la vue actuelle").click().run()
    assert "déjà une vue nommée" in at.error[0].value
    # later, on a bare explorer: open it, the view and its address come back
    later = opened(app_store, "evaluator")
    assert later.selectbox(key="saved_view").value is not None
    later.button(key="saved_view_open").click().run()
    assert not later.exception, later.exception
    assert "Vue « Visites par collège » ouverte" in later.success[0].value
    assert flat_params(later) == {"ind": "visites-entreprise", "rows": "school", "drill": SCHOOL_2}
    assert later.selectbox(key="explorer_rows").value == "school"
    assert later.selectbox(key="explorer_drill_row").value == SCHOOL_2
    assert table_of(later) == {"Collège des Tilleuls": ["3"], "Collège du Moulin": ["2"]}
    # renamed, then deleted
    later.text_input(key="saved_view_new_name").input("Visites")
    later.button(key="saved_view_rename").click().run()
    assert later.success[0].value == "Vue renommée « Visites »."
    later.button(key="saved_view_delete").click().run()
    assert later.success[0].value == "Vue « Visites » supprimée."
    assert saved_box(later) == "Vues enregistrées (0)"


def test_a_partner_sees_only_its_own_saved_views(app_store: Store) -> None:
    from indicators.analytics import saved_views
    from tests.conftest import EVALUATOR, PARTNER_B

    reported(app_store)
    view = ex.ExplorerView(("visites-entreprise",), "school")
    saved_views.save_view(app_store, EVALUATOR, "Équipe", view, shared=True)
    saved_views.save_view(app_store, PARTNER_B, "Élan", view)
    at = opened(app_store, "partner", ind="visites-entreprise")
    assert saved_box(at) == "Vues enregistrées (0)"
    assert not at.get("checkbox")  # sharing is for evaluators
    at.text_input(key="saved_view_name").input("Mes visites")
    button(at, "Enregistrer la vue actuelle").click().run()
    assert saved_box(at) == "Vues enregistrées (1)"
    assert at.selectbox(key="saved_view").value is not None
    assert "Équipe" not in str(at.selectbox(key="saved_view").options)
