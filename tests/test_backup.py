"""mesure backup and mesure restore: a consistent copy while the store is in use, and a
restore that is all or nothing and keeps what it replaces."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from indicators.cli import EXIT_OK, EXIT_STORE, EXIT_USAGE, main
from indicators.definition.loading import load_definition
from indicators.ingest.pipeline import ingest
from indicators.store import database as store_module
from indicators.store.database import LATEST_SCHEMA, Store, StoreError
from indicators.store.setup import init_store
from tests.conftest import BASE_DEFINITION, PROJECT
from tests.stored import reported
from tests.test_concurrency import workbook


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows of `sql` read from the file at `path` in a connection of its own."""
    Store(path).close()
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def content(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: two stores with the same content compare equal."""
    store.close()
    with duckdb.connect(str(store.path), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {
            name: sorted(con.execute(f'select * from "{name}"').fetchall(), key=repr)
            for name in names
        }


def test_a_backup_holds_everything_even_what_is_still_in_the_write_ahead_log(
    store: Store, tmp_path: Path
) -> None:
    reported(store)
    store.audit("test", "probe")  # the process keeps the store open: this is in the log
    wal = Path(f"{store.path}.wal")
    assert wal.exists() and wal.stat().st_size > 0
    naive = tmp_path / "naive.duckdb"
    shutil.copy(store.path, naive)  # what copying the file alone gives
    assert rows(naive, "select count(*) from audit_log where action = 'probe'") == [(0,)]

    done = store.backup(tmp_path / "copie.duckdb", actor="test")
    copy = Store(done.path)
    assert rows(done.path, "select count(*) from audit_log where action = 'probe'") == [(1,)]
    assert done.tables == len(store.tables()) and done.rows > 0 and done.size_bytes > 0
    source, copied = content(store), content(copy)
    source["audit_log"] = [r for r in source["audit_log"] if r[3] != "store.backup"]
    assert copied == source
    assert copy.schema_version() == LATEST_SCHEMA
    # the copy is a working store: new ids follow the old ones (sequences copied)
    definition = load_definition(BASE_DEFINITION)
    outcome = ingest(copy, workbook(tmp_path, "ent-valmont", 1), definition, "ent-valmont", "t")
    assert outcome.status == "received" and outcome.submission == 6


def test_a_backup_never_holds_half_an_upload(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload paused inside its transaction: the backup waits for it, then holds all of it."""
    inside, go_on = threading.Event(), threading.Event()
    audit = store_module._audit

    def paused_audit(con: duckdb.DuckDBPyConnection, *args: object) -> None:
        if args[2] == "submission.upload":
            inside.set()
            assert go_on.wait(30)
        audit(con, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "_audit", paused_audit)
    definition = load_definition(BASE_DEFINITION)
    path = workbook(tmp_path, "ent-valmont", 1)
    upload = threading.Thread(target=ingest, args=(store, path, definition, "ent-valmont", "test"))
    upload.start()
    assert inside.wait(30)
    finished: list[Path] = []
    backup = threading.Thread(
        target=lambda: finished.append(store.backup(tmp_path / "b.duckdb").path)
    )
    backup.start()
    time.sleep(0.5)
    assert not finished  # waiting for the upload to end
    go_on.set()
    upload.join(30)
    backup.join(30)
    assert finished
    assert rows(finished[0], "select count(*) from submissions") == [(1,)]
    assert rows(finished[0], "select count(*) from observations where is_current") == [(2,)]


UPLOADER = """
import sys
sys.path.insert(0, {project!r})
from pathlib import Path
from indicators.definition.loading import load_definition
from indicators.ingest.pipeline import ingest
from indicators.store.database import Store
from tests.test_concurrency import workbook
definition = load_definition(Path({definition!r}))
store = Store({db!r})
for n in range(1, 9):
    ingest(store, workbook(Path({folder!r}), "ent-valmont", n), definition, "ent-valmont", "app")
    print(n, flush=True)
"""


def test_mesure_backup_while_another_process_uploads(store: Store, tmp_path: Path) -> None:
    """An app process uploads file after file; `mesure backup` from another process waits for
    the file and writes a copy where every upload is whole."""
    store.close()
    script = UPLOADER.format(
        project=str(PROJECT),
        definition=str(BASE_DEFINITION),
        db=str(store.path),
        folder=str(tmp_path),
    )
    app = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "MESURE_STORE_LINGER": "1"},
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "1"
        target = tmp_path / "pendant.duckdb"
        command = [sys.executable, "-m", "indicators.cli", "--db", str(store.path), "backup"]
        done = subprocess.run(
            [*command, str(target), "--wait", "120"],
            capture_output=True,
            text=True,
            cwd=PROJECT,
            timeout=180,
        )
        assert done.returncode == EXIT_OK, done.stderr
        assert "Sauvegarde écrite" in done.stdout
    finally:
        app.wait(timeout=120)
    uploads = rows(target, "select count(*) from submissions")[0][0]
    assert isinstance(uploads, int) and 1 <= uploads <= 8
    per_upload = rows(
        target, "select submission_id, count(*) from observations group by all order by 1"
    )
    assert [count for _, count in per_upload] == [2] * uploads  # each upload whole


