"""Progress on the theory of change, on a small initiative whose every figure is computed by hand.

The fixture initiative gets three school years (2023-2024, the baseline year, then 2024-2025 and
2025-2026 with three terms each) and four more indicators, so that every rule over time (sum,
mean, last, max, ratio, none), over space (sum, mean, max, last, ratio, none) and every
de-duplication rule meets a case. Values are written straight into a real store, each with its
submission, sheet and cell, so that the cases stay small and exact.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from indicators.access.disclosure import key_of, nests_of, protect
from indicators.access.viewer import AccessDeniedError, Viewer
from indicators.analytics import learning, synthesis
from indicators.analytics import progress as pr
from indicators.store.database import Store
from indicators.store.setup import init_store
from indicators.store.stored import stored_definition
from indicators.views import curves
from tests.conftest import (
    EVALUATOR,
    FUNDER,
    PARTNER_A,
    PARTNER_B,
    PROJECT,
    copied_store,
    copy_definition,
    demo_viewer,
)
from tests.stored import Sender

Y0, Y1, Y2 = "2023-2024", "2024-2025", "2025-2026"
T1, T2, T3 = (f"{Y1}-T{n}" for n in (1, 2, 3))
SCHOOL_1, SCHOOL_2, TERRITORY = "0950001K", "0950002L", "T-NORD"

PERIODS = f"""code,label_fr,label_en,kind,parent,start,end,due
{Y0},Année scolaire {Y0},School year {Y0},school_year,,2023-09-01,2024-08-31,2024-09-30
{Y1},Année scolaire {Y1},School year {Y1},school_year,,2024-09-01,2025-08-31,2025-09-30
{T1},T1 {Y1},Term 1 {Y1},term,{Y1},2024-09-01,2024-12-31,2025-01-15
{T2},T2 {Y1},Term 2 {Y1},term,{Y1},2025-01-01,2025-03-31,2025-04-15
{T3},T3 {Y1},Term 3 {Y1},term,{Y1},2025-04-01,2025-06-30,2025-07-15
{Y2},Année scolaire {Y2},School year {Y2},school_year,,2025-09-01,2026-08-31,2026-09-30
"""

TARGETS = f"""indicator,place,period,kind,value,note
taux-reussite-dnb,*,{Y0},baseline,76,Session 2024
taux-reussite-dnb,*,{Y2},target,84,
jeunes-touches,*,{Y0},baseline,90,
jeunes-touches,*,{Y1},target,110,
jeunes-touches,{SCHOOL_1},{Y1},target,60,
"""


def extra(
    code: str, node: str, kind: str, unit: str, time: str, space: str, dedup: str
) -> dict[str, Any]:
    sheet: dict[str, Any] = {
        "code": code,
        "version": 1,
        "label_fr": f"Indicateur {code}",
        "label_en": f"Indicator {code}",
        "definition_fr": "Un indicateur de test.",
        "definition_en": "A test indicator.",
        "node": node,
        "type": kind,
        "unit": unit,
        "polarity": "higher_is_better",
        "aggregation": {"time": time, "space": space},
        "deduplication": {"rule": dedup, "note_fr": "Test.", "note_en": "Test."},
        "frequency": "term",
        "range": {"min": 0, "max": 100 if unit == "percent" else 10000},
        "source_fr": "Test",
        "source_en": "Test",
    }
    if kind == "percentage":
        sheet |= {
            "numerator_fr": "n",
            "numerator_en": "n",
            "denominator_fr": "d",
            "denominator_en": "d",
        }
    return sheet


EXTRA = [
    extra("heures-moyennes", "ACT-VISITES", "duration", "hour", "mean", "max", "none"),
    extra("benevoles", "OUT-JEUNES", "count", "person", "last", "sum", "max_per_territory"),
    extra(
        "taux-presence", "OUT-JEUNES", "percentage", "percent", "ratio", "ratio", "not_applicable"
    ),
    extra("jeunes-uniques", "OUT-JEUNES", "count", "person", "none", "last", "unique_id"),
]


def make_plan_dir(folder: Path) -> Path:
    copy_definition(folder)
    (folder / "periods.csv").write_text(PERIODS, encoding="utf-8")
    (folder / "targets.csv").write_text(TARGETS, encoding="utf-8")
    catalogue = yaml.safe_load((folder / "indicators.yaml").read_text(encoding="utf-8"))
    catalogue["indicators"] += EXTRA
    (folder / "indicators.yaml").write_text(
        yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="session")
def plan_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan's store, made once per test process; `plan` hands each test its own copy."""
    folder = tmp_path_factory.mktemp("plan")
    store, _ = init_store(folder / "plan.duckdb", make_plan_dir(folder / "plan"), actor="test")
    send_the_plan(store)
    store.close()
    return store.path


@pytest.fixture
def plan(tmp_path: Path, plan_template: Path) -> Store:
    return copied_store(plan_template, tmp_path / "plan.duckdb")


