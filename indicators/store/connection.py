"""One DuckDB instance per store file and process, shared by every thread; used by store.py only.

DuckDB lets one process at a time open a file for writing, and inside a process it wants one
database instance per file: two threads that open and close their own connections at the same
moment collide in DuckDB's instance cache ("Unique file handle conflict"). So a process opens a
file once, hands each caller a cursor of its own (a cursor is a connection to the same instance,
safe to use from its thread), and serialises its writers (DuckDB's optimistic concurrency would
otherwise refuse the second of two transactions that update the same rows).

The instance is closed, which checkpoints its write-ahead log into the file, once nobody has used
it for `linger` seconds: the command line (another process) can then open the file between two
bursts of an app server's work, as it could when every call had its own connection.

A DuckLake store (`Lake`: its catalog in PostgreSQL, its data as Parquet files in a folder every
server reaches) is attached to an in-memory instance that stays open for the life of the
process: no file is held, so there is nothing to hand back, and other processes write at the
same time (DuckLake's transactions settle who wins; see database.py for the retries).
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

LINGER_SECONDS = 1.0  # idle time before a file is handed back to other processes
WAIT_SECONDS = 3.0  # how long to wait for a file another process holds


LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"


class StoreFormatError(Exception):
    """The file was written by a DuckDB whose storage format this one cannot read."""


class StoreBusyError(Exception):
    """Another process holds the store file for longer than we may wait."""


@dataclass(frozen=True)
class Lake:
    """A DuckLake store: `ducklake:<catalog>;data=<folder>`, e.g.
    `ducklake:postgres:dbname=mesure host=127.0.0.1 port=5432;data=/srv/mesure/lake`."""

    catalog: str  # what follows `ducklake:` in DuckDB's ATTACH: `postgres:<libpq conninfo>`
    data: str  # the folder (or object-storage prefix) of the Parquet files

    @classmethod
    def parse(cls, text: str) -> Lake | None:
        """The lake that `text` names, None when it is not a DuckLake URL (a file path)."""
        if not text.startswith(LAKE_PREFIX):
            return None
        catalog, sep, data = text[len(LAKE_PREFIX) :].rpartition(";data=")
        if not sep or not catalog.strip() or not data.strip():
            raise ValueError(f"a DuckLake store reads `{LAKE_PREFIX}<catalog>;data=<folder>`")
        return cls(catalog.strip(), data.strip())


def extension_files() -> list[Path]:
    """The ducklake and postgres extensions shipped by the `duckdb-ext-*` packages (loaded from
    their files: DuckDB would otherwise download them, which an offline server cannot)."""
    spec = importlib.util.find_spec("duckdb_ext")
    roots = list(spec.submodule_search_locations or []) if spec else []
    wanted = ("postgres_scanner", "ducklake")  # postgres first: the catalog needs it
    found = {f.name.split(".")[0]: f for r in roots for f in Path(r).rglob("*.duckdb_extension")}
    return [found[name] for name in wanted if name in found]


def _open_lake(lake: Lake) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        files = extension_files()
        if len(files) < 2:
            raise StoreBusyError(
                "the duckdb-ext-ducklake and duckdb-ext-postgres packages are not installed"
            )
        for file in files:
            con.execute(f"load '{_literal(str(file))}'")
        con.execute("set enable_progress_bar = false")
        data = lake.data if lake.data.endswith("/") or "://" in lake.data else lake.data + "/"
        if "://" not in data:
            Path(data).mkdir(parents=True, exist_ok=True)
        con.execute(
            f"attach '{_literal(LAKE_PREFIX + lake.catalog)}' as {LAKE_ALIAS}"
            f" (data_path '{_literal(data)}', data_inlining_row_limit {inlined_rows()})"
        )
    except (duckdb.Error, OSError) as exc:
        con.close()
        raise StoreBusyError(str(exc)) from exc
    return con


# DuckLake can keep small writes in tables of the catalog rather than one Parquet file each, but
# with DuckDB 1.4 a server does not see such a table that another server created after it
# attached the lake ("Cannot open file ducklake_inlined_data_…"): off unless asked for.
INLINED_ROWS = 0


def inlined_rows() -> int:
    """Rows a write keeps in the catalog rather than in a Parquet file: `MESURE_LAKE_INLINE`,
    else INLINED_ROWS."""
    return int(_seconds("MESURE_LAKE_INLINE", INLINED_ROWS))


def _literal(text: str) -> str:
    return text.replace("'", "''")


def linger() -> float:
    """Seconds an idle instance stays open: `MESURE_STORE_LINGER`, else LINGER_SECONDS."""
    return _seconds("MESURE_STORE_LINGER", LINGER_SECONDS)


def wait() -> float:
    """Seconds to wait for a file held by another process: `MESURE_STORE_WAIT`, else 3."""
    return _seconds("MESURE_STORE_WAIT", WAIT_SECONDS)


def threads() -> int:
    """DuckDB's threads per open store: `MESURE_DUCKDB_THREADS`, else 0 (one per core).

    One suits a process that is one of several busy ones on the same cores (a test worker, a
    server beside others): DuckDB's threads otherwise wait for work in turn, and on a small
    store that waiting costs more CPU than the query (the test suite: 13 % less CPU)."""
    return int(_seconds("MESURE_DUCKDB_THREADS", 0))


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass
class _Instance:
    """One open file: its base connection, how many callers hold a cursor, its closing timer."""

    con: duckdb.DuckDBPyConnection
    users: int = 0
    timer: threading.Timer | None = None
    generation: int = 0


@dataclass
class _Registry:
    """The process's open files. `guard` protects the maps; each file has its own write lock."""

    pid: int = field(default_factory=os.getpid)
    guard: threading.Lock = field(default_factory=threading.Lock)
    instances: dict[str, _Instance] = field(default_factory=dict)
    opening: dict[str, threading.Lock] = field(default_factory=dict)
    writers: dict[str, threading.RLock] = field(default_factory=dict)
    pending: dict[str, list[object]] = field(default_factory=dict)
    computing: dict[str, int] = field(default_factory=dict)  # pending work taken, not yet done


