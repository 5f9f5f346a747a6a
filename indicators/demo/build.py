"""The demo store, built the way a real one is: partner files sent through the ingest pipeline.

`generate_demo` writes the files the partners of a demo initiative would have sent by
`DEMO_TODAY`: for every organisation with commitments, its uploads of each school year with
data (one per term, per half-year or per year: each partner has its habits), in the layouts
partners really use (the official template, long and wide tables, French number formats,
titles and notes above the table, merged two-row headers, totals rows, a sheet per school, a
Windows-1252 CSV export with `;`), with real mistakes (a school that does not exist, a
percentage over 100, an indicator under a wrong name: refused, then corrected), a corrected
value sent again, the same file sent twice, late uploads and missing ones. Everything is drawn
from generators seeded by the organisation's code: two runs write the same bytes, and a smaller
scale keeps the same files for the organisations it keeps.

`build_demo` loads the definition into a new store beside its final path, sends every file
through the ingest (worker processes, checks, one transaction per batch of files of distinct
organisations, each file stored as `ingest` stores it alone) at its upload time, checks that
the store holds what the files say, and only then moves the store into place: an interrupted
build never leaves a half store.

A server's first start (`start_demo_store`) opens the store earlier, so that the sign-in page
is usable within seconds: the store, its definition and the demo accounts are moved into place
with a mark beside them (`<store>.loading`), then the same files are sent into it, reviewed and
published while the pages say what is still loading (`demo_loading`). The mark goes once all is
done; a store found with its mark and no build running is a build that was stopped: it is
thrown away and built again.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from indicators.access.accounts import add_account
from indicators.access.viewer import Viewer
from indicators.analytics import synthesis
from indicators.common.problems import DefinitionError, UnreadableFileError
from indicators.definition.loading import load_definition
from indicators.definition.model import (
    Definition,
)
from indicators.demo.habits import (
    DEMO_TODAY,
    DemoFile,
    DemoValue,
    Key,
    Upload,
)
from indicators.demo.writers import plan_demo, write_demo_files
from indicators.ingest.pipeline import BatchFile, Outcome, ingest_files
from indicators.ingest.uploads import review_submissions
from indicators.store.database import Store
from indicators.store.setup import ensure_store, init_store

log = logging.getLogger("mesure.demo")
BUILD_ENV = "MESURE_DEMO_BUILD"  # "0": the app starts on an empty store even for a demo
ACTOR = "demo"
# The demo's accounts, one per role (and one partner per kind of organisation), all with the
# same published password: the demo's data are invented. (username, role, organisation type)
DEMO_PASSWORD = "demo-mesure"
DEMO_ACCOUNTS = (
    ("evaluation", "evaluator", "backbone"),
    ("college", "partner", "school"),
    ("entreprise", "partner", "company"),
    ("association", "partner", "association"),
    ("financeur", "funder", "funder"),
)
# Submissions received before this day are accepted by the demo's evaluator; later ones wait.
ACCEPTED_BEFORE = dt.datetime(2025, 9, 1)
BATCH_FILES = 64  # files stored in one transaction (consecutive, of distinct organisations)
Progress = Callable[[int, int, str], None]  # files done, files in all, the file being sent


@dataclass
class DemoSummary:
    """What a demo build did."""

    db: Path
    files: int = 0
    received: int = 0
    unchanged: int = 0
    rejected: int = 0
    corrected: int = 0  # refused files followed by an accepted one of the same organisation
    late: int = 0  # accepted files received after their due date
    organisations: int = 0
    values: int = 0  # current values in the store
    superseded: int = 0  # values replaced by a later upload, kept in the history
    seconds: float = 0.0
    reviewed: int = 0  # submissions of past school years accepted by the demo's evaluator
    accounts: list[str] = field(default_factory=list)  # usernames of the demo accounts
    surprises: list[str] = field(default_factory=list)  # where the pipeline disagreed with the plan
    sent: list[tuple[DemoFile, str]] = field(default_factory=list)  # each file and its status


class DemoError(Exception):
    """The demo cannot be built here; the message says why and what to do."""


# --- entry points -------------------------------------------------------------------------


def demo_wanted(folder: Path) -> bool:
    """True when a missing store should start as the demo: a demo initiative, not switched off.

    Raises DefinitionError for a definition that cannot be read.
    """
    if os.environ.get(BUILD_ENV, "1").strip() == "0":
        return False
    return load_definition(folder).initiative.demo


def ensure_demo_store(
    db_path: Path,
    folder: Path,
    progress: Progress | None = None,
    opened: Callable[[], None] | None = None,
) -> Store:
    """The store at `db_path`, built as the demo when missing (once, even for concurrent callers).

    With `opened`, the store is opened early (see the module): `opened()` is called once the
    store, its definition and the demo accounts are in place, the files still to be sent."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db_path):
        if loading_mark(db_path).exists():  # a build that opened the store early, then stopped
            Store(db_path).close()
            _remove(db_path)
            loading_mark(db_path).unlink()
        if not db_path.exists():
            definition = load_definition(folder)
            _build(db_path, definition, folder, progress, 1.0, DEMO_TODAY, None, opened)
    return ensure_store(db_path, folder)


