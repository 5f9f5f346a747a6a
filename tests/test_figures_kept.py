"""The progress figures kept in the store (migration 14): refreshed by every write that changes
them, in the transaction after its own, they equal what computing them from the observations
gives, after an upload, a superseding upload, a review, a publication and a definition save; a
reader in between waits for them; a write made by other means, or whose refresh failed, is
caught up before they are read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading

import duckdb
import pandas as pd
import pytest

from indicators.analytics import synthesis
from indicators.analytics.progress import EVERY_VALUE
from indicators.ingest.uploads import review_submission
from indicators.store.database import Store, query_sql
from indicators.store.stored import stored_definition
from tests.conftest import EVALUATOR
from tests.stored import reported

SCHOOL = "0950001K"
T1 = "2024-2025-T1"


def same_as_live(store: Store) -> None:
    """Kept figures and shares = those computed from the observations, for every value received
    or accepted and for accepted ones only (sums may differ in their last bits: added up in
    another order)."""
    for accepted in (False, True):
        for kept, live in (
            ("progress", "progress_live"),
            ("progress_contributions", "progress_contributions_live"),
        ):
            pd.testing.assert_frame_equal(
                store.query(kept, indicator="", accepted_only=accepted, years=[]),
                store.query(live, **(EVERY_VALUE | {"accepted_only": accepted})),
                check_exact=False,
                rtol=1e-12,
            )
    reports_same_as_live(store)


KEPT = {  # table: the query that computes it, its parameters
    "report_arrivals": ("report_arrivals_live", {}),
    "report_counts": ("report_counts_live", {}),
    "period_submissions": ("period_submissions_live", {}),
    "record_reports": ("record_reports_live", {"indicator": "", "indicators": [], "years": []}),
}


def reports_same_as_live(store: Store) -> None:
    """What Synchronisation and Coordination read, kept = computed from the observations."""
    with duckdb.connect(str(store.path)) as con:
        for table, (query, params) in KEPT.items():
            flags = (False, True) if table == "record_reports" else (None,)
            for flag in flags:
                chosen = params | {"orgs": []} | ({} if flag is None else {"accepted_only": flag})
                live = con.execute(query_sql(query), chosen).df()
                kept = con.execute(f"select * from {table}").df()
                if flag is not None:
                    kept = kept[kept.pop("accepted_only") == flag]
                columns = list(live.columns)
                pd.testing.assert_frame_equal(
                    kept[columns].sort_values(columns).reset_index(drop=True),
                    live.sort_values(columns).reset_index(drop=True),
                    check_dtype=False,
                )


def versions(store: Store) -> dict[tuple[str, str], int]:
    frame = store.query("figure_versions")
    return {
        (str(i), str(y)): int(v)
        for i, y, v in zip(frame["indicator"], frame["school_year"], frame["version"], strict=True)
    }


def upload(store: Store, organisation: str, rows: list[tuple[str, str, str, float]]) -> int:
    """An upload of `rows` (indicator, place, period, value) through `Store.load_values`."""
    frame = pd.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "indicator_version": 1,
            "place": [r[1] for r in rows],
            "period": [r[2] for r in rows],
            "disaggregation": "",
            "value": [float(r[3]) for r in rows],
            "numerator": float("nan"),
            "denominator": float("nan"),
            "unit": "count",
            "raw_value": [str(r[3]) for r in rows],
            "sheet": "Saisie",
            "row": range(1, len(rows) + 1),
            "col": 7,
            "mapping": "code",
            "converted": False,
        }
    )
    done = store.load_values(
        organisation,
        frame,
        filename="f.xlsx",
        sha256=f"{organisation}{rows}",
        size=1,
        uploaded_by="t",
    )
    assert done["status"] == "received"
    return int(done["submission"])


def test_kept_figures_equal_the_live_ones_after_every_write(store: Store) -> None:
    reported(store)  # written with plain SQL, not through the store: caught up when read
    same_as_live(store)
    before = versions(store)
    first = upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 7)])
    after = versions(store)
    moved = {piece for piece in after if after[piece] != before.get(piece)}
    assert moved == {("visites-entreprise", "2024-2025")}  # what the upload touched, only
    same_as_live(store)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 9)])  # supersedes it
    same_as_live(store)
    assert review_submission(store, EVALUATOR, first + 1, "accepted")
    same_as_live(store)
    synthesis.publish(store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))
    same_as_live(store)
    returned = upload(store, "asso-elan", [("visites-entreprise", "0950002L", T1, 5)])
    assert review_submission(store, EVALUATOR, returned, "returned")
    same_as_live(store)
    with duckdb.connect(str(store.path)) as con:  # nothing left to catch up: kept as written
        made = con.execute("select * from figures_made").fetchall()
        now = con.execute("select count(*), max(id) from observations").fetchall()
    assert made[0][:2] == now[0]


def test_a_definition_save_computes_again_what_it_changed_only(store: Store) -> None:
    reported(store)
    same_as_live(store)
    definition = stored_definition(store)
    before = versions(store)
    store.save_definition(definition)  # nothing the figures read changed
    assert versions(store) == before
    visits = next(i for i in definition.indicators if i.code == "visites-entreprise")
    changed = dataclasses.replace(visits, aggregation_space="max", version=visits.version + 1)
    store.save_definition(
        dataclasses.replace(
            definition,
            indicators=tuple(changed if i is visits else i for i in definition.indicators),
        )
    )
    after = versions(store)
    assert {p[0] for p in after if after[p] != before.get(p)} == {"visites-entreprise"}
    same_as_live(store)


def test_a_reader_between_a_write_and_its_refresh_waits_for_the_refresh(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reported(store)
    same_as_live(store)
    committed, go_on = threading.Event(), threading.Event()
    refresh = Store._refresh_deferred

    def held(self: Store, deferred: list[object]) -> None:  # the write committed, not refreshed
        committed.set()
        assert go_on.wait(30)
        refresh(self, deferred)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_refresh_deferred", held)
    writer = threading.Thread(
        target=upload, args=(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    )
    writer.start()
    assert committed.wait(30)
    read: list[pd.DataFrame] = []
    reader = threading.Thread(
        target=lambda: read.append(
            store.query("progress", indicator="", accepted_only=False, years=[])
        )
    )
    caplog.clear()  # the catch-up of reported()'s plain SQL, above
    with caplog.at_level(logging.WARNING, logger="indicators.store.database"):
        reader.start()
        reader.join(0.5)
        assert reader.is_alive()  # the kept figures are behind: it waits for the refresh
        go_on.set()
        writer.join(30)
        reader.join(30)
    assert not reader.is_alive() and not writer.is_alive()
    assert "other means" not in caplog.text  # it did not compute everything again itself
    monkeypatch.undo()
    pd.testing.assert_frame_equal(read[0], store.query("progress_live", **EVERY_VALUE))
    shown = read[0][(read[0]["indicator"] == "visites-entreprise") & (read[0]["scope"] == SCHOOL)]
    assert 70 in set(shown["value"])  # the upload's value, in the figures the reader got
    same_as_live(store)


def test_a_write_whose_refresh_failed_is_stored_and_caught_up_when_read(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reported(store)
    same_as_live(store)

    def broken(con: duckdb.DuckDBPyConnection, touched: object) -> None:
        raise duckdb.IOException("disque plein")

    monkeypatch.setattr("indicators.store.database._refresh_kept", broken)
    with caplog.at_level(logging.ERROR, logger="indicators.store.database"):
        submission = upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    assert "not computed again" in caplog.text
    monkeypatch.undo()
    with duckdb.connect(str(store.path)) as con:  # the values landed
        stored = con.execute(
            "select value from observations where submission_id = $s", {"s": submission}
        ).fetchall()
    assert stored == [(70.0,)]
    same_as_live(store)  # the next read computed what the failed refresh had left behind
