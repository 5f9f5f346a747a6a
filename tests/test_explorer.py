"""The explorer, on the progress plan of test_progress (every figure computed by hand there) and
on a small initiative built for the differencing attack: pivots against hand-computed figures
(a rate across partners included), the same figures as the theory of change's, the cells
behind a figure, the view in the URL, and what each role sees."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.access.viewer import AccessDeniedError, Viewer
from indicators.analytics import explorer as ex
from indicators.analytics import progress as pr
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests import test_progress
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A, copy_definition
from tests.stored import Sender
from tests.test_progress import (
    SCHOOL_1,
    SCHOOL_2,
    T1,
    T2,
    T3,
    TERRITORY,
    Y0,
    Y1,
    Y2,
)

plan_template = test_progress.plan_template  # the progress plan's store, as a fixture here
plan = test_progress.plan

VISITS, REACHED, DNB = "visites-entreprise", "jeunes-touches", "taux-reussite-dnb"


def figures(
    store: Store, view: ex.ExplorerView, viewer: Viewer = EVALUATOR
) -> dict[tuple[str, str], float | None]:
    """{(row, column): value} of a one-indicator pivot, hidden figures as None."""
    result = ex.pivot(store, viewer, view)
    assert isinstance(result, ex.Pivot), result
    return {
        (r, c): (None if h else round(float(v), 6))
        for r, c, v, h in zip(
            result.cells["row"],
            result.cells["column"],
            result.cells["value"],
            result.cells["hidden"],
            strict=True,
        )
    }


# -- figures by hand ----------------------------------------------------------------------------


def test_a_sum_by_school_partner_type_and_priority(plan: Store) -> None:
    # visits, 2024-2025 (the latest year: period is not laid out): Valmont 3 + 4 + 5 at the
    # first school, Élan 2 + 6 at the second, the backbone 10 for the territory itself
    assert figures(plan, ex.ExplorerView((VISITS,), "school")) == {
        (SCHOOL_1, ""): 12.0,
        (SCHOOL_2, ""): 8.0,
    }
    assert figures(plan, ex.ExplorerView((VISITS,), "territory")) == {(TERRITORY, ""): 30.0}
    assert figures(plan, ex.ExplorerView((VISITS,), "partner_type")) == {
        ("association", ""): 8.0,
        ("backbone", ""): 10.0,
        ("company", ""): 12.0,
    }
    assert figures(plan, ex.ExplorerView((VISITS,), "priority")) == {
        ("REP", ""): 8.0,
        ("REP+", ""): 12.0,
    }
    by_term = ex.ExplorerView((VISITS,), "period", "partner", grain="term")
    assert figures(plan, by_term) == {
        (T1, "asso-elan"): 2.0,
        (T1, "ent-valmont"): 3.0,
        (T2, "appui"): 10.0,
        (T2, "ent-valmont"): 4.0,
        (T3, "asso-elan"): 6.0,
        (T3, "ent-valmont"): 5.0,
    }
    result = ex.pivot(plan, EVALUATOR, ex.ExplorerView((VISITS,), "school"))
    assert isinstance(result, ex.Pivot)
    assert result.period == Y1 and result.unit == "event"


def test_a_rate_across_partners_is_the_sum_of_numerators_over_the_sum_of_denominators(
    plan: Store,
) -> None:
    # 90/100 at the first school (the college), 30/50 at the second (the backbone), 50 % for
    # the territory without numerator nor denominator (Valmont): (90 + 30) / (100 + 50) = 80 %,
    # not a mean of rates (66.7 % or 75 %); 2023-2024 has a single value, 70 %
    view = ex.ExplorerView((DNB,), "period", "territory")
    assert figures(plan, view) == {(Y0, TERRITORY): 70.0, (Y1, TERRITORY): 80.0}
    result = ex.pivot(plan, EVALUATOR, view)
    assert isinstance(result, ex.Pivot)
    row = result.cells[result.cells["row"] == Y1].iloc[0]
    assert (row["numerator"], row["denominator"], row["organisations"]) == (120, 150, 3)
    assert figures(plan, ex.ExplorerView((DNB,), "school")) == {
        (SCHOOL_1, ""): 90.0,
        (SCHOOL_2, ""): 60.0,
    }


def test_de_duplication_keeps_the_largest_organisation_per_school(plan: Store) -> None:
    # young people reached, maximum over terms: the college 70 and Valmont 55 at the first
    # school (the college's 70 stands for both), Élan 30 at the second: 100 in all
    assert figures(plan, ex.ExplorerView((REACHED,))) == {(Y1, ""): 100.0}
    assert figures(plan, ex.ExplorerView((REACHED,), "partner")) == {
        ("asso-elan", ""): 30.0,
        ("clg-0950001k", ""): 70.0,
        ("ent-valmont", ""): 55.0,
    }


@pytest.mark.parametrize(
    "indicator",
    [
        VISITS,
        REACHED,
        DNB,
        "score-confiance",
        "ecart-dnb-national",
        "heures-moyennes",
        "benevoles",
        "taux-presence",
        "jeunes-uniques",
    ],
)
@pytest.mark.parametrize("grain", ex.GRAINS)
def test_the_figures_are_the_theory_of_changes(plan: Store, indicator: str, grain: str) -> None:
    """By period and place, each rule over time and space and each de-duplication rule gives
    the figure progress.figures gives (their rules, computed by hand in test_progress)."""
    published = pr.figures(plan, EVALUATOR, indicator)
    published = published[published["disaggregation"] == ""]
    expected = {
        (str(s), str(p)): round(float(v), 6)
        for s, p, v in zip(published["scope"], published["period"], published["value"], strict=True)
        if not math.isnan(v)
    }
    found: dict[tuple[str, str], float] = {}
    for rows in ("", "territory", "school"):
        view = ex.ExplorerView((indicator,), "period", rows, grain=grain)
        for (period, scope), value in figures(plan, view).items():
            if value is not None and not math.isnan(value):
                found[(scope or pr.SCOPE_ALL, period)] = value
    assert found == {k: v for k, v in expected.items() if k in found}
    kinds = {str(c): str(k) for c, k in zip(*_periods(plan), strict=True)}
    assert {k for k in expected if kinds[k[1]] == grain} == set(found)


def _periods(store: Store) -> tuple[list[str], list[str]]:
    periods = store.query("periods_list")
    return list(periods["code"]), list(periods["kind"])


def test_values_broken_down_by_sex_and_grade(store: Store) -> None:
    send = Sender(store)
    rows = [
        (REACHED, SCHOOL_1, T1, 30, None, None, "sex=F"),
        (REACHED, SCHOOL_1, T1, 20, None, None, "sex=M"),
        (REACHED, SCHOOL_1, T1, 50),
        (REACHED, SCHOOL_1, T1, 12, None, None, "grade=3e;sex=F"),
    ]
    send("clg-0950001k", rows)
    by_sex = ex.ExplorerView((REACHED,), "sex", grain="term")
    assert figures(store, by_sex) == {("F", ""): 30.0, ("M", ""): 20.0}
    total = ex.ExplorerView((REACHED,), "school", grain="term")
    assert figures(store, total) == {(SCHOOL_1, ""): 50.0}
    both = ex.ExplorerView((REACHED,), "sex", "grade", grain="term")
    assert figures(store, both) == {("F", "3e"): 12.0}
    girls = ex.ExplorerView((REACHED,), "school", filters={"sex": ("F",)}, grain="term")
    assert figures(store, girls) == {(SCHOOL_1, ""): 30.0}


def test_indicators_of_different_units_are_refused_with_a_sentence(plan: Store) -> None:
    result = ex.pivot(plan, EVALUATOR, ex.ExplorerView((VISITS, DNB)))
    assert isinstance(result, ex.Refusal)
    assert result.code == "mixed-units"
    assert "même unité" in result.text("fr") and "%" in result.text("fr")
    assert "same unit" in result.text("en")
    same = ex.pivot(plan, EVALUATOR, ex.ExplorerView((VISITS, "reunions-parents"), "school"))
    assert isinstance(same, ex.Pivot)
    assert set(same.cells["indicator"]) == {VISITS}  # no parent meeting was reported
    assert list(same.table().index) == [SCHOOL_1, SCHOOL_2]


def test_unknown_indicators_and_empty_views_give_an_empty_pivot(plan: Store) -> None:
    for view in (ex.ExplorerView(), ex.ExplorerView(("nothing-such",))):
        result = ex.pivot(plan, EVALUATOR, view)
        assert isinstance(result, ex.Pivot)
        assert result.cells.empty and result.table().empty


def test_a_single_new_value_does_not_make_its_year_the_default(plan: Store) -> None:
    """Without period laid out, the figures are those of the year every page opens on (the
    latest with enough accepted reports, synchronisation.opening_year), not of a later year
    that a single new value opened; laid out by period, that value is there."""
    Sender(plan)("ent-valmont", [(VISITS, SCHOOL_1, Y2, 1)])
    by_school = ex.ExplorerView((VISITS,), "school")
    result = ex.pivot(plan, EVALUATOR, by_school)
    assert isinstance(result, ex.Pivot) and result.period == Y1
    assert figures(plan, by_school) == {(SCHOOL_1, ""): 12.0, (SCHOOL_2, ""): 8.0}
    terms = ex.pivot(plan, EVALUATOR, ex.ExplorerView((VISITS,), "school", grain="term"))
    assert isinstance(terms, ex.Pivot) and terms.period == T3
    assert set(ex.drill(plan, EVALUATOR, by_school, SCHOOL_1).cells["period"]) == {T1, T2, T3}
    assert figures(plan, ex.ExplorerView((VISITS,), "period"))[(Y2, "")] == 1.0
    # only that year holds values of the view: it is shown rather than nothing
    alone = ex.pivot(
        plan, EVALUATOR, ex.ExplorerView((VISITS,), "school", filters={"period": (Y2,)})
    )
    assert isinstance(alone, ex.Pivot) and alone.period == Y2


# -- drill-down -----------------------------------------------------------------------------------


def test_a_figure_drills_down_to_its_files_sheets_and_cells(plan: Store) -> None:
    view = ex.ExplorerView((REACHED,), "school")
    behind = ex.drill(plan, EVALUATOR, view, SCHOOL_1)
    got = {
        (o, p, s, c, part)
        for o, p, s, c, part in zip(
            behind.cells["organisation"],
            behind.cells["period"],
            behind.cells["sheet"],
            behind.cells["cell"],
            behind.cells["part"],
            strict=True,
        )
    }
    # the maximum over terms takes the college's T1 (cell D2 of its file) and Valmont's T2
    # (D3 of its file, the second row it sent); Valmont's is left out by de-duplication
    assert got == {
        ("clg-0950001k", T1, "Bilan", "D2", "counted"),
        ("ent-valmont", T2, "Bilan", "D3", "deduplicated"),
    }
    assert set(behind.cells["filename"]) == {"clg-0950001k-14.xlsx", "ent-valmont-13.xlsx"}
    assert behind.cells["uploaded_at"].notna().all() and behind.others == 0

    rate = ex.drill(plan, EVALUATOR, ex.ExplorerView((DNB,), "period"), Y1)
    assert sorted(zip(rate.cells["organisation"], rate.cells["value"], strict=True)) == [
        ("appui", 60.0),
        ("clg-0950001k", 90.0),
        ("ent-valmont", 50.0),
    ]
    assert ex.drill(plan, EVALUATOR, view, "no-such-school").cells.empty


def test_a_partner_drills_down_to_its_own_cells_only(plan: Store) -> None:
    view = ex.ExplorerView((REACHED,), "school")
    behind = ex.drill(plan, PARTNER_A, view, SCHOOL_1)
    assert set(behind.cells["organisation"]) == {"ent-valmont"}
    assert list(behind.cells["cell"]) == ["D3"]
    assert behind.others == 1


# -- the view in the URL ------------------------------------------------------------------------


def test_a_view_goes_through_the_url_and_back() -> None:
    view = ex.ExplorerView(
        indicators=(VISITS, "reunions-parents"),
        rows="school",
        columns="period",
        filters={"territory": ("T-NORD",), "sex": ("F", "M"), "partner": ("a,b%c",)},
        chart="heatmap",
        grain="term",
        drill_row="0950001K",
        drill_column="2024-2025-T1",
    )
    params = view.to_params()
    assert (params["drill"], params["drill_col"]) == ("0950001K", "2024-2025-T1")
    assert all(isinstance(v, str) for v in params.values())
    assert ex.ExplorerView.from_params(params) == view
    assert ex.ExplorerView().to_params() == {}
    assert ex.ExplorerView.from_params({}) == ex.ExplorerView()


def test_bad_or_unknown_parameters_give_way_to_the_defaults() -> None:
    view = ex.ExplorerView.from_params(
        {
            "rows": "nonsense",
            "cols": "period",  # equal to the rows (period, the default once rows are refused)
            "chart": "pie",
            "grain": "week",
            "f_colour": "red",
            "f_school": ",,",
            "ind": f"{VISITS},,{VISITS}",
            "lang": "en",
        }
    )
    assert view == ex.ExplorerView(indicators=(VISITS,))
    listed = ex.ExplorerView.from_params({"ind": ["x", VISITS], "rows": ["school"]})
    assert listed == ex.ExplorerView(indicators=(VISITS,), rows="school")


codes = st.text(alphabet="abc-,%é0", min_size=1, max_size=6).filter(lambda s: s.strip(" ,"))


@given(
    indicators=st.lists(codes, max_size=3, unique=True),
    rows=st.sampled_from(list(ex.DIMENSIONS)),
    columns=st.sampled_from(["", *ex.DIMENSIONS]),
    filters=st.dictionaries(
        st.sampled_from(list(ex.DIMENSIONS)), st.lists(codes, min_size=1, max_size=3, unique=True)
    ),
    chart=st.sampled_from(ex.CHARTS),
    grain=st.sampled_from(ex.GRAINS),
    drill=st.tuples(codes, st.sampled_from(["", "2024-2025", "a,b%c"])),
)
def test_every_view_survives_the_round_trip(
    indicators: list[str],
    rows: str,
    columns: str,
    filters: dict[str, list[str]],
    chart: str,
    grain: str,
    drill: tuple[str, str],
) -> None:
    clean = [c for c in indicators if c == c.strip()]
    view = ex.ExplorerView(
        tuple(clean),
        rows,
        "" if columns == rows else columns,
        {d: tuple(m for m in ms if m == m.strip()) for d, ms in filters.items()},
        chart,
        grain,
    )
    view = ex.ExplorerView(
        view.indicators,
        view.rows,
        view.columns,
        {d: m for d, m in view.filters.items() if m},
        view.chart,
        view.grain,
        drill[0].strip(),
        drill[1],
    )
    assert ex.ExplorerView.from_params(view.to_params()) == view


# -- roles ----------------------------------------------------------------------------------------


def test_funders_are_refused(plan: Store) -> None:
    view = ex.ExplorerView((VISITS,), "school")
    with pytest.raises(AccessDeniedError):
        ex.pivot(plan, FUNDER, view)
    with pytest.raises(AccessDeniedError):
        ex.drill(plan, FUNDER, view, SCHOOL_1)
    with pytest.raises(AccessDeniedError):
        ex.members(plan, FUNDER, "partner")


def test_a_partner_sees_its_own_figures_and_the_published_collective_ones(plan: Store) -> None:
    # Valmont alone at the first school (its own, shown), Élan alone at the second (hidden:
    # one organisation), the territory's three organisations (shown, as on the theory of change)
    assert figures(plan, ex.ExplorerView((VISITS,), "school"), PARTNER_A) == {
        (SCHOOL_1, ""): 12.0,
        (SCHOOL_2, ""): None,
    }
    assert figures(plan, ex.ExplorerView((VISITS,), "territory"), PARTNER_A) == {
        (TERRITORY, ""): 30.0
    }
    # by partner, its own row only; by partner type, only its own type, the others never
    # published to partners
    assert figures(plan, ex.ExplorerView((VISITS,), "partner"), PARTNER_A) == {
        ("ent-valmont", ""): 12.0
    }
    result = ex.pivot(plan, PARTNER_A, ex.ExplorerView((VISITS,), "partner_type"))
    assert isinstance(result, ex.Pivot)
    shown = result.cells.set_index("row")
    assert shown.at["company", "value"] == 12.0
    assert set(shown.loc[["association", "backbone"], "hidden"]) == {ex.NOT_PUBLISHED}
    assert shown.loc[["association", "backbone"], "organisations"].isna().all()
    # its own figure beside the collective one
    rate = ex.pivot(plan, PARTNER_A, ex.ExplorerView((DNB,), "period"))
    assert isinstance(rate, ex.Pivot)
    at_y1 = rate.cells.set_index("row").loc[Y1]
    assert (at_y1["value"], at_y1["own"]) == (80.0, 50.0)
    assert list(ex.members(plan, PARTNER_A, "partner")) == ["ent-valmont"]
    assert len(ex.members(plan, EVALUATOR, "partner")) > 1


# -- the differencing attack ------------------------------------------------------------------

SCHOOL_3, SOUTH = "0310003K", "T-SUD"
PLACES = f"""{SOUTH},territory,Territoire Sud,,,,,,,,,
{SCHOOL_3},school,Collège du Canal,{SOUTH},{SCHOOL_3},REP,31555,,,,,
"""
ORGANISATIONS = f"""asso-b,Association Bis,association,,T-NORD
ent-c,Entreprise Ciel,company,,{SOUTH}
"""


@pytest.fixture
def attacked(tmp_path: Path) -> Store:
    """Visits in 2024-2025: the first school 10 (Valmont) + 12 (Élan) + 14 (Bis), the second
    20 (college) + 9 (backbone) + 6 (Bis), the southern school 5 (Valmont) + 7 (Ciel)."""
    folder = copy_definition(tmp_path / "definition")
    for name, extra in (("places.csv", PLACES), ("organisations.csv", ORGANISATIONS)):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    store, _ = init_store(tmp_path / "attack.duckdb", folder, actor="test")
    send = Sender(store)
    for organisation, place, value in (
        ("ent-valmont", SCHOOL_1, 10),
        ("asso-elan", SCHOOL_1, 12),
        ("asso-b", SCHOOL_1, 14),
        ("clg-0950001k", SCHOOL_2, 20),
        ("appui", SCHOOL_2, 9),
        ("asso-b", SCHOOL_2, 6),
        ("ent-valmont", SCHOOL_3, 5),
        ("ent-c", SCHOOL_3, 7),
    ):
        send(organisation, [(VISITS, place, Y1, value)])
    return store


def test_a_partner_cannot_subtract_its_visible_parts_from_a_total(attacked: Store) -> None:
    """Valmont reports 5 in the south, where Ciel reports 7: the south's 12 is hidden from it
    (two organisations). Were the total (83) and the north (71) both shown, it would work out
    the south (83 - 71 = 12), then Ciel's 7 (12 - its own 5). Every view it can build, put
    together, must not let it do so, by any difference of shown figures."""
    views = [
        ex.ExplorerView((VISITS,), "period"),
        ex.ExplorerView((VISITS,), "territory"),
        ex.ExplorerView((VISITS,), "school"),
        ex.ExplorerView((VISITS,), "territory", "school"),
        ex.ExplorerView((VISITS,), "school", filters={"territory": ("T-NORD",)}),
        ex.ExplorerView((VISITS,), "partner"),
        ex.ExplorerView((VISITS,), "partner_type"),
        ex.ExplorerView((VISITS,), "priority"),
        ex.ExplorerView((VISITS,), "territory", "partner_type"),
        ex.ExplorerView((VISITS,), "school", "partner"),
    ]
    evaluator = {view: figures(attacked, view) for view in views}
    assert evaluator[views[0]] == {(Y1, ""): 83.0}  # the evaluator sees it all
    assert evaluator[views[1]] == {("T-NORD", ""): 71.0, (SOUTH, ""): 12.0}
    shown: list[float] = []
    for view in views:
        for value in figures(attacked, view, PARTNER_A).values():
            if value is not None:
                shown.append(value)
    own = [10.0, 5.0, 15.0]  # what Valmont knows: its values and their sum
    ciel = 7.0
    # no shown figure is Ciel's; no difference of two shown figures, less what Valmont knows,
    # gives it; nor the south's figure it would come from
    known = shown + own
    assert ciel not in shown
    for a in known:
        for b in known:
            assert not math.isclose(a - b, ciel), (a, b)
            for mine in own:
                assert not math.isclose(a - b - mine, ciel), (a, b, mine)
    # the total and the north are not both shown to Valmont
    total = figures(attacked, views[0], PARTNER_A)[(Y1, "")]
    north = figures(attacked, views[1], PARTNER_A)[("T-NORD", "")]
    assert total is None or north is None
    assert figures(attacked, views[1], PARTNER_A)[(SOUTH, "")] is None
