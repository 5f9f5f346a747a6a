"""Gaps in coordination on a small initiative where each gap and overlap is known in advance.

The fixture initiative (territory T-NORD, schools 0950001K and 0950002L) gets a third school,
0950003M, the four grades 6e to 3e, and these commitments for 2024-2025:

| id | who | action -> node served | where | grades |
|---|---|---|---|---|
| C1 | Valmont | visits -> young people reached | 0950001K, 0950002L | 3e |
| C2 | Élan | visits -> young people reached | 0950001K | 3e, 4e |
| C3 | Élan | parents -> career projection | 0950002L | all |
| C4 | the backbone | parents -> parents | the whole territory | all |
| C5 | the school 0950001K | parents -> career projection | 0950001K | all |

Visits lead to young people reached, then confidence, career projection, brevet success;
parent meetings to career projection, then brevet success. What they report: Valmont 40 young
people in 0950001K (nothing in 0950002L), Élan 25 there, the school 5 parent meetings.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.access.viewer import AccessDeniedError, Viewer
from indicators.analytics import attack
from indicators.analytics import coordination as co
from indicators.store.database import Store
from indicators.store.setup import init_store
from indicators.views import coordination as view
from tests.conftest import (
    EVALUATOR,
    FUNDER,
    PARTNER_A,
    PARTNER_B,
    copied_store,
    copy_definition,
)
from tests.stored import Sender

YEAR, T1 = "2024-2025", "2024-2025-T1"
K, L, M, NORD = "0950001K", "0950002L", "0950003M", "T-NORD"
TODAY = dt.date(2025, 10, 1)  # the year's reports were due on 30 September

COMMITMENTS = f"""id,organisation,action_type,node,places,grades,sex,targeted,periods,status,indicators
C1,ent-valmont,ACT-VISITES,OUT-JEUNES,{K};{L},3e,,60,{YEAR},ongoing,visites-entreprise;jeunes-touches
C2,asso-elan,ACT-VISITES,OUT-JEUNES,{K},3e;4e,,40,{YEAR},ongoing,jeunes-touches
C3,asso-elan,ACT-PARENTS,INT-PROJET,{L},,,20,{YEAR},planned,reunions-parents
C4,appui,ACT-PARENTS,ACT-PARENTS,{NORD},,,,{YEAR},ongoing,reunions-parents
C5,clg-0950001k,ACT-PARENTS,INT-PROJET,{K},,,,{YEAR},ongoing,reunions-parents
"""
SCHOOL_M = f"{M},school,Collège des Acacias,{NORD},{M},REP,95585,,90,90,90,90\n"


@pytest.fixture(scope="session")
def plan_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of `plan`, made once per test process (twelve tests read it)."""
    store = planned(tmp_path_factory.mktemp("plan"), COMMITMENTS)
    send = Sender(store)
    send("ent-valmont", [("jeunes-touches", K, T1, 40)])
    send("asso-elan", [("jeunes-touches", K, T1, 25)])
    send("clg-0950001k", [("reunions-parents", K, T1, 5)])
    store.close()
    return store.path


@pytest.fixture
def plan(tmp_path: Path, plan_template: Path) -> Store:
    """Three partners' reports at the first school, in a store of this test's own."""
    return copied_store(plan_template, tmp_path / "plan.duckdb")


def planned(tmp_path: Path, commitments: str) -> Store:
    """The fixture initiative with a third school, the four grades and `commitments`."""
    folder = copy_definition(tmp_path / "plan")
    (folder / "commitments.csv").write_text(commitments, encoding="utf-8")
    with (folder / "places.csv").open("a", encoding="utf-8") as places:
        places.write(SCHOOL_M)
    dimensions = (folder / "disaggregations.yaml").read_text(encoding="utf-8")
    grades = "".join(
        f"      - {{code: {g}, label_fr: {g}, label_en: {g}}}\n" for g in ("6e", "5e", "4e")
    )
    (folder / "disaggregations.yaml").write_text(
        dimensions.replace(
            "    categories:\n      - {code: 3e", f"    categories:\n{grades}      - {{code: 3e"
        ),
        encoding="utf-8",
    )
    store, _ = init_store(tmp_path / "plan.duckdb", folder, actor="test")
    return store


