"""The large initiative of the benchmarks (indicators/demo/scale.py), built at a tiny scale: what
is bulk loaded is what the ingest stores from the same workbooks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.analytics import progress
from indicators.definition.loading import load_definition
from indicators.demo.scale import (
    ScaleSummary,
    as_ingested,
    build_scale,
    entry_rows,
    scale_definition,
    uai,
)
from indicators.store.database import Store
from tests.conftest import EVALUATOR, PROJECT

SCALE = 0.01
COLUMNS = [
    "indicator",
    "indicator_version",
    "place",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "unit",
    "raw_value",
    "sheet",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, ScaleSummary]:
    folder = tmp_path_factory.mktemp("scale")
    summary = build_scale(folder / "scale.duckdb", PROJECT / "data", scale=SCALE, sample=3)
    return Store(folder / "scale.duckdb"), summary


def stored(store: Store) -> pd.DataFrame:
    return store.query("observations", org="")


def test_the_definition_grows_with_the_scale() -> None:
    base = load_definition(PROJECT / "data")
    full = scale_definition(base, 1.0)
    assert len(full.indicators) == 150
    assert sum(p.kind == "school" for p in full.places) == 1000
    assert len(full.organisations) >= 2000
    assert sum(p.kind == "school_year" for p in full.periods) == 6  # five with data, and now
    assert {d for i in full.indicators for d in i.disaggregations} >= {"sex", "grade"}
    assert uai(950243) == "0950243Y"  # the check letter of data/README.md


def test_bulk_rows_are_what_the_ingest_stores_from_the_same_workbook(
    built: tuple[Store, ScaleSummary],
) -> None:
    store, summary = built
    definition = scale_definition(load_definition(PROJECT / "data"), SCALE)
    frame = stored(store)
    assert summary.sampled and summary.values_ingested > 0
    checked = 0
    for organisation in summary.sampled:
        for year in ("2021-2022", "2025-2026"):
            want = as_ingested(definition, entry_rows(definition, organisation, year))
            got = frame[frame["filename"] == f"{organisation}-{year}.xlsx"]
            got = got.iloc[got["cell"].str[1:].astype(int).argsort()]
            assert [f"H{r + 1}" for r in want["row"]] == list(got["cell"])
            for column in COLUMNS:
                assert list(want[column].astype(str)) == list(got[column].astype(str)), column
            checked += len(got)
    assert checked


def test_counts_and_provenance(built: tuple[Store, ScaleSummary]) -> None:
    store, summary = built
    frame = stored(store)
    assert len(frame) == summary.observations == summary.values_ingested + summary.values_bulk
    assert frame["is_current"].all()  # one workbook per organisation and year: nothing replaced
    assert frame["sheet"].eq("Saisie").all() and frame["cell"].str.match(r"^H\d+$").all()
    submissions = store.query("all_submissions")
    assert set(frame["submission_id"]) == set(submissions["id"])
    assert len(submissions) == summary.files_ingested + summary.uploads_bulk
    assert submissions["filename"].str.endswith(".xlsx").all()
    assert set(submissions["status"]) == {"accepted", "received"}  # past years accepted
    log = store.query(
        "audit_log", since=pd.Timestamp("2000-01-01"), until=pd.Timestamp("2100-01-01")
    )
    assert (log["action"] == "submission.upload").sum() == len(submissions)
    keys = ["organisation", "indicator", "place", "period", "disaggregation"]
    assert not frame.duplicated(keys).any()


def test_a_figure_is_the_sum_of_what_the_workbooks_say(built: tuple[Store, ScaleSummary]) -> None:
    store, _ = built
    definition = scale_definition(load_definition(PROJECT / "data"), SCALE)
    code = "ateliers-savoir-etre"  # a count summed over space and time, not de-duplicated
    indicator = next(i for i in definition.indicators if i.code == code)
    assert (indicator.aggregation_space, indicator.deduplication.rule) == ("sum", "none")
    period, year = "2023-2024-T2", "2023-2024"
    by_hand = 0.0
    for organisation in {c.organisation for c in definition.commitments}:
        rows = entry_rows(definition, organisation, year)
        mine = rows[
            (rows["indicator"] == code)
            & (rows["period"] == period)
            & (rows["sex"] == "")
            & (rows["grade"] == "")
        ]
        by_hand += float(mine["value"].sum())
    figures = progress.figures(store, EVALUATOR, code)
    whole = figures[
        (figures["scope"] == "*")
        & (figures["period"] == period)
        & (figures["disaggregation"] == "")
    ]
    assert by_hand > 0
    assert float(whole["value"].iloc[0]) == pytest.approx(by_hand)


def test_no_stored_file_is_left_behind(tmp_path: Path) -> None:
    summary = build_scale(tmp_path / "s.duckdb", PROJECT / "data", scale=0.002, sample=1)
    assert summary.observations > 0
    assert [p.name for p in tmp_path.iterdir()] == ["s.duckdb"]