def send_the_plan(store: Store) -> None:
    send = Sender(store)
    # visites-entreprise: time sum, space sum, no de-duplication
    send(
        "ent-valmont",
        [("visites-entreprise", SCHOOL_1, t, v) for t, v in ((T1, 3), (T2, 4), (T3, 5))],
    )
    send(
        "asso-elan",
        [("visites-entreprise", SCHOOL_2, T1, 2), ("visites-entreprise", SCHOOL_2, T3, 6)],
    )
    send("appui", [("visites-entreprise", TERRITORY, T2, 10)])
    # jeunes-touches: time max, space sum, max per school
    send(
        "ent-valmont", [("jeunes-touches", SCHOOL_1, T1, 40), ("jeunes-touches", SCHOOL_1, T2, 55)]
    )
    send(
        "clg-0950001k", [("jeunes-touches", SCHOOL_1, T1, 70), ("jeunes-touches", SCHOOL_1, T3, 60)]
    )
    send("asso-elan", [("jeunes-touches", SCHOOL_2, T2, 30)])
    # score-confiance: yearly, last over time, mean over space
    send("asso-elan", [("score-confiance", SCHOOL_2, Y1, 6.0)])
    send("clg-0950001k", [("score-confiance", SCHOOL_1, Y1, 7.0)])
    # taux-reussite-dnb: a rate from two partners with different denominators, and one given
    # without its numerator and denominator
    send("clg-0950001k", [("taux-reussite-dnb", SCHOOL_1, Y1, 90.0, 90, 100)])
    send("appui", [("taux-reussite-dnb", SCHOOL_2, Y1, 60.0, 30, 50)])
    send("ent-valmont", [("taux-reussite-dnb", TERRITORY, Y1, 50.0)])
    send("clg-0950001k", [("taux-reussite-dnb", SCHOOL_1, Y0, 70.0, 70, 100)])
    # ecart-dnb-national: space none
    send("appui", [("ecart-dnb-national", TERRITORY, Y1, 3.0)])
    send("clg-0950001k", [("ecart-dnb-national", SCHOOL_1, Y1, 2.0)])
    # heures-moyennes: time mean, space max
    send(
        "ent-valmont",
        [("heures-moyennes", SCHOOL_1, T1, 10), ("heures-moyennes", SCHOOL_1, T2, 20)],
    )
    send("asso-elan", [("heures-moyennes", SCHOOL_2, T1, 30)])
    # benevoles: time last, space sum, max per territory
    send(
        "ent-valmont",
        [
            ("benevoles", SCHOOL_1, T1, 5),
            ("benevoles", SCHOOL_1, T3, 8),
            ("benevoles", SCHOOL_2, T2, 4),
        ],
    )
    send("asso-elan", [("benevoles", SCHOOL_2, T1, 9)])
    # taux-presence: time ratio, space ratio
    send(
        "ent-valmont",
        [
            ("taux-presence", SCHOOL_1, T1, 80.0, 8, 10),
            ("taux-presence", SCHOOL_1, T2, 60.0, 6, 10),
        ],
    )
    send("asso-elan", [("taux-presence", SCHOOL_2, T1, 25.0, 1, 4)])
    # jeunes-uniques: time none, space last, unique identifiers
    send("ent-valmont", [("jeunes-uniques", SCHOOL_1, T1, 5), ("jeunes-uniques", SCHOOL_1, T2, 7)])
    send("asso-elan", [("jeunes-uniques", SCHOOL_2, T1, 3)])


def figure(
    store: Store, indicator: str, scope: str, period: str, viewer: Viewer = EVALUATOR
) -> pd.Series:
    frame = pr.figures(store, viewer, indicator)
    row = frame[
        (frame["scope"] == scope) & (frame["period"] == period) & (frame["disaggregation"] == "")
    ]
    assert len(row) == 1, row
    return row.iloc[0]


def value(store: Store, indicator: str, scope: str, period: str) -> float:
    return float(figure(store, indicator, scope, period)["value"])


# -- aggregation over time and space ----------------------------------------------------------


def test_sum_over_time_then_over_space(plan: Store) -> None:
    assert value(plan, "visites-entreprise", "*", Y1) == 3 + 4 + 5 + 2 + 6 + 10
    assert value(plan, "visites-entreprise", TERRITORY, Y1) == 30
    assert (
        value(plan, "visites-entreprise", SCHOOL_1, Y1) == 12
    )  # the territory's 10 is not a school's
    assert value(plan, "visites-entreprise", "*", T2) == 4 + 10


def test_max_per_school_keeps_the_largest_organisation_of_each_school(plan: Store) -> None:
    row = figure(plan, "jeunes-touches", "*", Y1)
    # time max: Valmont 55, the school 70, Élan 30; in 0950001K only the school's 70 counts
    assert (row["value"], row["gross"], row["dropped"]) == (100, 155, 1)
    assert row["dedup"] == "max_per_school"
    assert value(plan, "jeunes-touches", "*", T1) == 70  # Valmont's 40 and the school's 70


def test_last_over_time_and_mean_over_space(plan: Store) -> None:
    assert value(plan, "score-confiance", "*", Y1) == pytest.approx(6.5)


def test_a_rate_is_the_sum_of_numerators_over_the_sum_of_denominators(plan: Store) -> None:
    row = figure(plan, "taux-reussite-dnb", "*", Y1)
    # (90 + 30) / (100 + 50) = 80 %, not the mean of 90 % and 60 % (75 %); Valmont's 50 % came
    # without numerator and denominator: it cannot enter the sum and is counted apart.
    assert row["value"] == pytest.approx(80.0)
    assert (row["numerator"], row["denominator"], row["without_base"]) == (120, 150, 1)
    assert value(plan, "taux-reussite-dnb", SCHOOL_2, Y1) == pytest.approx(60.0)


def test_a_rate_over_terms_is_a_ratio_too(plan: Store) -> None:
    # Valmont (8 + 6) / (10 + 10) = 70 %; Élan 1 / 4 = 25 %; together 15 / 24
    assert value(plan, "taux-presence", SCHOOL_1, Y1) == pytest.approx(70.0)
    assert value(plan, "taux-presence", "*", Y1) == pytest.approx(62.5)


def test_mean_over_time_and_max_over_space(plan: Store) -> None:
    assert value(plan, "heures-moyennes", SCHOOL_1, Y1) == 15
    assert value(plan, "heures-moyennes", "*", Y1) == 30


def test_last_over_time_and_max_per_territory(plan: Store) -> None:
    # last term: Valmont 8 in 0950001K (T3), 4 in 0950002L; Élan 9. In the territory, Valmont's
    # total 12 beats Élan's 9; within school 0950002L, Élan's 9 beats Valmont's 4.
    assert value(plan, "benevoles", SCHOOL_1, Y1) == 8
    assert value(plan, "benevoles", "*", Y1) == 12
    assert value(plan, "benevoles", SCHOOL_2, Y1) == 9


def test_none_over_time_and_last_over_space(plan: Store) -> None:
    # Valmont's two terms cannot make a year (none); Élan's single term stands for its year.
    assert value(plan, "jeunes-uniques", "*", Y1) == 3
    assert value(plan, "jeunes-uniques", "*", T2) == 7  # one unit: Valmont's
    send = Sender(plan)
    send.day = dt.datetime(2025, 12, 1)
    send("clg-0950001k", [("jeunes-uniques", SCHOOL_1, T2, 4)])
    # two units now, in the same school: unique_id keeps the largest (7); both in '*' under
    # the last rule would give the latest upload, but de-duplication left one.
    assert value(plan, "jeunes-uniques", "*", T2) == 7


def test_none_over_space_gives_a_figure_only_from_a_single_value(plan: Store) -> None:
    assert math.isnan(value(plan, "ecart-dnb-national", "*", Y1))
    assert math.isnan(value(plan, "ecart-dnb-national", TERRITORY, Y1))
    assert value(plan, "ecart-dnb-national", SCHOOL_1, Y1) == 2.0


