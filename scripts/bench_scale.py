"""Benchmarks at scale (issue 20): print figures, assert nothing.

    uv run python scripts/bench_scale.py --scale 0.1 --db /tmp/scale-0.1.duckdb

Builds the large initiative (indicators/demo/scale.py) at `--scale` unless `--db` exists, then
prints: the machine; the build's steps; the ingest's throughput on the sampled workbooks and its
ratio to python-calamine's raw read of the same files; each analytics function that the pages
call, per role (evaluator, partner, funder), median and 95th percentile over `--repeat` calls
(the first call listed apart: it fills the caches); each page's render time per role through
streamlit.testing's AppTest; peak memory; the store's size. `--skip-pages`, `--only NAME` (a
substring of the function names) narrow the run; `--touch` has each call but the first follow an
upload of one value (what a page meets after each upload; it writes into the store: use a
copy); `--sign-ins` has each page run but the first follow a sign-in (what pages meet when
people sign in all morning; it writes sessions into the store). Run it under `nice -n 19` on a
shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402
import streamlit  # noqa: E402

from indicators.access import journal  # noqa: E402
from indicators.access.accounts import Security, add_account, get_account  # noqa: E402
from indicators.access.sessions import open_session  # noqa: E402
from indicators.access.viewer import PAGE_ROLES, Viewer  # noqa: E402
from indicators.analytics import (  # noqa: E402
    catalogue,
    coordination,
    figures,
    kept,
    learning,
    synthesis,
    theory,
)
from indicators.analytics import progress as pr  # noqa: E402
from indicators.analytics import synchronisation as sync  # noqa: E402
from indicators.common import runtime  # noqa: E402
from indicators.common.problems import RefusedInputError  # noqa: E402
from indicators.definition.writing import write_definition  # noqa: E402
from indicators.demo.scale import ACTOR, build_scale, store_bytes  # noqa: E402
from indicators.ingest import uploads  # noqa: E402
from indicators.ingest.pipeline import BatchFile, ingest_files  # noqa: E402
from indicators.store import connection  # noqa: E402
from indicators.store.database import Store  # noqa: E402
from indicators.store.setup import create_store  # noqa: E402
from indicators.store.stored import stored_definition  # noqa: E402

FAST = Security(time_cost=1, memory_kib=1024, parallelism=1)
PASSWORD = "banc-d-essai-mesure"
ROLES = ("evaluator", "partner", "funder")
TARGET_FUNCTION_MS = 300
TARGET_PAGE_S = 3


def machine() -> list[str]:
    """The machine's description: CPU, cores, memory, system, versions."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPU: {model or platform.processor()}",
        f"cores: {os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        f"RAM: {memory}",
        f"system: {platform.platform()}",
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, pandas"
        f" {pd.__version__}, streamlit {streamlit.__version__}, python-calamine"
        f" {metadata.version('python-calamine')}",
        f"load average at start: {load}",
    ]


BEFORE: list[float] = []  # seconds of each `before()` (the uploads of --touch)


def timed(
    call: Callable[[], object],
    repeat: int,
    budget: float,
    before: Callable[[], object] | None = None,
) -> list[float]:
    """Seconds of each call: `repeat` calls, fewer when they exceed `budget` seconds in all;
    `before()`, untimed (its seconds go to BEFORE), before every call but the first."""
    out: list[float] = []
    spent = 0.0
    while len(out) < repeat and (spent < budget or len(out) < 2):
        if before is not None and out:
            started = time.perf_counter()
            before()
            BEFORE.append(time.perf_counter() - started)
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
        spent += out[-1]
        if out[-1] > budget:  # one call over the budget: once is enough
            break
    return out


def p95(xs: list[float]) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def viewers(store: Store) -> dict[str, Viewer]:
    """One viewer per role: the evaluator, the partner with the most values, the first funder."""
    organisations = store.query("organisations")
    with connection.cursor(store.path) as con:  # counted by DuckDB: 10 M rows are not read
        counts = dict(
            con.execute("select organisation, count(*) from observations group by all").fetchall()
        )
    partners = organisations[organisations["type"].isin(["company", "association"])]
    partner = max(partners["code"], key=lambda c: int(counts.get(c, 0)))
    funder = str(organisations[organisations["type"] == "funder"]["code"].iloc[0])
    return {
        "evaluator": Viewer("bench-eval", "evaluator", "Évaluation (banc)"),
        "partner": Viewer("bench-partner", "partner", "Partenaire (banc)", partner),
        "funder": Viewer("bench-funder", "funder", "Financeur (banc)", funder),
    }


def open_accounts(store: Store, who: dict[str, Viewer]) -> None:
    existing = set(store.query("accounts", username="")["username"])
    admin = Viewer(ACTOR, "evaluator", "Banc d'essai")
    for viewer in who.values():
        if viewer.username not in existing:
            add_account(
                store,
                admin,
                viewer.username,
                viewer.display_name,
                viewer.role,
                PASSWORD,
                viewer.organisation,
                security=FAST,
            )


