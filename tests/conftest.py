"""Shared fixtures: the small valid definition, broken variants, and real stores in tmp_path."""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicators.access.accounts import Security
from indicators.access.viewer import Viewer
from indicators.store.database import Store
from indicators.store.setup import init_store

FIXTURES = Path(__file__).parent / "fixtures"
BASE_DEFINITION = FIXTURES / "definition"
BROKEN = FIXTURES / "broken"
PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"

# Three test workers (and their servers) share two cores: DuckDB's threads in each would wait
# for one another's work in turn, which costs more CPU than the small stores' queries (13 % of
# the suite). Set before any store is opened; the servers and commands the tests start inherit it.
os.environ.setdefault("MESURE_DUCKDB_THREADS", "1")


@pytest.fixture(autouse=True, scope="session")
def components_scanned_once() -> Iterator[None]:
    """Each AppTest run scans every installed package's metadata for Streamlit components
    (0.6 s of CPU); within one test process the answer cannot change, so it is scanned once."""
    from streamlit.components.v2 import manifest_scanner

    original = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(original)
    yield
    manifest_scanner.scan_component_manifests = original


@pytest.fixture(autouse=True, scope="session")
def scripts_compiled_once() -> Iterator[None]:
    """Each AppTest run gets a new, empty script cache, so it parses, rewrites (Streamlit's
    "magic") and compiles app.py and its page again (4 % of the AppTest files' CPU). Within one
    test process the bytecode of the same text at the same path cannot differ: it is kept,
    keyed on both, so a file a test changes is compiled again."""
    from streamlit import config
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    original = ScriptCache.get_bytecode
    compiled: dict[tuple[str, bytes, bool], object] = {}  # (path, text, magic): bytecode

    def get_bytecode(self: ScriptCache, script_path: str) -> object:
        path = Path(script_path).resolve()
        key = (str(path), path.read_bytes(), bool(config.get_option("runner.magicEnabled")))
        if key not in compiled:
            compiled[key] = original(self, script_path)
        return compiled[key]

    ScriptCache.get_bytecode = get_bytecode  # type: ignore[method-assign]
    yield
    ScriptCache.get_bytecode = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def script_runs_awaited_not_polled() -> Iterator[None]:
    """AppTest waits for each script run by waking every millisecond to look through all the
    run's events for the last one (`require_widgets_deltas`): a thousand times a second it
    takes the interpreter from the page being run, for a scan that grows with the page. Here
    it waits on an event set by the last one, with the same timeout and the same error."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunnerEvent
    from streamlit.testing.v1 import local_script_runner

    original = local_script_runner.require_widgets_deltas

    def require_widgets_deltas(runner: Any, timeout: float = 3) -> None:
        stopped = threading.Event()

        def on_event(sender: object, event: ScriptRunnerEvent, **kwargs: object) -> None:
            if event == ScriptRunnerEvent.SHUTDOWN:
                stopped.set()

        runner.on_event.connect(on_event, weak=False)
        try:
            if runner.script_stopped() or stopped.wait(timeout):  # sent before, or now
                return
        finally:
            runner.on_event.disconnect(on_event)
        runner.request_stop()  # as Streamlit's own: the script must not run on forever
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")

    local_script_runner.require_widgets_deltas = require_widgets_deltas
    yield
    local_script_runner.require_widgets_deltas = original


@pytest.fixture(autouse=True, scope="session")
def default_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where a test that names no store (no `--db`, no MESURE_DB) would put one: a folder of
    this run's, not the project's data/mesure.duckdb, which is a developer's demo store and the
    one the README's first command opens (a test's small store was found there)."""
    path = tmp_path_factory.mktemp("default-store") / "mesure.duckdb"
    before = os.environ.get("MESURE_DB")
    os.environ["MESURE_DB"] = str(path)
    yield path
    if before is None:
        os.environ.pop("MESURE_DB", None)
    else:
        os.environ["MESURE_DB"] = before


@pytest.fixture(autouse=True)
def no_test_uses_the_default_store(default_store: Path) -> Iterator[None]:
    """Fails the test that made a store without naming it (see `default_store`)."""
    yield
    made = sorted(p.name for p in default_store.parent.iterdir())
    if made:
        for path in default_store.parent.iterdir():
            path.unlink()
        pytest.fail(f"this test made a store without naming it (--db, MESURE_DB): {made}")


@pytest.fixture(autouse=True)
def raise_page_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages let their errors through in the tests, which then fail on them, rather than
    showing the sentence users get (tests/test_failures.py checks that sentence)."""
    monkeypatch.setenv("MESURE_RAISE_ERRORS", "1")


def copy_definition(target: Path, overlay: str | None = None) -> Path:
    """A copy of the valid fixture definition in `target`, with one broken case laid over it."""
    shutil.copytree(BASE_DEFINITION, target)
    if overlay:
        for path in (BROKEN / overlay).iterdir():
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def definition_dir(tmp_path: Path) -> Path:
    """A writable copy of the small valid definition."""
    return copy_definition(tmp_path / "definition")


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store `init_store` makes of the small definition, made once per test process."""
    folder = tmp_path_factory.mktemp("store-template")
    created, _ = init_store(
        folder / "mesure.duckdb", copy_definition(folder / "definition"), "test"
    )
    return created.path