def test_restore_replaces_the_content_and_keeps_what_it_replaced(
    store: Store, tmp_path: Path
) -> None:
    reported(store)
    saved = store.backup(tmp_path / "avant.duckdb").path
    before = content(store)
    definition = load_definition(BASE_DEFINITION)
    ingest(store, workbook(tmp_path, "ent-valmont", 1), definition, "ent-valmont", "test")
    changed = content(store)
    assert changed != before

    store.restore(saved, actor="test")
    after = content(store)
    assert after["observations"] == before["observations"]
    assert after["submissions"] == before["submissions"]
    assert "store.restore" in [r[3] for r in after["audit_log"]]
    kept = list(tmp_path.glob("mesure.avant-restauration-*.duckdb"))
    assert len(kept) == 1
    assert content(Store(kept[0]))["observations"] == changed["observations"]
    # still a working store, whose ids go on from the backup's
    outcome = ingest(store, workbook(tmp_path, "ent-valmont", 2), definition, "ent-valmont", "t")
    assert outcome.status == "received" and outcome.submission == 6


@pytest.mark.parametrize("kind", ["not-duckdb", "not-a-store", "newer", "missing"])
def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(
    store: Store, tmp_path: Path, kind: str
) -> None:
    reported(store)
    before = content(store)
    source = tmp_path / f"{kind}.duckdb"
    if kind == "not-duckdb":
        source.write_bytes(b"PK\x03\x04 not a database")
    elif kind == "not-a-store":
        with duckdb.connect(str(source)) as con:
            con.execute("create table t (x integer)")
    elif kind == "newer":
        store.backup(source)
        with duckdb.connect(str(source)) as con:
            con.execute("insert into schema_migrations values (999, '999_future', now())")
    message = {
        "not-duckdb": "n'est pas une base DuckDB lisible",
        "not-a-store": "n'est pas une base Mesure commune",
        "newer": "plus récent que ce logiciel",
        "missing": "Pas de sauvegarde",
    }[kind]
    with pytest.raises(StoreError, match=message):
        store.restore(source)
    after = content(store)
    assert after["observations"] == before["observations"]
    assert not list(tmp_path.glob("*avant-restauration*"))


def test_a_backup_cannot_overwrite_the_store_itself(store: Store) -> None:
    with pytest.raises(StoreError, match="ne peut pas remplacer la base"):
        store.backup(store.path)


def test_cli_backup_and_restore(
    tmp_path: Path, definition_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.duckdb"
    init_store(db, definition_dir)
    copy = tmp_path / "sauvegardes" / "copie.duckdb"
    assert main(["--db", str(db), "backup", str(copy)]) == EXIT_OK
    assert "Sauvegarde écrite" in capsys.readouterr().out and copy.is_file()
    assert main(["--db", str(tmp_path / "absente.duckdb"), "backup", str(copy)]) == EXIT_STORE
    assert "Pas de base" in capsys.readouterr().err
    # no terminal to ask: --yes is required
    assert main(["--db", str(db), "restore", str(copy)]) == EXIT_USAGE
    assert "--yes pour confirmer" in capsys.readouterr().err
    assert main(["--db", str(db), "restore", str(copy), "--yes"]) == EXIT_OK
    assert "Base restaurée" in capsys.readouterr().out
    assert main(["--db", str(db), "restore", str(tmp_path / "rien.duckdb"), "--yes"]) == EXIT_STORE
    assert "Pas de sauvegarde" in capsys.readouterr().err