def functions(store: Store, viewer: Viewer, today: dt.date) -> dict[str, Callable[[], Any]]:
    """The analytics functions the pages call for `viewer`, with the arguments a page gives."""
    definition = stored_definition(store)
    years = [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]
    year = years[-2] if len(years) > 1 else years[-1]
    window = [p.code for p in definition.periods if p.kind == "school_year"][:3]
    indicator = definition.indicators[0].code
    node = definition.indicators[0].node
    territory = next(p.code for p in definition.places if p.kind == "territory")
    organisation = viewer.organisation or next(
        o.code for o in definition.organisations if o.type == "company"
    )

    def set_up(what: str) -> pd.DataFrame:
        started = time.perf_counter()
        table = pr.progress(store, viewer, scope=pr.SCOPE_ALL)
        print(
            f"{'(set-up) progress.progress':32} {viewer.role:10}"
            f" {(time.perf_counter() - started) * 1000:9.0f}  ({what})",
            flush=True,
        )
        return table

    table = None
    if viewer.role != "funder":
        table = set_up("cold: every figure protected but the pieces the store kept for partners")
    if viewer.role == "partner":  # a process started anew: the store keeps partners' pieces
        kept.forget()
        pr.forget()
        set_up("a new process: pieces read from the store")
    calls: dict[str, Callable[[], Any]] = {
        "catalogue.indicator_table": lambda: catalogue.indicator_table(store, viewer),
        "catalogue.school_table": lambda: catalogue.school_table(store, viewer),
        "catalogue.indicator_history": lambda: catalogue.indicator_history(
            store, viewer, indicator
        ),
        "catalogue.version_breaks": lambda: catalogue.version_breaks(store, viewer, indicator),
        "theory.theory_graph": lambda: theory.theory_graph(store, viewer),
        # the figures of one indicator, as the Théorie du changement page reads them for a
        # breakdown (every indicator's: 15 million rows at 10 M observations, no page reads them)
        "progress.figures": lambda: pr.figures(store, viewer, indicator),
        "progress.progress": lambda: pr.progress(store, viewer, scope=pr.SCOPE_ALL),
        "progress.contributors": lambda: pr.contributors(store, viewer, node),
        "learning.notes": lambda: learning.notes(store, viewer, node=node),
        "figures.collective": lambda: figures.collective(store, viewer),
        "sync.rates": lambda: sync.rates(store, viewer, today),
        "sync.statuses": lambda: sync.statuses(store, viewer, today),
        "sync.status_counts": lambda: sync.status_counts(store, viewer, today),
        "sync.consistency": lambda: sync.consistency(store, viewer, today, window),
        "sync.missing_reports": lambda: sync.missing_reports(store, viewer, today),
        "sync.sync_index": lambda: sync.sync_index(store, viewer, today),
        "coordination.presence": lambda: coordination.presence(store, viewer, year),
        "coordination.gaps": lambda: coordination.gaps(store, viewer, year, today),
        "coordination.overlaps": lambda: coordination.overlaps(store, viewer, year),
        "coordination.need_and_reach": lambda: coordination.need_and_reach(store, viewer, year),
        "coordination.network": lambda: coordination.network(
            store, viewer, year, territory=territory
        ),
    }
    if viewer.role != "funder":
        calls["figures.values"] = lambda: figures.values(store, viewer, organisation)
        calls["uploads.history"] = lambda: uploads.history(store, viewer, definition, organisation)
        assert table is not None
        calls["progress.node_statuses"] = lambda: pr.node_statuses(store, viewer, table, year)
        calls["progress.trace"] = lambda: pr.trace(store, viewer, indicator, pr.SCOPE_ALL, year)
    if viewer.role in ("evaluator", "funder"):
        calls["synthesis.summary"] = lambda: synthesis.summary(
            store, viewer, year, "*", today, live=viewer.role == "evaluator"
        )
        calls["synthesis.published_years"] = lambda: synthesis.published_years(store, viewer)
    if viewer.role == "evaluator":
        calls["sync.data_quality"] = lambda: sync.data_quality(store, viewer, today)
        calls["journal.read_log"] = lambda: journal.read_log(
            store, viewer, today - dt.timedelta(days=30), today
        )
    return calls


