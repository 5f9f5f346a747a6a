"""Benchmark of the first start: prints figures, asserts nothing (speed is measured, not tested).

1. The demo store built from nothing (`build_demo` on a temporary path, the same call as
   `ensure_demo_store` on a first start), with the time spent in each phase by the building
   process: planning the partners' files, waiting for them to be written (by processes of
   their own) and read (by the sandboxed workers), matching and checking, the store's reads
   and writes, the demo's accounts and reviews, the final check against the files; and the
   CPU time of the process and of its children.
2. With `--serve`: the time to the first usable page of a fresh server, as a newcomer meets
   it: `streamlit run serve.py` on a free port with a store path that does not exist yet,
   then a headless browser (Playwright and Debian's chromium) opens the sign-in page and
   waits for its form; then the time until the demo has finished loading behind it (the
   store is opened early, its loading mark removed once all files are sent, reviewed and
   published). Printed from the launch of the server. `--repeat 0 --serve`: the server only.

    uv run python scripts/bench_first_start.py [--serve] [--repeat 1] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' server launcher

from indicators.demo import build as demo_build
from indicators.ingest import pipeline
from indicators.ingest.reader import close_workers
from indicators.store.database import Store, data_dir
from tests import servers

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SPENT: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)
ACTIVE: dict[str, int] = defaultdict(int)
STARTED: dict[str, tuple[float, float]] = {}


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the wall time during which at least one call of phase `name` runs, and the CPU
    time of this process meanwhile."""
    if ACTIVE[name] == 0:
        STARTED[name] = (time.perf_counter(), time.process_time())
    ACTIVE[name] += 1
    try:
        yield
    finally:
        ACTIVE[name] -= 1
        if ACTIVE[name] == 0:
            wall, cpu = STARTED[name]
            SPENT[name] += time.perf_counter() - wall
            CPU[name] += time.process_time() - cpu


def timed(owner: Any, attribute: str, name: str) -> None:
    """Wrap `owner.attribute` so that its calls count in phase `name`."""
    original: Callable[..., Any] = getattr(owner, attribute)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with phase(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapper)


PHASES = {
    "plan": "planning the partners' files",
    "store-init": "creating the store, loading the definition",
    "read": "waiting for files to be written and read",
    "prepare": "matching and checking the files (prepare)",
    "store": "store reads and writes of the uploads",
    "accounts": "demo accounts, reviews, publications",
    "check": "checking the store against the files",
}


def instrument() -> None:
    timed(demo_build, "plan_demo", "plan")
    timed(demo_build, "init_store", "store-init")
    timed(pipeline, "prepare", "prepare")
    ahead = getattr(pipeline, "read_ahead")  # noqa: B009 - read ahead: the wait for the files

    def waited(*args: Any, **kwargs: Any) -> Iterator[Any]:
        results = ahead(*args, **kwargs)
        while True:
            with phase("read"):
                result = next(results, None)
            if result is None:
                return
            yield result

    setattr(pipeline, "read_ahead", waited)  # noqa: B010
    for method in (
        "mapping_memory",
        "mapping_memories",
        "current_values",
        "current_values_of",
        "classify_values",
        "load_values",
        "load_batch",
        "audit",
    ):
        if hasattr(Store, method):
            timed(Store, method, "store")
    timed(demo_build, "_open_accounts", "accounts")
    timed(demo_build, "_review", "accounts")
    timed(demo_build, "_check_store", "check")


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def bench_build(scale: float) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-first-start-") as tmp:
        SPENT.clear()
        CPU.clear()
        started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        summary = demo_build.build_demo(Path(tmp) / "demo.duckdb", data_dir(), scale=scale)
        total = time.perf_counter() - started
        close_workers()  # their CPU time counts once they have ended
        cpu, children = time.process_time() - cpu, _children_cpu() - children
    print(
        f"demo store built from nothing: {total:.1f} s"
        f" ({summary.files} files, {summary.values} current values,"
        f" {len(summary.surprises)} surprises)"
    )
    print(
        f"  CPU: {cpu:.1f} s in this process, {children:.1f} s in its children"
        " (the processes writing the files, the sandboxed readers)"
    )
    print(f"  {'phase':<48} {'wall':>6}   {'CPU':>6}")
    named = wall_cpu = 0.0
    for key, label in PHASES.items():
        print(f"  {label:<48} {SPENT.get(key, 0.0):6.1f} s {CPU.get(key, 0.0):6.1f} s")
        named += SPENT.get(key, 0.0)
        wall_cpu += CPU.get(key, 0.0)
    other = "other (the build loop, moving the file)"
    print(f"  {other:<48} {total - named:6.1f} s {cpu - wall_cpu:6.1f} s")
    return total


def bench_serve() -> float | None:
    """Seconds from `streamlit run serve.py` to a sign-in form in a browser, on a new store."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("time to first page: skipped (Playwright is not installed)")
        return None
    if not CHROMIUM.exists():
        print("time to first page: skipped (/usr/bin/chromium is not installed)")
        return None
    with tempfile.TemporaryDirectory(prefix="bench-first-page-") as tmp:
        db = Path(tmp) / "mesure.duckdb"
        env = {**os.environ, "MESURE_DB": str(db)}
        env.pop("MESURE_DEMO_BUILD", None)
        started, launched = time.perf_counter(), time.time()
        server, url = servers.launch(env)
        try:
            try:
                servers.wait_healthy(server, url, within=120, poll=0.1)
            except servers.ServerStartError as error:
                print(f"time to first page: {error}")
                return None
            healthy = time.perf_counter() - started
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
                page = browser.new_page()
                page.goto(url)
                page.get_by_role("button", name="Se connecter").wait_for(timeout=600_000)
                page.get_by_text("demo-mesure").first.wait_for(state="attached", timeout=60_000)
                first_page = time.perf_counter() - started
                browser.close()
            mark = demo_build.loading_mark(db)  # the files still being sent (store opened early)
            opened = mark.stat().st_mtime - launched if mark.exists() else None
            while mark.exists() and server.poll() is None:
                time.sleep(0.2)
            loaded = time.perf_counter() - started
        finally:
            servers.stop(server)
    print(f"server answering /_stcore/health: {healthy:.1f} s after launch")
    if opened is not None:
        print(
            f"demo store opened (definition, accounts; loading mark): {opened:.1f} s after launch"
        )
    print(
        f"first usable page (sign-in form, demo accounts listed): {first_page:.1f} s after launch"
    )
    print(f"demo fully loaded (files sent, reviewed, published): {loaded:.1f} s after launch")
    return first_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="builds to time")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the organisations")
    parser.add_argument("--serve", action="store_true", help="also time the first page")
    args = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" load average {load[0]:.1f} (busy when above the cores)"
    )
    instrument()
    for _ in range(args.repeat):
        bench_build(args.scale)
    if args.serve:
        bench_serve()


if __name__ == "__main__":
    main()