def cells(grid: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {
        (p, m): int(n)
        for p, m, n in zip(grid["place"], grid["member"], grid["partners"], strict=True)
    }


def test_the_5w_records_spread_commitments_over_places_and_years(plan: Store) -> None:
    records = co.records(plan, EVALUATOR, YEAR)
    assert sorted(zip(records["commitment"], records["place"], strict=True)) == [
        ("C1", K), ("C1", L), ("C2", K), ("C3", L), ("C4", NORD), ("C5", K)
    ]  # fmt: skip
    c1 = records[records["commitment"] == "C1"].set_index("place").to_dict("index")
    assert c1[K]["targeted"] == 30  # 60 spread over two schools
    assert (c1[K]["reported"], c1[K]["reached"]) == (1, 40)
    assert c1[L]["reported"] == 0 and math.isnan(c1[L]["reached"])
    assert list(c1[K]["grades"]) == ["3e"] and c1[K]["territory"] == NORD


def test_presence_by_outcome_counts_every_node_an_action_feeds(plan: Store) -> None:
    schools = cells(co.presence(plan, EVALUATOR, YEAR, "node", territory=NORD))
    assert schools[(K, "OUT-JEUNES")] == 2 and schools[(K, "INT-PROJET")] == 3
    assert schools[(L, "OUT-JEUNES")] == 1  # Valmont alone: fragile
    assert schools[(L, "INT-PROJET")] == 2  # Valmont through young people reached, Élan
    assert schools[(M, "OUT-JEUNES")] == 0  # the backbone acts for the territory, not here
    territory = cells(co.presence(plan, EVALUATOR, YEAR, "node"))
    assert territory[(NORD, "INT-PROJET")] == 4 and territory[(NORD, "OUT-JEUNES")] == 2


def test_presence_by_action_type_and_partner_type(plan: Store) -> None:
    by_action = cells(co.presence(plan, EVALUATOR, YEAR, "action_type", territory=NORD))
    assert by_action[(K, "ACT-VISITES")] == 2 and by_action[(K, "ACT-PARENTS")] == 1
    assert by_action[(M, "ACT-VISITES")] == 0
    companies = co.presence(
        plan, EVALUATOR, YEAR, "action_type", territory=NORD, organisation_type="company"
    )
    assert cells(companies)[(K, "ACT-VISITES")] == 1
    grid = co.presence(plan, EVALUATOR, YEAR, "action_type")
    assert grid.set_index("member").loc["ACT-VISITES", "organisations"] == (
        "asso-elan",
        "ent-valmont",
    )


def test_coverage_gaps_name_the_grades_nobody_serves(plan: Store) -> None:
    found = co.gaps(plan, EVALUATOR, YEAR, TODAY)
    coverage = {(r.node, r.school): r.grades for r in found.coverage.itertuples()}
    assert coverage == {
        ("OUT-JEUNES", K): ("6e", "5e"),
        ("OUT-JEUNES", L): ("6e", "5e", "4e"),
        ("OUT-JEUNES", M): ("6e", "5e", "4e", "3e"),
        ("INT-CONFIANCE", K): ("6e", "5e"),
        ("INT-CONFIANCE", L): ("6e", "5e", "4e"),
        ("INT-CONFIANCE", M): ("6e", "5e", "4e", "3e"),
    }


def test_schools_targets_and_commitments_left_without_action(plan: Store) -> None:
    found = co.gaps(plan, EVALUATOR, YEAR, TODAY)
    assert list(found.schools["school"]) == [M] and list(found.schools["territory_wide"]) == [1]
    assert list(zip(found.targets["indicator"], found.targets["place"], strict=True)) == [
        ("taux-reussite-dnb", "*")  # the school's jeunes-touches target has C1 and C2 on it
    ]
    silent = set(zip(found.silent["commitment"], found.silent["place"], strict=True))
    assert silent == {("C1", L), ("C3", L), ("C4", NORD)}
    assert co.gaps(plan, EVALUATOR, YEAR, dt.date(2025, 9, 1)).silent.empty  # not yet due
    mine = co.gaps(plan, PARTNER_A, YEAR, TODAY).silent
    assert set(mine["commitment"]) == {"C1"}
    assert co.gaps(plan, FUNDER, YEAR, TODAY).silent.empty


def test_overlaps_with_each_reach_and_the_deduplicated_one(plan: Store) -> None:
    found = co.overlaps(plan, EVALUATOR, YEAR)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["action_type"], row["place"], row["grade"], row["partners"]) == (
        "ACT-VISITES", K, "3e", 2
    )  # fmt: skip
    assert (row["gross"], row["deduplicated"], row["double_counted"]) == (65, 40, 25)
    assert dict(row["reach"]) == {"Transports Valmont": 40, "Association Élan": 25}