def loading_mark(db_path: Path) -> Path:
    """The mark beside a demo store opened early whose files are still being sent."""
    return db_path.with_name(f"{db_path.name}.loading")


def demo_unfinished(db_path: Path) -> bool:
    """True when the store at `db_path` is a demo opened early whose build is not running in
    this process: a build that was stopped, to throw away and make again."""
    return loading_mark(db_path).exists() and demo_progress(db_path) is None


@dataclass
class _Building:
    """A first start's build in a thread of this process, and where it stands."""

    thread: threading.Thread
    done: int = 0
    total: int = 0
    label: str = ""
    opened: bool = False  # the store is in place, its files still being sent


_BUILDING: dict[Path, _Building] = {}
_BUILDING_GUARD = threading.Lock()


def start_demo_store(db_path: Path, folder: Path) -> bool:
    """Start building the demo store in a thread when it is missing and wanted (the server
    calls it as it starts, before anyone opens a page); True when a build started.

    A definition that cannot be read starts nothing: the first page says what is wrong."""
    try:
        if db_path.exists() or not demo_wanted(folder):
            return False
    except DefinitionError:
        return False
    key = db_path.resolve()
    with _BUILDING_GUARD:
        if key in _BUILDING and _BUILDING[key].thread.is_alive():
            return False

        def progress(done: int, total: int, label: str) -> None:
            building.done, building.total, building.label = done, total, label

        def opened() -> None:
            building.opened = True

        def build() -> None:
            try:
                ensure_demo_store(db_path, folder, progress, opened)
            except Exception:  # the first page builds again, and shows what went wrong
                log.exception("building the demo store %s", db_path)

        building = _Building(threading.Thread(target=build, name="mesure-demo", daemon=True))
        _BUILDING[key] = building
        building.thread.start()
    return True


def demo_progress(db_path: Path) -> tuple[int, int, str] | None:
    """(files done, files in all, the file being sent) of the build started by
    `start_demo_store` for `db_path` in this process, while it runs; None otherwise."""
    with _BUILDING_GUARD:
        building = _BUILDING.get(db_path.resolve())
    if building is None or not building.thread.is_alive():
        return None
    return building.done, building.total, building.label


def demo_loading(db_path: Path) -> tuple[int, int, str] | None:
    """Where the build of `start_demo_store` stands while the store is already open (files
    done, files in all, the file being sent; done == all: the reviews and publications); None
    when no build opened early is running in this process."""
    with _BUILDING_GUARD:
        building = _BUILDING.get(db_path.resolve())
    if building is None or not building.thread.is_alive() or not building.opened:
        return None
    return building.done, building.total, building.label