def bench_ingest(store: Store, files: list[Path]) -> None:
    """The sampled workbooks sent again through the ingest into an empty store of the same
    definition, against python-calamine reading every cell of the same files."""
    if not files:
        print("ingest: no workbook kept (the store was built earlier); skipped")
        return
    definition = stored_definition(store)
    with tempfile.TemporaryDirectory(prefix="mesure-bench-") as tmp:
        scratch, _ = create_store(Path(tmp) / "ingest.duckdb", definition, ACTOR)
        now = dt.datetime(2026, 10, 1)
        sent = [BatchFile(p, p.parent.name, f"{ACTOR}:{p.parent.name}", now) for p in files]
        started = time.perf_counter()
        values = sum(
            getattr(outcome, "created", 0) for outcome in ingest_files(scratch, sent, definition)
        )
        ingest_s = time.perf_counter() - started
        scratch.close()
    started = time.perf_counter()
    cells = 0
    for path in files:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
    raw_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in files) / 1e6
    print(
        f"ingest: {len(files)} workbooks, {size:.1f} MB, {values:,} values in {ingest_s:.2f} s"
        f" = {values / ingest_s:,.0f} values/s, {len(files) / ingest_s:.1f} files/s"
    )
    print(
        f"python-calamine raw read of the same files: {cells:,} cells in {raw_s:.2f} s"
        f" = {values / raw_s:,.0f} values/s; ingest / raw read = {ingest_s / raw_s:.1f}x"
    )


def toucher(store: Store) -> Callable[[], object]:
    """An upload of one value (a partner's current value of its first indicator, plus one:
    it supersedes the last), through `Store.load_values` as the ingest stores it: what a page
    meets after each upload, when the figures kept are those of the other indicators only."""
    with connection.cursor(store.path) as con:
        frame = con.execute(
            "select indicator, indicator_version, place, period, disaggregation, value,"
            " numerator, denominator, unit, raw_value, sheet, 1 as row, 7 as col, mapping,"
            " converted, organisation from observations"
            " where is_current and value is not null and numerator is null"
            " order by id desc limit 1"
        ).df()
    organisation = str(frame.pop("organisation").iloc[0])
    sent = [0]

    def touch() -> None:
        sent[0] += 1
        frame["value"] = frame["value"] + 1
        store.load_values(
            organisation,
            frame,
            filename="bench-touch.xlsx",
            sha256=f"bench-touch-{sent[0]}",
            size=1,
            uploaded_by="bench",
        )
        store.settle()  # as the app's thread does after an upload, before the page is read

    print(
        f"each call after the first follows an upload of one value by {organisation}"
        f" ({frame['indicator'].iloc[0]})"
    )
    return touch


def bench_functions(
    store: Store,
    who: dict[str, Viewer],
    repeat: int,
    budget: float,
    only: str,
    touch: bool,
    roles: tuple[str, ...] = ROLES,
) -> None:
    today = store.clock().date()
    print(f"\n## analytics functions (ms; target p95 < {TARGET_FUNCTION_MS} ms)")
    before = toucher(store) if touch else None
    print(f"{'function':32} {'role':10} {'first':>9} {'median':>9} {'p95':>9} {'n':>3}  target")
    for role in roles:
        viewer = who[role]
        for name, call in functions(store, viewer, today).items():
            if only and only not in name:
                continue
            try:
                seconds = timed(call, repeat, budget, before)
            except Exception as exc:
                print(f"{name:32} {role:10} failed: {type(exc).__name__}: {exc}"[:200])
                continue
            first, rest = seconds[0], seconds[1:] or seconds
            med, high = statistics.median(rest) * 1000, p95(rest) * 1000
            flag = "ok" if high < TARGET_FUNCTION_MS else "MISSED"
            print(
                f"{name:32} {role:10} {first * 1000:9.0f} {med:9.0f} {high:9.0f}"
                f" {len(rest):3d}  {flag}",
                flush=True,
            )
    if BEFORE:
        print(
            f"uploads of one value (--touch, {len(BEFORE)}): median"
            f" {statistics.median(BEFORE) * 1000:.0f} ms, p95 {p95(BEFORE) * 1000:.0f} ms"
        )


def bench_pages(
    store: Store,
    db: Path,
    who: dict[str, Viewer],
    repeat: int,
    roles: tuple[str, ...] = ROLES,
    pages: tuple[str, ...] = (),
    sign_ins: bool = False,
) -> None:
    from streamlit.testing.v1 import AppTest

    import ui

    print(f"\n## pages (s, AppTest; target < {TARGET_PAGE_S} s)")
    print(f"{'page':32} {'role':10} {'first':>7} {'median':>7} {'max':>7} {'n':>3}  target")
    with tempfile.TemporaryDirectory(prefix="mesure-bench-def-") as folder:
        write_definition(stored_definition(store), Path(folder))
        os.environ.update({"MESURE_DB": str(db), "MESURE_DATA": folder, "MESURE_DEMO_BUILD": "0"})
        for role in roles:
            viewer = who[role]
            token = open_session(store, get_account(store, viewer.username), security=FAST)
            for page, path in ui.PAGE_FILES.items():
                if role not in PAGE_ROLES.get(page, ()) or (pages and page not in pages):
                    continue
                at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=900)
                at.session_state[ui.TOKEN] = token
                at.run()
                seconds = []
                error = ""
                for n in range(repeat):
                    if sign_ins and n:  # a sign-in meanwhile (every sign-in is audited)
                        open_session(store, get_account(store, viewer.username), security=FAST)
                    started = time.perf_counter()
                    at.switch_page(path)
                    at.run()
                    seconds.append(time.perf_counter() - started)
                    if at.exception:
                        error = str(at.exception[0].value)[:120]
                        break
                rest = seconds[1:] or seconds
                high = max(rest)
                flag = "ok" if high < TARGET_PAGE_S else "MISSED"
                print(
                    f"{page:32} {role:10} {seconds[0]:7.2f} {statistics.median(rest):7.2f}"
                    f" {high:7.2f} {len(rest):3d}  {flag} {error}",
                    flush=True,
                )


