"""The DuckDB store: the only module that opens a connection or runs a statement.

Schema changes are the numbered files of `sql/migrations/`, applied in order, each in its own
transaction, and recorded in `schema_migrations`. Read queries are the files of
`sql/queries/`, one relation per file, grain on the first line, run with `$name` parameters.

The store is a DuckDB file (the default) or a DuckLake (`MESURE_STORE=ducklake:…`, see
connection.Lake), which several app servers share. DuckLake has no sequences, keys, indexes nor
RETURNING, so the same migrations run there without them (`lake_sql`), and every writing
transaction takes its ids from the table `lake_ids`, which it also updates: two transactions
that write at the same moment, from two servers, then conflict, and the one that lost is run
again from the start (`Store._write`), so writes are serialised as the file's writer lock
serialises them in one process, and a uniqueness that a key would check is checked by the
code inside the transaction.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import pandas as pd
import pyarrow

from indicators.common.problems import DefinitionError, DefinitionProblem
from indicators.common.text import normalise
from indicators.definition.model import SEMANTIC_FIELDS, Definition, Indicator
from indicators.definition.writing import files as definition_files
from indicators.store import connection

log = logging.getLogger(__name__)
SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
QUERIES_DIR = SQL_DIR / "queries"
STATEMENTS_DIR = SQL_DIR / "statements"
PROJECT_DIR = Path(__file__).resolve().parents[2]  # indicators/store/database.py


def data_dir() -> Path:
    """The definition folder: `MESURE_DATA`, else the project's `data/`."""
    return Path(os.environ.get("MESURE_DATA") or PROJECT_DIR / "data")


def default_db_path() -> Path:
    """The store: `MESURE_STORE` (a file, or a DuckLake URL `ducklake:<catalog>;data=<folder>`),
    else the file `MESURE_DB`, else `data/mesure.duckdb` in the project."""
    return Path(
        os.environ.get("MESURE_STORE")
        or os.environ.get("MESURE_DB")
        or PROJECT_DIR / "data" / "mesure.duckdb"
    )


def is_lake(path: Path | str) -> bool:
    """True when `path` names a DuckLake store rather than a file."""
    return str(path).startswith(connection.LAKE_PREFIX)


def close_idle() -> None:
    """Close every store file of this process no one is using (DuckDB checkpoints it), once
    what its uploads left for later is computed: what the process's exit does, for a server
    that stops serving."""
    _settle_all()
    connection.close_all()


T = TypeVar("T")
LAKE_RETRIES = 50  # attempts of a transaction that lost a race to another server
KEEP = dt.timedelta(days=7)  # what maintenance keeps: snapshots, and files unused since
ROW_GROUP = 122_880  # rows of a DuckDB row group (its default row_group_size)


def lake_sql(sql: str) -> str:
    """A migration as DuckLake takes it: no sequences (their counters are rows of `lake_ids`),
    no keys nor indexes (NOT NULL stays), defaults as plain literals."""
    sql = re.sub(r"create sequence (\w+) start 1;", r"insert into lake_ids values ('\1', 0);", sql)
    sql = re.sub(r"create index [^;]*;", "", sql)
    sql = re.sub(r"( primary key| not null)? default nextval\('\w+'\)", " not null", sql)
    sql = re.sub(r",\s*primary key \([^)]*\)", "", sql)
    sql = re.sub(r" primary key", " not null", sql)
    return re.sub(r"default (true|false)\b", r"default '\1'", sql)


_INCLUDE = re.compile(r"\{\{(\w+)\}\}")
_LEADING_WITH = re.compile(r"\A((?:\s|--[^\n]*\n)*)with\s+(recursive\s+)?", re.IGNORECASE)


@functools.cache
def _query_text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _included(name: str, found: dict[str, None]) -> dict[str, None]:
    """The queries `name` includes, directly or not, each once, each after those it includes."""
    for other in _INCLUDE.findall(_query_text(name)):
        if other not in found:
            _included(other, found)
            found[other] = None
    return found


@functools.cache
def query_sql(name: str, made: tuple[str, ...] = ()) -> str:
    """The SQL of `sql/queries/<name>.sql`. Each query it includes (`{{other}}`, directly or
    through another) is a common table expression `__other` of the statement's own WITH, its
    own includes before it, and `{{other}}` reads it; an included query named in `made` is
    not computed: `{{other}}` reads the table `__other` the caller made (so that two
    statements of one transaction share it).

    Not a subquery in place: DuckDB's parser and planner take time out of proportion to a
    statement's length for a WITH nested in a subquery nested in a WITH (progress_live:
    parse 31 ms, whole run 56 ms on a few hundred values; as CTEs of one WITH: 3 ms, 21 ms,
    the same rows), and the suite and the demo run thousands of them."""
    refer = lambda m: f"__{m.group(1)}"  # noqa: E731
    body = _INCLUDE.sub(refer, _query_text(name))
    includes = _included(name, dict.fromkeys(made))
    for other in made:
        includes.pop(other, None)
    if not includes:
        return body
    ctes = ",\n".join(
        f"__{other} as (\n{_INCLUDE.sub(refer, _query_text(other))}\n)" for other in includes
    )
    leading = _LEADING_WITH.match(body)
    if leading is None:
        return f"with {ctes}\n{body}"
    return f"{leading.group(1)}with {leading.group(2) or ''}{ctes},\n{body[leading.end() :]}"


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every migration, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number = int(path.name.split("_", 1)[0])
        found.append((number, path.stem, path.read_text(encoding="utf-8")))
    return found


LATEST_SCHEMA = migrations()[-1][0]


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


@dataclass(frozen=True)
class LoadSummary:
    """What `save_definition` changed in the store."""

    new_indicators: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BackupSummary:
    """What a backup wrote, or a restore read: the file, its tables and rows, bytes, seconds."""

    path: Path
    tables: int
    rows: int
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class MaintenanceSummary:
    """What `Store.maintain` did. A lake counts its data and delete files (before, after),
    the snapshots it expired and the files it deleted; a file counts its bytes."""

    lake: bool
    before: int
    after: int
    snapshots_expired: int
    files_deleted: int
    seconds: float


@dataclass(frozen=True)
class Audit:
    """One audit-log entry, written in the same transaction as the change it records."""

    actor: str
    action: str
    target: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """One file's values for `Store.load_batch`, with what `load_values` is told about them.

    `rows` are the values as `load_values` reads them. A refused upload's rows are counted
    but not stored: the attempt is only written to the audit log."""

    organisation: str
    rows: pd.DataFrame
    filename: str
    sha256: str
    size: int
    uploaded_by: str
    received_at: dt.datetime
    problems: dict[str, Any] = field(default_factory=dict)
    refused: bool = False


def indicator_sheet(ind: Indicator) -> dict[str, Any]:
    """The full reference sheet of an indicator as JSON-ready data."""
    sheet: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(ind)))
    return sheet