_registry = _Registry()


def _current() -> _Registry:
    """The registry of this process (a forked child starts with an empty one and never closes
    its parent's instances)."""
    global _registry
    if _registry.pid != os.getpid():
        _registry = _Registry()
    return _registry


def _key(path: Path) -> str:
    text = str(path)
    return text if text.startswith(LAKE_PREFIX) else str(path.resolve())


def _opening(key: str, registry: _Registry) -> threading.Lock:
    with registry.guard:
        return registry.opening.setdefault(key, threading.Lock())


def _open(path: Path, key: str, registry: _Registry, patience: float) -> _Instance:
    """The file's instance, opened if needed; waits while another process holds the file.

    Opening and closing a file both hold its `opening` lock, so that no thread opens a file
    while another closes it (DuckDB refuses a second instance of a file still attached)."""
    with _opening(key, registry):
        with registry.guard:
            found = registry.instances.get(key)
            if found is not None:
                return _take(found)
        deadline = time.monotonic() + patience
        delay = 0.02
        lake = Lake.parse(str(path))
        while True:
            try:
                con = _open_lake(lake) if lake else duckdb.connect(str(path))
                if threads():  # a setting of the instance, not of its opening: no conflict
                    con.execute(f"set threads = {threads()}")
                break
            except (duckdb.IOException, StoreBusyError) as exc:
                if "version number" in str(exc):  # another storage format: waiting won't help
                    raise StoreFormatError(str(exc)) from exc
                if time.monotonic() >= deadline:
                    raise StoreBusyError(str(exc)) from exc
                time.sleep(delay)
                delay = min(0.25, delay * 1.5)
        with registry.guard:
            instance = registry.instances[key] = _Instance(con)
            return _take(instance)


def _take(instance: _Instance) -> _Instance:
    # called under registry.guard
    instance.users += 1
    instance.generation += 1
    if instance.timer is not None:
        instance.timer.cancel()
        instance.timer = None
    return instance


def _give_back(key: str, instance: _Instance, registry: _Registry) -> None:
    seconds = linger()
    with registry.guard:
        instance.users -= 1
        if instance.users or registry.instances.get(key) is not instance:
            return
        if key.startswith(LAKE_PREFIX):  # nothing to hand back: stays open (closed at exit)
            return
        generation = instance.generation
        if seconds > 0:
            timer = threading.Timer(seconds, _expire, (key, generation, registry))
            # not a daemon: at exit the interpreter waits for it (a second at most) rather than
            # stop it inside DuckDB's C++ code, which aborts the process
            timer.daemon = False
            instance.timer = timer
            timer.start()
            return
    _expire(key, generation, registry)


