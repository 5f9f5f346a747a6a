"""Saved explorer views on a real store: save, list, open, rename, share, delete, audited;
names refused in French and English; nobody reaches another's views, and a view opened by
another person is computed with that person's access, never the owner's."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.access import journal
from indicators.access.viewer import AccessDeniedError, Viewer
from indicators.analytics import explorer as ex
from indicators.analytics import saved_views as sv
from indicators.store.database import Store
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A, PARTNER_B, open_accounts
from tests.stored import reported

VIEW = ex.ExplorerView(
    ("visites-entreprise",), "school", chart="bars", drill_row="0950002L", filters={}
)
COLLEAGUE = Viewer("claire", "evaluator", "Claire Évaluation")
SAME_ORG = Viewer("valmont2", "partner", "Valmont, autre compte", "ent-valmont")


def actions(store: Store) -> list[str]:
    log = journal.read_log(
        store, EVALUATOR, dt.date.today() - dt.timedelta(days=1), dt.date.today()
    )
    return list(log["action"])[::-1]


def test_a_view_is_saved_listed_opened_renamed_and_deleted(store: Store) -> None:
    saved = sv.save_view(store, PARTNER_A, "  Visites   par collège ", VIEW)
    listed = sv.saved_views(store, PARTNER_A)
    assert list(listed["name"]) == ["Visites par collège"]  # spacing made single
    opened = sv.open_view(store, PARTNER_A, saved)
    assert opened.view == VIEW  # the drill-down too
    assert (opened.own, opened.shared, opened.owner) == (True, False, "valmont")
    sv.rename_view(store, PARTNER_A, saved, "Mes visites")
    assert list(sv.saved_views(store, PARTNER_A)["name"]) == ["Mes visites"]
    sv.delete_view(store, PARTNER_A, saved)
    assert sv.saved_views(store, PARTNER_A).empty
    assert actions(store)[-3:] == ["view.save", "view.rename", "view.delete"]


@pytest.mark.parametrize(
    ("name", "code", "fr", "en"),
    [
        ("   ", "view-name-empty", "Donnez un nom", "Give the view a name"),
        ("x" * 81, "view-name-too-long", "dépasse 80 caractères (81)", "over 80 characters"),
        ("mes   VISITES", "view-name-taken", "déjà une vue nommée", "already have a view"),
    ],
)
def test_bad_names_are_refused_in_both_languages(
    store: Store, name: str, code: str, fr: str, en: str
) -> None:
    sv.save_view(store, PARTNER_A, "Mes visites", VIEW)
    with pytest.raises(sv.SavedViewError) as refused:
        sv.save_view(store, PARTNER_A, name, VIEW)
    assert refused.value.code == code
    assert fr in refused.value.message("fr") and en in refused.value.message("en")
    other = sv.save_view(store, PARTNER_A, "Autre", VIEW)
    with pytest.raises(sv.SavedViewError) as renamed:
        sv.rename_view(store, PARTNER_A, other, name)
    assert renamed.value.code == code
    assert sorted(sv.saved_views(store, PARTNER_A)["name"]) == ["Autre", "Mes visites"]


def test_the_same_name_is_free_for_another_person_and_an_empty_view_is_not_saved(
    store: Store,
) -> None:
    sv.save_view(store, PARTNER_A, "Mes visites", VIEW)
    sv.save_view(store, PARTNER_B, "Mes visites", VIEW)
    with pytest.raises(sv.SavedViewError, match="au moins un indicateur"):
        sv.save_view(store, PARTNER_A, "Rien", ex.ExplorerView())


def test_a_partner_never_reaches_another_organisations_views(store: Store) -> None:
    theirs = sv.save_view(store, PARTNER_B, "Élan", VIEW)
    shared = sv.save_view(store, EVALUATOR, "Équipe", VIEW, shared=True)
    assert sv.saved_views(store, PARTNER_A).empty
    for view_id in (theirs, shared):
        with pytest.raises(sv.SavedViewError) as refused:
            sv.open_view(store, PARTNER_A, view_id)
        assert refused.value.code == "view-not-found"
        with pytest.raises(sv.SavedViewError):
            sv.rename_view(store, PARTNER_A, view_id, "À moi")
        with pytest.raises(sv.SavedViewError):
            sv.delete_view(store, PARTNER_A, view_id)
    # nor another person of its own organisation's: a view is its owner's
    sv.save_view(store, PARTNER_A, "Valmont", VIEW)
    assert sv.saved_views(store, SAME_ORG).empty
    with pytest.raises(AccessDeniedError):
        sv.save_view(store, PARTNER_A, "Partagée", VIEW, shared=True)
    with pytest.raises(AccessDeniedError):
        sv.saved_views(store, FUNDER)
    assert list(sv.saved_views(store, PARTNER_B)["name"]) == ["Élan"]


def test_a_partner_moved_to_another_organisation_leaves_its_views_behind(store: Store) -> None:
    sv.save_view(store, PARTNER_A, "Valmont", VIEW)
    moved = Viewer(PARTNER_A.username, "partner", PARTNER_A.display_name, "asso-elan")
    assert sv.saved_views(store, moved).empty


def test_an_evaluator_shares_a_view_that_others_open_but_do_not_change(store: Store) -> None:
    open_accounts(store)
    view_id = sv.save_view(store, EVALUATOR, "Équipe", VIEW)
    assert sv.saved_views(store, COLLEAGUE).empty
    sv.share_view(store, EVALUATOR, view_id)
    listed = sv.saved_views(store, COLLEAGUE)
    assert list(zip(listed["name"], listed["own"], listed["owner_name"], strict=True)) == [
        ("Équipe", False, "Éva Luation")
    ]
    opened = sv.open_view(store, COLLEAGUE, view_id)
    assert opened.view == VIEW and not opened.own
    with pytest.raises(sv.SavedViewError):
        sv.rename_view(store, COLLEAGUE, view_id, "À moi")
    with pytest.raises(sv.SavedViewError):
        sv.delete_view(store, COLLEAGUE, view_id)
    with pytest.raises(sv.SavedViewError):
        sv.share_view(store, COLLEAGUE, view_id, shared=False)
    sv.share_view(store, EVALUATOR, view_id, shared=False)
    assert sv.saved_views(store, COLLEAGUE).empty
    assert "view.share" in actions(store)


def test_a_view_opened_by_a_partner_is_computed_with_the_partners_access(store: Store) -> None:
    """An evaluator's view sent as an address to a partner: the partner sees what its own
    rules let it see, not what the evaluator saw."""
    reported(store)
    view_id = sv.save_view(store, EVALUATOR, "Par collège", VIEW)
    view = sv.open_view(store, EVALUATOR, view_id).view
    by_evaluator = ex.pivot(store, EVALUATOR, view)
    assert isinstance(by_evaluator, ex.Pivot)
    assert (by_evaluator.cells["hidden"] == "").all()
    sent = ex.ExplorerView.from_params(view.to_params())  # what the address carries
    by_partner = ex.pivot(store, PARTNER_A, sent)
    assert isinstance(by_partner, ex.Pivot)
    hidden = dict(zip(by_partner.cells["row"], by_partner.cells["hidden"], strict=True))
    assert hidden["0950001K"] == "" and hidden["0950002L"] != ""  # Élan's school is not its own
    assert ex.drill(store, PARTNER_A, sent, "0950002L").cells.empty