def test_superseded_returned_and_refused_values_are_left_out(plan: Store) -> None:
    send = Sender(plan)
    send("asso-elan", [("visites-entreprise", SCHOOL_2, T1, 100)], status="returned")
    send("asso-elan", [("visites-entreprise", SCHOOL_2, T1, 100)], status="refused")
    assert value(plan, "visites-entreprise", "*", Y1) == 30


# -- who sees what ------------------------------------------------------------------------------


def test_partners_and_funders_get_no_figure_of_fewer_than_three_organisations(plan: Store) -> None:
    row = figure(plan, "visites-entreprise", SCHOOL_1, Y1, PARTNER_B)
    assert row["hidden"] == "few-organisations" and math.isnan(row["value"])
    # a figure made of Valmont's values only: Valmont knows it, so sees it
    mine = figure(plan, "visites-entreprise", SCHOOL_1, Y1, PARTNER_A)
    assert (mine["hidden"], mine["value"], mine["own"]) == ("", 12, 12)
    whole = figure(plan, "visites-entreprise", "*", Y1, PARTNER_A)
    assert (whole["hidden"], whole["value"], whole["own"]) == ("", 30, 12)
    # funders see accepted submissions only: none here
    assert pr.figures(plan, FUNDER)["value"].isna().all()


def test_a_hidden_figure_is_drawn_as_hidden_never_as_a_gap(plan: Store) -> None:
    """Élan may not see Valmont's school figure: on its curve and in the breakdown by school
    the year is marked « masqué » (a hatched band on an axis of its own), the school kept."""
    years = list(pr.school_years(plan)["code"])
    seen = pr.figures(plan, PARTNER_B)
    split = pr.breakdown(seen, "visites-entreprise", "school", "*", years)
    row = split[(split["member"] == SCHOOL_1) & (split["period"] == Y1)].iloc[0]
    assert row["hidden"] == "few-organisations" and math.isnan(row["value"])
    split["member_label"] = split["member"]
    chart = curves.breakdown_figure(split, years, "count", "fr")
    marks = [d for d in chart.data if d.name == "masqué"]
    assert len(marks) == 1 and Y1 in list(marks[0].x)
    assert any(SCHOOL_1 in text for text in marks[0].hovertext)
    table = pr.progress(plan, PARTNER_B, scope=SCHOOL_1, indicator="visites-entreprise")
    curve = curves.curve_figure(table, "count", "fr", own=True)
    drawn = [d for d in curve.data if d.name == "masqué"]
    assert list(drawn[0].x) == [Y1] and list(drawn[0].y) == [1]
    assert drawn[0].yaxis == f"y{curves.HIDDEN_AXIS}"  # its own axis: the height means nothing
    evaluator = pr.progress(plan, EVALUATOR, scope=SCHOOL_1, indicator="visites-entreprise")
    assert not [
        d
        for d in curves.curve_figure(evaluator, "count", "fr", own=False).data
        if d.name == "masqué"
    ]


def test_a_figure_of_the_backbone_alone_is_shown(plan: Store) -> None:
    # the backbone's own survey is the initiative's figure, not one partner's secret
    Sender(plan)("appui", [("score-confiance", TERRITORY, Y0, 5.5)])
    assert figure(plan, "score-confiance", "*", Y0, PARTNER_B)["value"] == 5.5
    alone = figure(plan, "score-confiance", SCHOOL_1, Y1, PARTNER_B)  # the school's alone
    assert alone["hidden"] == "few-organisations" and math.isnan(alone["value"])


def test_funders_see_accepted_figures(plan: Store) -> None:
    send = Sender(plan)
    for organisation in ("ent-valmont", "asso-elan", "appui"):
        send(organisation, [("reunions-parents", SCHOOL_1, T1, 5)], status="accepted")
    send("clg-0950001k", [("reunions-parents", SCHOOL_1, T1, 500)])
    assert pr.figures(plan, FUNDER)["value"].isna().all()  # accepted, not yet published
    synthesis.publish(plan, EVALUATOR, Y1, dt.date(2025, 10, 1))
    row = figure(plan, "reunions-parents", "*", T1, FUNDER)
    assert (row["value"], row["hidden"]) == (15, "")
    assert figure(plan, "reunions-parents", "*", T1)["value"] == 515  # the evaluator sees all


def test_trace_names_every_cell_and_its_part(plan: Store) -> None:
    cells = pr.trace(plan, EVALUATOR, "jeunes-touches", SCHOOL_1, Y1).cells
    parts = {(r.organisation, r.period, r.value): r.part for r in cells.itertuples()}
    assert parts == {
        ("clg-0950001k", T1, 70): "counted",
        ("clg-0950001k", T3, 60): "time_rule",
        ("ent-valmont", T2, 55): "deduplicated",
        ("ent-valmont", T1, 40): "time_rule",
    }
    assert set(cells["cell"]) <= {"D2", "D3"} and cells["filename"].str.endswith(".xlsx").all()
    rates = pr.trace(plan, EVALUATOR, "taux-reussite-dnb", "*", Y1).cells
    assert dict(zip(rates["organisation"], rates["part"], strict=True)) == {
        "clg-0950001k": "counted",
        "appui": "counted",
        "ent-valmont": "no_base",
    }


def test_a_partner_traces_its_own_cells_only_and_a_funder_none(plan: Store) -> None:
    seen = pr.trace(plan, PARTNER_A, "jeunes-touches", SCHOOL_1, Y1)
    assert set(seen.cells["organisation"]) == {"ent-valmont"} and seen.others == 2
    with pytest.raises(AccessDeniedError):
        pr.trace(plan, FUNDER, "jeunes-touches", "*", Y1)


