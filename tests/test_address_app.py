"""AppTest of the choices each page keeps in its address (issue 19: "the year, scope and node
of the other pages live in the query string"): opened at an address, a page shows its
choices; a choice changed goes to the address (the default left out); a value not offered,
or beyond what the viewer may see, gives way to the default without an error.

The store has two school years begun (2024-2025, whose reports are due, and 2025-2026), so
that a year asked for by the address is not the one the page opens on by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from indicators.store.database import Store
from indicators.store.setup import init_store
from tests.conftest import copied_store, copy_definition, open_accounts
from tests.stored import reported
from tests.test_app import PAGES, ROLE_ACCOUNTS, started

Y1, Y2 = "2024-2025", "2025-2026"
LATER = (
    f"{Y2},Année scolaire {Y2},School year {Y2},school_year,,2025-09-01,2026-08-31,2026-09-30\n"
    f"{Y2}-T1,T1 {Y2},Term 1 {Y2},term,{Y2},2025-09-01,2025-12-31,2026-01-15\n"
)


def add_a_year(definition: Path) -> Path:
    with (definition / "periods.csv").open("a", encoding="utf-8") as periods:
        periods.write(LATER)
    return definition


@pytest.fixture(scope="module")
def two_years_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small definition with a second school year, its store and accounts, made once."""
    folder = tmp_path_factory.mktemp("two-years")
    store, _ = init_store(
        folder / "app.duckdb", add_a_year(copy_definition(folder / "definition")), "test"
    )
    open_accounts(store)
    reported(store)
    store.close()
    return store.path


@pytest.fixture
def two_years(app_env: Path, definition_dir: Path, two_years_template: Path) -> Store:
    add_a_year(definition_dir)
    return copied_store(two_years_template, app_env)


def opened(store: Store, role: str, page: str, **params: str) -> AppTest:
    """`page` opened by `role` at an address holding `params`."""
    at = started(store, ROLE_ACCOUNTS[role], page=PAGES[page], params=params)
    assert not at.exception, at.exception
    return at


def address(at: AppTest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}


def changed(at: AppTest, widget: Any, value: Any) -> dict[str, str]:
    """Set `widget` to `value`, run the page; the address after it."""
    widget.set_value(value).run()
    assert not at.exception, at.exception
    return address(at)


def test_synchronisation(two_years: Store) -> None:
    at = opened(two_years, "evaluator", "sync", year=Y2, territory="T-NORD", org="ent-valmont")
    assert at.selectbox(key="sync_year").value == Y2
    assert at.selectbox(key="sync_territory").value == "T-NORD"
    assert at.selectbox(key="sync_org").value == "ent-valmont"
    # the year the page opens on by itself (the one whose reports are due) is left out
    assert changed(at, at.selectbox(key="sync_year"), Y1) == {
        "territory": "T-NORD",
        "org": "ent-valmont",
    }
    assert changed(at, at.selectbox(key="sync_territory"), "")["org"] == "ent-valmont"
    assert changed(at, at.segmented_control(key="compare_by"), "territory") == {
        "org": "ent-valmont",
        "by": "territory",
    }
    bad = opened(two_years, "evaluator", "sync", year="1999-2000", territory="T-SUD", by="x")
    assert bad.selectbox(key="sync_year").value == Y1
    assert bad.selectbox(key="sync_territory").value == ""
    assert address(bad) == {}


def test_theory_of_change(two_years: Store) -> None:
    at = opened(two_years, "partner", "theory", scope="0950001K", year=Y2, node="INT-CONFIANCE")
    assert at.selectbox(key="toc_scope").value == "0950001K"
    assert at.selectbox(key="toc_year").value == Y2
    assert at.selectbox(key="toc_node").value == "INT-CONFIANCE"
    after = changed(at, at.selectbox(key="toc_node"), "OUT-JEUNES")
    assert after["node"] == "OUT-JEUNES" and after["year"] == Y2
    assert changed(at, at.segmented_control(key="toc_view"), "table")["view"] == "table"
    # a funder is offered no school: an address naming one opens the whole initiative
    funder = opened(two_years, "funder", "theory", scope="0950001K", node="NOPE")
    assert funder.selectbox(key="toc_scope").value == "*"
    assert "scope" not in funder.query_params and "node" not in funder.query_params


def test_coordination(two_years: Store) -> None:
    at = opened(
        two_years, "evaluator", "coordination", year=Y2, type="company", priority="REP+,none"
    )
    assert at.selectbox(key="coord_year").value == Y2
    assert at.selectbox(key="coord_type").value == "company"
    assert at.multiselect(key="coord_priority").value == ["REP+", "none"]
    after = changed(at, at.segmented_control(key="coord_qpv"), "in")
    assert after == {"year": Y2, "type": "company", "priority": "REP+,none", "qpv": "in"}
    assert changed(at, at.multiselect(key="coord_priority"), [])["qpv"] == "in"
    assert "priority" not in at.query_params


def test_synthesis(two_years: Store) -> None:
    at = opened(two_years, "evaluator", "synthesis", live="1", year=Y2, scope="T-NORD")
    assert at.toggle(key="synthesis_live").value is True
    assert at.selectbox(key="synthesis_year").value == Y2
    assert at.selectbox(key="synthesis_scope").value == "T-NORD"
    assert changed(at, at.selectbox(key="synthesis_scope"), "*") == {"live": "1", "year": Y2}
    # a funder reads published years only: nothing is published, whatever the address says
    funder = opened(two_years, "funder", "synthesis", live="1", year=Y2)
    assert not funder.get("selectbox") and not funder.get("toggle")


def test_data_and_deposer(two_years: Store) -> None:
    at = opened(two_years, "evaluator", "data", org="asso-elan", indicator="jeunes-touches")
    assert at.selectbox(key="data_org").value == "asso-elan"
    assert at.selectbox(key="data_indicator").value == "jeunes-touches"
    assert set(at.dataframe[-1].value["Organisation"]) == {"Association Élan"}
    assert changed(at, at.selectbox(key="data_org"), "") == {}  # the first indicator, too
    upload = opened(two_years, "evaluator", "upload", org="asso-elan")
    assert upload.selectbox(key="upload_org").value == "asso-elan"


def test_a_partner_cannot_open_another_organisations_values_by_the_address(
    two_years: Store,
) -> None:
    at = opened(two_years, "partner", "data", org="asso-elan")
    assert not at.get("selectbox") or "data_org" not in [s.key for s in at.selectbox]
    assert set(at.dataframe[-1].value["Organisation"]) == {"Transports Valmont"}
    assert "org" not in at.query_params
    upload = opened(two_years, "partner", "upload", org="asso-elan")
    assert "Transports Valmont" in str([m.value for m in upload.markdown])
    assert "Association Élan" not in str([m.value for m in upload.markdown])


def test_catalogue(two_years: Store) -> None:
    """The home page, come back to at an address (first opened on signing in, it is left for
    another page: the widgets it had are gone)."""
    at = opened(two_years, "funder", "theory")
    for key, value in {"q": "jeunes", "level": "output", "indicator": "x"}.items():
        at.query_params[key] = value
    at.switch_page(PAGES["catalogue"]).run()
    assert not at.exception, at.exception
    assert at.text_input(key="catalogue_search").value == "jeunes"
    assert at.multiselect(key="catalogue_levels").value == ["output"]
    assert "indicator" not in at.query_params  # not among those found: the first one
    at.text_input(key="catalogue_search").input("").run()
    assert address(at) == {"level": "output"}
