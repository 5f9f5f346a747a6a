"""Catalogue search and reference sheets, theory-of-change graph and layout."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.access.viewer import AccessDeniedError, Viewer, can_view
from indicators.analytics import catalogue, theory
from indicators.common.text import normalise
from indicators.definition.checks import find_cycle, reachable, uai_check_letter
from indicators.definition.model import Link
from indicators.store.database import Store
from tests.conftest import EVALUATOR, FUNDER


@pytest.fixture
def table(store: Store) -> pd.DataFrame:
    return catalogue.indicator_table(store, EVALUATOR)


def codes(frame: pd.DataFrame) -> list[str]:
    return list(frame["code"])


def test_normalise_removes_case_accents_and_punctuation() -> None:
    assert normalise("  Élèves—TOUCHÉS (nb.) ") == "eleves touches nb"


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("jeunes touches", "jeunes-touches"),  # no accent typed
        ("JEUNES-TOUCHÉS", "jeunes-touches"),
        ("Nombre de bénéficiaires", "jeunes-touches"),  # an alias
        ("young people reached", "jeunes-touches"),  # English label
        ("brevet", "taux-reussite-dnb"),
        ("visites", "visites-entreprise"),
    ],
)
def test_search_finds_by_label_alias_and_language(
    table: pd.DataFrame, query: str, expected_first: str
) -> None:
    assert codes(catalogue.search_indicators(table, query))[0] == expected_first


def test_search_needs_every_word(table: pd.DataFrame) -> None:
    assert codes(catalogue.search_indicators(table, "brevet visites")) == []


def test_search_filters_by_level_and_type(table: pd.DataFrame) -> None:
    rates = catalogue.search_indicators(table, "", types=["percentage"])
    assert set(codes(rates)) == {"taux-projet-avenir", "taux-reussite-dnb"}
    activities = catalogue.search_indicators(table, "", levels=["activity"])
    assert set(codes(activities)) == {"visites-entreprise", "reunions-parents"}


def test_code_match_ranks_above_definition_match(table: pd.DataFrame) -> None:
    found = codes(catalogue.search_indicators(table, "taux"))
    assert found[:2] == ["taux-projet-avenir", "taux-reussite-dnb"] or found[:2] == [
        "taux-reussite-dnb",
        "taux-projet-avenir",
    ]


def test_sheet_facts_show_fraction_for_rates_only(table: pd.DataFrame) -> None:
    rate = table[table["code"] == "taux-projet-avenir"].iloc[0]
    facts = dict(catalogue.sheet_facts(rate, "fr"))
    assert facts["Numérateur"] == "Élèves de 3e déclarant un projet précis"
    assert facts["Agrégation entre lieux et partenaires"].startswith("Ratio")
    count = table[table["code"] == "jeunes-touches"].iloc[0]
    facts_en = dict(catalogue.sheet_facts(count, "en"))
    assert "Numerator" not in facts_en
    assert facts_en["De-duplication rule"] == "Maximum per school — Maximum per school."
    assert facts_en["Disaggregations"] == "sex, grade"


def test_theory_graph_lists_indicators_and_committed_partners(store: Store) -> None:
    graph = theory.theory_graph(store, EVALUATOR)
    assert list(graph.indicators_of("OUT-JEUNES")["code"]) == ["jeunes-touches"]
    visits = graph.partners_of("ACT-VISITES")
    assert set(visits["organisation"]) == {"ent-valmont", "asso-elan", "appui"}
    assert set(graph.partners_of("INT-CONFIANCE")["organisation"]) == {"asso-elan"}
    assert graph.partners_of("IMP-EGALITE").empty
    hover = theory.node_hover(graph, "ACT-VISITES", "fr")
    assert "Transports Valmont" in hover and "Partenaires engagés : 3" in hover


@pytest.mark.parametrize("viewer", [EVALUATOR, FUNDER], ids=["evaluator", "funder"])
def test_a_nodes_rows_are_those_of_its_code(store: Store, viewer: Viewer) -> None:
    """`indicators_of` and `partners_of` (split once per graph) give each node the very rows of
    the whole table that name it, in their order, with their columns; none for an unknown
    node (a funder's partners are counted by type: other columns)."""
    graph = theory.theory_graph(store, viewer)
    for code in [*graph.nodes["code"], "NOEUD-INCONNU"]:
        for table, rows in (
            (graph.indicators, graph.indicators_of(code)),
            (graph.partners, graph.partners_of(code)),
        ):
            pd.testing.assert_frame_equal(rows, table[table["node"] == code])


def test_theory_figure_has_every_node_and_link(store: Store) -> None:
    graph = theory.theory_graph(store, EVALUATOR)
    figure = theory.theory_figure(graph, "en")
    drawn = [code for trace in figure.data for code in trace.customdata]
    assert sorted(drawn) == sorted(graph.nodes["code"])
    assert len(figure.layout.annotations) == len(graph.links)
    assert figure.layout.yaxis.ticktext[-1] == "Impact"


def test_layout_puts_levels_in_rows_and_spreads_each_row() -> None:
    nodes = pd.DataFrame({"code": ["A1", "A2", "O1", "O2", "I"], "level_rank": [0, 0, 1, 1, 4]})
    links = pd.DataFrame({"source": ["A1", "A2", "O1", "O2"], "target": ["O2", "O1", "I", "I"]})
    pos = theory.layout(nodes, links)
    assert {code: y for code, (_, y) in pos.items()} == {"A1": 0, "A2": 0, "O1": 1, "O2": 1, "I": 4}
    assert pos["I"][0] == 0.5
    # barycentre ordering uncrosses A1->O2 and A2->O1
    assert (pos["A1"][0] < pos["A2"][0]) == (pos["O2"][0] < pos["O1"][0])


def test_cycle_and_reachability() -> None:
    links = [Link("a", "b"), Link("b", "c"), Link("c", "a"), Link("c", "d")]
    cycle = find_cycle(links)
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert find_cycle([Link("a", "b"), Link("a", "c"), Link("b", "c")]) == []
    assert reachable(links, "d") == {"d"}
    assert reachable(links, "b") == {"a", "b", "c", "d"}


def test_uai_check_letter() -> None:
    # 0950001 mod 23 = 9 -> "K" in the UAI alphabet (no I, O, Q)
    assert uai_check_letter("0950001") == "K"
    assert uai_check_letter("0000023") == "A"


def test_access_denies_by_default(store: Store) -> None:
    stranger = Viewer("x", "visitor", "X")
    assert not can_view(stranger, "catalogue")
    assert not can_view(EVALUATOR, "no-such-page")
    assert not can_view(None, "catalogue")
    with pytest.raises(AccessDeniedError):
        catalogue.indicator_table(store, stranger)
    with pytest.raises(AccessDeniedError):
        theory.theory_graph(store, stranger)