def definition_hash(sheet: dict[str, Any]) -> str:
    """A fingerprint of the fields that change what an indicator measures."""
    semantic = {name: sheet[name] for name in SEMANTIC_FIELDS}
    return hashlib.sha256(json.dumps(semantic, sort_keys=True).encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Store:
    """One initiative's DuckDB file."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        patience: float | None = None,
    ):
        self.path = Path(path)
        self.lake = connection.Lake.parse(str(path))
        # The time recorded as an upload's `uploaded_at` (naive UTC); the demo sets its own.
        self.clock = clock or _now
        # Seconds to wait for the file while another process holds it (None: connection.wait())
        self.patience = patience

    # -- connections --------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the process's instance of this file (see connection.py): safe for this
        thread, while other threads read at the same time."""
        try:
            with connection.cursor(self.path, self.patience) as con:
                yield con
        except connection.StoreFormatError as exc:
            raise StoreError(
                f"La base {self.path} a été écrite par une autre version de DuckDB que celle du"
                " projet (1.4) : exportez-la avec la version qui l'a écrite (mesure export) puis"
                " rechargez-la, ou repartez d'une nouvelle base (mesure init)."
                f" / The store was written by another DuckDB version than the project's. ({exc})"
            ) from exc
        except connection.StoreBusyError as exc:
            if self.lake:
                raise StoreError(
                    "La base partagée (DuckLake) est injoignable ; réessayez dans un instant."
                    f" / The shared store cannot be reached. ({exc})"
                ) from exc
            raise StoreError(
                f"La base {self.path} est ouverte par un autre processus ; réessayez dans un instant."
                f" / The store is locked by another process. ({exc})"
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One writing transaction; the writers of this process take their turn, so two
        simultaneous writes never conflict (they would otherwise fail with "Conflict on
        update"). On a DuckLake, see `_write` for the writers of other processes."""
        with connection.writing(self.path), self._connect() as con:
            con.begin()
            try:
                counters = _take_ids(con) if self.lake else {}
                yield con
                if self.lake:
                    _keep_ids(con, counters)
            except BaseException:
                con.rollback()
                raise
            try:
                con.commit()
            except duckdb.Error:
                _rollback_quietly(con)
                raise

    def _write(
        self,
        work: Callable[[duckdb.DuckDBPyConnection], T],
        *,
        later: bool = False,
        kept: bool = False,
    ) -> T:
        """`work` done in one writing transaction, all of it or nothing; on a DuckLake, done
        again from the start when another server's transaction committed first and they
        conflict (LAKE_RETRIES times at most, after a growing random pause; then StoreError,
        nothing written).

        What the write changed of the kept tables is computed again right after it commits,
        or, when `later`, left for `settle` (the next read of them, or a caller that does not
        wait for it): an upload returns once its values are stored.

        `kept`: the work changes what the kept tables are made of. When they were already
        behind before it (a write by other means, or a write whose refresh failed) with no
        upload of this process waiting, all of them are made again, not only what it touched:
        the refresh records the observations it saw as computed, and would hide the earlier
        change for good. Not on a DuckLake, where another server's upload whose figures it is
        computing looks the same."""

        deferred: list[Touched | None] = []

        def attempt() -> T:
            deferred.clear()
            token = _DEFERRED.set(deferred)
            try:
                with self._transaction() as con:
                    # uploads of this process left for later explain a difference: checked
                    # only when none waits (the lock held, none can be added meanwhile); on a
                    # DuckLake, so do another server's, which it is computing: not checked
                    behind = (
                        kept
                        and not self.lake
                        and not connection.pending(self.path)
                        and _kept_behind(con)
                    )
                    done = work(con)
                    if behind and deferred:
                        deferred[:] = [None]  # everything
                    return done
            finally:
                _DEFERRED.reset(token)

        # the lock held from the write to the refresh of what it touched: a reader of the kept
        # tables in between finds them behind and waits for it (`_catch_up`)
        with connection.writing(self.path):
            done = _retried(attempt) if self.lake else attempt()
            if deferred and later:
                connection.defer(self.path, _merged(deferred))
            elif deferred:  # with what earlier writes left for later: figures_made covers both
                self._refresh_deferred(self._waiting() + deferred)
        return done

    def settle(self) -> None:
        """Compute now what the uploads stored since the kept tables were last computed
        changed of them (`_write(later=True)`); the next read of them does it otherwise. A
        caller that does not want to wait runs it in a thread of its own: readers and writers
        of the store wait for it meanwhile."""
        if not connection.pending(self.path):
            return
        self._settle_now()

    def _settle_now(self) -> None:
        with connection.writing(self.path):
            waiting = self._waiting()
            if waiting:
                with connection.computing(self.path):
                    self._refresh_deferred(waiting)

    def behind(self) -> bool:
        """True while the kept tables wait to be computed again after an upload, or are being
        computed (a page about to read them can say why it waits: `catch_up`)."""
        return connection.behind(self.path)

    def catch_up(self) -> None:
        """Return once the kept tables hold every upload stored in this process: computed by
        the thread already at it (waited for), or here."""
        if self.behind():
            self._settle_now()

    def _waiting(self) -> list[Touched | None]:
        """What the uploads left for later (`settle`), taken: nothing waits after."""
        return cast(list[Touched | None], connection.take_pending(self.path))

    def _refresh_deferred(self, deferred: list[Touched | None]) -> None:
        """Compute again, in a transaction of its own, what the write just committed touched.

        Not in the write's transaction: DuckDB reads the rows a transaction has not committed
        yet about twice as slowly as committed ones (an upload of 818,181 values: 4.5 s against
        2.4 s). Should it fail, the values stay stored and the kept tables stay behind: the
        next read computes them all again (`_catch_up`)."""
        touched = _merged(deferred)

        def attempt() -> None:
            with self._transaction() as con:
                _refresh_kept(con, touched)

        try:
            _retried(attempt) if self.lake else attempt()
        except Exception:  # the write itself landed: say so, and let the next read catch up
            log.exception("kept tables not computed again after a write to %s", self.path)

    def settle_soon(self) -> threading.Thread | None:
        """`settle` in a thread of its own (the interpreter waits for it before exiting),
        when something waits: the thread, None when nothing waits."""
        if not connection.pending(self.path):
            return None
        thread = threading.Thread(target=self._settle_logged, name=f"settle {self.path.name}")
        thread.start()
        return thread

    def _settle_logged(self) -> None:
        try:
            self.settle()
        except Exception:  # a thread of its own: no caller to tell; the next read catches up
            log.exception("kept tables of %s not computed after an upload", self.path)

    def close(self) -> None:
        """Let go of the file in this process (done before it is moved, replaced or copied
        by hand), once the kept tables are computed; the next call opens it again."""
        self.settle()
        if not connection.release(self.path):
            raise StoreError(
                f"La base {self.path} est encore utilisée ; réessayez dans un instant."
                f" / The store is still in use."
            )

    def move_to(self, target: Path) -> None:
        """Move the store file to `target` (replacing it), once this process let go of both."""
        if self.lake:
            raise StoreError("A DuckLake store is not a file: it cannot be moved.")
        self.close()
        Store(target).close()
        self.path.replace(target)
        Path(f"{self.path}.wal").unlink(missing_ok=True)  # empty: closing checkpointed it

    # -- schema -------------------------------------------------------------------------

    def exists(self) -> bool:
        """True when the file exists; for a DuckLake, when its catalog holds a store."""
        if self.lake:
            with self._connect() as con:
                return _applied_version(con) > 0
        return self.path.is_file()

    def schema_version(self) -> int:
        """The number of the last migration applied, 0 for an empty or missing store."""
        if not self.lake and not self.exists():
            return 0
        with self._connect() as con:
            return _applied_version(con)

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply the missing migrations up to `target` (default: all); return their numbers."""
        target = LATEST_SCHEMA if target is None else target
        if self.lake:
            # two servers that start together migrate together: the one that lost starts over
            return _retried(functools.partial(self._migrate, target))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self._migrate(target)

    def _migrate(self, target: int) -> list[int]:
        applied = []
        with connection.writing(self.path), self._connect() as con:
            current = _schema_version(con, lake=bool(self.lake))
            if current > LATEST_SCHEMA:
                raise StoreError(
                    f"La base {self.path} est au schéma {current}, plus récent que ce logiciel"
                    f" ({LATEST_SCHEMA}) : mettez Mesure commune à jour."
                    f" / The store's schema is newer than this software: upgrade it."
                )
            for number, name, sql in migrations():
                if current < number <= target:
                    con.begin()
                    try:
                        con.execute(lake_sql(sql) if self.lake else sql)
                        if number in _AFTER_MIGRATION:  # fill what it made, in its transaction
                            _AFTER_MIGRATION[number](con)
                        con.execute(
                            "insert into schema_migrations values ($n, $name, $at)",
                            {"n": number, "name": name, "at": _now()},
                        )
                    except BaseException:
                        con.rollback()
                        raise
                    try:
                        con.commit()
                    except duckdb.Error:
                        _rollback_quietly(con)
                        raise
                    applied.append(number)
        return applied

    def tables(self) -> list[str]:
        """Names of the tables and views of the store."""
        with self._connect() as con:
            rows = con.execute(
                "select table_name from information_schema.tables"
                " where table_catalog = current_database() order by table_name"
            ).fetchall()
        return [r[0] for r in rows]

    # -- queries ------------------------------------------------------------------------

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run `sql/queries/<name>.sql` with `$name` parameters; return a DataFrame.

        A query may build on another: `{{other}}` stands for the relation of `other.sql`.
        A query of the tables the store keeps from the observations (`KEPT_TABLES`) first
        checks that no write made by other means left them behind (`_catch_up`).
        """
        sql = query_sql(name)
        if _reads_kept(name):
            self._catch_up()
        with self._connect() as con:
            return con.execute(sql, params or None).df()

    def _catch_up(self) -> None:
        """Compute first what the uploads of this process left for later (`settle`); then
        every kept table again when the observations or submissions changed since they were
        last computed, by a write made without the store's methods (those refresh what they
        touch right after, holding the write lock: this waits for them), a test's plain SQL,
        a hand-made fix, or a write whose refresh failed."""
        self.settle()
        with self._connect() as con:
            if not _kept_behind(con):
                return

        def work(con: duckdb.DuckDBPyConnection) -> None:
            if _kept_behind(con):  # not when it was a write of this process, refreshed since
                log.warning("kept tables computed again: %s was written by other means", self.path)
                _refresh_kept(con, None)

        with connection.writing(self.path):
            # an upload stored since the first look: what it touched only (none is left for
            # later while this thread holds the lock)
            self.settle()
            self._write(work)

    def audit(self, actor: str, action: str, target: str = "", **details: Any) -> None:
        """Append one entry to the audit log."""
        self._write(lambda con: _audit(con, self.clock(), actor, action, target, details))

    def execute(
        self, name: str, audit: Audit | None = None, **params: Any
    ) -> list[tuple[Any, ...]]:
        """Run `sql/statements/<name>.sql` with `$name` parameters in one transaction.

        A file may hold several statements (`;` at the end of a line), run in order: the rows
        returned are those of its first `select`, else of its last statement (DuckLake has no
        RETURNING, so a statement file selects what it changes before changing it).

        The audit entry, when given, is written in the same transaction: a change and its
        record land together or not at all. Returns the rows the statement returns.
        """
        statements = _statements((STATEMENTS_DIR / f"{name}.sql").read_text(encoding="utf-8"))

        def work(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
            selected: list[tuple[Any, ...]] | None = None
            rows: list[tuple[Any, ...]] = []
            for sql in statements:
                rows = con.execute(sql, _used(sql, params)).fetchall()
                if selected is None and sql.lstrip().lower().startswith("select"):
                    selected = rows
            if name in _CHANGES_KEPT:
                _refresh_after(con, _CHANGES_KEPT[name](con, params))
            if audit is not None:
                _audit(con, self.clock(), audit.actor, audit.action, audit.target, audit.details)
            return rows if selected is None else selected

        return self._write(work, kept=name in _CHANGES_KEPT)

    def publish(self, period: str, tables: list[tuple[str, str, str]], audit: Audit) -> int:
        """Freeze the funders' summary of `period`: one publication and its tables (scope,
        name, JSON payload), with its audit entry, in one transaction; the publication's id."""

        def work(con: duckdb.DuckDBPyConnection) -> int:
            publication = _next_id(con, "publication_ids")
            con.execute(
                "insert into publications (id, period, published_at, published_by)"
                " values ($id, $period, $at, $by)",
                {"id": publication, "period": period, "at": self.clock(), "by": audit.actor},
            )
            con.executemany(
                "insert into publication_tables values (?, ?, ?, ?)",
                [[publication, scope, name, payload] for scope, name, payload in tables],
            )
            _audit(con, self.clock(), audit.actor, audit.action, audit.target, audit.details)
            return publication

        return self._write(work)

    def setting(self, key: str, make: Callable[[], str]) -> str:
        """The store's setting `key`, created with `make()` on first use (first writer wins)."""
        value = make()

        def work(con: duckdb.DuckDBPyConnection) -> str:
            con.execute(
                "insert into settings select $key, $value"
                " where not exists (select 1 from settings where key = $key)",
                {"key": key, "value": value},
            )
            rows = con.execute("select value from settings where key = $key", {"key": key})
            return str(rows.fetchall()[0][0])

        return self._write(work)

    # -- backup and restore -------------------------------------------------------------

    def backup(self, target: Path, actor: str = "mesure") -> BackupSummary:
        """Write a consistent copy of the store to `target` (replaced if it exists).

        DuckDB copies the database itself, write-ahead log included (a copy of the file alone
        would miss what the log still holds): the writers of this process wait meanwhile, and
        another process cannot write while this one holds the file. The copy is made beside
        `target`, checked table by table against the store, then moved into place: a failed
        backup leaves nothing half written. Audited.
        """
        if self.lake:
            raise StoreError(
                "Une base partagée (DuckLake) se sauvegarde avec PostgreSQL (pg_dump) et son"
                " dossier de données, pas avec « mesure backup ». / A shared store is backed up"
                " from its PostgreSQL catalog and its data folder."
            )
        started = time.monotonic()
        self.settle()  # the copy's kept tables up to date with its observations
        target = Path(target).resolve()
        if target == self.path.resolve():
            raise StoreError(
                "La sauvegarde ne peut pas remplacer la base elle-même."
                " / The backup cannot overwrite the store itself."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        _remove_file(scratch)
        alias = f"backup_{uuid.uuid4().hex}"
        try:
            with connection.writing(self.path), self._connect() as con:
                source = _current_database(con)
                con.execute(f"attach '{_quoted(scratch)}' as {alias}")
                try:
                    con.execute(f'copy from database "{source}" to {alias}')
                    counts = _row_counts(con, source)
                    copied = _row_counts(con, alias)
                finally:
                    con.execute(f"detach {alias}")
            if copied != counts:
                raise StoreError(
                    "La copie ne correspond pas à la base ; la sauvegarde est abandonnée."
                    " / The copy does not match the store; backup abandoned."
                )
            scratch.replace(target)
        finally:
            _remove_file(scratch)
        summary = BackupSummary(
            target,
            len(counts),
            sum(counts.values()),
            target.stat().st_size,
            time.monotonic() - started,
        )
        self.audit(actor, "store.backup", str(target), tables=summary.tables, rows=summary.rows)
        return summary

    def restore(self, source: Path, actor: str = "mesure") -> BackupSummary:
        """Replace the store's content by the backup `source`, in one transaction.

        The backup is checked first (a Mesure commune store, of a schema this software knows),
        the current content is saved beside the store (`<name>.avant-restauration-<time>.duckdb`,
        nothing is lost), then every table is replaced while this process holds the file:
        all of it or nothing. A backup of an older schema is migrated. Audited.
        """
        if self.lake:
            raise StoreError(
                "Une base partagée (DuckLake) se restaure avec PostgreSQL et son dossier de"
                " données, pas avec « mesure restore ». / A shared store is restored from its"
                " PostgreSQL catalog and its data folder."
            )
        started = time.monotonic()
        source = Path(source).resolve()
        version = _backup_version(source)
        if version > LATEST_SCHEMA:
            raise StoreError(
                f"La sauvegarde {source.name} est au schéma {version}, plus récent que ce logiciel"
                f" ({LATEST_SCHEMA}) : mettez Mesure commune à jour."
                " / The backup's schema is newer than this software."
            )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.stem}.avant-restauration-{stamp}.duckdb")
        if self.exists() and self.schema_version():
            self.backup(kept, actor)
        alias = f"restore_{uuid.uuid4().hex}"
        with connection.writing(self.path), self._connect() as con:
            connection.take_pending(self.path)  # of the content replaced below
            target = _current_database(con)
            con.execute(f"attach '{_quoted(source)}' as {alias} (read_only)")
            try:
                con.begin()
                try:
                    _drop_everything(con, target)
                    con.execute(f'copy from database {alias} to "{target}"')
                    counts = _row_counts(con, alias)
                    if _row_counts(con, target) != counts:
                        raise StoreError(
                            "La restauration ne correspond pas à la sauvegarde ; rien n'est"
                            " changé. / The restored content does not match the backup."
                        )
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
            finally:
                con.execute(f"detach {alias}")
        self.migrate()
        self.audit(actor, "store.restore", str(source), kept=str(kept), rows=sum(counts.values()))
        return BackupSummary(
            source,
            len(counts),
            sum(counts.values()),
            source.stat().st_size,
            time.monotonic() - started,
        )

    def import_file(self, source: Path) -> BackupSummary:
        """Copy the store file `source` into this new, empty DuckLake store, in one transaction:
        its tables row for row, and its sequences as the counters of `lake_ids` (an initiative
        moves from its file to a shared store). The file must be of this software's schema."""
        if not self.lake:
            raise StoreError("import_file fills a DuckLake store. / Not a DuckLake store.")
        started = time.monotonic()
        source = Path(source).resolve()
        if _backup_version(source) != LATEST_SCHEMA:
            raise StoreError(
                f"{source.name} n'est pas au schéma {LATEST_SCHEMA} : ouvrez-la d'abord avec"
                " ce logiciel, qui la migre. / Migrate the file first."
            )
        if self.schema_version() == 0:
            self.migrate()
        alias = f"import_{uuid.uuid4().hex}"
        with connection.writing(self.path), self._connect() as con:
            if con.execute("select count(*) from submissions").fetchone() != (0,):
                raise StoreError(
                    "La base partagée n'est pas vide. / The shared store is not empty."
                )
            con.execute(f"attach '{_quoted(source)}' as {alias} (read_only)")
            try:
                counts = _row_counts(con, alias)
                con.begin()
                try:
                    for table in counts:
                        con.execute(f"delete from {table}")  # noqa: S608 - the file's tables
                        con.execute(f"insert into {table} select * from {alias}.{table}")  # noqa: S608
                    sequences = con.execute(
                        "select sequence_name, last_value from duckdb_sequences()"
                        " where database_name = $db",
                        {"db": alias},
                    ).fetchall()
                    for name, value in sequences:
                        con.execute(
                            "update lake_ids set value = $v where name = $n",
                            {"v": int(value or 0), "n": name},
                        )
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
            finally:
                con.execute(f"detach {alias}")
        return BackupSummary(
            source,
            len(counts),
            sum(counts.values()),
            source.stat().st_size,
            time.monotonic() - started,
        )

    # -- maintenance --------------------------------------------------------------------

    def maintain(self, actor: str = "mesure", keep: dt.timedelta = KEEP) -> MaintenanceSummary:
        """Maintenance to run regularly, out of busy hours; audited.

        On a DuckLake, DuckLake's own maintenance, CHECKPOINT's steps one by one: inlined rows
        flushed, snapshots older than `keep` expired, adjacent small files merged, files with
        many deleted rows rewritten, then files unused for more than `keep` deleted (those of
        expired snapshots and of earlier merges, and orphans such as the Parquet files of a
        server killed mid-upload). Each step is a transaction, done again when it loses a race
        with a server's write. On a file, CHECKPOINT: the write-ahead log written into the file.
        `keep` protects what other servers may still be reading or writing: 0 only when none
        runs.
        """
        started = time.monotonic()
        before = after = expired = deleted = 0
        with connection.writing(self.path), self._connect() as con:
            if not self.lake:
                before = self.path.stat().st_size
                con.execute("checkpoint")
                after = self.path.stat().st_size
            else:
                before = _lake_files(con)
                for step, counted in _LAKE_MAINTENANCE:
                    older = dt.datetime.now(dt.UTC) - keep  # at each step: 0 keeps nothing
                    done = _retried(functools.partial(_count, con, step, older))
                    expired += done if counted == "snapshots" else 0
                    deleted += done if counted == "files" else 0
                after = _lake_files(con)
        summary = MaintenanceSummary(
            bool(self.lake), before, after, expired, deleted, time.monotonic() - started
        )
        self.audit(actor, "store.maintenance", "", **dataclasses.asdict(summary))
        return summary

    # -- the definition -----------------------------------------------------------------

    def save_definition(
        self,
        definition: Definition,
        actor: str = "mesure",
        reason: str = "",
        action: str = "definition.load",
        valid_from: dt.datetime | None = None,
        **details: Any,
    ) -> LoadSummary:
        """Write the definition in one transaction; indicator history is kept, never rewritten,
        and the definition's files are kept in `definition_history` (see `definition_files`).

        A new version of an indicator is in force from `valid_from` (default: now), which ends
        the one before. Raises DefinitionError when an indicator's definition changed but its
        version did not, or when a new version would start before the current one.
        """
        now = _now()

        def work(con: duckdb.DuckDBPyConnection) -> LoadSummary:
            before = _kept_definition(con)
            summary, problems = _save_indicator_versions(con, definition, now, valid_from or now)
            if problems:
                raise DefinitionError(problems)
            counts = _replace_definition_tables(con, definition, now)
            summary.counts.update(counts)
            _refresh_after_definition(con, before, _kept_definition(con))
            con.execute(
                "insert into definition_history values ($at, $actor, $reason, $files)",
                {
                    "at": now,
                    "actor": actor,
                    "reason": reason,
                    "files": json.dumps(definition_files(definition), ensure_ascii=False),
                },
            )
            _audit(
                con,
                self.clock(),
                actor,
                action,
                definition.initiative.code,
                {
                    "new_indicators": summary.new_indicators,
                    "new_versions": summary.new_versions,
                    "retired": summary.retired,
                    "counts": summary.counts,
                    **({"reason": reason} if reason else {}),
                    **details,
                },
            )
            return summary

        return self._write(work)

    def definition_files(self) -> dict[str, str] | None:
        """The files of the definition last saved ({file name: text}); None for a store saved
        before the history was kept (migration 10) or never initialised."""
        with self._connect() as con:
            row = con.execute(
                "select files from definition_history order by saved_at desc limit 1"
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def definition_saved_at(self) -> dt.datetime | None:
        """When the definition was last saved (what a cache of it is keyed on)."""
        with self._connect() as con:
            row = con.execute("select max(loaded_at) from initiative").fetchone()
        return None if row is None else row[0]

    def export_definition(self) -> dict[str, Any]:
        """The whole definition held by the store, as JSON-ready data."""
        with self._connect() as con:
            initiative = _records(con, "select * exclude (loaded_at) from initiative")
            indicators = []
            for row in _records(
                con,
                "select code, sheet from indicator_versions"
                " where valid_to is null and retired_at is null order by code",
            ):
                sheet = json.loads(row["sheet"])
                sheet["versions"] = _records(
                    con,
                    "select version, valid_from, valid_to from indicator_versions"
                    " where code = $code order by version",
                    {"code": row["code"]},
                )
                indicators.append(sheet)
            organisations = _records(con, "select * from organisations order by code")
            commitments = _records(con, "select * from commitments order by id")
            for org in organisations:
                org["commitments"] = [c for c in commitments if c["organisation"] == org["code"]]
            places = _records(con, "select * from places order by kind desc, code")
            enrolment = _records(con, "select * from place_enrolment")
            for place in places:
                place["pupils"] = {
                    e["grade"]: e["pupils"] for e in enrolment if e["place"] == place["code"]
                }
            return {
                "initiative": initiative[0] if initiative else None,
                "indicators": indicators,
                "theory_of_change": {
                    "nodes": _records(con, "select * from toc_nodes order by level_rank, code"),
                    "links": _records(con, "select * from toc_links order by source, target"),
                },
                "disaggregations": _records(
                    con, "select * from dimension_categories order by dimension, position"
                ),
                "places": places,
                "organisations": organisations,
                "periods": _records(con, "select * from periods order by start_date, kind desc"),
                "targets": _records(
                    con, "select * from targets order by indicator, place, period, kind"
                ),
            }

    def initiative(self) -> dict[str, Any] | None:
        """The initiative row, or None before any definition was loaded."""
        with self._connect() as con:
            rows = _records(con, "select * from initiative")
        return rows[0] if rows else None

    # -- submissions ----------------------------------------------------------------------

    def mapping_memory(self, organisation: str) -> dict[tuple[str, str], str]:
        """What the organisation confirmed before: (kind, label as written) -> target."""
        with self._connect() as con:
            rows = con.execute(
                "select kind, source_label, target from mapping_memory where organisation = $org",
                {"org": organisation},
            ).fetchall()
        return {(kind, label): target for kind, label, target in rows}

    def remember_mappings(
        self, organisation: str, mappings: list[tuple[str, str, str]], confirmed_by: str
    ) -> int:
        """Keep (kind, label, target) mappings a person confirmed; return how many."""
        now = _now()

        def work(con: duckdb.DuckDBPyConnection) -> int:
            for kind, label, target in mappings:
                # one row per (organisation, kind, normalised label): the key of the file's
                # table, checked here for a DuckLake, which has no keys
                con.execute(
                    "delete from mapping_memory where organisation = $org and kind = $kind"
                    " and normalised_label = $plain",
                    {"org": organisation, "kind": kind, "plain": normalise(label)},
                )
                con.execute(
                    "insert into mapping_memory values ($org, $kind, $label, $plain,"
                    " $target, $by, $at)",
                    {
                        "org": organisation,
                        "kind": kind,
                        "label": label,
                        "plain": normalise(label),
                        "target": target,
                        "by": confirmed_by,
                        "at": now,
                    },
                )
            _audit(
                con,
                self.clock(),
                confirmed_by,
                "mapping.confirm",
                organisation,
                {"mappings": [list(m) for m in mappings]},
            )
            return len(mappings)

        return self._write(work)

    def layout_memory(self, organisation: str) -> list[dict[str, Any]]:
        """The sheet layouts the organisation showed the reader, newest first (their JSON)."""
        return self.layout_memories([organisation])[organisation]

    def layout_memories(self, organisations: list[str]) -> dict[str, list[dict[str, Any]]]:
        """`layout_memory` of several organisations in one query."""
        found: dict[str, list[dict[str, Any]]] = {org: [] for org in organisations}
        with self._connect() as con:
            rows = con.execute(
                "select organisation, layout from layout_memory"
                " where list_contains($orgs, organisation) order by confirmed_at desc",
                {"orgs": organisations},
            ).fetchall()
        for org, layout in rows:
            found[org].append(json.loads(layout))
        return found

    def remember_layout(
        self, organisation: str, signature: str, layout: dict[str, Any], confirmed_by: str
    ) -> None:
        """Keep a sheet layout a person confirmed for the organisation's next files (one per
        shape of header row: a later one replaces it); audited."""

        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(
                "delete from layout_memory where organisation = $org and signature = $signature",
                {"org": organisation, "signature": signature},
            )
            con.execute(
                "insert into layout_memory values ($org, $signature, $layout, $by, $at)",
                {
                    "org": organisation,
                    "signature": signature,
                    "layout": json.dumps(layout, ensure_ascii=False),
                    "by": confirmed_by,
                    "at": _now(),
                },
            )
            _audit(con, self.clock(), confirmed_by, "layout.confirm", organisation, layout)

        return self._write(work)

    def current_values(self, organisation: str) -> pd.DataFrame:
        """indicator, place, period, disaggregation, value of the organisation's current values.

        Oldest period first.
        """
        with self._connect() as con:
            return con.execute(
                "select o.indicator, o.place, o.period, o.disaggregation, o.value"
                " from observations as o join periods as p on p.code = o.period"
                " where o.organisation = $org and o.is_current and o.value is not null"
                " order by p.start_date, o.id",
                {"org": organisation},
            ).df()

    def mapping_memories(self, organisations: list[str]) -> dict[str, dict[tuple[str, str], str]]:
        """`mapping_memory` of several organisations in one query."""
        found: dict[str, dict[tuple[str, str], str]] = {org: {} for org in organisations}
        with self._connect() as con:
            rows = con.execute(
                "select organisation, kind, source_label, target from mapping_memory"
                " where list_contains($orgs, organisation)",
                {"orgs": organisations},
            ).fetchall()
        for org, kind, label, target in rows:
            found[org][(kind, label)] = target
        return found

    def current_values_of(self, organisations: list[str]) -> dict[str, pd.DataFrame]:
        """`current_values` of several organisations in one query."""
        with self._connect() as con:
            frame = con.execute(
                "select o.organisation, o.indicator, o.place, o.period, o.disaggregation,"
                " o.value from observations as o join periods as p on p.code = o.period"
                " where list_contains($orgs, o.organisation) and o.is_current"
                " and o.value is not null order by p.start_date, o.id",
                {"orgs": organisations},
            ).df()
        groups = dict(iter(frame.groupby("organisation", sort=False)))
        empty = frame.drop(columns="organisation").iloc[:0]
        return {
            org: (
                groups[org].drop(columns="organisation").reset_index(drop=True)
                if org in groups
                else empty.copy()
            )
            for org in organisations
        }

    def classify_values(self, organisation: str, rows: pd.DataFrame) -> dict[str, int]:
        """How many incoming values would be created, updated or left unchanged (writes nothing)."""
        with self._connect() as con:
            return _classify(con, organisation, rows)

    def load_values(
        self,
        organisation: str,
        rows: pd.DataFrame,
        *,
        filename: str,
        sha256: str,
        size: int,
        uploaded_by: str,
        received_at: dt.datetime | None = None,
        problems: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store one upload's values in a single transaction: all of them or nothing.

        Values are keyed by (organisation, indicator, place, period, disaggregation). A value
        that differs from the current one supersedes it: the old row stays, no longer current,
        so the history keeps who sent which value in which file and when. An upload that
        changes nothing writes nothing and says so. The upload is dated `received_at` (naive
        UTC), by default the store's clock: now. It returns once the values are stored: the
        kept tables are made again of what it touched later (`settle`).
        """

        def work(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            # dated once this upload's turn to write came: uploads stored one after the other
            # are dated in that order (a date taken before waiting could be earlier than the
            # date of the upload stored meanwhile, whose values this one replaces)
            now = received_at or self.clock()
            _register(con, "incoming", rows)  # once, for the counts and the writes
            try:
                return write(con, now, _counts(con, organisation))
            finally:
                con.unregister("incoming")

        def write(
            con: duckdb.DuckDBPyConnection, now: dt.datetime, counts: dict[str, int]
        ) -> dict[str, Any]:
            if counts["created"] + counts["updated"] == 0:
                return {"status": "unchanged", "submission": None, **counts}
            submission = _next_id(con, "submission_ids")
            con.execute(
                "insert into submissions (id, organisation, filename, sha256, size_bytes,"
                " uploaded_by, uploaded_at, status, problems)"
                " values ($id, $org, $file, $sha, $size, $by, $at, 'received', $problems)",
                {
                    "id": submission,
                    "org": organisation,
                    "file": filename,
                    "sha": sha256,
                    "size": size,
                    "by": uploaded_by,
                    "at": now,
                    "problems": json.dumps(problems or {}),
                },
            )
            if counts["updated"]:  # current values that differ: no longer current
                con.execute(_CHANGED_SQL["supersede"], {"org": organisation})
            con.execute(_CHANGED_SQL["insert"], {"org": organisation, "sub": submission})
            con.execute(
                "update submissions set status = 'superseded' where organisation = $org"
                " and status in ('received', 'accepted') and id <> $sub and id not in"
                " (select submission_id from observations where organisation = $org and is_current)",
                {"org": organisation, "sub": submission},
            )
            _refresh_after(con, _touched_by(con, "incoming", [organisation]))
            _audit(
                con,
                self.clock(),
                uploaded_by,
                "submission.upload",
                filename,
                {
                    "organisation": organisation,
                    "submission": submission,
                    "sha256": sha256,
                    **counts,
                },
            )
            return {"status": "received", "submission": submission, **counts}

        return self._write(work, later=True, kept=True)

    def load_batch(self, uploads: list[Upload]) -> list[dict[str, Any]]:
        """Store several uploads, each of another organisation, in one transaction.

        Each is stored as `load_values` stores it alone, dated its `received_at`, and the
        result is the same: for each upload, its status (received, unchanged, or refused for
        a refused upload, which is only audited), its submission id and its counts. One
        statement does the work of the whole batch: a demo or a bulk import of many files
        stores them many times faster than one by one.
        """
        organisations = [u.organisation for u in uploads]
        if len(set(organisations)) != len(organisations):
            raise ValueError("one upload per organisation in a batch")
        if not uploads:
            return []
        return self._write(lambda con: _load_batch(con, uploads), kept=True)


def _load_batch(con: duckdb.DuckDBPyConnection, uploads: list[Upload]) -> list[dict[str, Any]]:
    """Store a batch of uploads of distinct organisations (see Store.load_batch)."""
    frames = [
        u.rows.assign(upload=n, position=range(len(u.rows)), organisation=u.organisation)
        for n, u in enumerate(uploads)
    ]
    incoming = pd.concat(frames, ignore_index=True)
    _register(con, "incoming", incoming)
    con.execute("create or replace temp table batch_matched as " + _BATCH_MATCHED)
    counts = {
        int(n): {"created": int(c), "updated": int(u), "unchanged": int(s)}
        for n, c, u, s in con.execute(
            "select upload, count(*) filter (where current_id is null),"
            " count(*) filter (where current_id is not null and not same),"
            " count(*) filter (where same) from batch_matched group by upload"
        ).fetchall()
    }
    none = {"created": 0, "updated": 0, "unchanged": 0}
    results: list[dict[str, Any]] = []
    received = []
    for n, upload in enumerate(uploads):
        counted = counts.get(n, none)
        if upload.refused:
            status = "refused"
        elif counted["created"] + counted["updated"] == 0:
            status = "unchanged"
        else:
            status = "received"
            received.append(n)
        results.append({"status": status, "submission": None, **counted})
    if received:
        subs = pd.DataFrame(
            {
                "upload": received,
                "organisation": [uploads[n].organisation for n in received],
                "filename": [uploads[n].filename for n in received],
                "sha256": [uploads[n].sha256 for n in received],
                "size_bytes": [uploads[n].size for n in received],
                "uploaded_by": [uploads[n].uploaded_by for n in received],
                "uploaded_at": [uploads[n].received_at for n in received],
                "problems": [json.dumps(uploads[n].problems) for n in received],
            }
        )
        subs["submission"] = [
            int(n)
            for (n,) in con.execute(
                "select nextval('submission_ids') from range($n)", {"n": len(received)}
            ).fetchall()
        ]
        _register(con, "batch_uploads", subs)
        con.execute(
            "insert into submissions (id, organisation, filename, sha256, size_bytes,"
            " uploaded_by, uploaded_at, status, problems) select submission, organisation,"
            " filename, sha256, size_bytes, uploaded_by, uploaded_at, 'received', problems"
            " from batch_uploads order by upload"
        )
        for step in _BATCH_SQL:
            con.execute(step)
        _refresh_after(
            con,
            _touched_by(
                con,
                "(select indicator, period from batch_matched"
                " where upload in (select upload from batch_uploads))",
                [str(o) for o in subs["organisation"]],
            ),
        )
        con.unregister("batch_uploads")
        for n, submission in zip(received, subs["submission"], strict=True):
            results[n]["submission"] = int(submission)
    con.execute("drop table batch_matched")
    con.unregister("incoming")
    entries = []
    for n, upload in enumerate(uploads):
        done = results[n]
        if upload.refused:
            details: dict[str, Any] = {"organisation": upload.organisation, **upload.problems}
            entries.append((upload, "submission.refused", details))
        elif done["status"] == "received":
            details = {
                "organisation": upload.organisation,
                "submission": done["submission"],
                "sha256": upload.sha256,
                **{k: done[k] for k in ("created", "updated", "unchanged")},
            }
            entries.append((upload, "submission.upload", details))
    if entries:
        _register(
            con,
            "batch_audit",
            pd.DataFrame(
                {
                    "position": range(len(entries)),
                    "logged_at": [u.received_at for u, _, _ in entries],
                    "actor": [u.uploaded_by for u, _, _ in entries],
                    "action": [action for _, action, _ in entries],
                    "target": [u.filename for u, _, _ in entries],
                    "details": [
                        json.dumps(d, default=str, ensure_ascii=False) for _, _, d in entries
                    ],
                }
            ),
        )
        con.execute(
            "insert into audit_log (id, logged_at, actor, action, target, details)"
            " select nextval('audit_ids'), logged_at, actor, action, target, details"
            " from (select * from batch_audit order by position)"
        )
        con.unregister("batch_audit")
    return results


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """`frame` as the view `name`, handed over as an Arrow table: DuckDB 1.4 takes a pandas
    frame (pandas 3's string columns) several times slower, 15 ms even for a row or two.

    The table is cut into record batches of one row group each (slices, not copies): DuckDB
    inserts each as a whole row group written as it comes, where a single batch of 250,000
    rows, shared between its threads, left pieces to gather when the transaction commits
    (0.3 to 0.4 s of CPU at commit, against 0.01 to 0.03 s)."""
    table = pyarrow.Table.from_pandas(frame, preserve_index=False)
    con.register(name, pyarrow.Table.from_batches(table.to_batches(ROW_GROUP), table.schema))


def _next_id(con: duckdb.DuckDBPyConnection, sequence: str) -> int:
    row = con.execute(f"select nextval('{sequence}')").fetchone()
    assert row is not None
    return int(row[0])


def _take_ids(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """On a DuckLake, at the start of a transaction: the id counters of `lake_ids`, each made
    this connection's own sequence (a temporary one, found before the lake's tables), so that
    `nextval('submission_ids')` works as on a file."""
    counters = {
        str(n): int(v) for n, v in con.execute("select name, value from lake_ids").fetchall()
    }
    for name, value in counters.items():
        con.execute(f"create or replace temp sequence {name} start {value + 1}")
    return counters


def _keep_ids(con: duckdb.DuckDBPyConnection, counters: dict[str, int]) -> None:
    """On a DuckLake, before the commit: write back the counters this transaction moved.

    The row is written even when nothing moved: any two transactions of two servers that
    overlap then change the same rows, and DuckLake refuses the second commit (see `_write`).
    Taken in the transaction, the counters are those of its snapshot: when another server
    committed between the snapshot and the counters' read, the commit conflicts too."""
    now = {name: _next_id(con, name) - 1 for name in counters}
    cases = " ".join(f"when '{name}' then {value}" for name, value in now.items())
    con.execute(f"update lake_ids set value = case name {cases} else value end")  # noqa: S608


# DuckLake's maintenance, in CHECKPOINT's order: (the call, what its rows count)
_LAKE_MAINTENANCE = [
    (f"ducklake_flush_inlined_data('{connection.LAKE_ALIAS}')", ""),
    (f"ducklake_expire_snapshots('{connection.LAKE_ALIAS}', older_than => $older)", "snapshots"),
    (f"ducklake_merge_adjacent_files('{connection.LAKE_ALIAS}')", ""),
    (f"ducklake_rewrite_data_files('{connection.LAKE_ALIAS}')", ""),
    (f"ducklake_cleanup_old_files('{connection.LAKE_ALIAS}', older_than => $older)", "files"),
    (f"ducklake_delete_orphaned_files('{connection.LAKE_ALIAS}', older_than => $older)", "files"),
]


def _count(con: duckdb.DuckDBPyConnection, call: str, older: dt.datetime) -> int:
    """The rows of a DuckLake maintenance call (counted in SQL: they hold time-zoned
    timestamps, which DuckDB would hand to Python through pytz). Fetched to the end: a result
    left open leaves its transaction uncommitted, and the next statement drops it."""
    rows = con.execute(f"select count(*) from {call}", _used(call, {"older": older})).fetchall()  # noqa: S608
    return int(rows[0][0])


def _lake_files(con: duckdb.DuckDBPyConnection) -> int:
    """The data and delete files the lake's current snapshot uses."""
    meta = f"__ducklake_metadata_{connection.LAKE_ALIAS}"
    row = con.execute(
        f"select (select count(*) from {meta}.ducklake_data_file where end_snapshot is null)"  # noqa: S608
        f" + (select count(*) from {meta}.ducklake_delete_file where end_snapshot is null)"
    ).fetchone()
    return int(row[0]) if row else 0


def _retried(work: Callable[[], T]) -> T:
    """`work` (one transaction on a DuckLake), done again from the start while its commit
    loses a race with another server's, after a growing random pause; StoreError, in French,
    after LAKE_RETRIES attempts (nothing of it written)."""
    for attempt in range(1, LAKE_RETRIES + 1):
        try:
            return work()
        except duckdb.TransactionException as exc:
            if not _conflict(exc):
                raise
            if attempt == LAKE_RETRIES:
                raise StoreError(
                    "La base partagée n'a pas pu enregistrer ce changement : d'autres serveurs y"
                    f" écrivaient au même moment ({attempt} essais). Rien n'a été enregistré ;"
                    " réessayez dans un instant. / The shared store could not save this change:"
                    f" other servers were writing at the same moment ({attempt} attempts)."
                    " Nothing was saved; try again in a moment."
                ) from exc
            log.info("DuckLake write conflict, attempt %d done again: %s", attempt, exc)
            time.sleep(random.uniform(0.005, 0.02) * min(attempt, 10))
    raise AssertionError("unreachable")


# What DuckLake says of a commit that lost a race with another server's: a conflict on the
# same rows or files, or the snapshot id the other took first once its own retries are spent
LOST_RACE = ("conflict", "duplicate key", "unique constraint", "exceeded the maximum retry count")


def _conflict(exc: Exception) -> bool:
    """True for a commit that lost a race with another server's (to be done again)."""
    text = str(exc).lower()
    return any(words in text for words in LOST_RACE)


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # a failed commit may have ended it already
        con.rollback()


def _statements(text: str) -> list[str]:
    """The statements of a SQL file: split at a `;` that ends a line."""
    found = []
    for sql in re.split(r";\s*$", text, flags=re.MULTILINE):
        lines = sql.strip().splitlines()
        while lines and lines[0].lstrip().startswith("--"):  # the comments above it
            lines.pop(0)
        if lines:
            found.append("\n".join(lines))
    return found


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The parameters that `sql` names (DuckDB refuses the others)."""
    names = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in names} or None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _current_database(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_database()").fetchone()
    assert row is not None
    return str(row[0])


def _row_counts(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    """Rows of every table of `database`, by table name."""
    names = con.execute(
        "select table_name from duckdb_tables() where database_name = $db order by table_name",
        {"db": database},
    ).fetchall()
    counts = {}
    for (name,) in names:
        row = con.execute(f'select count(*) from "{database}"."{name}"').fetchone()  # noqa: S608
        counts[str(name)] = int(row[0]) if row else 0
    return counts


def _drop_everything(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Drop the views, tables, sequences and macros of `database` (inside a transaction)."""
    catalogues = [
        ("view", "select view_name from duckdb_views() where database_name = $db and not internal"),
        ("table", "select table_name from duckdb_tables() where database_name = $db"),
        ("sequence", "select sequence_name from duckdb_sequences() where database_name = $db"),
        (
            "macro",
            "select distinct function_name from duckdb_functions() where database_name = $db"
            " and function_type = 'macro' and not internal",
        ),
    ]
    for kind, sql in catalogues:
        for (name,) in con.execute(sql, {"db": database}).fetchall():
            con.execute(f'drop {kind} "{database}".main."{name}" cascade')


def _backup_version(path: Path) -> int:
    """The schema version of the backup file `path`; StoreError when it is not a store."""
    if not path.is_file():
        raise StoreError(f"Pas de sauvegarde à {path}. / No backup at {path}.")
    try:
        with connection.cursor(path, patience=0) as con:
            version = _applied_version(con)
    except (duckdb.Error, connection.StoreBusyError) as exc:
        raise StoreError(
            f"{path.name} n'est pas une base DuckDB lisible ({exc})."
            f" / {path.name} is not a readable DuckDB store."
        ) from exc
    finally:
        connection.release(path)
    if version == 0:
        raise StoreError(
            f"{path.name} n'est pas une base Mesure commune (aucune migration)."
            f" / {path.name} is not a Mesure commune store."
        )
    return version


def _applied_version(con: duckdb.DuckDBPyConnection) -> int:
    """The last migration applied (read only: 0 before the first)."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
        " and table_catalog = current_database()"
    ).fetchone()
    if not found or not found[0]:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()
    return int(row[0]) if row else 0


def _schema_version(con: duckdb.DuckDBPyConnection, lake: bool = False) -> int:
    if not lake:
        con.execute(
            "create table if not exists schema_migrations"
            " (version integer primary key, name varchar not null, applied_at timestamp not null)"
        )
    elif not _applied_version(con):
        # with the table of migrations, the counters of the ids (see _take_ids)
        con.begin()
        try:
            con.execute(
                "create table if not exists schema_migrations"
                " (version integer not null, name varchar not null, applied_at timestamp not null)"
            )
            con.execute(
                "create table if not exists lake_ids (name varchar not null, value bigint not null)"
            )
            con.commit()
        except duckdb.Error:
            _rollback_quietly(con)
            raise
    row = con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()
    return int(row[0]) if row else 0


def _records(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _audit(
    con: duckdb.DuckDBPyConnection,
    at: dt.datetime,
    actor: str,
    action: str,
    target: str,
    details: dict[str, Any],
) -> None:
    con.execute(
        "insert into audit_log (id, logged_at, actor, action, target, details)"
        " values (nextval('audit_ids'), $at, $a, $x, $t, $d)",
        {
            "at": at,
            "a": actor,
            "x": action,
            "t": target,
            "d": json.dumps(details, default=str, ensure_ascii=False),
        },
    )


def _save_indicator_versions(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    now: dt.datetime,
    valid_from: dt.datetime,
) -> tuple[LoadSummary, list[DefinitionProblem]]:
    stored = {
        row["code"]: row
        for row in _records(
            con,
            "select code, version, sheet, definition_hash, retired_at, valid_from"
            " from indicator_versions where valid_to is null",
        )
    }
    summary = LoadSummary()
    problems: list[DefinitionProblem] = []
    for ind in definition.indicators:
        sheet = indicator_sheet(ind)
        digest = definition_hash(sheet)
        old = stored.get(ind.code)
        if old is None:
            _insert_version(con, ind, sheet, digest, now)
            summary.new_indicators.append(ind.code)
        elif ind.version < old["version"]:
            problems.append(_version_problem("version-went-back", ind, stored=old["version"]))
        elif ind.version == old["version"]:
            if digest != old["definition_hash"]:
                before = json.loads(old["sheet"])
                changed = [f for f in SEMANTIC_FIELDS if before.get(f) != sheet[f]]
                problems.append(
                    _version_problem(
                        "version-not-raised", ind, fields=", ".join(changed), next=ind.version + 1
                    )
                )
            else:
                # Labels, aliases, range and source are edited in place on the current version.
                con.execute(
                    "update indicator_versions set label_fr = $lf, label_en = $le, node = $node,"
                    " range_min = $mn, range_max = $mx, aliases = $al, sheet = $sheet,"
                    " retired_at = null where code = $code and version = $v",
                    {
                        "lf": ind.label_fr,
                        "le": ind.label_en,
                        "node": ind.node,
                        "mn": ind.range_min,
                        "mx": ind.range_max,
                        "al": list(ind.aliases),
                        "sheet": json.dumps(sheet, ensure_ascii=False),
                        "code": ind.code,
                        "v": ind.version,
                    },
                )
        elif valid_from <= old["valid_from"]:
            problems.append(
                _version_problem(
                    "version-starts-too-early",
                    ind,
                    date=f"{valid_from:%d/%m/%Y}",
                    since=f"{old['valid_from']:%d/%m/%Y}",
                )
            )
        else:
            con.execute(
                "update indicator_versions set valid_to = $from where code = $code"
                " and valid_to is null",
                {"from": valid_from, "code": ind.code},
            )
            _insert_version(con, ind, sheet, digest, valid_from)
            summary.new_versions.append(f"{ind.code} v{ind.version}")
    present = {ind.code for ind in definition.indicators}
    for code, old in stored.items():
        if code not in present and old["retired_at"] is None:
            con.execute(
                "update indicator_versions set retired_at = $now where code = $code"
                " and valid_to is null",
                {"now": now, "code": code},
            )
            summary.retired.append(code)
    return summary, problems


def _version_problem(code: str, ind: Indicator, **details: object) -> DefinitionProblem:
    return DefinitionProblem(
        code,
        "indicators.yaml",
        entry=ind.code,
        details={"value": ind.code, "version": ind.version, **details},
    )


def _insert_version(
    con: duckdb.DuckDBPyConnection,
    ind: Indicator,
    sheet: dict[str, Any],
    digest: str,
    now: dt.datetime,
) -> None:
    con.execute(
        "insert into indicator_versions values ($code, $version, $label_fr, $label_en, $node,"
        " $type, $unit, $polarity, $frequency, $agg_time, $agg_space, $dedup, $min, $max,"
        " $disaggregations, $aliases, $sheet, $hash, $now, null, null)",
        {
            "code": ind.code,
            "version": ind.version,
            "label_fr": ind.label_fr,
            "label_en": ind.label_en,
            "node": ind.node,
            "type": ind.type,
            "unit": ind.unit,
            "polarity": ind.polarity,
            "frequency": ind.frequency,
            "agg_time": ind.aggregation_time,
            "agg_space": ind.aggregation_space,
            "dedup": ind.deduplication.rule,
            "min": ind.range_min,
            "max": ind.range_max,
            "disaggregations": list(ind.disaggregations),
            "aliases": list(ind.aliases),
            "sheet": json.dumps(sheet, ensure_ascii=False),
            "hash": digest,
            "now": now,
        },
    )


def _replace_definition_tables(
    con: duckdb.DuckDBPyConnection, d: Definition, now: dt.datetime
) -> dict[str, int]:
    ini = d.initiative
    rows: dict[str, list[tuple[Any, ...]]] = {
        "initiative": [
            (
                ini.code,
                ini.name_fr,
                ini.name_en,
                ini.demo,
                ini.backbone,
                ini.completeness_goal,
                ini.timeliness_goal,
                ini.suppression_threshold,
                now,
            )
        ],
        "toc_nodes": [
            (n.code, n.level, n.rank, n.label_fr, n.label_en, n.description_fr, n.description_en)
            for n in d.nodes
        ],
        "toc_links": [(lk.source, lk.target) for lk in d.links],
        "dimension_categories": [
            (dim.code, dim.label_fr, dim.label_en, c.code, c.label_fr, c.label_en, i)
            for dim in d.dimensions
            for i, c in enumerate(dim.categories)
        ],
        "places": [
            (
                p.code,
                p.kind,
                p.name,
                p.parent or None,
                p.uai or None,
                p.education_priority or None,
                p.commune_insee or None,
                p.qpv or None,
            )
            for p in d.places
        ],
        "place_enrolment": [
            (p.code, grade, count) for p in d.places for grade, count in p.pupils.items()
        ],
        "organisations": [
            (o.code, o.name, o.type, o.place or None, list(o.territories)) for o in d.organisations
        ],
        "commitments": [
            (
                c.id,
                c.organisation,
                c.action_type,
                c.node,
                list(c.places),
                list(c.grades),
                list(c.sex),
                c.targeted,
                list(c.periods),
                c.status,
                list(c.indicators),
            )
            for c in d.commitments
        ],
        "periods": [
            (p.code, p.label_fr, p.label_en, p.kind, p.parent or None, p.start, p.end, p.due)
            for p in d.periods
        ],
        "targets": [
            (t.indicator, t.place, t.period, t.kind, t.value, t.note or None) for t in d.targets
        ],
    }
    for table, values in rows.items():
        con.execute(f"delete from {table}")  # noqa: S608 - table names are the literals above
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"insert into {table} values ({marks})", values)  # noqa: S608
    return {table: len(values) for table, values in rows.items()}


# The incoming values (a registered DataFrame) against the organisation's current values.
_MATCHED = """
    with current as (
        select * from observations where organisation = $org and is_current
    )
    select
        incoming.*,
        current.id as current_id,
        current.id is not null
            and incoming.value is not distinct from current.value
            and incoming.numerator is not distinct from current.numerator
            and incoming.denominator is not distinct from current.denominator as same
    from incoming
    left join current using (indicator, place, period, disaggregation)
"""

# The A1 name of a 0-based (row, col), as `workbook.cell_name` writes it (columns up to XFD).
_A1 = """(case when col < 26 then chr((65 + col)::integer)
    when col < 702 then chr((64 + col // 26)::integer) || chr((65 + col % 26)::integer)
    else chr((64 + (col - 26) // 676)::integer) || chr((65 + ((col - 26) // 26) % 26)::integer)
        || chr((65 + col % 26)::integer)
    end || (row + 1)::varchar)"""

_CHANGED_SQL = {
    "supersede": (
        "update observations set is_current = false where id in"  # noqa: S608 - constant text
        " (select current_id from (" + _MATCHED + ") where current_id is not null and not same)"
    ),
    "insert": (
        "insert into observations (id, submission_id, indicator, indicator_version,"  # noqa: S608
        " organisation, place, period, disaggregation, value, numerator, denominator, unit,"
        " raw_value, sheet, cell, is_current, mapping, converted)"
        " select nextval('observation_ids'), $sub, indicator, indicator_version, $org, place, period, disaggregation, value,"
        " numerator, denominator, unit, raw_value, sheet, " + _A1 + ", true, mapping, converted"
        " from (" + _MATCHED + ") where not same or current_id is null"
    ),
}


# A batch's incoming values (one upload per organisation) against their organisation's current
# values: `_MATCHED` for every upload at once.
_BATCH_MATCHED = """
    with current as (
        select * from observations
        where is_current and organisation in (select distinct organisation from incoming)
    )
    select
        incoming.*,
        current.id as current_id,
        current.id is not null
            and incoming.value is not distinct from current.value
            and incoming.numerator is not distinct from current.numerator
            and incoming.denominator is not distinct from current.denominator as same
    from incoming
    left join current using (organisation, indicator, place, period, disaggregation)
"""

# What `load_values` writes for one upload, for every received upload of a batch
# (`batch_uploads`: upload, organisation, submission) from its values (`batch_matched`).
_BATCH_SQL = (
    "update observations set is_current = false where id in (select current_id"
    " from batch_matched where current_id is not null and not same"
    " and upload in (select upload from batch_uploads))",
    # ids given in the order of the files and their cells (the projection over the ordered
    # rows), as a sequence's default gave them: DuckLake has no defaults but literals
    "insert into observations (id, submission_id, indicator, indicator_version,"  # noqa: S608
    " organisation, place, period, disaggregation, value, numerator, denominator, unit,"
    " raw_value, sheet, cell, is_current, mapping, converted)"
    " select nextval('observation_ids'), * from (select u.submission, indicator,"
    " indicator_version, m.organisation, place, period, disaggregation, value, numerator,"
    " denominator, unit, raw_value, sheet, " + _A1 + ", true, mapping, converted"
    " from batch_matched as m join batch_uploads as u using (upload)"
    " where not m.same or m.current_id is null order by m.upload, m.position)",
    "update submissions set status = 'superseded'"
    " where organisation in (select organisation from batch_uploads)"
    " and status in ('received', 'accepted')"
    " and id not in (select submission from batch_uploads)"
    " and id not in (select submission_id from observations where is_current"
    " and organisation in (select organisation from batch_uploads))",
)


def _classify(
    con: duckdb.DuckDBPyConnection, organisation: str, rows: pd.DataFrame
) -> dict[str, int]:
    _register(con, "incoming", rows)
    try:
        return _counts(con, organisation)
    finally:
        con.unregister("incoming")


def _counts(con: duckdb.DuckDBPyConnection, organisation: str) -> dict[str, int]:
    """How many of the values of the view `incoming` are new, changed or the same."""
    row = con.execute(
        "select count(*) filter (where current_id is null),"  # noqa: S608 - constant text
        " count(*) filter (where current_id is not null and not same),"
        " count(*) filter (where same) from (" + _MATCHED + ")",
        {"org": organisation},
    ).fetchall()[0]
    created, updated, unchanged = (int(v) for v in row)
    return {"created": created, "updated": updated, "unchanged": unchanged}


# -- what the store keeps computed from the observations (migrations 14 and 15) ---------------
#
# `figures` and `figure_shares` hold what progress_live and progress_contributions_live compute
# over the observations, school year by school year of each indicator, for every value received
# or accepted and for accepted values only; `report_arrivals`, `period_submissions` and
# `record_reports` what Synchronisation and Coordination read of them, organisation by
# organisation. Every write that changes what they read computes again what it touched
# (`_refresh_kept`), in a transaction of its own: a review, a definition save or a batch right
# after their own, the write lock held from one to the other (`_refresh_after`); an upload
# later (`Store.settle`: the app's thread right after it, else the next read of them, the
# next other write, or the exit), so that the partner is told what was stored without waiting
# for it. They equal the live ones, all of them or none, whenever they are read
# (tests/test_figures_kept.py). `figure_versions` says when each indicator's figures of a
# school year were last computed; `figures_made` what the observations and submissions were
# then (`Store._catch_up`: a reader finds the kept tables behind between a write and its
# refresh, waits for the lock, and then finds them up to date).

KEPT_TABLES = (
    "figures",
    "figure_shares",
    "figure_versions",
    "report_arrivals",
    "report_counts",
    "period_submissions",
    "record_reports",
)
_YEAR_OF = "coalesce(nullif(p.parent, ''), p.code)"  # a period's school year (periods p)
_KEPT_READ = re.compile(r"\b(?:from|join)\s+(" + "|".join(KEPT_TABLES) + r")\b")
_READS_KEPT: dict[str, bool] = {}


@dataclass(frozen=True)
class Touched:
    """What a write changed: the figures of these indicators x school years, and what
    Synchronisation and Coordination read of these organisations."""

    indicators: list[str]
    years: list[str]
    organisations: list[str]


def _reads_kept(name: str) -> bool:
    """True when the query `name` reads a table of KEPT_TABLES."""
    if name not in _READS_KEPT:
        _READS_KEPT[name] = bool(_KEPT_READ.search(query_sql(name)))
    return _READS_KEPT[name]


# what the writes of this thread's `Store._write` touched, refreshed once it committed
_DEFERRED: contextvars.ContextVar[list[Touched | None] | None] = contextvars.ContextVar(
    "kept_deferred", default=None
)


def _refresh_after(con: duckdb.DuckDBPyConnection, touched: Touched | None) -> None:
    """Have what `touched` changed computed again as soon as the write commits, in the next
    transaction (`Store._refresh_deferred`); at once, in this one, outside `Store._write`."""
    deferred = _DEFERRED.get()
    if deferred is None:
        _refresh_kept(con, touched)
    else:
        deferred.append(touched)


@atexit.register
def _settle_all() -> None:
    """At exit, compute what the uploads of this process left for later (`Store.settle`), on
    the stores still there: the next process would otherwise compute every kept table again."""
    for key in connection.pending_paths():
        store = Store(key)
        if not store.lake and not store.path.exists():
            connection.take_pending(store.path)
            continue
        store._settle_logged()


def _merged(touched: list[Touched | None]) -> Touched | None:
    """What several writes touched together (None: everything)."""
    known = [t for t in touched if t is not None]
    if len(known) < len(touched):
        return None
    return Touched(
        sorted({i for t in known for i in t.indicators}),
        sorted({y for t in known for y in t.years}),
        sorted({o for t in known for o in t.organisations}),
    )


def _refresh_kept(con: duckdb.DuckDBPyConnection, touched: Touched | None) -> None:
    """Compute again, in the caller's transaction, what `touched` changed (None: everything)."""
    if touched is None:
        _refresh_figures(con)
        _refresh_reports(con)
    else:
        _refresh_figures(con, touched.indicators, touched.years)
        _refresh_reports(con, touched.organisations)
    con.execute("delete from figures_made")
    con.execute(f"insert into figures_made {query_sql('figures_made')}")


_ONE_GO = 1_000_000  # observations up to which every school year's figures are made at once


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _refresh_figures(
    con: duckdb.DuckDBPyConnection,
    indicators: list[str] | None = None,
    years: list[str] | None = None,
) -> None:
    """Compute again the figures kept of `indicators` x `years` (None: all of them) and give
    each of those indicator x school year a new version."""
    if (indicators is not None and not indicators) or (years is not None and not years):
        return  # nothing touched (values of no known period, say)
    chosen = {"indicators": indicators or [], "years": years or []}
    where = (
        "(len($indicators::varchar[]) = 0 or list_contains($indicators::varchar[], indicator))"
        " and (len($years::varchar[]) = 0 or list_contains($years::varchar[], school_year))"
    )
    con.execute(f"delete from figures where {where}", chosen)  # noqa: S608 - constant text
    con.execute(f"delete from figure_shares where {where}", chosen)  # noqa: S608
    # every school year apart when all of them are asked of a large store: the work of one at
    # a time in memory (a small one in one go: each statement costs tens of milliseconds even
    # on a few values, and a test suite or a demo makes thousands of writes)
    large = _scalar(con, "select count(*) from observations") > _ONE_GO
    batches = [[y] for y in _school_years(con)] if years is None and large else [years or []]
    # the figures of accepted values only when some submission ever was accepted
    accepted_too = _scalar(con, "select count(*) from submissions where status = 'accepted'") > 0
    for batch in batches:
        for accepted in (False, True) if accepted_too else (False,):
            # each organisation's part of each figure, made once for the figures and for the
            # shares, and kept in this transaction only
            con.execute(
                f"create or replace temp table __progress_parts as {query_sql('progress_parts')}",
                {
                    "indicator": "",
                    "orgs": [],
                    "accepted_only": accepted,
                    "indicators": indicators or [],
                    "years": batch,
                },
            )
            for table, name in (
                ("figures", "progress_live"),
                ("figure_shares", "progress_contributions_live"),
            ):
                made = query_sql(name, made=("progress_parts",))
                con.execute(
                    f"insert into {table} by name"  # noqa: S608 - constant text
                    f" select $accepted_only as accepted_only, {_YEAR_OF} as school_year, f.*"
                    f" from ({made}) as f inner join periods as p on p.code = f.period",
                    {"accepted_only": accepted},
                )
            con.execute("drop table __progress_parts")
    con.execute(f"delete from figure_versions where {where}", chosen)  # noqa: S608
    con.execute(
        "insert into figure_versions"
        " select i.code, y.code, greatest(epoch_us(now()),"
        "   (select coalesce(max(version), 0) + 1 from figure_versions))"
        " from unnest($i::varchar[]) as i(code) cross join unnest($y::varchar[]) as y(code)",
        {
            "i": indicators if indicators is not None else _indicator_codes(con),
            "y": years if years is not None else _school_years(con),
        },
    )


# what Synchronisation and Coordination read of the observations: table, the query computing it
# (of the organisations $orgs), whether of accepted values only (both) or not, its migration
_REPORT_TABLES: tuple[tuple[str, str, tuple[bool | None, ...], int], ...] = (
    ("report_arrivals", "report_arrivals_live", (None,), 15),
    ("report_counts", "report_counts_live", (None,), 16),  # counted from report_arrivals
    ("period_submissions", "period_submissions_live", (None,), 15),
    ("record_reports", "record_reports_live", (False, True), 15),
)


def _refresh_reports(
    con: duckdb.DuckDBPyConnection,
    organisations: list[str] | None = None,
    schema: int | None = None,
) -> None:
    """Compute again what Synchronisation and Coordination read of `organisations` (None:
    of every organisation); `schema`: the tables that migration made only."""
    if organisations is not None and not organisations:
        return
    chosen = {"orgs": organisations or []}
    where = "len($orgs::varchar[]) = 0 or list_contains($orgs::varchar[], organisation)"
    every_value = {"indicator": "", "indicators": [], "years": []}
    for table, name, flags, made_by in _REPORT_TABLES:
        if schema is not None and made_by != schema:
            continue
        con.execute(f"delete from {table} where {where}", chosen)  # noqa: S608 - constant text
        for flag in flags:
            if flag is None:
                con.execute(
                    f"insert into {table} by name select * from ({query_sql(name)})",  # noqa: S608
                    chosen,
                )
            else:
                con.execute(
                    f"insert into {table} by name"  # noqa: S608 - constant text
                    f" select $accepted_only as accepted_only, * from ({query_sql(name)})",
                    chosen | every_value | {"accepted_only": flag},
                )


def _school_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select code from periods where kind = 'school_year' order by start_date")
    return [str(r[0]) for r in rows.fetchall()]


def _indicator_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select distinct code from indicator_versions order by code").fetchall()
    return [str(r[0]) for r in rows]


def _touched_by(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    organisations: list[str],
    params: dict[str, Any] | None = None,
) -> Touched:
    """What a write of the rows of `relation` (indicator, period) by `organisations` touched."""
    # the distinct pairs first: the join then reads a few rows, not every value (0.05 s -> 0.01 s
    # for an upload of 818,181 values)
    rows = con.execute(
        f"select distinct r.indicator, {_YEAR_OF}"  # noqa: S608
        f" from (select distinct indicator, period from {relation}) as r"
        " inner join periods as p on p.code = r.period",
        params,
    ).fetchall()
    return Touched(
        sorted({str(i) for i, _ in rows}), sorted({str(y) for _, y in rows}), organisations
    )


def _reviewed(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> Touched:
    """What a review of the submissions `params['ids']` touches."""
    ids = {"ids": [int(i) for i in params["ids"]]}
    organisations = con.execute(
        "select distinct organisation from submissions where list_contains($ids::integer[], id)",
        ids,
    ).fetchall()
    return _touched_by(
        con,
        "(select indicator, period from observations"
        " where list_contains($ids::integer[], submission_id))",
        sorted(str(o[0]) for o in organisations),
        ids,
    )


# the statements that change what the store keeps (Store.execute), and what they touch
_CHANGES_KEPT: dict[str, Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], Touched]] = {
    "submission_review": _reviewed
}


def _fill_figures(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 14: every figure, computed once."""
    _refresh_figures(con)
    _made(con)


def _fill_reports(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 15: what Synchronisation and Coordination read, computed once."""
    _refresh_reports(con, schema=15)
    _made(con)


def _fill_counts(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 16: the expected reports counted, once."""
    _refresh_reports(con, schema=16)
    _made(con)


# what a migration made, filled in its own transaction
_AFTER_MIGRATION: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    14: _fill_figures,
    15: _fill_reports,
    16: _fill_counts,
}


def _made(con: duckdb.DuckDBPyConnection) -> None:
    """Record what the observations and submissions are as the kept tables are made."""
    con.execute("delete from figures_made")
    con.execute(f"insert into figures_made {query_sql('figures_made')}")


def _kept_behind(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the observations or submissions are not what they were when the kept tables
    were last computed (False on a store without them, before migration 14)."""
    try:
        made = con.execute("select * from figures_made").fetchall()
    except duckdb.CatalogException:
        return False
    return made != con.execute(query_sql("figures_made")).fetchall()


def _kept_definition(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the kept tables read of the definition (compared before and after a save): each
    indicator's rules, each period's place in time, the places' tree, the backbone; and for
    Synchronisation and Coordination, the commitments and the organisations."""
    rules = con.execute(
        "select code, unit, aggregation_time, aggregation_space, deduplication_rule, frequency"
        " from indicator_versions where valid_to is null and retired_at is null order by code"
    ).fetchall()
    periods = con.execute(
        f"select p.code, p.kind, {_YEAR_OF}, p.start_date from periods as p order by p.code"  # noqa: S608
    ).fetchall()
    return {
        "rules": {str(r[0]): r[1:] for r in rules},
        "periods": {str(p[0]): p[1:] for p in periods},
        "places": con.execute("select code, kind, parent from places order by code").fetchall(),
        "backbone": con.execute("select backbone from initiative").fetchall(),
        "commitments": con.execute("select * from commitments order by id").fetchall(),
        "organisations": con.execute("select code from organisations order by code").fetchall(),
    }


def _refresh_after_definition(
    con: duckdb.DuckDBPyConnection, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Compute again what a definition save changed. Figures: all of them when the places or
    the backbone changed; else those of the indicators whose rules changed, and those of the
    school years whose periods changed. What Synchronisation and Coordination read: all of
    it when anything it reads changed."""
    if before == after:
        return
    if before["places"] != after["places"] or before["backbone"] != after["backbone"]:
        _refresh_figures(con)
    else:
        rules = sorted(
            code
            for code in set(before["rules"]) | set(after["rules"])
            if before["rules"].get(code) != after["rules"].get(code)
        )
        years = sorted(
            {
                str(when[1])
                for code in set(before["periods"]) | set(after["periods"])
                if before["periods"].get(code) != after["periods"].get(code)
                for when in (before["periods"].get(code), after["periods"].get(code))
                if when is not None
            }
        )
        if rules:
            _refresh_figures(con, indicators=rules)
        if years:
            _refresh_figures(con, years=years)
    _refresh_reports(con)
    _made(con)