def main() -> int:
    runtime.set_up()  # as the app's server runs
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument(
        "--lake",
        default="",
        help="a DuckLake store (ducklake:postgres:…;data=…), filled from --db when empty, on"
        " which the functions are timed",
    )
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per function")
    parser.add_argument("--page-repeat", type=int, default=3)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument(
        "--pages", default="", help="the pages timed, comma-separated (all of the role's)"
    )
    parser.add_argument(
        "--sign-ins",
        action="store_true",
        help="a sign-in (a session opened, audited) before each page run but the first",
    )
    parser.add_argument("--skip-functions", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument(
        "--touch",
        action="store_true",
        help="an upload of one value before each call but the first (writes into --db)",
    )
    parser.add_argument("--skip-publish", action="store_true", help="funders then read nothing")
    parser.add_argument(
        "--roles", default=",".join(ROLES), help="the roles timed, comma-separated (all three)"
    )
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"mesure-scale-{args.scale}.duckdb"
    print("# Mesure commune at scale\n")
    for line in machine():
        print(f"- {line}")
    started = time.perf_counter()
    files: list[Path] = []
    if not db.exists():
        workbooks = Path(f"{db}.files")
        summary = build_scale(
            db, PROJECT / "data", scale=args.scale, sample=args.sample, files_dir=workbooks
        )
        files = summary.files
        print(f"\nbuilt {db} at scale {args.scale} in {time.perf_counter() - started:.0f} s:")
        print(
            f"  {summary.organisations} organisations, {summary.indicators} indicators,"
            f" {summary.schools} schools, {summary.years} school years"
        )
        print(
            f"  {summary.files_ingested} workbooks ingested ({summary.values_ingested:,} values),"
            f" {summary.uploads_bulk} uploads bulk loaded ({summary.values_bulk:,} values)"
        )
        print("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items()))
    elif Path(f"{db}.files").is_dir():
        files = sorted(Path(f"{db}.files").glob("*/*.xlsx"))
    store = Store(db)
    store.migrate()  # as the app does when it starts (a store built by an earlier version)
    if args.lake:
        store = Store(args.lake)
        if not store.exists():
            copied = store.import_file(db)
            print(
                f"\ncopied {db} into the DuckLake store: {copied.rows:,} rows in"
                f" {copied.seconds:.1f} s"
            )
    observations = int(store.query("observation_count")["n"].iloc[0])
    where = "DuckLake (PostgreSQL catalog, Parquet files)" if args.lake else str(db)
    print(f"\nstore: {where}, {observations:,} observations, {store_bytes(db) / 1e6:,.0f} MB file")
    who = viewers(store)
    open_accounts(store, who)
    print("viewers: " + ", ".join(f"{r} {v.organisation or ''}" for r, v in who.items()))
    if not args.skip_publish and not store.query("publications").shape[0]:
        evaluator = who["evaluator"]
        today = store.clock().date()
        definition = stored_definition(store)
        years = [p.code for p in definition.periods if p.kind == "school_year" and p.end < today]
        for year in years:
            started = time.perf_counter()
            try:
                synthesis.publish(store, evaluator, year, today)
            except RefusedInputError:
                continue  # nothing accepted that year
            print(
                f"published {year} for the funders in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
    if not args.lake:  # it times the ingest into a scratch file, whatever the store
        bench_ingest(store, files[: args.sample * 5])
    roles = tuple(r for r in args.roles.split(",") if r in ROLES)
    if not args.skip_functions:
        bench_functions(store, who, args.repeat, args.budget, args.only, args.touch, roles)
    if not args.skip_pages and not args.lake:
        pages = tuple(p for p in args.pages.split(",") if p)
        bench_pages(store, db, who, args.page_repeat, roles, pages, sign_ins=args.sign_ins)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (this process, DuckDB included): {peak:,.0f} MB")
    print(f"store size: {store_bytes(db) / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