# -- status, forecast, roll-up ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "baseline", "expected", "polarity", "status"),
    [
        (11000, 9800, 11000, "higher_is_better", "met"),
        (12000, 9800, 11000, "higher_is_better", "met"),
        (10700, 9800, 11000, "higher_is_better", "on_track"),  # 900 of 1200: exactly 75 %
        (10699, 9800, 11000, "higher_is_better", "off_track"),
        (10100, 9800, 11000, "higher_is_better", "off_track"),
        (9800, 9800, 11000, "higher_is_better", "no_progress"),
        (9500, 9800, 11000, "higher_is_better", "no_progress"),
        (8.7, 9.8, 8.7, "lower_is_better", "met"),
        (8.9, 9.8, 8.7, "lower_is_better", "on_track"),  # 0.9 of 1.1
        (9.5, 9.8, 8.7, "lower_is_better", "off_track"),
        (10.0, 9.8, 8.7, "lower_is_better", "no_progress"),
        (float("nan"), 9800, 11000, "higher_is_better", "no_data"),
        (None, None, None, "higher_is_better", "no_data"),
        (57.0, 55.0, 60.0, "neutral", "unrated"),
        (7.0, None, None, "higher_is_better", "unrated"),
        (7.0, 6.0, None, "higher_is_better", "on_track"),  # no target: better than baseline
        (6.0, 6.0, None, "higher_is_better", "no_progress"),
        (5.0, None, 6.0, "higher_is_better", "off_track"),  # below target, no baseline
        (80.0, 80.0, 80.0, "higher_is_better", "met"),
    ],
)
def test_status_rule(
    value: float | None, baseline: float | None, expected: float | None, polarity: str, status: str
) -> None:
    assert pr.status(value, baseline, expected, polarity) == status


def test_expected_value_on_the_line_from_baseline_to_target() -> None:
    anchors = {0: 9800.0, 3: 13500.0}
    assert pr.interpolate(anchors, 1) == pytest.approx(9800 + 3700 / 3)
    assert pr.interpolate(anchors, 3) == 13500
    assert pr.interpolate(anchors, 5) == 13500  # after the last target: that target
    assert pr.interpolate(anchors, -1) is None
    assert pr.interpolate({}, 1) is None
    assert pr.interpolate({0: 10.0, 1: 20.0, 3: 20.0}, 2) == 20


def test_forecast_is_the_least_squares_line_up_to_the_baseline() -> None:
    assert pr.forecast({0: 10, 1: 12, 2: 14}, 2, range(5)) == {2: 14, 3: 16, 4: 18}
    # the last three points only: (1, 12), (2, 13), (3, 17): slope 2.5, through (2, 14)
    line = pr.forecast({0: 50, 1: 12, 2: 13, 3: 17}, 3, [3, 4])
    assert line == {3: pytest.approx(16.5), 4: pytest.approx(19.0)}
    assert pr.forecast({0: 5.9}, 0, [0, 1, 2]) == {0: 5.9, 1: 5.9, 2: 5.9}  # flat
    assert pr.forecast({0: 90, 1: 95}, 1, [3], bounds=(0, 100)) == {3: 100}
    assert pr.forecast({}, 0, [1]) == {}
    assert pr.forecast({0: 10, 3: 99}, 1, [2]) == {2: 10}  # values after the baseline unused


def test_turning_the_curve() -> None:
    assert pr.turned(12, 10, "higher_is_better") is True
    assert pr.turned(10, 10, "higher_is_better") is False
    assert pr.turned(12, 10, "lower_is_better") is False
    assert pr.turned(9, 10, "lower_is_better") is True
    assert pr.turned(9, 10, "neutral") is None
    assert pr.turned(None, 10, "higher_is_better") is None


def test_roll_up_along_the_graph() -> None:
    nodes = ["A1", "A2", "A3", "O", "I", "L"]
    links = [("A1", "O"), ("A2", "O"), ("O", "I"), ("A3", "L")]
    statuses = {
        "A1": {"x": "met"},
        "A2": {"y": "no_progress"},
        "O": {"z": "on_track", "w": "no_data"},
        "A3": {"n": "unrated"},
    }
    result = pr.rollup(nodes, links, statuses)
    # O: its own z (2) with A1 (3) and A2 (0): mean 5/3, nearest on track
    assert (result["O"].own, result["O"].status) == ("on_track", "on_track")
    assert result["O"].feeders == {"A1": "met", "A2": "no_progress"}
    assert (result["I"].own, result["I"].status) == ("no_data", "on_track")
    assert result["A3"].status == "unrated" and result["L"].status == "unrated"
    assert pr.status_of_points([3, 2]) == "on_track"  # a tie goes to the worse
    assert pr.status_of_points([3, 3, 2]) == "met"
    assert pr.status_of_points([1, 0]) == "no_progress"


def test_progress_against_baseline_and_targets(plan: Store) -> None:
    table = pr.progress(plan, EVALUATOR)
    dnb = table[table["indicator"] == "taux-reussite-dnb"].set_index("period")
    # declared baseline 76 (2023-2024, its observed 70 % stays in the history), target 84 in
    # 2025-2026: 80 expected in 2024-2025, reached exactly
    assert dnb.loc[Y0, "value"] == 70 and dnb.loc[Y0, "status"] == "unrated"
    assert (dnb.loc[Y1, "expected"], dnb.loc[Y1, "status"]) == (80, "met")
    assert dnb.loc[Y1, "forecast"] == 76 and dnb.loc[Y1, "turned"]
    assert dnb.loc[Y2, "status"] == "no_data" and dnb.loc[Y2, "expected"] == 84
    assert set(dnb["baseline_period"]) == {Y0}
    reached = table[table["indicator"] == "jeunes-touches"].set_index("period")
    # 100 against a target of 110 from a baseline of 90: half the way, off track
    assert (reached.loc[Y1, "value"], reached.loc[Y1, "status"]) == (100, "off_track")
    school = pr.progress(plan, EVALUATOR, scope=SCHOOL_1, indicator="jeunes-touches")
    # the school's target 60, no baseline: the first known value (70, 2024-2025) stands for it
    assert (school.loc[1, "value"], school.loc[1, "target"]) == (70, 60)
    assert school.loc[1, "baseline_period"] == Y1
    confidence = table[table["indicator"] == "score-confiance"].set_index("period")
    assert confidence.loc[Y1, "status"] == "unrated"  # its first value is its own baseline


def test_node_statuses_roll_the_indicators_up(plan: Store) -> None:
    table = pr.progress(plan, EVALUATOR)
    nodes = pr.node_statuses(plan, EVALUATOR, table, Y1)
    assert nodes["LT-REUSSITE"].indicators == {"taux-reussite-dnb": "met"}
    assert nodes["OUT-JEUNES"].indicators["jeunes-touches"] == "off_track"
    assert nodes["IMP-EGALITE"].feeders == {"LT-REUSSITE": nodes["LT-REUSSITE"].status}


