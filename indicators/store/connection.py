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
"""

from __future__ import annotations

import atexit
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


class StoreBusyError(Exception):
    """Another process holds the store file for longer than we may wait."""


def linger() -> float:
    """Seconds an idle instance stays open: `MESURE_STORE_LINGER`, else LINGER_SECONDS."""
    return _seconds("MESURE_STORE_LINGER", LINGER_SECONDS)


def wait() -> float:
    """Seconds to wait for a file held by another process: `MESURE_STORE_WAIT`, else 3."""
    return _seconds("MESURE_STORE_WAIT", WAIT_SECONDS)


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


_registry = _Registry()


def _current() -> _Registry:
    """The registry of this process (a forked child starts with an empty one and never closes
    its parent's instances)."""
    global _registry
    if _registry.pid != os.getpid():
        _registry = _Registry()
    return _registry


def _key(path: Path) -> str:
    return str(path.resolve())


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
        while True:
            try:
                con = duckdb.connect(str(path))
                break
            except duckdb.IOException as exc:
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
def _close_all() -> None:
    registry = _current()
    with registry.guard:
        idle = [(k, i.generation) for k, i in registry.instances.items() if i.users == 0]
    for key, generation in idle:
        _expire(key, generation, registry)
