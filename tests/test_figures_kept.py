"""The progress figures kept in the store (migration 14): refreshed by every write that changes
them, in the transaction after its own, they equal what computing them from the observations
gives, after an upload, a superseding upload, a review, a publication and a definition save; a
reader in between waits for them; a write made by other means, or whose refresh failed, is
caught up before they are read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators.analytics import synthesis
from indicators.analytics.progress import EVERY_VALUE
from indicators.definition.loading import load_definition
from indicators.ingest import uploads
from indicators.ingest.uploads import review_submission
from indicators.store import connection, database
from indicators.store.database import Store, query_sql
from indicators.store.stored import stored_definition
from tests.conftest import EVALUATOR, PARTNER_A
from tests.stored import reported
from tests.workbooks import write_workbook

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


def test_an_upload_returns_before_its_refresh_and_a_reader_waits_for_it(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reported(store)
    same_as_live(store)
    begun, go_on = threading.Event(), threading.Event()
    refresh = Store._refresh_deferred

    def held(self: Store, deferred: list[object]) -> None:  # the refresh begun, not done
        begun.set()
        assert go_on.wait(30)
        refresh(self, deferred)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_refresh_deferred", held)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    assert not begun.is_set()  # the upload returned with its values stored, nothing computed
    assert connection.pending(store.path)
    settling = store.settle_soon()  # as the app does after an upload
    assert settling is not None
    assert begun.wait(30)
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
        settling.join(30)
        reader.join(30)
    assert not reader.is_alive() and not settling.is_alive()
    assert "other means" not in caplog.text  # it did not compute everything again itself
    assert not connection.pending(store.path) and store.settle_soon() is None
    monkeypatch.undo()
    pd.testing.assert_frame_equal(read[0], store.query("progress_live", **EVERY_VALUE))
    shown = read[0][(read[0]["indicator"] == "visites-entreprise") & (read[0]["scope"] == SCHOOL)]
    assert 70 in set(shown["value"])  # the upload's value, in the figures the reader got
    same_as_live(store)


def test_a_page_can_tell_the_figures_are_behind_and_wait_for_the_thread_at_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`behind` holds from the upload until the thread computing its figures is done, and
    `catch_up` returns only then (what a figure page's spinner waits for)."""
    reported(store)
    same_as_live(store)  # reported()'s plain SQL caught up by this first read
    assert not store.behind()
    begun, go_on = threading.Event(), threading.Event()
    refresh = Store._refresh_deferred

    def held(self: Store, deferred: list[object]) -> None:
        begun.set()
        assert go_on.wait(30)
        refresh(self, deferred)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_refresh_deferred", held)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    assert store.behind()  # left for later
    settling = store.settle_soon()
    assert settling is not None and begun.wait(30)
    assert not connection.pending(store.path) and store.behind()  # taken, being computed
    waiter = threading.Thread(target=store.catch_up)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive()  # waits for the thread at it
    go_on.set()
    settling.join(30)
    waiter.join(30)
    assert not waiter.is_alive() and not store.behind()
    monkeypatch.undo()
    same_as_live(store)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 71)])
    store.catch_up()  # no thread at it: computed here
    assert not store.behind()
    same_as_live(store)


def test_kept_tables_behind_before_an_upload_are_all_made_again_by_its_refresh(
    store: Store,
) -> None:
    """Kept tables behind (a write by other means, or one whose refresh failed) and an upload
    computed before any read: its refresh makes them all again, not only what it touched, or
    it would record the earlier change as computed and hide it for good."""
    reported(store)  # plain SQL: the kept tables are behind, and nothing has read them
    submission = upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    store.settle()
    same_as_live(store)
    with store._connect() as con:  # by other means again, then a review
        con.execute("update observations set value = value + 1 where organisation = 'asso-elan'")
    assert review_submission(store, EVALUATOR, submission, "accepted")
    same_as_live(store)