def test_a_partner_sees_its_own_reach_in_an_overlap_and_a_funder_counts(plan: Store) -> None:
    row = co.overlaps(plan, PARTNER_A, YEAR).iloc[0]
    assert row["own_reach"] == 40 and "reach" not in row
    assert math.isnan(row["gross"]) and math.isnan(row["deduplicated"])  # two: 65 - 40 = Élan
    funder = co.overlaps(plan, FUNDER, YEAR)
    assert "organisations" not in funder and int(funder["partners"].iloc[0]) == 2
    assert "organisations" not in co.presence(plan, FUNDER, YEAR)


def test_an_overlap_never_gives_one_organisations_reach_away_by_difference(
    tmp_path: Path,
) -> None:
    """Visits in 0950001K: Valmont, Élan and the school for 3e and 4e, the backbone for 4e
    only; they reached 40, 25, 30 and 12 young people. Each overlap stands on 3 or 4
    organisations, none above 85 %, yet 4e (107) - 3e (95) = 12 is the backbone's own
    figure: one of the two is hidden (the smaller, 3e), from partners and funders alike. The
    largest reach, one organisation's (Valmont's 40), is the evaluator's only."""
    grades = "3e;4e"
    store = planned(
        tmp_path,
        "id,organisation,action_type,node,places,grades,sex,targeted,periods,status,indicators\n"
        + "".join(
            f"{c},{o},ACT-VISITES,OUT-JEUNES,{K},{g},,10,{YEAR},ongoing,jeunes-touches\n"
            for c, o, g in (
                ("C1", "ent-valmont", grades),
                ("C2", "asso-elan", grades),
                ("C3", "clg-0950001k", grades),
                ("C4", "appui", "4e"),
            )
        ),
    )
    send = Sender(store)
    for organisation, reached in (
        ("ent-valmont", 40),
        ("asso-elan", 25),
        ("clg-0950001k", 30),
        ("appui", 12),
    ):
        send(organisation, [("jeunes-touches", K, T1, reached)])
    every = co.overlaps(store, EVALUATOR, YEAR).set_index("grade")
    assert (every.loc["3e", "gross"], every.loc["4e", "gross"]) == (95, 107)
    assert every.loc["4e", "deduplicated"] == 40 and set(every["hidden"]) == {""}
    for viewer in (FUNDER, PARTNER_B):
        seen = co.overlaps(store, viewer, YEAR).set_index("grade")
        assert seen.loc["4e", "gross"] == 107 and seen.loc["4e", "hidden"] == ""
        assert seen.loc["3e", "hidden"] == "complementary" and math.isnan(
            float(str(seen.loc["3e", "gross"]))
        )
        assert seen["deduplicated"].isna().all() and seen["double_counted"].isna().all()
        found = attack.families(store, viewer, TODAY, ["overlaps"])["overlaps"]
        assert found.hidden == 1 and found.leaks == 0