def test_contributors_follow_the_graph(plan: Store) -> None:
    frame = pr.contributors(plan, EVALUATOR)
    fed = {(r.node, r.organisation): bool(r.direct) for r in frame.itertuples()}
    assert fed[("OUT-JEUNES", "ent-valmont")] is True  # C1 serves OUT-JEUNES
    assert fed[("LT-REUSSITE", "ent-valmont")] is False  # reached through the links
    assert fed[("OUT-JEUNES", "asso-elan")] is False  # on C2's path to INT-CONFIANCE
    assert ("ACT-PARENTS", "ent-valmont") not in fed  # no path from visits to parents
    assert fed[("IMP-EGALITE", "appui")] is False
    funder = pr.contributors(plan, FUNDER, "OUT-JEUNES")
    assert "organisation" not in funder and int(funder["organisations"].sum()) == 3


def test_unknown_roles_are_refused(plan: Store) -> None:
    stranger = Viewer("x", "visitor", "X")
    for call in (
        lambda: pr.figures(plan, stranger),
        lambda: pr.progress(plan, stranger),
        lambda: pr.contributors(plan, stranger),
        lambda: pr.trace(plan, stranger, "jeunes-touches", "*", Y1),
        lambda: pr.node_statuses(plan, stranger, pd.DataFrame(), Y1),
    ):
        with pytest.raises(AccessDeniedError):
            call()


# -- the learning log ---------------------------------------------------------------------------


def test_learning_log_notes_and_decisions(plan: Store) -> None:
    plan.clock = lambda: dt.datetime(2025, 10, 2, 14)
    first = learning.add_note(
        plan,
        PARTNER_A,
        "Les visites du T2 ont été reportées (grève des transports).",
        learning.Subject(indicator="visites-entreprise", period=T2),
    )
    plan.clock = lambda: dt.datetime(2025, 10, 3, 9)
    learning.add_note(
        plan,
        EVALUATOR,
        "Décision : doubler les créneaux au T3.",
        learning.Subject(node="ACT-VISITES"),
        kind="decision",
    )
    learning.add_note(
        plan,
        EVALUATOR,
        "À vérifier avec Valmont.",
        learning.Subject(node="ACT-VISITES"),
        visibility="team",
    )
    mine = learning.notes(plan, PARTNER_B, node="ACT-VISITES", indicators=("visites-entreprise",))
    assert list(mine["kind"]) == ["decision", "note"]  # newest first; the team's note hidden
    assert mine.iloc[1]["id"] == first and mine.iloc[1]["organisation"] == "ent-valmont"
    assert mine.iloc[1]["created_at"] == dt.datetime(2025, 10, 2, 14)
    team = learning.notes(plan, EVALUATOR, node="ACT-VISITES")
    assert len(team) == 2  # the node's two notes (the first is about the indicator)
    assert len(learning.notes(plan, EVALUATOR, period=T1)) == 2  # notes without a period stay
    audit = plan.query("audit_log", since=dt.datetime(2025, 1, 1), until=dt.datetime(2026, 1, 1))
    assert (audit["action"] == "note.add").sum() == 3


@pytest.mark.parametrize(
    ("viewer", "body", "subject", "kind", "visibility", "code"),
    [
        (PARTNER_A, "  ", learning.Subject(node="ACT-VISITES"), "note", "partners", "note-empty"),
        (
            PARTNER_A,
            "x" * 2001,
            learning.Subject(node="ACT-VISITES"),
            "note",
            "partners",
            "note-too-long",
        ),
        (PARTNER_A, "ok", learning.Subject(node="ACT-VISITES"), "rumour", "partners", "note-kind"),
        (PARTNER_A, "ok", learning.Subject(node="ACT-VISITES"), "note", "team", "note-visibility"),
        (PARTNER_A, "ok", learning.Subject(), "note", "partners", "note-subject"),
        (EVALUATOR, "ok", learning.Subject(node="NOPE"), "note", "partners", "note-unknown"),
        (EVALUATOR, "ok", learning.Subject(period="2030-2031"), "note", "partners", "note-unknown"),
    ],
)
def test_learning_log_refuses_bad_notes_with_a_message(
    plan: Store,
    viewer: Viewer,
    body: str,
    subject: learning.Subject,
    kind: str,
    visibility: str,
    code: str,
) -> None:
    with pytest.raises(learning.NoteError) as refused:
        learning.add_note(plan, viewer, body, subject, kind=kind, visibility=visibility)
    assert (
        refused.value.code == code and refused.value.message("fr") and refused.value.message("en")
    )
    assert plan.query("notes", team=True).empty


def test_funders_do_not_read_or_write_the_learning_log(plan: Store) -> None:
    with pytest.raises(AccessDeniedError):
        learning.notes(plan, FUNDER)
    with pytest.raises(AccessDeniedError):
        learning.add_note(plan, FUNDER, "x", learning.Subject(node="ACT-VISITES"))


def test_a_territory_hidden_from_funders_cannot_be_subtracted_from_the_initiative() -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["n"] * 4 + ["r"] * 2 + ["m"] * 2,
            "scope": ["*", "T1", "T2", "T3", "*", "T1", "*", "T1"],
            "period": [Y1] * 8,
            "disaggregation": [""] * 8,
            "rule": ["sum"] * 4 + ["ratio"] * 2 + ["max"] * 2,
            "dedup": ["none"] * 8,
            "scope_kind": ["initiative", "territory", "territory", "territory"]
            + ["initiative", "territory"] * 2,
            "value": [300.0, 40.0, 100.0, 160.0, 50.0, 50.0, 9.0, 9.0],
        }
    )
    keys = [key_of(r) for r in frame.to_dict("records")]
    values = dict(zip(keys, frame["value"], strict=True))
    nests = nests_of(frame, parent_place={}, parent_period={}, time_rules={})
    primary = {keys[1]: "few-organisations", keys[5]: "few-organisations"}
    hidden = protect(values, nests, primary)
    # 300 - 100 - 160 would give the hidden 40: the smaller other territory goes too; a rate
    # adds up by its numerators (published beside it): its only territory is the initiative
    assert hidden == {**primary, keys[2]: "complementary", keys[4]: "complementary"}
    # a maximum is not a sum: nothing to subtract, no nest
    assert protect(values, nests, {keys[7]: "few-organisations"}) == {keys[7]: "few-organisations"}
    assert protect(values, nests, {}) == {}


# -- a new version of an indicator's definition: a vertical line where it came into force ----------