def copied_store(template: Path, target: Path) -> Store:
    """A store at `target` that is a byte-for-byte copy of the closed store `template`: what
    building it again would give, without the cost (a store holds no path of its own)."""
    shutil.copyfile(template, target)
    wal = Path(f"{template}.wal")  # none once closed; copied should one be left
    if wal.exists():
        shutil.copyfile(wal, f"{target}.wal")
    return Store(target)


@pytest.fixture
def store(tmp_path: Path, definition_dir: Path, store_template: Path) -> Store:
    """A real DuckDB store in tmp_path, created and loaded from the small definition (the
    copy of `store_template`, which `definition_dir` is a fresh copy of the same files as)."""
    return copied_store(store_template, tmp_path / "mesure.duckdb")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Store:
    """The demo initiative's store at its smallest scale (the cast organisations only, about
    15 seconds), with its demo accounts; read-only by use. Built once per run: under
    pytest-xdist the first worker to need it builds it in the run's shared folder while the
    others wait, then each works on its own copy."""
    from indicators.demo import build_demo

    own = tmp_path_factory.mktemp("demo-store") / "demo.duckdb"
    if worker_id == "master":  # not under xdist: no other process to share with
        build_demo(own, PROJECT / "data", None, scale=0.0)
        return Store(own)
    shared = tmp_path_factory.getbasetemp().parent / "demo-store"  # this run's, every worker's
    shared.mkdir(exist_ok=True)
    built = shared / "demo.duckdb"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            build_demo(shared / "building.duckdb", PROJECT / "data", None, scale=0.0)
            Store(shared / "building.duckdb").close()
            (shared / "building.duckdb").rename(built)
    return copied_store(built, own)


DEMO_USERS = ("college", "entreprise", "association", "financeur")  # partners and the funder


def demo_viewer(store: Store, username: str) -> Viewer:
    """The viewer a demo account signs in as (its role and organisation, from the store)."""
    from indicators.access.accounts import list_accounts
    from indicators.access.viewer import command_line

    row = list_accounts(store, command_line()).set_index("username").loc[username]
    organisation = str(row["organisation"]) if row["role"] == "partner" else None
    return Viewer(username, str(row["role"]), username, organisation)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, definition_dir: Path) -> Path:
    """Point the app at a fresh store built from the small definition on first start.

    The store starts empty: the demo data a demo initiative gets on first start is switched
    off (`MESURE_DEMO_BUILD=0`), except in the test that turns it back on.
    """
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("MESURE_DB", str(db))
    monkeypatch.setenv("MESURE_DATA", str(definition_dir))
    monkeypatch.setenv("MESURE_DEMO_BUILD", "0")
    for name, value in LIGHT_ARGON2.items():  # hashing as strong as the defaults is slow
        monkeypatch.setenv(name, value)
    return db


@pytest.fixture(scope="session")
def app_store_template(tmp_path_factory: pytest.TempPathFactory, store_template: Path) -> Path:
    """`store_template` with one account per role (see ACCOUNTS), made once per process."""
    store = copied_store(store_template, tmp_path_factory.mktemp("app-template") / "app.duckdb")
    open_accounts(store)
    store.close()
    return store.path


@pytest.fixture
def app_store(app_env: Path, app_store_template: Path) -> Store:
    """The app's store made beforehand, with one account per role (see ACCOUNTS)."""
    return copied_store(app_store_template, app_env)


def open_accounts(store: Store) -> None:
    """Create the accounts of ACCOUNTS, each with the password PASSWORD."""
    from indicators.access.accounts import add_account
    from indicators.access.viewer import command_line

    for viewer in ACCOUNTS.values():
        add_account(
            store,
            command_line(),
            viewer.username,
            viewer.display_name,
            viewer.role,
            PASSWORD,
            viewer.organisation,
            security=FAST,
        )


def session_token(store: Store, username: str) -> str:
    """The cookie value of a new session of `username`."""
    from indicators.access.accounts import get_account
    from indicators.access.sessions import open_session

    return open_session(store, get_account(store, username), security=FAST)


# Viewers of each role for the tests of `indicators` functions (no login needed there).
EVALUATOR = Viewer("eva", "evaluator", "Éva Luation")
PARTNER_A = Viewer("valmont", "partner", "Transports Valmont", "ent-valmont")
PARTNER_B = Viewer("elan", "partner", "Association Élan", "asso-elan")
FUNDER = Viewer("horizon", "funder", "Fondation Horizon", "fin-fondation")
ACCOUNTS = {"evaluator": EVALUATOR, "partner": PARTNER_A, "partner_b": PARTNER_B, "funder": FUNDER}
PASSWORD = "correct horse battery"
FAST = Security(time_cost=1, memory_kib=1024, parallelism=1)
LIGHT_ARGON2 = {
    "MESURE_ARGON2_TIME_COST": "1",
    "MESURE_ARGON2_MEMORY_KIB": "1024",
    "MESURE_ARGON2_PARALLELISM": "1",
}


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the machine has cores. Browser, server and PostgreSQL
    tests spend much of their time waiting on other processes; the extra worker keeps the
    cores busy meanwhile (measured on 2 cores: 82 % busy with 2 workers)."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser journeys first, in their order, then the rest in theirs. pytest-xdist's
    worksteal hands each worker a run of the collected tests and lets an idle worker take the
    end of another's run: long journeys at the start leave short tests for the end, where
    workers would otherwise wait on the last journeys (they came last: test_browser.py sorts
    after most files and its tests were taken at the end)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
