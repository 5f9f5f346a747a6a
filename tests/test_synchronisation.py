"""Synchronisation analytics on a small initiative whose every figure is computed by hand.

The fixture's commitments make 6 reports expected:
- ent-valmont: visites-entreprise and jeunes-touches (term indicators) at two schools for
  T1 2024-2025 (due 2025-01-15): 4 reports;
- asso-elan: score-confiance (yearly) at 0950002L for 2024-2025 (due 2025-09-30): 1 report;
- appui: visites-entreprise for the territory T-NORD, T1: 1 report.
The school clg-0950001k has no commitment: nothing is expected of it.

What arrives: Valmont sends 2 reports on 10 January (on time), a third on 1 February (late),
then corrects the first on 1 March (a superseding upload: the report still arrived on time);
its fourth report never comes. Appui reports for one school of its territory on 12 January.
Élan sends nothing. The school sends a value nobody expected.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from indicators.access.viewer import AccessDeniedError
from indicators.analytics import synchronisation as sync
from indicators.definition.loading import load_definition
from indicators.ingest.pipeline import ingest
from indicators.ingest.uploads import review_submissions
from indicators.store.database import Store
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A, PARTNER_B, copied_store, copy_definition
from tests.workbooks import write_workbook

AFTER_ALL = dt.date(2025, 10, 1)
T1 = "2024-2025-T1"
YEAR = "2024-2025"


def send(
    store: Store,
    definition_dir: Path,
    tmp: Path,
    organisation: str,
    day: str,
    rows: list[tuple[str, str, float]],
    name: str,
) -> None:
    store.clock = lambda: dt.datetime.fromisoformat(day)
    path = write_workbook(
        tmp / name,
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                *[[i, place, "T1 2024-2025", v] for i, place, v in rows],
            ]
        },
    )
    outcome = ingest(store, path, load_definition(definition_dir), organisation, organisation)
    assert outcome.status == "received", outcome.preparation.problems


def _report(store: Store, definition_dir: Path, tmp_path: Path) -> Store:
    visits, reached = "Nb visites", "Nb jeunes touchés"
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        "2025-01-10T09:00",
        [(visits, "0950001K", 3), (reached, "0950001K", 40)],
        "v1.xlsx",
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "appui",
        "2025-01-12T09:00",
        [(visits, "0950002L", 2)],
        "a1.xlsx",
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        "2025-02-01T09:00",
        [(visits, "0950002L", 5)],
        "v2.xlsx",
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        "2025-03-01T09:00",
        [(visits, "0950001K", 4)],
        "v3.xlsx",
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "clg-0950001k",
        "2025-01-05T09:00",
        [(visits, "0950001K", 1)],
        "c1.xlsx",
    )
    return store


@pytest.fixture(scope="session")
def reported_template(tmp_path_factory: pytest.TempPathFactory, store_template: Path) -> Path:
    """The store of `reported`, made once per test process (five uploads, each with its kept
    figures made again: a few seconds that eleven tests would otherwise each spend)."""
    folder = tmp_path_factory.mktemp("reported")
    store = copied_store(store_template, folder / "mesure.duckdb")
    _report(store, copy_definition(folder / "definition"), folder)
    store.close()
    return store.path


@pytest.fixture
def reported(tmp_path: Path, reported_template: Path) -> Store:
    """The fixture's reports (see the module's docstring), in a store of this test's own; its
    clock where the last upload left it."""
    store = copied_store(reported_template, tmp_path / "mesure.duckdb")
    store.clock = lambda: dt.datetime.fromisoformat("2025-01-05T09:00")
    return store


def rate(table: pd.DataFrame, dimension: str, member: str, period: str) -> tuple[int, int, int]:
    row = table[
        (table["dimension"] == dimension)
        & (table["member"] == member)
        & (table["period"] == period)
    ].iloc[0]
    return int(row["expected"]), int(row["received"]), int(row["on_time"])


def test_expected_reports_come_from_commitments(reported: Store) -> None:
    reports = sync.expected_reports(reported, EVALUATOR, AFTER_ALL)
    assert sorted(
        zip(
            reports["organisation"],
            reports["indicator"],
            reports["place"],
            reports["period"],
            strict=True,
        )
    ) == [
        ("appui", "visites-entreprise", "T-NORD", T1),
        ("asso-elan", "score-confiance", "0950002L", YEAR),
        ("ent-valmont", "jeunes-touches", "0950001K", T1),
        ("ent-valmont", "jeunes-touches", "0950002L", T1),
        ("ent-valmont", "visites-entreprise", "0950001K", T1),
        ("ent-valmont", "visites-entreprise", "0950002L", T1),
    ]
    first = reports[
        (reports["indicator"] == "visites-entreprise") & (reports["place"] == "0950001K")
    ].iloc[0]
    # superseded on 1 March, but the report first arrived on 10 January: on time
    assert first["received_at"] == pd.Timestamp("2025-01-10T09:00") and first["on_time"]
    territory = reports[reports["place"] == "T-NORD"].iloc[0]
    assert territory["received"] and territory["territory"] == "T-NORD"


def test_completeness_and_timeliness_by_hand(reported: Store) -> None:
    table = sync.rates(reported, EVALUATOR, AFTER_ALL)
    assert rate(table, "initiative", "*", T1) == (5, 4, 3)  # 80 %, 60 %
    assert rate(table, "initiative", "*", YEAR) == (1, 0, 0)
    assert rate(table, "organisation", "ent-valmont", T1) == (4, 3, 2)
    assert rate(table, "organisation", "appui", T1) == (1, 1, 1)
    assert rate(table, "organisation_type", "company", T1) == (4, 3, 2)
    assert rate(table, "territory", "T-NORD", T1) == (5, 4, 3)  # schools count for it
    assert rate(table, "indicator", "visites-entreprise", T1) == (3, 3, 2)
    row = table[(table["dimension"] == "initiative") & (table["period"] == T1)].iloc[0]
    assert (row["completeness"], row["timeliness"]) == (0.8, 0.6)
    assert "clg-0950001k" not in set(table["member"])  # nothing expected of it: not counted


def test_periods_not_over_are_not_yet_counted(reported: Store) -> None:
    in_term = sync.rates(reported, EVALUATOR, dt.date(2024, 11, 1))
    assert in_term.empty  # no period is over on 1 November 2024
    summer = sync.rates(reported, EVALUATOR, dt.date(2025, 9, 15))
    assert rate(summer, "initiative", "*", T1) == (5, 4, 3)
    assert rate(summer, "initiative", "*", YEAR) == (1, 0, 0)


def test_reporting_status_of_each_partner_and_period(reported: Store) -> None:
    def status(today: dt.date) -> dict[tuple[str, str], str]:
        table = sync.statuses(reported, EVALUATOR, today)
        return dict(
            zip(
                zip(table["organisation"], table["period"], strict=True),
                table["status"],
                strict=True,
            )
        )

    assert status(AFTER_ALL) == {
        ("appui", T1): "submitted",
        ("ent-valmont", T1): "submitted",
        ("asso-elan", YEAR): "overdue",  # a missing report
    }
    assert status(dt.date(2025, 9, 15))[("asso-elan", YEAR)] == "due"
    assert status(dt.date(2025, 6, 1))[("asso-elan", YEAR)] == "not_yet_due"
    valmont = reported.query("submissions", org="ent-valmont")["id"].tolist()
    review_submissions(reported, EVALUATOR, valmont, "returned", "Il manque les jeunes du Moulin")
    table = sync.statuses(reported, EVALUATOR, AFTER_ALL).set_index(["organisation", "period"])
    assert table.loc[("ent-valmont", T1), "status"] == "returned"
    assert table.loc[("ent-valmont", T1), "review_comment"] == "Il manque les jeunes du Moulin"
    review_submissions(reported, EVALUATOR, valmont, "accepted")
    assert sync.statuses(reported, PARTNER_A, AFTER_ALL)["status"].tolist() == ["accepted"]


def test_consistency_freshness_and_the_reminder(reported: Store) -> None:
    window = sync.consistency(reported, EVALUATOR, AFTER_ALL, [T1, YEAR])
    # Valmont and Appui owed reports in T1 only and sent some: both reported in every period
    # they owed; Élan owed the school year and sent nothing: not counted as reporting at all
    initiative = window[window["dimension"] == "initiative"]
    assert initiative[["reporting_any", "reporting_every"]].values.tolist() == [[2, 2]]
    assert sync.consistency(reported, EVALUATOR, dt.date(2024, 11, 1), [T1]).empty  # not over
    one = sync.consistency(reported, EVALUATOR, AFTER_ALL, [T1]).set_index(["dimension", "member"])
    assert one.loc[("initiative", "*"), "consistency"] == 1.0
    # two partners only: a funder, who could tell them apart, does not see their figure
    two = sync.consistency(reported, FUNDER, AFTER_ALL, [T1]).set_index(["dimension", "member"])
    assert two.loc[("initiative", "*"), "hidden"] == "few-organisations"
    assert math.isnan(float(str(two.loc[("initiative", "*"), "consistency"])))
    fresh = sync.freshness(reported, EVALUATOR, AFTER_ALL).set_index("organisation")
    assert fresh.loc["ent-valmont", "age_days"] == (AFTER_ALL - dt.date(2025, 3, 1)).days
    assert fresh["latest_upload"].isna().tolist() == [True, False, False]  # Élan, oldest first
    missing = sync.missing_reports(reported, PARTNER_A, AFTER_ALL, "ent-valmont")
    assert list(zip(missing["indicator"], missing["place"], missing["period"], strict=True)) == [
        ("jeunes-touches", "0950002L", T1)
    ]


def test_each_role_sees_its_share(reported: Store) -> None:
    mine = sync.rates(reported, PARTNER_A, AFTER_ALL)
    assert set(zip(mine["dimension"], mine["member"], strict=True)) == {
        ("initiative", "*"),
        ("organisation", "ent-valmont"),
    }
    assert set(sync.statuses(reported, PARTNER_B, AFTER_ALL)["organisation"]) == {"asso-elan"}
    assert set(sync.expected_reports(reported, PARTNER_A, AFTER_ALL)["organisation"]) == {
        "ent-valmont"
    }
    funder = sync.rates(reported, FUNDER, AFTER_ALL)
    assert "organisation" not in set(funder["dimension"]) and not funder.empty
    # T1: Valmont owes 4 reports, the backbone 1; every group stands on one or two of them
    # (the company type is Valmont's rate): all withheld from the funder, by the same rule
    # as every other figure, their counts and rates emptied
    t1 = funder[funder["period"] == T1].set_index(["dimension", "member"])
    assert t1.loc[("organisation_type", "company"), "hidden"] == "few-organisations"
    assert set(t1["hidden"]) == {"few-organisations"}
    assert t1[["expected", "received", "completeness"]].isna().all().all()
    assert set(sync.rates(reported, EVALUATOR, AFTER_ALL)["hidden"]) == {""}
    refused: list[Callable[[], object]] = [
        lambda: sync.statuses(reported, FUNDER, AFTER_ALL),
        lambda: sync.freshness(reported, FUNDER, AFTER_ALL),
        lambda: sync.missing_reports(reported, FUNDER, AFTER_ALL),
        lambda: sync.missing_reports(reported, PARTNER_A, AFTER_ALL, "asso-elan"),
    ]
    for call in refused:
        with pytest.raises(AccessDeniedError):
            call()


def test_the_synchronisation_index_by_hand(reported: Store) -> None:
    table, overall = sync.sync_index(reported, EVALUATOR, AFTER_ALL)
    row = table.set_index("organisation").loc["ent-valmont"]
    # 3/4 received, 2/4 on time, 1 of 1 period reported, all 3 values conforming, data 214
    # days old
    freshness = 1 - (AFTER_ALL - dt.date(2025, 3, 1)).days / 365
    expected = 100 * (0.35 * 0.75 + 0.25 * 0.5 + 0.15 * 1 + 0.15 * 1 + 0.10 * freshness)
    assert row["index"] == pytest.approx(expected)
    elan = table.set_index("organisation").loc["asso-elan"]
    assert elan["index"] == 0  # nothing arrived, and no data at all
    assert overall == pytest.approx(table["index"].mean()) and len(table) == 3
    own, same = sync.sync_index(reported, PARTNER_A, AFTER_ALL)
    assert list(own["organisation"]) == ["ent-valmont"] and same == overall
    none, again = sync.sync_index(reported, FUNDER, AFTER_ALL)
    assert none.empty and again == overall


def test_conformity_counts_values_mapped_by_resemblance_or_rescaled(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    from indicators.ingest.uploads import confirm_mappings

    definition = load_definition(definition_dir)
    # a label of the partner's own, confirmed once: matched from its memory from then on
    confirm_mappings(
        store,
        PARTNER_A,
        definition,
        "ent-valmont",
        [("indicator", "Sorties en entreprise", "visites-entreprise")],
    )
    path = write_workbook(
        tmp_path / "taux.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", "0950001K", "T1 2024-2025", 3],  # an alias: conforming
                ["visites-entreprise", "0950002L", "T1 2024-2025", 4],  # the code
                ["Part des élèves ayant un projet d'avenir", "0950001K", "2024-2025", 0.45],
                ["Part des élèves ayant un projet d'avenir", "0950002L", "2024-2025", 0.5],
                ["Sorties en entreprise", "0950001K", "2024-2025", 2],
            ]
        },
    )
    done = ingest(store, path, definition, "ent-valmont", "valmont")
    assert done.status == "received", done.preparation.problems
    row = sync.conformity(store, PARTNER_A).iloc[0]
    # the two rates were written as fractions and stored as 45 % and 50 %: rescaled
    assert (row["values_count"], row["conforming"], row["converted"], row["mapped"]) == (5, 2, 2, 1)
    assert row["conformity"] == 0.4 and row["unknown"] == 0
    stored = store.query("submissions", org="ent-valmont")
    assert stored["id"].size == 1
    assert sync.conformity(store, PARTNER_B).empty


def test_data_quality_per_partner_by_hand(
    reported: Store, definition_dir: Path, tmp_path: Path
) -> None:
    definition = load_definition(definition_dir)
    faulty = write_workbook(
        tmp_path / "faux.xlsx",
        {
            "B": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", "0950002L", "T1 2024-2025", "beaucoup"],
            ]
        },
    )
    assert ingest(reported, faulty, definition, "asso-elan", "elan").status == "rejected"
    quality = sync.data_quality(reported, EVALUATOR, AFTER_ALL).set_index("organisation")
    valmont = quality.loc["ent-valmont"]
    # three files stored; the one of 1 March replaced a value; one of its reports came late
    assert (valmont["uploads"], valmont["refused"], valmont["corrected"]) == (3, 0, 1)
    assert (valmont["received_reports"], valmont["late_reports"]) == (3, 1)
    assert valmont["conformity"] == 1.0
    elan = quality.loc["asso-elan"]
    assert (elan["uploads"], elan["refused"]) == (0, 1)
    assert list(quality.index[:1]) == ["asso-elan"]  # refusals first
    assert list(sync.data_quality(reported, PARTNER_B, AFTER_ALL)["organisation"]) == ["asso-elan"]


def test_values_on_an_older_version_of_their_indicator_are_not_conforming(
    reported: Store, definition_dir: Path
) -> None:
    from indicators.store.setup import init_store

    path = definition_dir / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    version: 1\n", "    version: 2\n", 1).replace(
            "organisées pour des groupes d'élèves.", "organisées pour des classes entières.", 1
        ),
        encoding="utf-8",
    )
    init_store(reported.path, definition_dir)  # the catalogue moves to version 2
    row = sync.conformity(reported, PARTNER_A).iloc[0]
    # Valmont's two current visit values are on version 1; its reached value is not
    assert (row["values_count"], row["old_version"], row["conforming"]) == (3, 2, 1)
    assert row["old_indicators"] == "visites-entreprise"


def test_consistency_counts_a_partner_that_missed_a_period_it_owed(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    from indicators.store.setup import init_store

    commitments = definition_dir / "commitments.csv"
    commitments.write_text(
        commitments.read_text(encoding="utf-8")
        + "C4,asso-elan,ACT-VISITES,OUT-JEUNES,0950002L,,,,2024-2025,ongoing,reunions-parents\n",
        encoding="utf-8",
    )
    init_store(store.path, definition_dir)  # Élan now owes T1 (meetings) and the year (score)
    send(
        store,
        definition_dir,
        tmp_path,
        "asso-elan",
        "2025-01-10T09:00",
        [("Rencontres avec les parents", "0950002L", 2)],
        "e1.xlsx",
    )
    send(
        store,
        definition_dir,
        tmp_path,
        "ent-valmont",
        "2025-01-10T09:00",
        [("Nb visites", "0950001K", 3)],
        "v1.xlsx",
    )
    window = sync.consistency(store, EVALUATOR, AFTER_ALL, [T1, YEAR]).set_index(
        ["dimension", "member"]
    )["consistency"]
    # Élan reported in T1 but not for the year; Valmont in T1, the only period it owed
    assert window[("initiative", "*")] == 0.5
    assert window[("organisation_type", "association")] == 0.0
    assert window[("organisation_type", "company")] == 1.0


def test_the_opening_year_is_kept_until_the_reports_change(
    reported: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four pages ask for the year they open on at every run: it is read once, then again
    only after a write that may change it (a review here), and is always what reading gives."""
    today, years = dt.date(2025, 10, 1), ("2023-2024", "2024-2025")
    reads: list[str] = []
    query = Store.query

    def counted(store: Store, name: str, **params: object) -> pd.DataFrame:
        reads.append(name)
        return query(store, name, **params)

    monkeypatch.setattr(Store, "query", counted)
    unkept = sync.opening_year.__wrapped__  # type: ignore[attr-defined]
    first = sync.opening_year(reported, today, years)
    assert (
        sync.opening_year(reported, today, list(years)) == first == unkept(reported, today, years)
    )
    assert reads.count("reporting_status") == 2  # once kept, once by the unkept call
    ids = [int(i) for i in reported.query("all_submissions")["id"]]
    review_submissions(reported, EVALUATOR, ids, "accepted")
    after = sync.opening_year(reported, today, years)
    assert reads.count("reporting_status") == 3
    assert after == unkept(reported, today, years)
