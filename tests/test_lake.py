"""The store on DuckLake (`MESURE_STORE=ducklake:postgres:…;data=…`), its catalog in a
PostgreSQL server the tests start themselves: the store's writes, ids, races between two
instances (as two servers have), maintenance, and what a file's commands say there.

Two real app servers on one lake, an upload through each at the same moment and a server
killed mid-upload, are the journeys of tests/test_lake_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators.analytics import progress
from indicators.cli import main
from indicators.definition.loading import load_definition
from indicators.ingest.pipeline import ingest
from indicators.store import connection, database
from indicators.store.database import Store, StoreError, lake_sql, migrations
from indicators.store.setup import init_store
from tests import postgres
from tests.conftest import BASE_DEFINITION, PARTNER_A
from tests.test_concurrency import workbook

needs_postgres = pytest.mark.skipif(bool(postgres.missing()), reason=postgres.missing())


def test_migrations_on_a_lake_keep_no_key_no_index_no_sequence() -> None:
    """What DuckLake refuses is taken out, the rest (NOT NULL, literal defaults) stays."""
    for number, name, sql in migrations():
        lake = lake_sql(sql).lower()
        for refused in ("primary key", "create sequence", "nextval", "create index"):
            assert refused not in lake, (name, refused)
        assert lake.count("not null") >= sql.lower().count("not null"), name
        assert "default false" not in lake and "default true" not in lake, number


def test_lake_url_is_parsed_and_a_file_is_not_a_lake() -> None:
    lake = connection.Lake.parse("ducklake:postgres:dbname=m host=127.0.0.1;data=/srv/lake")
    assert lake == connection.Lake("postgres:dbname=m host=127.0.0.1", "/srv/lake")
    assert connection.Lake.parse("/srv/mesure.duckdb") is None
    with pytest.raises(ValueError, match="data="):
        connection.Lake.parse("ducklake:postgres:dbname=m")
    assert len(connection.extension_files()) == 2, "duckdb-ext-ducklake, duckdb-ext-postgres"


@pytest.fixture(scope="module")
def server() -> Iterator[postgres.Server]:
    if postgres.missing():
        pytest.skip(postgres.missing())
    with postgres.running() as running:
        yield running
        for key in connection.pending_paths():  # its lakes go with it: nothing to compute at exit
            if key.startswith(connection.LAKE_PREFIX):
                connection.take_pending(Path(key))


@pytest.fixture
def lake(server: postgres.Server, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new shared store holding the fixture definition: its `MESURE_STORE` URL (closed in
    this process afterwards: the next test of the worker finds no store left open)."""
    url = server.lake(f"lake_{request.node.name.lower()[:40]}", tmp_path / "lake")
    init_store(Path(url), BASE_DEFINITION)
    yield url
    connection.release(Path(url))


def stored(url: str) -> tuple[list[tuple[int, str, str]], list[tuple[object, ...]]]:
    """The store's submissions (id, organisation, file) and values (with their ids)."""
    with Store(url)._connect() as con:
        subs = con.execute("select id, organisation, filename from submissions order by id")
        listed = [(int(i), str(o), str(f)) for i, o, f in subs.fetchall()]
        values = con.execute(
            "select id, submission_id, indicator, place, value, is_current from observations"
            " order by id"
        ).fetchall()
    return listed, values