def test_need_and_reach(plan: Store) -> None:
    rows = co.need_and_reach(plan, EVALUATOR, YEAR).set_index("school").to_dict("index")
    # 0950001K: 445 pupils, 40 young people reached (the largest report, max per school)
    assert (rows[K]["pupils"], rows[K]["reached"]) == (445, 40)
    assert rows[K]["coverage"] == pytest.approx(40 / 445)
    assert rows[M]["pupils"] == 360 and math.isnan(rows[M]["coverage"])
    assert L not in rows  # its enrolment is unknown
    seen = co.need_and_reach(plan, PARTNER_B, YEAR)
    hidden = seen.set_index("school").to_dict("index")
    assert hidden[K]["hidden"] == "few-organisations" and math.isnan(hidden[K]["reached"])
    marks = [d for d in view.need_figure(seen, "fr").data if d.name == "masqué"]
    assert list(marks[0].y) == [view.school_label(hidden[K])]  # marked, not left out
    assert view.school_label(hidden[K]) == "Collège des Tilleuls · REP+ · QPV"
    # the 40 kept there are Valmont's own: Valmont sees its own figure
    mine = co.need_and_reach(plan, PARTNER_A, YEAR).set_index("school").to_dict("index")
    assert (mine[K]["hidden"], mine[K]["reached"]) == ("", 40)


def test_partner_network_isolated_partners_and_fragile_coverage(plan: Store) -> None:
    net = co.network(plan, EVALUATOR, YEAR)
    links = net.links.to_dict("records")
    assert links == [
        {
            "source": "asso-elan",
            "target": "ent-valmont",
            "schools": 1,
            "shared_nodes": ("OUT-JEUNES",),
        }
    ]
    degree = dict(zip(net.organisations["code"], net.organisations["links"], strict=True))
    assert degree == {"clg-0950001k": 0, "asso-elan": 1, "ent-valmont": 1}
    fragile = set(zip(net.fragile["place"], net.fragile["member"], strict=True))
    assert fragile == {(L, "OUT-JEUNES"), (L, "INT-CONFIANCE")}
    with pytest.raises(AccessDeniedError):
        co.network(plan, FUNDER, YEAR)


def test_unknown_roles_are_refused(plan: Store) -> None:
    stranger = Viewer("x", "visitor", "X")
    for call in (
        lambda: co.records(plan, stranger),
        lambda: co.presence(plan, stranger, YEAR),
        lambda: co.gaps(plan, stranger, YEAR, TODAY),
        lambda: co.overlaps(plan, stranger, YEAR),
        lambda: co.need_and_reach(plan, stranger, YEAR),
        lambda: co.network(plan, stranger, YEAR),
    ):
        with pytest.raises(AccessDeniedError):
            call()
    with pytest.raises(AccessDeniedError):
        co.records(plan, FUNDER)


# -- narrowed to schools of a kind: priority education (REP+, REP, none) and QPV ------------------


def test_schools_are_kept_by_priority_education_and_qpv(plan: Store) -> None:
    every = co.schools(plan, FUNDER)
    status = {
        row["school"]: (row["education_priority"], row["qpv"]) for row in every.to_dict("records")
    }
    assert status == {K: ("REP+", "QN09501M"), L: ("REP", ""), M: ("REP", "")}
    kept = {
        choice: set(choice.keep(every)["school"])
        for choice in (
            co.Schools(("REP+",)),
            co.Schools(qpv="out"),
            co.Schools(("REP",), "in"),
            co.Schools(("REP", "REP+")),
        )
    }
    assert list(kept.values()) == [{K}, {L, M}, set(), {K, L, M}]
    assert not co.Schools().narrowed and co.Schools(qpv="in").narrowed