def _expire(key: str, generation: int, registry: _Registry) -> None:
    """Close the file's instance unless someone took it again since `generation`.

    Timers carry the key, not the instance: at exit, nothing but the registry may still hold
    a DuckDB object (nanobind reports every one left alive)."""
    with _opening(key, registry):
        with registry.guard:
            instance = registry.instances.get(key)
            if instance is None or instance.users or instance.generation != generation:
                return
            del registry.instances[key]
            if instance.timer is not None:
                instance.timer.cancel()
                instance.timer = None
        _close(key, instance)


def _close(key: str, instance: _Instance) -> None:
    try:
        instance.con.close()  # the last connection of the instance: DuckDB checkpoints
    except duckdb.Error:
        log.exception("closing the store %s", key)


@contextmanager
def cursor(path: Path, patience: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the file's shared instance, for this thread, closed on exit; waits up to
    `patience` seconds (default: `wait()`) while another process holds the file."""
    registry = _current()
    key = _key(path)
    instance = _open(path, key, registry, wait() if patience is None else patience)
    try:
        with registry.guard:  # creating a cursor touches the shared base connection
            own = instance.con.cursor()
        try:
            if key.startswith(LAKE_PREFIX):
                own.execute(f"use {LAKE_ALIAS}")  # each cursor has its own default database
            yield own
        finally:
            own.close()
    finally:
        _give_back(key, instance, registry)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Hold the file's write lock: one writing transaction at a time in this process."""
    registry = _current()
    key = _key(path)
    with registry.guard:
        lock = registry.writers.setdefault(key, threading.RLock())
    with lock:
        yield


def defer(path: Path, work: object) -> None:
    """Remember `work` that the writers of the file left for later (see `take_pending`)."""
    registry = _current()
    with registry.guard:
        registry.pending.setdefault(_key(path), []).append(work)


def pending(path: Path) -> bool:
    """True when work left for later on the file waits (`defer`)."""
    registry = _current()
    with registry.guard:
        return bool(registry.pending.get(_key(path)))


def take_pending(path: Path) -> list[object]:
    """The work left for later on the file, in the order it was left; none waits after."""
    registry = _current()
    with registry.guard:
        return registry.pending.pop(_key(path), [])


@contextmanager
def computing(path: Path) -> Iterator[None]:
    """Mark the work taken from `take_pending` as being done until the block ends."""
    registry = _current()
    key = _key(path)
    with registry.guard:
        registry.computing[key] = registry.computing.get(key, 0) + 1
    try:
        yield
    finally:
        with registry.guard:
            registry.computing[key] -= 1
            if not registry.computing[key]:
                del registry.computing[key]


def behind(path: Path) -> bool:
    """True while work left for later on the file waits (`defer`) or is being done
    (`computing`)."""
    registry = _current()
    key = _key(path)
    with registry.guard:
        return bool(registry.pending.get(key)) or key in registry.computing


def pending_paths() -> list[str]:
    """The files (or lakes) with work left for later in this process."""
    registry = _current()
    with registry.guard:
        return sorted(registry.pending)  # an entry is there only while work waits


def release(path: Path, timeout: float = 30.0) -> bool:
    """Close the file's instance once its users are done (before the file is moved or
    replaced); False when users still held it after `timeout` seconds."""
    registry = _current()
    key = _key(path)
    deadline = time.monotonic() + timeout
    while True:
        with registry.guard:
            instance = registry.instances.get(key)
            if instance is None:
                return True
            idle, generation = instance.users == 0, instance.generation
        if idle:
            _expire(key, generation, registry)
            continue
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def open_files() -> list[str]:
    """The files this process holds open (for tests and diagnostics)."""
    registry = _current()
    with registry.guard:
        return sorted(registry.instances)


@atexit.register
def close_all() -> None:
    """Close every file of this process no one is using (at exit, or when a server stops)."""
    registry = _current()
    with registry.guard:
        idle = [(k, i.generation) for k, i in registry.instances.items() if i.users == 0]
    for key, generation in idle:
        _expire(key, generation, registry)