def build_demo(
    db_path: Path,
    folder: Path,
    progress: Progress | None = None,
    *,
    scale: float = 1.0,
    force: bool = False,
    today: dt.date = DEMO_TODAY,
    files_dir: Path | None = None,
) -> DemoSummary:
    """Build the demo store at `db_path` from the definition in `folder`; return what it did.

    `scale` (0 to 1) keeps that share of the organisations, plus those cast in a role (every
    layout and every mistake). The files are written to `files_dir` when given (kept), else to
    a temporary folder. Raises DefinitionError, DemoError (not a demo initiative, or the store
    exists and `force` is false) or StoreError.
    """
    definition = load_definition(folder)
    if not definition.initiative.demo:
        raise DemoError(
            "Cette initiative n'est pas une démonstration (demo: false dans initiative.yaml) :"
            " la démo n'y écrit rien. / Not a demo initiative: the demo writes nothing into it."
        )
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db_path):
        if db_path.exists() and not force:
            raise DemoError(
                f"La base {db_path} existe déjà : --force pour la remplacer."
                " / The store exists: use --force to replace it."
            )
        return _build(db_path, definition, folder, progress, scale, today, files_dir, None)


def demo_accounts(definition: Definition) -> list[tuple[str, str, str, str]]:
    """(username, role, organisation code, display name) of the demo's accounts."""
    found = []
    for username, role, kind in DEMO_ACCOUNTS:
        organisation = next((o for o in definition.organisations if o.type == kind), None)
        if organisation is not None:
            found.append((username, role, organisation.code, organisation.name))
    return found


def _open_accounts(store: Store, definition: Definition) -> list[str]:
    """Open the demo accounts (before the files are sent: the sign-in page works from then on);
    their usernames."""
    admin = Viewer(ACTOR, "evaluator", "Démonstration")
    opened = demo_accounts(definition)
    for username, role, organisation, name in opened:
        add_account(store, admin, username, name, role, DEMO_PASSWORD, organisation)
    return [a[0] for a in opened]


def _review(store: Store, definition: Definition) -> int:
    """The demo evaluator accepts the submissions of past school years and publishes those
    years; the number of submissions accepted."""
    evaluator = Viewer("evaluation", "evaluator", "Évaluation")
    submissions = store.query("all_submissions")
    past = submissions[
        (submissions["status"] == "received") & (submissions["uploaded_at"] < ACCEPTED_BEFORE)
    ]
    accepted = review_submissions(store, evaluator, [int(i) for i in past["id"]], "accepted")
    # and publishes those years for the funders (Synthèse)
    years = [
        p for p in definition.periods if p.kind == "school_year" and p.end < ACCEPTED_BEFORE.date()
    ]
    for year in years:
        synthesis.publish(store, evaluator, year.code, store.clock().date())
    return len(accepted)


def generate_demo(
    definition: Definition, folder: Path, *, scale: float = 1.0, today: dt.date = DEMO_TODAY
) -> list[DemoFile]:
    """Write the demo's partner files under `folder` (one sub-folder per organisation).

    Returns them in the order they are sent. Deterministic: the same definition, scale and
    day write the same bytes.
    """
    planned = plan_demo(definition, folder, scale=scale, today=today)
    write_demo_files(definition, planned)
    return [demo_file for _, demo_file in planned]


# --- the build ------------------------------------------------------------------------------