def test_every_view_narrowed_to_schools_of_a_kind(plan: Store) -> None:
    rep = co.Schools(("REP",))
    grid = co.presence(plan, EVALUATOR, YEAR, "node", kept=rep)
    assert set(grid["place"]) == {L, M} and set(grid["place_kind"]) == {"school"}
    whole = cells(co.presence(plan, EVALUATOR, YEAR, "node", territory=NORD))
    assert cells(grid) == {k: n for k, n in whole.items() if k[0] in (L, M)}
    found = co.gaps(plan, EVALUATOR, YEAR, TODAY, kept=rep)
    assert set(found.coverage["school"]) <= {L, M} and not found.coverage.empty
    assert set(found.silent["place"]) <= {L, M}
    reach = co.need_and_reach(plan, EVALUATOR, YEAR, kept=rep)
    assert list(reach["school"]) == [M] and list(reach["education_priority"]) == ["REP"]
    assert co.overlaps(plan, EVALUATOR, YEAR, kept=rep).empty  # the overlaps are at K
    net = co.network(plan, EVALUATOR, YEAR, kept=co.Schools(("REP+",)))
    assert set(net.fragile["place"]) <= {K}
    shown = co.need_and_reach(plan, EVALUATOR, YEAR, kept=co.Schools(qpv="in"))
    labels = next(d for d in view.need_figure(shown, "fr").data if d.type == "bar").y
    assert list(labels) == ["Collège des Tilleuls · REP+ · QPV"]


def test_a_narrowed_view_shows_the_very_figures_of_the_whole_one(tmp_path: Path) -> None:
    """The overlaps of the complementary case (see above) and need against reach, for every
    role and every choice of schools: each row of a narrowed view is the row of the whole
    view, figure and reason for hiding it alike; nothing is added up over the choice, so no
    two choices can be subtracted into a hidden figure."""
    store = planned(
        tmp_path,
        "id,organisation,action_type,node,places,grades,sex,targeted,periods,status,indicators\n"
        + "".join(
            f"{c},{o},ACT-VISITES,OUT-JEUNES,{K},{g},,10,{YEAR},ongoing,jeunes-touches\n"
            for c, o, g in (
                ("C1", "ent-valmont", "3e;4e"),
                ("C2", "asso-elan", "3e;4e"),
                ("C3", "clg-0950001k", "3e;4e"),
                ("C4", "appui", "4e"),
            )
        ),
    )
    send = Sender(store)
    for organisation, reached in (("ent-valmont", 40), ("asso-elan", 25), ("clg-0950001k", 30)):
        send(organisation, [("jeunes-touches", K, T1, reached)])
    send("appui", [("jeunes-touches", K, T1, 12)])
    choices = [co.Schools(("REP+",)), co.Schools(qpv="in"), co.Schools(("REP",))]
    schools = co.schools(store, EVALUATOR)
    for viewer in (EVALUATOR, PARTNER_A, PARTNER_B, FUNDER):
        whole = {
            "overlaps": co.overlaps(store, viewer, YEAR),
            "need": co.need_and_reach(store, viewer, YEAR),
        }
        place = {"overlaps": "place", "need": "school"}
        for choice in choices:
            kept = set(choice.keep(schools)["school"])
            narrowed = {
                "overlaps": co.overlaps(store, viewer, YEAR, kept=choice),
                "need": co.need_and_reach(store, viewer, YEAR, kept=choice),
            }
            for name, rows in narrowed.items():
                expected = whole[name][whole[name][place[name]].isin(kept)]
                if expected.empty:
                    assert rows.empty
                    continue
                pd.testing.assert_frame_equal(
                    rows.reset_index(drop=True), expected.reset_index(drop=True)
                )
        if viewer in (PARTNER_B, FUNDER):
            hidden = co.overlaps(store, viewer, YEAR, kept=choices[0]).set_index("grade")
            assert hidden.loc["3e", "hidden"] == "complementary"
