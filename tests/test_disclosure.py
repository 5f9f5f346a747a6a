"""Disclosure control: the derivation (a rank test over every nest) and complementary
suppression as pure functions, then a differencing attack on what the functions behind the
pages and exports give each partner and the funder."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.access.disclosure import (
    Nest,
    derivable,
    derive,
    key_of,
    nests_of,
    protect,
    protect_sums,
    sum_reason,
)
from indicators.access.viewer import Viewer
from indicators.analytics import attack, progress, synthesis
from indicators.demo import DEMO_TODAY
from indicators.store.database import Store
from tests.conftest import DEMO_USERS, EVALUATOR, FUNDER, PARTNER_A, PARTNER_B, demo_viewer
from tests.stored import Sender, reported

# -- derivation --------------------------------------------------------------------------------


def test_one_hidden_part_of_a_published_total_is_derivable() -> None:
    nest = Nest("I", ("A", "B", "C"))
    assert derivable([nest], {"B"}) == {"B"}
    assert derive([nest], {"I": 10, "A": 2, "C": 3}, {"B"}) == {"B": 5.0}
    assert derivable([nest], {"B", "C"}) == set()  # only their sum is known
    assert derivable([nest], {"I"}) == {"I"}  # the total of shown parts


def test_nests_together_reveal_what_no_nest_does_alone() -> None:
    """X = a + b, Y = b + c, Z = a + c, all three published: every nest has two hidden
    members, so a nest-by-nest rule finds nothing, yet a = (X - Y + Z) / 2."""
    nests = [Nest("X", ("a", "b")), Nest("Y", ("b", "c")), Nest("Z", ("a", "c"))]
    assert derivable(nests, {"a", "b", "c"}) == {"a", "b", "c"}
    got = derive(nests, {"X": 10, "Y": 11, "Z": 9}, {"a", "b", "c"})
    assert {k: round(v, 9) for k, v in got.items()} == {"a": 4.0, "b": 6.0, "c": 5.0}
    assert derivable(nests[:2], {"a", "b", "c"}) == set()


def test_a_rectangle_of_hidden_cells_in_a_table_with_margins_is_safe() -> None:
    nests = [
        Nest("R1", ("a", "b")),
        Nest("R2", ("c", "d")),
        Nest("C1", ("a", "c")),
        Nest("C2", ("b", "d")),
        Nest("T", ("R1", "R2")),
    ]
    assert derivable(nests, {"a", "b", "c", "d"}) == set()
    assert derivable(nests, {"a", "b", "c"}) == {"a", "b", "c"}  # c = R2 - d, and so on


def test_a_total_and_a_part_hidden_in_two_nests_can_still_be_solved() -> None:
    """I = T1 + T2 and T1 = S1 + S2: hiding T1 and S1 protects S1 in its own nest, but T1 is
    I - T2, then S1 = T1 - S2."""
    nests = [Nest("I", ("T1", "T2")), Nest("T1", ("S1", "S2"))]
    assert derivable(nests, {"T1", "S1"}) == {"T1", "S1"}
    assert derivable(nests, {"T1", "S1", "T2", "S2"}) == set()


# -- complementary suppression ------------------------------------------------------------------


def test_protect_hides_the_smallest_other_part_and_never_what_the_viewer_knows() -> None:
    nest = Nest("I", ("A", "B", "C", "D"))
    values = {"I": 100, "A": 40, "B": 7, "C": 30, "D": 23}
    hidden = protect(values, [nest], {"B": "few-organisations"})
    assert hidden == {"B": "few-organisations", "D": "complementary"}
    hidden = protect(values, [nest], {"B": "few-organisations"}, known={"D"})
    assert hidden == {"B": "few-organisations", "C": "complementary"}
    assert derivable([nest], set(hidden)) == set()


def test_protect_hides_the_total_when_no_other_part_can_be() -> None:
    nest = Nest("I", ("A", "B"))
    values = {"I": 10, "A": 4, "B": 6}
    assert protect(values, [nest], {"A": "dominant"}, known={"B"}) == {
        "A": "dominant",
        "I": "complementary",
    }


def test_hidden_parts_together_must_obey_the_primary_rules() -> None:
    """Two hidden territories whose sum the initiative reveals: if the same two organisations
    stand behind both, their sum is a two-organisation figure, so a third one is hidden."""
    nest = Nest("I", ("T1", "T2", "T3", "T4"))
    values = {"I": 100, "T1": 10, "T2": 20, "T3": 30, "T4": 40}
    primary = {"T1": "few-organisations", "T2": "few-organisations"}
    same_two = {"T1": {"x": 5, "y": 5}, "T2": {"x": 10, "y": 10}}
    others = {"T3": {"a": 10, "b": 10, "c": 10}, "T4": {"a": 10, "d": 15, "e": 15}}
    hidden = protect(values, [nest], primary, contributions={**same_two, **others})
    assert hidden == {**primary, "T3": "complementary"}
    apart = {"T1": {"x": 5, "y": 5}, "T2": {"z": 10, "w": 10}}
    assert protect(values, [nest], primary, contributions={**apart, **others}) == primary


def test_a_small_count_revealed_as_a_sum_of_hidden_parts_is_protected() -> None:
    nest = Nest("I", ("T1", "T2", "T3"))
    values = {"I": 107, "T1": 3, "T2": 4, "T3": 100}
    primary = {"T1": "small-count", "T2": "small-count"}
    small = dict.fromkeys(values, 11)
    assert protect(values, [nest], primary, small=small) == {**primary, "T3": "complementary"}


def test_sums_over_organisations_follow_the_same_rules() -> None:
    """Group figures (a completeness by partner type, an overlap's reach): one organisation,
    or one above 85 %, hides a sum; a partner sees the sums of its own amounts only."""
    assert sum_reason({"a": 1, "b": 1}, "funder") == "few-organisations"
    assert sum_reason({"a": 90, "b": 5, "c": 5}, "funder") == "dominant"
    assert sum_reason({"a": 3, "b": 3, "c": 4}, "funder") == ""
    assert sum_reason({"a": 3}, "partner", "a") == ""  # its own
    assert sum_reason({"a": 3, "b": 4}, "partner", "a") == "few-organisations"
    assert sum_reason({"a": 3}, "evaluator") == ""


def test_the_initiative_minus_the_other_groups_never_gives_a_hidden_group_away() -> None:
    """Completeness by partner type, period T1: the backbone's group is one organisation; the
    initiative (all eight) minus the other groups would give it: the smallest other group is
    hidden too, and nothing hidden can be derived, by partner type or by territory."""
    groups: dict[tuple[str, str], dict[str, float]] = {
        ("type", "company"): {"v": 4, "w": 3, "x": 5},
        ("type", "association"): {"e": 1, "f": 1, "g": 2},
        ("type", "school"): {"s": 6, "t": 6, "u": 5},
        ("type", "backbone"): {"appui": 2},
        ("territory", "nord"): {"v": 4, "w": 3, "e": 1, "s": 6, "u": 5, "appui": 1},
        ("territory", "sud"): {"x": 5, "f": 1, "g": 2, "t": 6, "appui": 1},
    }
    whole = ("initiative", "*")
    every: dict[str, float] = {}
    for (dimension, _), amounts in groups.items():
        if dimension == "type":
            for organisation, amount in amounts.items():
                every[organisation] = every.get(organisation, 0) + amount
    figures: dict[tuple[str, str], dict[str, float]] = {**groups, whole: every}
    nests = [
        Nest(whole, tuple(k for k in groups if k[0] == "type")),
        Nest(whole, tuple(k for k in groups if k[0] == "territory")),
    ]
    hidden = protect_sums(figures, nests, "funder")
    assert hidden == {
        ("type", "backbone"): "few-organisations",
        ("type", "association"): "complementary",  # 4 reports, the smallest shown group
    }
    assert derivable(nests, set(hidden)) == set()
    assert protect_sums(figures, nests, "evaluator") == {}
    # a partner of the school type knows its own figure, not its neighbour's
    mine = protect_sums({**figures, ("type", "school"): {"s": 6}}, nests, "partner", own="s")
    assert ("type", "school") not in mine and mine[("type", "backbone")] == "few-organisations"
    assert derivable(nests, set(mine)) == set()


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[Nest], dict[str, float], dict[str, str]]:
    """A 3-level grid (initiative, territories, schools) x (year, terms), with values and a
    random set of primary hidden figures."""
    territories = draw(st.integers(1, 3))
    schools = draw(st.integers(1, 3))
    terms = draw(st.integers(1, 3))
    places = ["*"] + [f"T{t}" for t in range(territories)]
    places += [f"T{t}S{s}" for t in range(territories) for s in range(schools)]
    periods = ["Y"] + [f"Y-{k}" for k in range(terms)]
    cells = [f"{p}|{q}" for p in places for q in periods]
    nests = []
    for q in periods:
        nests.append(Nest(f"*|{q}", tuple(f"T{t}|{q}" for t in range(territories)), "space"))
        for t in range(territories):
            parts = tuple(f"T{t}S{s}|{q}" for s in range(schools))
            nests.append(Nest(f"T{t}|{q}", parts, "space"))
    for p in places:
        nests.append(Nest(f"{p}|Y", tuple(f"{p}|Y-{k}" for k in range(terms)), "time"))
    values = {c: float(draw(st.integers(0, 50))) for c in cells}
    secret = draw(st.sets(st.sampled_from(cells), max_size=len(cells)))
    return nests, values, dict.fromkeys(secret, "few-organisations")


@settings(max_examples=120, deadline=None)
@given(grids())
def test_after_suppression_no_hidden_cell_is_derivable(
    grid: tuple[list[Nest], dict[str, float], dict[str, str]],
) -> None:
    nests, values, primary = grid
    hidden = protect(values, nests, primary)
    assert set(primary) <= set(hidden)
    assert derivable(nests, set(hidden)) == set()
    for nest in nests:  # in particular, from any one nest on its own
        assert sum(m in hidden for m in nest.members) != 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=5), min_size=1, max_size=6))
def test_derivable_agrees_with_the_rank_definition(rows: list[list[int]]) -> None:
    """Against the definition itself: e_i is in the row space iff appending it keeps the
    rank (with nests made of random members among six cells)."""
    names = [f"c{i}" for i in range(6)]
    nests = [Nest(names[r[0]], tuple(names[i] for i in r[1:])) for r in rows]
    for size in range(1, 4):
        for secret in itertools.combinations(names, size):
            found = derivable(nests, set(secret))
            unknowns = sorted(secret)
            matrix = np.array(
                [
                    [
                        (-1.0 if n.total == u else 0.0) + sum(p == u for p in n.parts)
                        for u in unknowns
                    ]
                    for n in nests
                ]
            )
            rank = np.linalg.matrix_rank(matrix) if matrix.any() else 0
            for i, u in enumerate(unknowns):
                unit = np.eye(len(unknowns))[i]
                grown = np.linalg.matrix_rank(np.vstack([matrix, unit]))
                assert (u in found) == (grown == rank), (rows, secret, u)


# -- the differencing attack on real stores -----------------------------------------------------

TODAY = dt.date(2025, 10, 1)
Y1, T1 = "2024-2025", "2024-2025-T1"
S1, S2, TERRITORY = "0950001K", "0950002L", "T-NORD"


def hand_built(store: Store) -> Store:
    """Company visits in T1 (a sum over time and space, no de-duplication): in S1, Valmont 5
    and the school 7 (two organisations: hidden); in S2, Élan 10, the backbone 12 and the
    school 8 (three: shown); the territory 42 (four: shown). Without complementary
    suppression, Valmont works out S1 = 42 - 30 = 12, then the school's 7 = 12 - its own 5.
    Young people reached by sex, accepted: girls 4 and boys 40 at S2 from three organisations."""
    send = Sender(store)
    send("ent-valmont", [("visites-entreprise", S1, T1, 5)], "accepted")
    send("clg-0950001k", [("visites-entreprise", S1, T1, 7)], "accepted")
    send("asso-elan", [("visites-entreprise", S2, T1, 10)], "accepted")
    send("appui", [("visites-entreprise", S2, T1, 12)], "accepted")
    send("clg-0950001k", [("visites-entreprise", S2, T1, 8)], "accepted")
    for organisation, girls, boys in (
        ("asso-elan", 1, 20),
        ("appui", 2, 10),
        ("ent-valmont", 1, 10),
    ):
        send(
            organisation,
            [
                ("reunions-parents", S2, T1, girls + boys),
                ("reunions-parents", S2, T1, girls, None, None, "sex=F"),
                ("reunions-parents", S2, T1, boys, None, None, "sex=M"),
            ],
            "accepted",
        )
    synthesis.publish(store, EVALUATOR, Y1, TODAY)
    return store


def test_the_hand_built_attack_finds_what_it_should_on_the_unprotected_figures(
    store: Store,
) -> None:
    """The attack itself can fail: on the figures with primary suppression only (what the
    partner pages showed before complementary suppression), it derives S1 exactly, for the
    year and its term."""
    hand_built(store)
    real = attack.truth(store, PARTNER_A)
    seen = attack.Published()
    for row in real.to_dict("records"):
        key = key_of(row)
        if row["organisations"] < 3 and not row["backbone_only"]:
            seen.hidden.add(key)
        else:
            seen.values[key] = float(row["value"])
    nests = nests_of(real, **progress.nest_context(store))
    found = attack.outcome(nests, seen, attack.weights(real), attack.holding(nests, real))
    visits = {k for k in found.exact["all"] if k[0] == "visites-entreprise" and k[1] == S1}
    assert visits == {("visites-entreprise", S1, Y1, ""), ("visites-entreprise", S1, T1, "")}
    assert found.exact["space"] >= visits


@pytest.mark.parametrize("viewer", [PARTNER_A, PARTNER_B, FUNDER], ids=lambda v: v.username)
def test_no_hidden_figure_can_be_derived_on_the_hand_built_store(
    store: Store, viewer: Viewer
) -> None:
    hand_built(store)
    found = attack.attack(store, viewer, TODAY)
    if viewer.role == "partner":
        assert found.hidden > 0  # there is something to protect
    assert found.exact["all"] == set()
    assert found.direct == set()  # nothing hidden in one view is shown in another
    seen = progress.figures(store, viewer)
    row = seen[(seen["indicator"] == "visites-entreprise") & (seen["scope"] == S1)]
    if viewer == PARTNER_A:  # its own value is there, the school's is not
        assert set(row["own"].dropna()) == {5.0}


@pytest.mark.parametrize("viewer", [PARTNER_A, PARTNER_B, FUNDER], ids=lambda v: v.username)
def test_no_hidden_figure_can_be_derived_on_the_fixture_store(store: Store, viewer: Viewer) -> None:
    reported(store, "accepted")
    synthesis.publish(store, EVALUATOR, Y1, TODAY)
    found = attack.attack(store, viewer, TODAY)
    assert found.exact["all"] == set() and found.direct == set()


# -- the demo store: every family of figures, every demo partner and the funder -------------------

#: Measured before each family was protected (demo store at scale 0, scripts/attack_disclosure.py):
#: hidden figures derivable + sensitive figures read or derived, per demo account.
BEFORE = {
    "progress": {"entreprise": 6, "association": 6},
    "gross": {"entreprise": 6, "association": 6},
    "synthesis": {"financeur": 7},
    "sync": {"financeur": 90},
    "consistency": {"college": 8, "entreprise": 8, "financeur": 8},
    "overlaps": {"college": 17, "entreprise": 13, "association": 15, "financeur": 17},
}


@pytest.mark.parametrize("family", sorted(BEFORE))
@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_figure_of_any_family_can_be_derived_on_the_demo_store(
    demo_store: Store, username: str, family: str
) -> None:
    """On the demo initiative, whatever a demo partner or the funder is shown, no figure the
    rules hide from it can be read or worked out: none derivable, none exposed."""
    viewer = demo_viewer(demo_store, username)
    found = attack.families(demo_store, viewer, DEMO_TODAY, [family])[family]
    assert found.derivable["all"] == set(), (username, family)
    assert found.exposed == set(), (username, family, sorted(found.exposed, key=repr)[:5])
    assert found.direct == set(), (username, family)
    assert found.leaks == 0