@contextmanager
def _exclusive(db_path: Path) -> Iterator[None]:
    """Hold the demo lock of `db_path`: one build at a time, across threads and processes."""
    lock = db_path.with_name(f"{db_path.name}.lock")
    with lock.open("a") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def _build(
    db_path: Path,
    definition: Definition,
    folder: Path,
    progress: Progress | None,
    scale: float,
    today: dt.date,
    files_dir: Path | None,
    opened: Callable[[], None] | None,
) -> DemoSummary:
    """The build; with `opened`, the store is moved into place (with its loading mark) before
    the files are sent, and `opened()` called (see the module)."""
    started = time.monotonic()
    scratch = db_path.with_name(f".{db_path.name}.{os.getpid()}.demo")
    for left in db_path.parent.glob(f".{db_path.name}.*.demo"):  # of a build that was stopped
        _remove(left)  # (this one holds the lock: no other build is running)
    mark = loading_mark(db_path)
    with tempfile.TemporaryDirectory(prefix="mesure-demo-") as tmp:
        where = files_dir or Path(tmp)
        planned = plan_demo(definition, where, scale=scale, today=today)
        files = [demo_file for _, demo_file in planned]
        target = scratch
        try:
            if opened is not None:  # the store first, alone on the cores: the sign-in waits
                init_store(scratch, folder, actor=ACTOR)
                accounts = _open_accounts(Store(scratch), definition)
                mark.write_text(f"{len(files)} files\n", encoding="utf-8")
                Store(scratch).move_to(db_path)
                target = db_path
                if progress:
                    progress(0, len(files), "")  # what the pages say from now on
                opened()
            with _writing(folder, where, scale, today, planned) as written:
                if opened is None:  # while the first files are being written
                    init_store(scratch, folder, actor=ACTOR)
                    accounts = _open_accounts(Store(scratch), definition)
                summary = _send(target, definition, files, progress, written)
            summary.accounts = accounts
            summary.reviewed = _review(Store(target), definition)
            summary.db = db_path
            if opened is None:
                Store(scratch).move_to(db_path)
            else:
                mark.unlink()
        finally:
            Store(scratch).close()
            _remove(scratch)
    summary.seconds = time.monotonic() - started
    return summary


def _send(
    scratch: Path,
    definition: Definition,
    files: list[DemoFile],
    progress: Progress | None,
    written: Callable[[int], None],
) -> DemoSummary:
    """Send every file through the ingest at its upload time; check the store against the plan.

    `ingest_files`: read ahead by the sandboxed workers once written, stored by batches of
    consecutive files of distinct organisations (one transaction each), each file as `ingest`
    stores it alone."""
    summary = DemoSummary(scratch, files=len(files))
    expected: dict[tuple[str, Key], DemoValue] = {}
    refused: set[str] = set()

    def told(n: int) -> None:
        if progress:
            progress(n, len(files), _label(files[n]))

    outcomes = ingest_files(
        Store(scratch),
        [
            BatchFile(f.path, f.organisation, f"{ACTOR}:{f.organisation}", f.received_at)
            for f in files
        ],
        definition,
        batch=BATCH_FILES,
        before=written,
        on_file=told,
    )
    for demo_file, outcome in zip(files, outcomes, strict=True):
        _account(demo_file, outcome, summary, expected, refused)
    if progress:
        progress(len(files), len(files), "")
    _check_store(Store(scratch), definition, expected, summary)
    summary.organisations = len({f.organisation for f in files})
    return summary


@contextmanager
def _writing(
    folder: Path,
    where: Path,
    scale: float,
    today: dt.date,
    planned: list[tuple[Upload, DemoFile]],
    shares: int = 0,
) -> Iterator[Callable[[int], None]]:
    """Write the planned files under `where` in processes of their own (`writing`, one per
    core, each a share of the organisations); yield `written(i)`, which returns once the i-th
    file is written (from any thread). The processes are ended on the way out."""
    shares = shares or max(1, min(4, os.cpu_count() or 1))
    organisations = list(dict.fromkeys(demo_file.organisation for _, demo_file in planned))
    owner = {org: n % shares for n, org in enumerate(organisations)}
    logs = [tempfile.TemporaryFile() for _ in range(shares)]  # noqa: SIM115 - closed below
    command = [sys.executable, "-m", "indicators.demo.writing", str(folder), repr(scale)]
    command += [today.isoformat(), str(where)]
    writers = [
        subprocess.Popen(
            [*command, str(share), str(shares)], stdout=subprocess.PIPE, stderr=log, text=True
        )
        for share, log in enumerate(logs)
    ]
    done: list[set[int]] = [set() for _ in writers]
    locks = [threading.Lock() for _ in writers]

    def written(index: int) -> None:
        share = owner[planned[index][1].organisation]
        writer = writers[share]
        assert writer.stdout is not None
        with locks[share]:
            while index not in done[share]:
                line = writer.stdout.readline()
                if not line.strip():
                    raise DemoError(
                        "La génération des fichiers de la démonstration a échoué"
                        f" / Writing the demo's files failed: {_last_line(writer, logs[share])}"
                    )
                done[share].add(int(line))

    try:
        yield written
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
            writer.wait()
            if writer.stdout is not None:
                writer.stdout.close()
        for log in logs:
            log.close()