@needs_postgres
def test_the_store_works_on_a_lake(
    lake: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Upload, supersede, a note, a setting, a review, partners' protected figures kept:
    the store's writes on DuckLake."""
    store = Store(lake)
    definition = load_definition(BASE_DEFINITION)
    assert store.exists() and store.schema_version() == migrations()[-1][0]
    first = ingest(store, workbook(tmp_path, "ent-valmont", 1), definition, "ent-valmont", "p")
    second = ingest(store, workbook(tmp_path, "ent-valmont", 2), definition, "ent-valmont", "p")
    assert first.status == second.status == "received"
    values = store.query("observations", org="ent-valmont")
    assert len(values) == 4 and values["is_current"].sum() == 2
    ids = [v[0] for v in stored(lake)[1]]
    assert ids == [1, 2, 3, 4]  # from the counters, in order, as a sequence gives them
    note = store.execute(
        "note_add",
        at=store.clock(),
        author="e",
        kind="note",
        indicator=None,
        node=None,
        place=None,
        period=None,
        body="x",
        visibility="team",
        organisation=None,
    )
    assert note == [(1,)]
    assert store.setting("k", lambda: "a") == store.setting("k", lambda: "b") == "a"
    reviewed = store.execute(
        "submission_review",
        ids=[second.submission],
        status="accepted",
        comment="",
        by="e",
        at=store.clock(),
    )
    assert reviewed == [(second.submission,)]
    # partners' protected figures kept, twice (the second time in place of the first, after a
    # review changed them), and read by the next process
    for status in ("returned", "accepted"):
        progress.forget()
        assert store.execute(
            "submission_review",
            ids=[second.submission],
            status=status,
            comment="",
            by="e",
            at=store.clock(),
        )
        seen = progress.figures(store, PARTNER_A)
    assert "not kept" not in caplog.text and "not read" not in caplog.text
    own = len(store.query("organisation_pieces", org="ent-valmont"))
    pieces = len(store.query("indicators")) * len(progress.school_years(store))
    with store._connect() as con:
        kept = con.execute("select organisation, count(*) from partner_pieces group by all")
        # every piece for every partner (while the submission was returned, Valmont had no
        # value in any), and Valmont's own
        assert dict(kept.fetchall()) == {"": pieces, "ent-valmont": own} and own > 0
    progress.forget()
    pd.testing.assert_frame_equal(progress.figures(store, PARTNER_A), seen)


def parquet_files(folder: Path) -> set[Path]:
    return set(folder.rglob("*.parquet"))


@needs_postgres
def test_a_store_file_moves_into_a_new_lake(server: postgres.Server, tmp_path: Path) -> None:
    """`import_file`: every row of the file, and ids that go on after the file's."""
    definition = load_definition(BASE_DEFINITION)
    file, _ = init_store(tmp_path / "mesure.duckdb", BASE_DEFINITION)
    ingest(file, workbook(tmp_path, "ent-valmont", 1), definition, "ent-valmont", "p")
    file.close()
    url = server.lake("lake_import", tmp_path / "lake")
    copied = Store(url).import_file(file.path)
    assert copied.rows > 0 and stored(url)[1] == [
        (i, s, ind, pl, v, c) for i, s, ind, pl, v, c in stored(str(file.path))[1]
    ]
    later = ingest(Store(url), workbook(tmp_path, "ent-valmont", 2), definition, "ent-valmont", "p")
    ids = [int(str(v[0])) for v in stored(url)[1]]
    assert later.submission is not None and later.submission > 1
    assert ids[:2] == [1, 2] and len(set(ids)) == 4 and min(ids[2:]) > 2


@needs_postgres
def test_a_write_that_loses_the_race_is_done_again(lake: str) -> None:
    """Two instances of the store (as two servers have): one commits while the other is in
    its transaction; the other's commit conflicts and its whole work is done again."""
    other = Store(lake.replace(";data=", ";data= "))  # the same lake, another instance
    assert connection.Lake.parse(other.path.as_posix()) is not None
    inside, go_on = threading.Event(), threading.Event()
    attempts: list[int] = []

    def slow(con: duckdb.DuckDBPyConnection) -> None:
        attempts.append(1)
        con.execute("insert into settings values ('slow', $n)", {"n": str(len(attempts))})
        if len(attempts) == 1:
            inside.set()
            go_on.wait(30)

    worker = threading.Thread(target=Store(lake)._write, args=(slow,))
    worker.start()
    assert inside.wait(60)
    other.audit("fast", "test")  # commits first
    go_on.set()
    worker.join(60)
    assert len(attempts) == 2  # the first attempt conflicted, the second landed
    assert Store(lake).setting("slow", lambda: "") == "2"
    assert (
        len(
            Store(lake).query(
                "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1)
            )
        )
        >= 1
    )


@needs_postgres
def test_file_commands_say_what_to_use_on_a_lake(lake: str, tmp_path: Path) -> None:
    """backup, restore and move are for a file: on a lake each says what to do instead."""
    store = Store(lake)
    for act in (
        lambda: store.backup(tmp_path / "copy.duckdb"),
        lambda: store.restore(tmp_path / "copy.duckdb"),
        lambda: store.move_to(tmp_path / "moved.duckdb"),
    ):
        with pytest.raises(StoreError, match="DuckLake"):
            act()


def everything(url: str) -> dict[str, list[str]]:
    """Every row of every table of the store (the maintenance's own audit entry left out)."""
    with Store(url)._connect() as con:
        names = [
            str(n)
            for (n,) in con.execute(
                "select table_name from duckdb_tables() where database_name = $db",
                {"db": connection.LAKE_ALIAS},
            ).fetchall()
        ]
        rows = {n: sorted(map(repr, con.execute(f"select * from {n}").fetchall())) for n in names}
    rows["audit_log"] = [r for r in rows["audit_log"] if "store.maintenance" not in r]
    rows["lake_ids"] = [r for r in rows["lake_ids"] if "audit_ids" not in r]  # and its id
    return rows


@needs_postgres
def test_maintenance_merges_and_deletes_files_and_keeps_the_data(
    lake: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mesure maintenance` on a lake after several uploads: fewer files on disk and in use,
    the same rows in every table, an orphan deleted, the run audited, the next upload stored."""
    found = connection.Lake.parse(lake)
    assert found is not None
    data = Path(found.data)
    store, definition = Store(lake), load_definition(BASE_DEFINITION)
    for n in range(1, 5):
        for org in ("ent-valmont", "asso-elan"):
            ingest(store, workbook(tmp_path, org, n), definition, org, "p")
    orphan = data / "main" / "orphelin.parquet"  # as a server killed mid-upload leaves one
    orphan.write_bytes(next(iter(parquet_files(data))).read_bytes())
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    before, files = everything(lake), parquet_files(data)

    assert main(["maintenance", "--db", lake, "--keep-days", "0"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Base partagée entretenue : ") and "instantanés expirés" in said

    after = parquet_files(data)
    assert len(after) < len(files) / 2 and orphan not in after
    assert everything(lake) == before
    logged = Store(lake).query(
        "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1)
    )
    entry = logged[logged["action"] == "store.maintenance"]
    assert len(entry) == 1
    details = json.loads(entry["details"].iloc[0])
    assert details["after"] < details["before"] and details["files_deleted"] >= len(files) / 2
    assert details["snapshots_expired"] > 8
    later = ingest(store, workbook(tmp_path, "ent-valmont", 9), definition, "ent-valmont", "p")
    assert later.status == "received"
    assert len(everything(lake)["observations"]) == len(before["observations"]) + 2


@needs_postgres
def test_a_write_that_always_loses_the_race_is_refused_in_french(
    lake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another server commits during every attempt: after LAKE_RETRIES attempts, a StoreError
    in French, and nothing of the write in the store."""
    monkeypatch.setattr(database, "LAKE_RETRIES", 3)
    other = Store(lake.replace(";data=", ";data= "))  # the same lake, another instance
    attempts: list[int] = []

    def overtaken(con: duckdb.DuckDBPyConnection) -> None:
        attempts.append(1)
        con.execute("insert into settings values ('perdu', 'x')")
        other.audit("autre-serveur", "test")  # commits first, every time

    with pytest.raises(StoreError, match="Rien n'a été enregistré ; réessayez dans un instant"):
        Store(lake)._write(overtaken)
    assert len(attempts) == 3
    with Store(lake)._connect() as con:
        assert con.execute("select count(*) from settings where key = 'perdu'").fetchall() == [(0,)]
        others = con.execute("select count(*) from audit_log where actor = 'autre-serveur'")
        assert others.fetchall() == [(3,)]  # the other server's writes, each time