SPANS = {
    "2024-2025": (dt.date(2024, 9, 1), dt.date(2025, 8, 31)),
    "2025-2026": (dt.date(2025, 9, 1), dt.date(2026, 8, 31)),
}


def test_a_break_falls_inside_the_period_holding_its_day() -> None:
    years = ["2024-2025", "2025-2026"]
    assert curves.break_position(dt.date(2024, 9, 1), years, SPANS) == -0.5
    assert curves.break_position(dt.date(2025, 9, 1), years, SPANS) == 0.5
    middle = curves.break_position(dt.date(2026, 3, 1), years, SPANS)
    assert middle is not None and 0.5 < middle < 1.5
    assert curves.break_position(dt.date(2023, 1, 1), years, SPANS) is None  # off the chart
    assert curves.break_position(dt.date(2025, 9, 1), ["2024-2025"], SPANS) is None


def test_a_curve_marks_a_new_version_with_its_reason(plan: Store) -> None:
    table = pr.progress(plan, EVALUATOR, scope="*", indicator="visites-entreprise")
    breaks = pd.DataFrame(
        {
            "version": [2],
            "valid_from": [pd.Timestamp("2025-01-10")],
            "reason": ["le comité compte désormais les demi-journées"],
        }
    )
    figure = curves.curve_figure(table, "count", "fr", own=False, breaks=breaks, spans=SPANS)
    line = figure.layout.shapes[0]
    position = curves.break_position(dt.date(2025, 1, 10), list(table["period"]), SPANS)
    assert (line.x0, line.x1, line.yref) == (position, position, "paper")
    note = figure.layout.annotations[0]
    assert note.text.startswith("v2 : le comité compte désormais les")
    assert note.hovertext == (
        "Version 2 en vigueur depuis le 10/01/2025 : le comité compte désormais les demi-journées"
    )
    assert "(le comité compte désormais les demi-journées)" in curves.breaks_sentence(breaks, "fr")
    assert not curves.curve_figure(table, "count", "fr", own=False).layout.shapes