def _last_line(process: subprocess.Popen[str], log: IO[bytes]) -> str:
    """Why a writing process stopped: the last line it wrote on its standard error."""
    process.wait()
    log.seek(0)
    lines = log.read().decode(errors="replace").strip().splitlines()
    return lines[-1][:200] if lines else f"code {process.returncode}"


def _label(demo_file: DemoFile) -> str:
    return f"{demo_file.organisation} · {demo_file.path.name}"


def _account(
    demo_file: DemoFile,
    outcome: Outcome | UnreadableFileError,
    summary: DemoSummary,
    expected: dict[tuple[str, Key], DemoValue],
    refused: set[str],
) -> None:
    """Count one file's outcome in the summary, and the values it stored in `expected`."""
    label = _label(demo_file)
    if isinstance(outcome, UnreadableFileError):
        summary.surprises.append(f"{label}: {outcome.problem.code}")
        summary.sent.append((demo_file, "unreadable"))
        return
    summary.sent.append((demo_file, outcome.status))
    errors = _error_codes(outcome.summary())
    if outcome.status != demo_file.expected:
        summary.surprises.append(
            f"{label}: {outcome.status} ({', '.join(errors)}) instead of {demo_file.expected}"
        )
    elif demo_file.problem and demo_file.problem not in errors:
        summary.surprises.append(f"{label}: refused for {errors}, not {demo_file.problem}")
    if outcome.status == "rejected":
        summary.rejected += 1
        refused.add(demo_file.organisation)
        return
    if outcome.status == "unchanged":
        summary.unchanged += 1
    else:
        summary.received += 1
        summary.late += demo_file.late
        if demo_file.organisation in refused:
            summary.corrected += 1
            refused.discard(demo_file.organisation)
    for value in demo_file.values:
        expected[(demo_file.organisation, value.key)] = value


def _error_codes(report: dict[str, object]) -> list[str]:
    """The codes of the errors of an ingest's summary."""
    errors = report.get("errors")
    if not isinstance(errors, list):
        return []
    return sorted({str(e.get("code")) for e in errors if isinstance(e, dict)})


def _check_store(
    store: Store,
    definition: Definition,
    expected: dict[tuple[str, Key], DemoValue],
    summary: DemoSummary,
) -> None:
    """Compare the store's current values with what the accepted files said."""
    frame = store.query("observations", org="")
    current = frame[frame["is_current"]]
    summary.values = len(current)
    summary.superseded = len(frame) - len(current)
    stored: dict[tuple[str, Key], float | None] = {}
    columns = ["organisation", "indicator", "place", "period", "disaggregation"]
    for names, value in zip(
        current[columns].astype(str).itertuples(index=False, name=None),
        current["value"].astype(float).tolist(),
        strict=True,
    ):
        organisation, *key = names
        stored[(organisation, (key[0], key[1], key[2], key[3]))] = (
            None if math.isnan(value) else value
        )
    rates = {i.code for i in definition.indicators if i.is_rate}
    differences = []
    for where in sorted(set(expected) | set(stored)):
        if where not in expected:
            differences.append(f"{where[0]} {'/'.join(where[1])}: stored but not sent")
            continue
        if where not in stored:
            differences.append(f"{where[0]} {'/'.join(where[1])}: sent but not stored")
            continue
        want, got = expected[where].value, stored[where]
        tolerance = 0.051 if where[1][0] in rates else 1e-6
        if (want is None) != (got is None) or (
            want is not None and got is not None and abs(want - got) > tolerance
        ):
            differences.append(f"{where[0]} {'/'.join(where[1])}: stored {got}, sent {want}")
    if differences:
        summary.surprises.append(f"{len(differences)} stored value(s) differ from the files:")
        summary.surprises += [f"  {line}" for line in differences[:12]]