def test_uploads_left_for_later_are_computed_with_the_next_write_or_read_only(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reported(store)
    same_as_live(store)
    before = versions(store)
    refreshed: list[object] = []
    refresh = database._refresh_kept

    def counted(con: duckdb.DuckDBPyConnection, touched: database.Touched | None) -> None:
        refreshed.append(touched)
        refresh(con, touched)

    monkeypatch.setattr(database, "_refresh_kept", counted)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 7)])
    other = upload(store, "asso-elan", [("visites-entreprise", "0950002L", T1, 5)])
    assert refreshed == [] and versions(store) != before  # the read computed them: once
    assert len(refreshed) == 1 and refreshed[0] is not None  # both uploads, not everything
    assert {p for p in versions(store) if versions(store)[p] != before.get(p)} == {
        ("visites-entreprise", "2024-2025")
    }
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 9)])  # left for later
    caplog.clear()  # the catch-up of reported()'s plain SQL, above
    with caplog.at_level(logging.WARNING, logger="indicators.store.database"):
        assert review_submission(store, EVALUATOR, other, "accepted")  # a write: computes both
    assert not connection.pending(store.path) and len(refreshed) == 2
    assert "other means" not in caplog.text
    monkeypatch.undo()
    same_as_live(store)


def test_a_partners_upload_through_the_app_has_its_figures_made_in_a_thread(
    store: Store, definition_dir: Path, tmp_path: Path
) -> None:
    reported(store)
    same_as_live(store)
    path = write_workbook(
        tmp_path / "bilan.xlsx",
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Nb visites", SCHOOL, "T1 2024-2025", 70],
            ]
        },
    )
    before = set(threading.enumerate())
    done = uploads.confirm_upload(
        store, PARTNER_A, load_definition(definition_dir), "ent-valmont", path, "bilan.xlsx"
    )
    assert done.status == "received", done.summary()
    settling = [t for t in set(threading.enumerate()) - before if t.name.startswith("settle ")]
    for thread in settling:
        thread.join(60)
    assert not connection.pending(store.path)  # made by the thread, no read asked for them
    with duckdb.connect(str(store.path)) as con:
        assert not database._kept_behind(con)
    same_as_live(store)


def test_a_server_that_stops_computes_what_its_uploads_left_first(store: Store) -> None:
    reported(store)
    same_as_live(store)
    upload(store, "ent-valmont", [("visites-entreprise", SCHOOL, T1, 70)])
    assert connection.pending(store.path)
    database.close_idle()  # what web.lifespan does when the server stops
    assert not connection.pending(store.path)
    assert str(store.path.resolve()) not in connection.open_files()
    with duckdb.connect(str(store.path)) as con:
        assert not database._kept_behind(con)


def test_a_process_that_exits_after_an_upload_computes_its_figures_first(
    store: Store, tmp_path: Path
) -> None:
    reported(store)
    same_as_live(store)
    store.close()
    script = tmp_path / "upload.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from indicators.store import connection\n"
        "from indicators.store.database import Store\n"
        "from tests.test_figures_kept import SCHOOL, T1, upload\n"
        "store = Store(Path(sys.argv[1]))\n"
        "upload(store, 'ent-valmont', [('visites-entreprise', SCHOOL, T1, 70)])\n"
        "assert connection.pending(store.path)\n"  # left for later: done at exit
    )
    done = subprocess.run(
        [sys.executable, str(script), str(store.path)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(store.path)) as con:
        assert not database._kept_behind(con)  # the exit computed them, not the next reader
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
        store.settle()  # as the app's thread does after an upload
    assert "not computed again" in caplog.text
    monkeypatch.undo()
    with duckdb.connect(str(store.path)) as con:  # the values landed
        stored = con.execute(
            "select value from observations where submission_id = $s", {"s": submission}
        ).fetchall()
    assert stored == [(70.0,)]
    same_as_live(store)  # the next read computed what the failed refresh had left behind