def summary_of(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` (figures) that `year_figures` gives, in a set order: without
    breakdown, of each school year, and of each period at the initiative."""
    year = frame["period"].map(pr._year_of(store))
    rows = (frame["disaggregation"] == "") & ((frame["period"] == year) | (frame["scope"] == "*"))
    keys = ["indicator", "scope", "period"]
    return frame[rows].sort_values(keys).reset_index(drop=True)


def test_figures_kept_by_indicator_are_the_live_ones_after_uploads_supersession_and_review(
    plan: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`figures` keeps each indicator's protected figures until that indicator's data change:
    after an upload that supersedes a value, a review, a publication and a returned upload, what
    it gives is what computing every figure again gives, for every role; and an upload has the
    figures of its own indicators only computed again."""
    from indicators.ingest.pipeline import ingest
    from indicators.ingest.uploads import review_submission
    from indicators.store.stored import stored_definition
    from tests.workbooks import write_workbook

    viewers = (EVALUATOR, PARTNER_A, PARTNER_B, FUNDER)
    live = pr._figures

    def same() -> None:
        for viewer in viewers:
            # year_figures first: an evaluator's then reads those rows alone (whole pieces after)
            expected = summary_of(plan, live(plan, viewer))
            pd.testing.assert_frame_equal(summary_of(plan, pr.year_figures(plan, viewer)), expected)
            pd.testing.assert_frame_equal(pr.figures(plan, viewer), live(plan, viewer))
            pd.testing.assert_frame_equal(summary_of(plan, pr.year_figures(plan, viewer)), expected)
            for code in ("visites-entreprise", "jeunes-touches"):  # touched, untouched
                kept = pr.figures(plan, viewer, code)
                pd.testing.assert_frame_equal(kept, live(plan, viewer, code))

    definition = stored_definition(plan)

    def upload(name: str, value: int) -> int:
        header = ["Indicateur", "Collège", "Période", "Valeur"]
        path = write_workbook(
            tmp_path / name,
            {"B": [header, ["Visites entreprises", SCHOOL_2, "T1 2024-2025", value]]},
        )
        outcome = ingest(plan, path, definition, "asso-elan", "test")
        assert outcome.status == "received" and outcome.updated == 1  # supersedes the last one
        assert outcome.submission is not None
        return int(outcome.submission)

    same()
    computed: list[tuple[str, str]] = []

    def counted(store: Store, viewer: Viewer, indicator: str = "") -> pd.DataFrame:
        computed.append((viewer.role, indicator))
        return live(store, viewer, indicator)

    monkeypatch.setattr(pr, "_figures", counted)
    first = upload("first.xlsx", 7)
    for viewer in viewers:
        pr.figures(plan, viewer)
    assert pr.figures(plan, EVALUATOR)["indicator"].nunique() > 1
    # only the indicator the upload touched (a funder, before any publication, has no figure)
    assert {i for role, i in computed if role != "funder"} == {"visites-entreprise"}
    monkeypatch.setattr(pr, "_figures", live)
    same()
    assert review_submission(plan, EVALUATOR, first, "accepted")
    same()
    synthesis.publish(plan, EVALUATOR, Y1, dt.date(2025, 10, 1))
    same()
    assert review_submission(plan, EVALUATOR, upload("second.xlsx", 9), "returned")
    same()


def counting_protection(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """The pieces (indicator, school year) `protected` is given from now on."""
    pieces: set[tuple[str, str]] = set()
    real = pr.protected

    def counted(store: Store, frame: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
        pieces.update(zip(frame["indicator"], frame["period"].map(pr._year_of(store)), strict=True))
        return real(store, frame, *args, **kwargs)

    monkeypatch.setattr(pr, "protected", counted)
    return pieces


def test_partners_protected_pieces_are_kept_in_the_store_for_the_next_process(
    plan: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A partner's protected figures are kept in the store piece by piece (indicator x school
    year): another process (a server started again) reads them instead of protecting them
    again, the pieces the partner has values in under its organisation, the others under none
    (the same for every partner without values there). Another partner reads the latter only;
    a piece whose figures changed since is protected again; the own pieces of the organisations
    kept last only stay; a write the store refuses loses nothing but time. Each time, what is
    read is what protecting now gives."""
    from indicators.ingest.pipeline import ingest
    from tests.workbooks import write_workbook

    live = pr._figures
    protected_pieces = counting_protection(monkeypatch)

    def own_pieces(organisation: str) -> set[tuple[str, str]]:
        rows = plan.query("organisation_pieces", org=organisation)
        return set(zip(rows["indicator"], rows["school_year"], strict=True))

    def kept() -> set[tuple[str, str, str]]:
        rows = plan.query("partner_pieces", pieces=[])  # none asked: none returned
        assert rows.empty
        with plan._connect() as con:
            found = con.execute(
                "select organisation, indicator, school_year from partner_pieces"
            ).fetchall()
        return {(str(o), str(i), str(y)) for o, i, y in found}

    def read(viewer: Viewer) -> set[tuple[str, str]]:
        """The pieces protected for `viewer` in a new process, whose figures are checked (the
        year's first, as `progress` reads them)."""
        expected = live(plan, viewer)
        protected_pieces.clear()
        pr.forget()  # a new process
        pd.testing.assert_frame_equal(
            summary_of(plan, pr.year_figures(plan, viewer)), summary_of(plan, expected)
        )
        pd.testing.assert_frame_equal(pr.figures(plan, viewer), expected)
        return set(protected_pieces)

    valmont, elan = own_pieces("ent-valmont"), own_pieces("asso-elan")
    years = [str(y) for y in pr.school_years(plan)["code"]]
    every = {(str(i), y) for i in plan.query("indicators")["code"] for y in years}
    assert valmont and elan and valmont != elan and valmont | elan < every
    read(PARTNER_A)
    assert kept() == {("ent-valmont", i, y) for i, y in valmont} | {
        ("", i, y) for i, y in every - valmont
    }
    assert read(PARTNER_A) == set()  # every piece read from the store
    # Élan: the pieces kept for every partner, where it has no value either; its own and
    # Valmont's are protected for it (Valmont's figures it knows are not Élan's to read)
    assert read(PARTNER_B) == elan | valmont
    assert kept() == {("ent-valmont", i, y) for i, y in valmont} | {
        ("asso-elan", i, y) for i, y in elan
    } | {("", i, y) for i, y in every - valmont} | {("", i, y) for i, y in every - elan}

    # Élan's upload changes one piece: protected again for both, the others read
    def upload(name: str, value: int) -> None:
        header: list[object] = ["Indicateur", "Collège", "Période", "Valeur"]
        rows = [header, ["Visites entreprises", SCHOOL_2, "T1 2024-2025", value]]
        path = write_workbook(tmp_path / name, {"B": rows})
        assert ingest(plan, path, stored_definition(plan), "asso-elan", "test").status == "received"

    upload("again.xlsx", 8)
    touched = {("visites-entreprise", Y1)}
    assert touched <= elan and touched <= valmont
    assert read(PARTNER_B) == touched
    assert read(PARTNER_A) == touched

    # the own pieces of the organisations whose pieces were kept last only
    monkeypatch.setattr(pr, "PARTNERS_KEPT", 1)
    upload("third.xlsx", 9)
    assert read(PARTNER_B) == touched
    assert {o for o, _, _ in kept()} == {"", "asso-elan"}
    assert read(PARTNER_A) == valmont  # its own protected again, the others' read
    assert {o for o, _, _ in kept()} == {"", "ent-valmont"}

    # a store that refuses the write: the figures all the same, protected again next time
    upload("fourth.xlsx", 10)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(plan, "execute", refused)
    caplog.clear()
    assert read(PARTNER_A) == touched
    assert "not kept" in caplog.text
    assert read(PARTNER_A) == touched


def test_partners_reading_at_once_keep_each_piece_once(plan: Store) -> None:
    """Two partners, twice each, in threads of a new process: each gets what protecting now
    gives, and the store keeps one row per piece and holder (the writes take their turns)."""
    from concurrent.futures import ThreadPoolExecutor

    viewers = [PARTNER_A, PARTNER_B] * 2
    expected = {v.username: pr._figures(plan, v) for v in viewers}
    pr.forget()  # a new process
    with ThreadPoolExecutor(len(viewers)) as pool:
        found = list(pool.map(lambda v: pr.figures(plan, v), viewers))
    for viewer, frame in zip(viewers, found, strict=True):
        pd.testing.assert_frame_equal(frame, expected[viewer.username])
    with plan._connect() as con:
        rows = con.execute(
            "select organisation, indicator, school_year, count(*) from partner_pieces group by all"
        ).fetchall()
    assert rows and {n for *_, n in rows} == {1}
    assert {o for o, *_ in rows} == {"", "ent-valmont", "asso-elan"}


@pytest.mark.parametrize("viewer", [EVALUATOR, PARTNER_A, PARTNER_B])
def test_the_figures_of_some_pieces_are_those_of_every_piece(
    plan: Store, viewer: Viewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept figures computed again for many pieces at once (`_ONLY`: those whose data
    changed) are those pieces' rows of every figure, and only those pieces are protected."""
    every = pr._figures(plan, viewer)
    year = every["period"].map(pr._year_of(plan))
    pieces = sorted(set(zip(every["indicator"], year, strict=True)))
    some = frozenset(pieces[::2])
    assert 1 < len(some) < len(pieces)
    protected_pieces = counting_protection(monkeypatch)
    only = pr._ONLY.set(some)
    try:
        found = pr._figures(plan, viewer)
    finally:
        pr._ONLY.reset(only)
    wanted = [(i, y) in some for i, y in zip(every["indicator"], year, strict=True)]
    pd.testing.assert_frame_equal(found, every[wanted].reset_index(drop=True))
    assert protected_pieces == (set(some) if viewer.role == "partner" else set())


def test_funders_read_the_protection_each_publication_made_as_protecting_now_gives(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing a school year protects its figures as funders' views show them, once: the
    funders' figures are then those, the same as protecting every frozen figure at once (which
    a funder's first page did, minutes at 10 M observations), for every year, one indicator,
    one year. A definition saved since (a new threshold): they are protected again."""
    from indicators.access import publications
    from indicators.definition.loading import load_definition

    funder = demo_viewer(demo_store, "financeur")
    assert publications.funders_protected(demo_store, pr.definition_stamp(demo_store)) is not None
    read = {"all": pr._figures(demo_store, funder)}
    shown = read["all"].groupby("indicator")["hidden"]
    code = str(
        (shown.agg(lambda h: (h != "").sum()) * shown.agg(lambda h: (h == "").sum())).idxmax()
    )
    read["one"] = pr._figures(demo_store, funder, code)  # an indicator some of whose are hidden
    years = sorted(set(read["all"]["period"].map(pr._year_of(demo_store))))

    def first_year() -> pd.DataFrame:
        token = pr._YEARS.set((years[0],))
        try:
            return pr._figures(demo_store, funder)
        finally:
            pr._YEARS.reset(token)

    read["year"] = first_year()
    with monkeypatch.context() as patched:
        patched.setattr(pr, "funders_protected", lambda store, stamp: None)
        made = {
            "all": pr._figures(demo_store, funder),
            "one": pr._figures(demo_store, funder, code),
            "year": first_year(),
        }
    for part, frame in made.items():
        pd.testing.assert_frame_equal(read[part], frame, obj=part)
    assert len(years) >= 2 and not made["one"].empty and len(made["year"]) < len(made["all"])
    hidden = made["all"]["hidden"]
    assert (made["one"]["hidden"] == "").any() and (made["one"]["hidden"] != "").any()

    # the threshold raised after the publications: protected again, under the new one
    store = copied_store(demo_store.path, tmp_path / "demo.duckdb")
    data = tmp_path / "data"
    shutil.copytree(PROJECT / "data", data)
    initiative = data / "initiative.yaml"
    text = initiative.read_text(encoding="utf-8")
    initiative.write_text(text.replace("suppression_threshold: 11", "suppression_threshold: 40"))
    store.save_definition(load_definition(data))
    assert publications.funders_protected(store, pr.definition_stamp(store)) is None
    again = pr._figures(store, funder)
    assert (again["hidden"] != "").sum() > (hidden != "").sum()


def reference_figures(units: pd.DataFrame, backbone: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """Each figure computed from its units (progress_kept) one group at a time, in Python, as
    progress_live's header says: what the two-step SQL must give."""
    figures: dict[tuple[str, ...], dict[str, Any]] = {}
    keys = ["scope", "indicator", "period", "disaggregation"]
    for key, every in units.groupby(keys, sort=False):
        kept = every[every["kept"]]
        rule = kept["space_rule"].iloc[0]
        based = kept[kept["numerator"].notna() & kept["denominator"].notna()]
        single = len(kept) == 1
        value: Any
        if rule == "sum":
            value = kept["value"].sum()
        elif rule == "mean":
            value = kept["value"].mean()
        elif rule == "max":
            value = kept["value"].max()
        elif rule == "last":  # any of the values uploaded last
            value = set(kept.loc[kept["uploaded_at"] == kept["uploaded_at"].max(), "value"])
        elif rule == "ratio":
            base = based["denominator"].sum()
            shares = based["numerator"].sum() / base if base else math.nan
            value = kept["value"].iloc[0] if single else shares * kept["scale"].iloc[0]
        else:  # none
            value = kept["value"].iloc[0] if single else None
        by_organisation = kept.groupby("organisation")["value"].sum()
        figures[tuple(str(k) for k in key)] = {
            "units": len(kept),
            "organisations": kept["organisation"].nunique(),
            "backbone_only": bool((kept["organisation"] == backbone).all()),
            "without_base": len(kept) - len(based),
            "terms": kept["terms"].max(),
            "value": value,
            "largest_share": (
                by_organisation.max() / kept["value"].sum()
                if rule == "sum" and kept["value"].sum() > 0
                else None
            ),
            "gross": every["value"].sum(),
            "dropped": len(every) - len(kept),
        }
    return figures


@pytest.fixture
def crowded_plan(plan: Store) -> Store:
    """The plan, where one organisation also stands behind several units of a mean and of the
    latest value of a territory, and the latest upload is not the smallest value."""
    send = Sender(plan)
    send.day = dt.datetime(2026, 1, 5, 9)  # after every upload of the plan
    send("asso-elan", [("score-confiance", SCHOOL_1, Y1, 9.0)])
    send("asso-elan", [("jeunes-uniques", SCHOOL_2, T2, 10)])
    return plan


@pytest.mark.parametrize(
    ("stored", "accepted_only", "rules"),
    [
        ("plan", False, {"sum", "mean", "max", "last", "ratio", "none"}),
        ("crowded_plan", False, {"sum", "mean", "max", "last", "ratio", "none"}),
        ("demo_store", False, {"sum", "mean", "ratio"}),
        ("demo_store", True, {"sum", "mean", "ratio"}),
    ],
)
def test_each_figure_is_what_its_units_give(
    request: pytest.FixtureRequest, stored: str, accepted_only: bool, rules: set[str]
) -> None:
    """progress_live adds each organisation's part up (a mean from sums and counts, the latest
    from each part's latest): every figure equals its units' own computation, for every rule
    over space (the plan's store) and on the demo's 300-odd figures, with organisations, the
    largest share, the gross and what was dropped; and so does each organisation's share."""
    store: Store = request.getfixturevalue(stored)
    chosen = pr.EVERY_VALUE | {"accepted_only": accepted_only}
    units = store.query("progress_kept", **chosen)
    expected = reference_figures(units, stored_definition(store).initiative.backbone)
    figures = store.query("progress_live", **chosen)
    assert len(figures) == len(expected) > 0
    assert set(figures["rule"]) == rules

    def close(a: Any, b: Any) -> bool:
        return bool((pd.isna(a) and pd.isna(b)) or math.isclose(a, b, rel_tol=1e-12))

    for row in figures.to_dict("records"):
        want = expected[(row["scope"], row["indicator"], row["period"], row["disaggregation"])]
        for column in ("units", "organisations", "backbone_only", "without_base", "dropped"):
            assert row[column] == want[column], (row, column)
        for column in ("terms", "largest_share", "gross"):
            assert close(row[column], want[column]), (row, column)
        if isinstance(want["value"], set):
            assert row["value"] in want["value"], row
        else:
            assert close(row["value"], want["value"]), row
    # and what each organisation adds to each figure: its kept units' values (numerators of a rate)
    kept = units[units["kept"]]
    weights = kept["numerator"].fillna(kept["value"])
    keys = ["indicator", "scope", "period", "disaggregation", "organisation"]
    amounts = weights.groupby([kept[k] for k in keys]).sum().rename("expected").reset_index()
    shares = store.query("progress_contributions_live", **chosen)
    both = shares.merge(amounts, on=keys, how="outer", indicator=True)
    assert len(shares) == len(amounts) == (both["_merge"] == "both").sum() > 0
    assert ((both["amount"] - both["expected"]).abs() <= 1e-12 * both["expected"].abs()).all()
