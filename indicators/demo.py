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
through `ingest` (worker process, checks, one transaction each) at its upload time, checks that
the store holds what the files say, and only then moves the store into place: an interrupted
build never leaves a half store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from indicators import synthesis
from indicators.access import Viewer
from indicators.accounts import add_account
from indicators.definition import load_definition
from indicators.ingest import ingest
from indicators.model import GRADES, Commitment, Definition, Indicator, Organisation, Period, Place
from indicators.problems import UnreadableFileError
from indicators.setup import ensure_store, init_store
from indicators.store import Store
from indicators.template import COLUMNS, ENTRY_SHEET, STAMP_SHEET, write_template
from indicators.text import normalise
from indicators.uploads import review_submissions

DEMO_TODAY = dt.date(2026, 11, 23)  # the demo's "today": the data stop where partners were then
SEED = 2026
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

Key = tuple[str, str, str, str]  # indicator, place, period, disaggregation
Progress = Callable[[int, int, str], None]  # files done, files in all, the file being sent
Cell = str | int | float | None  # what the writers put in a spreadsheet cell

# The layouts partners use, and how the reader should see each one.
LAYOUTS = ("template", "long", "wide-periods", "wide-indicators", "merged", "sheets", "csv")
READ_AS = {
    "template": "long",
    "long": "long",
    "wide-periods": "wide",
    "wide-indicators": "wide",
    "merged": "wide",
    "sheets": "wide",
    "csv": "long",
}
LAYOUT_WEIGHTS = (30, 22, 12, 12, 8, 8, 8)
FILE_NAMES = {
    "template": "modele-saisie-{tag}.xlsx",
    "long": "bilan-{tag}.xlsx",
    "wide-periods": "suivi-indicateurs-{tag}.xlsx",
    "wide-indicators": "tableau-de-bord-{tag}.xlsx",
    "merged": "synthese-{tag}.xlsx",
    "sheets": "colleges-{tag}.xlsx",
    "csv": "export-{tag}.csv",
}
# Organisations cast in a role, chosen from the definition (the first that fits), so that every
# layout and every mistake is in the demo at any scale.
ROLE_LAYOUTS = {
    "correction": "template",
    "unknown-place": "long",
    "over-100": "wide-indicators",
    "unknown-indicator": "csv",
    "merged": "merged",
    "sheets": "sheets",
    "wide-periods": "wide-periods",
}
UNKNOWN_SCHOOL = "Collège Victor-Hugo"
# A wrong name a partner gives an indicator, far enough from the catalogue to be refused.
WRONG_LABELS = {
    "ateliers-savoir-etre": "Ateliers de savoir-vivre",
    "visites-entreprise": "Visites de chantier",
    "heures-mentorat": "Heures de soutien scolaire",
    "stages-3e-trouves": "Stages d'observation proposés",
}
SEX_LABELS = {"F": "Filles", "M": "Garçons"}
DEFAULT_PUPILS = 140  # per grade, where a school's enrolment is unknown

# Outcome trajectories: indicator -> {territory or "*": (level in the first school year, change
# per year)}. Some outcomes move towards their targets, others do not: the story of the demo.
OUTCOMES: dict[str, dict[str, tuple[float, float]]] = {
    "taux-reussite-dnb": {
        "*": (78.4, 1.8),
        "T-SARCELLES": (76.1, 2.0),
        "T-TOULOUSE": (78.9, 2.2),
        "T-SUD-NIVERNAIS": (84.2, 0.6),
    },
    "moyenne-ecrits-dnb": {"*": (10.2, 0.25)},
    "taux-absenteisme": {
        "*": (9.8, -0.2),
        "T-SARCELLES": (11.2, 0.25),
        "T-TOULOUSE": (10.1, -0.7),
        "T-SUD-NIVERNAIS": (6.4, -0.2),
    },
    "taux-exclusions-temporaires": {"*": (6.5, -0.3)},
    "taux-voeu-satisfait": {
        "*": (71.0, 1.0),
        "T-SARCELLES": (68.0, 0.3),
        "T-TOULOUSE": (72.0, 2.6),
        "T-SUD-NIVERNAIS": (76.0, 1.2),
    },
    "taux-orientation-2gt": {"*": (56.0, 0.8)},
    "taux-decrochage": {"*": (4.1, -0.1)},
    "taux-stages-partenaires": {"*": (18.0, 7.0)},
    "taux-parents-reunion": {"*": (38.0, 4.0)},
    "taux-parents-entretien-orientation": {"*": (55.0, 5.0)},
    "taux-couverture-eleves": {"*": (50.0, 7.0)},
    "taux-presence-coordination": {"*": (72.0, 3.0)},
    "score-confiance": {"*": (5.9, 0.22)},
    "taux-prise-parole": {"*": (37.0, 2.5)},
    "taux-connaissance-metiers": {"*": (41.0, 5.5)},
    "taux-projet-avenir": {"*": (48.0, 0.2)},
    "taux-demarches-orientation": {"*": (31.0, 3.0)},
    "ecart-dnb-national": {"*": (7.2, -0.8)},
    "ecart-voeu-departement": {"*": (6.0, 0.1)},
}
# Spread of one place's level around its territory's, in the indicator's unit.
OUTCOME_SPREAD = {"score-confiance": 0.3, "moyenne-ecrits-dnb": 0.6}
# What a rate is computed on: pupils of 3e, all pupils, surveyed pupils, people invited.
DENOMINATORS = {
    "taux-reussite-dnb": "3e",
    "taux-voeu-satisfait": "3e",
    "taux-orientation-2gt": "3e",
    "taux-decrochage": "3e",
    "taux-stages-partenaires": "3e",
    "taux-parents-entretien-orientation": "3e",
    "taux-projet-avenir": "survey-3e",
    "taux-demarches-orientation": "survey-3e",
    "taux-prise-parole": "survey",
    "taux-connaissance-metiers": "survey",
    "taux-presence-coordination": "invited",
}
# Counts that follow a rate: jeunes-sans-solution is the decrochage rate applied to the 3e.
COUNT_OF_RATE = {"jeunes-sans-solution": "taux-decrochage"}
# Yearly growth of an action's outputs; internships stall, which the demo should show.
GROWTH = {
    "stages-3e-trouves": 0.02,
    "offres-stage-collectees": 0.03,
    "visites-entreprise": 0.14,
    "jeunes-touches": 0.1,
}
DEFAULT_GROWTH = 0.08
# People counts are cumulative over the school year ("last" over time): share reached by term.
CUMULATIVE = {"stages-3e-trouves": (0.2, 0.95, 1.0), "jeunes-mentores": (0.7, 0.95, 1.0)}
DEFAULT_CUMULATIVE = (0.55, 0.85, 1.0)
# Flows (events, hours, amounts) split over the terms of a year.
SPLIT = {"offres-stage-collectees": (0.6, 0.35, 0.05), "visites-entreprise": (0.3, 0.4, 0.3)}
DEFAULT_SPLIT = (0.35, 0.35, 0.3)
EVENTS_PER_TERM = {
    "visites-entreprise": 2.0,
    "visites-proposees": 3.0,
    "ateliers-savoir-etre": 5.0,
    "reunions-parents": 2.0,
    "reunions-coordination": 2.0,
    "journees-formation": 2.0,
}
HOURS_PER_YOUTH = {"heures-mentorat": 24.0, "heures-ateliers": 18.0}
PEOPLE_SHARE = {"parents-touches": 0.7, "jeunes-mentores": 0.85, "stages-3e-trouves": 0.6}


@dataclass(frozen=True)
class DemoValue:
    """One value a demo file carries, as the store should hold it once accepted."""

    indicator: str
    place: str
    period: str
    disaggregation: str = ""
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def key(self) -> Key:
        """The natural key of the value within its organisation."""
        return (self.indicator, self.place, self.period, self.disaggregation)


@dataclass(frozen=True)
class DemoFile:
    """One generated file, in the order the partners sent them."""

    path: Path
    organisation: str
    layout: str  # one of LAYOUTS
    received_at: dt.datetime  # naive UTC, like the store's timestamps
    due: dt.date  # the due date of the last period it reports
    expected: str = "received"  # received, unchanged or rejected
    story: str = ""  # why the file is there beyond routine: refused, corrected, correction, resent
    problem: str = ""  # for a file expected to be refused: the error code it must show
    values: tuple[DemoValue, ...] = ()

    @property
    def late(self) -> bool:
        """True when the file arrived after the due date of what it reports."""
        return self.received_at.date() > self.due


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


def ensure_demo_store(db_path: Path, folder: Path, progress: Progress | None = None) -> Store:
    """The store at `db_path`, built as the demo when missing (once, even for concurrent callers)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db_path):
        if not db_path.exists():
            _build(db_path, load_definition(folder), folder, progress, 1.0, DEMO_TODAY, None)
    return ensure_store(db_path, folder)


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
        return _build(db_path, definition, folder, progress, scale, today, files_dir)


def demo_accounts(definition: Definition) -> list[tuple[str, str, str, str]]:
    """(username, role, organisation code, display name) of the demo's accounts."""
    found = []
    for username, role, kind in DEMO_ACCOUNTS:
        organisation = next((o for o in definition.organisations if o.type == kind), None)
        if organisation is not None:
            found.append((username, role, organisation.code, organisation.name))
    return found


def _review_and_open_accounts(store: Store, definition: Definition) -> tuple[list[str], int]:
    """Open the demo accounts; the demo evaluator accepts the submissions of past school years
    and publishes those years.

    Returns the usernames and the number of submissions accepted."""
    admin = Viewer(ACTOR, "evaluator", "Démonstration")
    opened = demo_accounts(definition)
    for username, role, organisation, name in opened:
        add_account(store, admin, username, name, role, DEMO_PASSWORD, organisation)
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
    return [a[0] for a in opened], len(accepted)


def generate_demo(
    definition: Definition, folder: Path, *, scale: float = 1.0, today: dt.date = DEMO_TODAY
) -> list[DemoFile]:
    """Write the demo's partner files under `folder` (one sub-folder per organisation).

    Returns them in the order they are sent. Deterministic: the same definition, scale and
    day write the same bytes.
    """
    plan = _plan(definition, scale, today)
    files: list[DemoFile] = []
    written: dict[int, Path] = {}
    taken: set[Path] = set()
    templates: dict[str, bytes] = {}
    for upload in plan:
        path = _free_path(folder / upload.org.code / upload.name, taken)
        path.parent.mkdir(parents=True, exist_ok=True)
        if upload.copy_of is not None:
            shutil.copyfile(written[id(upload.copy_of)], path)
        else:
            rng = random.Random(f"{SEED}:file:{upload.org.code}:{path.name}")
            WRITERS[upload.layout](_Writer(definition, upload, rng, templates), path)
        written[id(upload)] = path
        files.append(
            DemoFile(
                path=path,
                organisation=upload.org.code,
                layout=upload.layout,
                received_at=upload.when,
                due=upload.anchor.due,
                expected=upload.expected,
                story=upload.story,
                problem=upload.problem,
                values=tuple(upload.values),
            )
        )
    return files


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
) -> DemoSummary:
    started = time.monotonic()
    scratch = db_path.with_name(f".{db_path.name}.{os.getpid()}.demo")
    _remove(scratch)
    with tempfile.TemporaryDirectory(prefix="mesure-demo-") as tmp:
        where = files_dir or Path(tmp)
        files = generate_demo(definition, where, scale=scale, today=today)
        try:
            init_store(scratch, folder, actor=ACTOR)
            summary = _send(scratch, definition, files, progress)
            summary.accounts, summary.reviewed = _review_and_open_accounts(
                Store(scratch), definition
            )
            summary.db = db_path
            Store(scratch).move_to(db_path)
        finally:
            Store(scratch).close()
            _remove(scratch)
    summary.seconds = time.monotonic() - started
    return summary


def _send(
    scratch: Path, definition: Definition, files: list[DemoFile], progress: Progress | None
) -> DemoSummary:
    """Send every file through `ingest` at its upload time; check the store against the plan."""
    summary = DemoSummary(scratch, files=len(files))
    expected: dict[tuple[str, Key], DemoValue] = {}
    refused: set[str] = set()
    for done, demo_file in enumerate(files):
        label = f"{demo_file.organisation} · {demo_file.path.name}"
        if progress:
            progress(done, len(files), label)
        store = Store(scratch, clock=_clock(demo_file.received_at))
        try:
            outcome = ingest(
                store,
                demo_file.path,
                definition,
                demo_file.organisation,
                f"{ACTOR}:{demo_file.organisation}",
                name=demo_file.path.name,
            )
        except UnreadableFileError as exc:
            summary.surprises.append(f"{label}: {exc.problem.code}")
            summary.sent.append((demo_file, "unreadable"))
            continue
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
            continue
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
    if progress:
        progress(len(files), len(files), "")
    _check_store(Store(scratch), definition, expected, summary)
    summary.organisations = len({f.organisation for f in files})
    return summary


def _clock(at: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: at


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


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    """A partner's habits."""

    layout: str
    cadence: str  # termly, twice (after T2 and at the year's end), yearly
    lateness: float  # chance that an upload is late
    by_sex: bool  # reports people counts by sex as well
    french: bool  # numbers typed as French text ("1 204", "45,2 %")


@dataclass
class _Upload:
    org: Organisation
    layout: str
    when: dt.datetime
    anchor: Period  # the period whose due date the upload answers
    periods: tuple[Period, ...]
    values: list[DemoValue]
    french: bool
    name: str = ""
    expected: str = "received"
    story: str = ""
    problem: str = ""
    bad_place: Key | None = None
    bad_indicator: str = ""
    copy_of: _Upload | None = None


@dataclass(frozen=True)
class _Year:
    period: Period
    terms: tuple[Period, ...]  # the terms ended by the demo's today
    index: int  # 0 for the initiative's first school year
    done: bool  # the school year itself has ended


class _World:
    """The definition, indexed for the generators."""

    def __init__(self, definition: Definition, today: dt.date):
        self.definition = definition
        self.today = today
        self.indicators = {i.code: i for i in definition.indicators}
        self.places = {p.code: p for p in definition.places}
        self.schools_of: dict[str, list[Place]] = {}
        for place in definition.places:
            if place.kind == "school":
                self.schools_of.setdefault(place.parent, []).append(place)
        school_years = sorted(
            (p for p in definition.periods if p.kind == "school_year"), key=lambda p: p.start
        )
        self.term_position: dict[str, int] = {}
        self.years: list[_Year] = []
        for index, year in enumerate(school_years):
            terms = sorted(
                (p for p in definition.periods if p.kind == "term" and p.parent == year.code),
                key=lambda p: p.start,
            )
            self.term_position.update({t.code: i for i, t in enumerate(terms)})
            ended = tuple(t for t in terms if t.end <= today)
            if ended or year.end <= today:
                self.years.append(_Year(year, ended, index, year.end <= today))
        self.committed_years = {y for c in definition.commitments for y in c.periods}
        self.commitments: dict[str, list[Commitment]] = {}
        for commitment in definition.commitments:
            if commitment.indicators:
                self.commitments.setdefault(commitment.organisation, []).append(commitment)

    def pupils(self, place: Place, grades: tuple[str, ...] = ()) -> int:
        """Pupils of the grades (all when empty) in a school, or in a territory's schools."""
        if place.kind == "territory":
            schools = self.schools_of.get(place.code, [])
            return sum(self.pupils(s, grades) for s in schools) or 4 * DEFAULT_PUPILS
        return sum(place.pupils.get(g) or DEFAULT_PUPILS for g in grades or GRADES)

    def territory(self, place: Place) -> str:
        return place.parent if place.kind == "school" else place.code

    def first_action_year(self) -> _Year | None:
        return next((y for y in self.years if y.period.code in self.committed_years), None)

    def last_action_year(self) -> _Year | None:
        return next(
            (y for y in reversed(self.years) if y.period.code in self.committed_years), None
        )


def _draw(text: str) -> random.Random:
    return random.Random(f"{SEED}:{text}")


def _plan(definition: Definition, scale: float, today: dt.date) -> list[_Upload]:
    world = _World(definition, today)
    uploaders = [o for o in definition.organisations if o.code in world.commitments]
    roles = _cast(world, uploaders)
    kept = set(roles.values())
    uploads: list[_Upload] = []
    for org in uploaders:
        if org.code not in kept and _draw(f"scale:{org.code}").random() >= scale:
            continue
        role = next((r for r, code in roles.items() if code == org.code), "")
        profile = _profile(org, role)
        truth = _truth(world, org, profile)
        org_uploads = _org_uploads(world, org, profile, truth, role)
        uploads += _scenario(world, org_uploads, role, roles)
    uploads.sort(key=lambda u: (u.when, u.org.code, u.name))
    return uploads


def _cast(world: _World, uploaders: list[Organisation]) -> dict[str, str]:
    """Role -> the first organisation that can play it (each plays one role at most)."""
    first, last = world.first_action_year(), world.last_action_year()
    if first is None or last is None:
        return {}

    def indicators(org: Organisation, year: _Year) -> list[Indicator]:
        return [
            world.indicators[code]
            for c in world.commitments[org.code]
            if year.period.code in c.periods
            for code in c.indicators
        ]

    def school_places(org: Organisation, year: _Year) -> list[str]:
        return [
            p
            for c in world.commitments[org.code]
            if year.period.code in c.periods
            for p in c.places
            if world.places[p].kind == "school"
        ]

    fits: dict[str, Callable[[Organisation], bool]] = {
        "correction": lambda o: (
            o.type in ("company", "company_foundation")
            and any(i.frequency == "term" and i.unit == "event" for i in indicators(o, first))
        ),
        "unknown-place": lambda o: o.type == "association" and bool(school_places(o, first)),
        "over-100": lambda o: (
            o.type == "school"
            and any(
                i.type == "percentage" and i.frequency == "school_year"
                for i in indicators(o, first)
            )
        ),
        "unknown-indicator": lambda o: (
            o.type != "school" and any(i.code in WRONG_LABELS for i in indicators(o, last))
        ),
        "merged": lambda o: any(
            i.unit == "person" and "sex" in i.disaggregations and i.frequency == "term"
            for i in indicators(o, first)
        ),
        "sheets": lambda o: len(set(school_places(o, first))) >= 2,
        "wide-periods": lambda o: any(i.frequency == "term" for i in indicators(o, first)),
    }
    roles: dict[str, str] = {}
    for role, fit in fits.items():
        for org in uploaders:
            if org.code not in roles.values() and org.type != "backbone" and fit(org):
                roles[role] = org.code
                break
    return roles


def _profile(org: Organisation, role: str) -> _Profile:
    rng = _draw(f"profile:{org.code}")
    drawn = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
    layout = ROLE_LAYOUTS.get(role) or ("template" if org.type == "backbone" else drawn)
    cadence = rng.choices(("termly", "twice", "yearly"), (1, 4, 5))[0]
    lateness = rng.choice((0.05, 0.1, 0.15, 0.2, 0.5, 0.7))
    by_sex = layout in ("template", "long", "merged") and (role == "merged" or rng.random() < 0.4)
    french = layout == "csv" or (
        layout in ("long", "wide-periods", "wide-indicators", "sheets")
        and (rng.random() < 0.5 or bool(role))
    )
    if role:
        lateness = 0.05  # the cast's own stories are told by their scenario
    return _Profile(layout, cadence, lateness, by_sex, french)


def _org_uploads(
    world: _World, org: Organisation, profile: _Profile, truth: dict[Key, DemoValue], role: str
) -> list[_Upload]:
    """The organisation's routine uploads, in time order."""
    rng = _draw(f"uploads:{org.code}")
    last = world.last_action_year()
    uploads: list[_Upload] = []
    for year in world.years:
        codes = {year.period.code, *(t.code for t in year.terms)}
        in_year = [v for v in truth.values() if v.period in codes]
        if not in_year:
            continue
        groups = _groups(profile.cadence, year)
        for group in groups:
            in_group = {p.code for p in group}
            values = [v for v in in_year if v.period in in_group]
            terms = [p for p in group if p.kind == "term"]
            anchor = terms[-1] if terms else year.period
            late = rng.random() < profile.lateness
            missing = rng.random() < (0.08 if year == last else 0.03)
            when = _when(anchor, late, rng)
            if not values or (missing and not role) or when.date() > world.today:
                continue
            uploads.append(
                _Upload(org, profile.layout, when, anchor, tuple(group), values, profile.french)
            )
    if profile.layout == "template":  # the partner keeps one workbook and sends it whole
        sent: dict[Key, DemoValue] = {}
        for upload in uploads:
            sent.update({v.key: v for v in upload.values})
            upload.values = list(sent.values())
    if profile.layout == "csv" and uploads and rng.random() < 0.5:
        upload = uploads[rng.randrange(len(uploads))]  # one value "NC": not available
        counts = [
            i for i, v in enumerate(upload.values) if not v.disaggregation and v.numerator is None
        ]
        if counts:
            at = counts[rng.randrange(len(counts))]
            upload.values[at] = replace(upload.values[at], value=None)
    for upload in uploads:
        upload.name = FILE_NAMES[upload.layout].format(tag=_tag(upload.periods))
    return uploads


def _groups(cadence: str, year: _Year) -> list[list[Period]]:
    """The periods sent together in one upload, for a partner's cadence."""
    terms = list(year.terms)
    if cadence == "termly":
        groups = [[t] for t in terms]
    elif cadence == "twice":
        groups = [terms[:2], terms[2:]]
    else:
        groups = [terms]
    groups = [g for g in groups if g]
    if year.done:
        if groups and len(year.terms) == 3 and groups[-1][-1] == year.terms[-1]:
            groups[-1].append(year.period)
        else:
            groups.append([year.period])
    return groups


def _when(anchor: Period, late: bool, rng: random.Random) -> dt.datetime:
    """An upload time: before the anchor's due date, or some weeks after it."""
    window = max(2, (anchor.due - anchor.end).days - 1)
    if late:
        day = anchor.due + dt.timedelta(days=rng.randint(4, 45))
    else:
        day = anchor.end + dt.timedelta(days=rng.randint(2, window))
    return dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)))


def _tag(periods: tuple[Period, ...]) -> str:
    years = sorted({p.parent or p.code for p in periods})
    terms = [p.code.removeprefix(f"{p.parent}-") for p in periods if p.kind == "term"]
    return "-".join([*years, *terms])


def _scenario(
    world: _World, uploads: list[_Upload], role: str, roles: dict[str, str]
) -> list[_Upload]:
    """The cast organisation's story laid over its routine uploads."""
    if not uploads:
        return uploads
    if role == "correction":
        return _correction(world, uploads)
    if role == "unknown-place":
        found = _first(
            uploads, lambda v: world.places[v.place].kind == "school" and not v.disaggregation
        )
        if found:
            upload, value = found
            return _refused_then_corrected(
                uploads, upload, replace(upload, bad_place=value.key), "unknown-place", days=3
            )
    if role == "over-100":
        uploads = _late_last(world, uploads)
        found = _first(uploads, lambda v: world.indicators[v.indicator].type == "percentage")
        if found:
            upload, value = found
            wrong = round(value.value + 60, 1) if value.value and value.value > 40 else 112.5
            values = [
                replace(v, value=wrong, numerator=None, denominator=None) if v is value else v
                for v in upload.values
            ]
            return _refused_then_corrected(
                uploads, upload, replace(upload, values=values), "percentage-over-100", days=6
            )
    if role == "unknown-indicator":
        last = world.last_action_year()
        found = _first(
            uploads,
            lambda v: (
                v.indicator in WRONG_LABELS
                and last is not None
                and v.period in {last.period.code, *(t.code for t in last.terms)}
            ),
        )
        if found:
            upload, value = found
            return _refused_then_corrected(
                uploads,
                upload,
                replace(upload, bad_indicator=value.indicator),
                "unknown-indicator",
                days=2,
            )
    return uploads


def _first(
    uploads: list[_Upload], test: Callable[[DemoValue], bool]
) -> tuple[_Upload, DemoValue] | None:
    for upload in uploads:
        for value in upload.values:
            if value.value is not None and test(value):
                return upload, value
    return None


def _gap(uploads: list[_Upload], upload: _Upload, days: float) -> dt.timedelta:
    """A delay after `upload` that stays before the organisation's next upload."""
    later = [u.when for u in uploads if u.when > upload.when]
    wanted = dt.timedelta(days=days)
    return min(wanted, (min(later) - upload.when) / 3) if later else wanted


def _refused_then_corrected(
    uploads: list[_Upload], upload: _Upload, wrong: _Upload, problem: str, days: float
) -> list[_Upload]:
    """`wrong` is sent instead of `upload` and refused; `upload` follows, corrected."""
    wrong.expected, wrong.story, wrong.problem = "rejected", f"refused: {problem}", problem
    corrected = replace(
        upload,
        when=upload.when + _gap(uploads, upload, days),
        name=upload.name.replace(".", "-corrige.", 1),
        story="corrects the refused file",
    )
    return [wrong if u is upload else u for u in uploads] + [corrected]


def _correction(world: _World, uploads: list[_Upload]) -> list[_Upload]:
    """A value found wrong after an accepted upload: corrected file, then the same file again."""
    first = uploads[0]
    value = next(
        (
            v
            for v in first.values
            if v.value is not None
            and v.numerator is None
            and not v.disaggregation
            and world.indicators[v.indicator].unit == "event"
        ),
        None,
    )
    if value is None or value.value is None:
        return uploads
    wrong = replace(value, value=value.value + 2)
    sent_wrong = replace(first, values=[wrong if v is value else v for v in first.values])
    fixed = replace(
        first,
        when=first.when + _gap(uploads, first, 30),
        name=first.name.replace(".", "-v2.", 1),
        story="correction: one value corrected",
    )
    again = replace(
        fixed,
        when=fixed.when + _gap([*uploads, fixed], fixed, 1),
        name=fixed.name.replace(".", " (2).", 1),
        expected="unchanged",
        story="resent: the same file again",
        copy_of=fixed,
    )
    return [sent_wrong if u is first else u for u in uploads] + [fixed, again]


def _late_last(world: _World, uploads: list[_Upload]) -> list[_Upload]:
    """The organisation's last upload arrives some weeks after its due date."""
    last = uploads[-1]
    when = dt.datetime.combine(last.anchor.due + dt.timedelta(days=40), dt.time(16, 20))
    if when.date() >= world.today or when <= last.when:
        return uploads
    return [*uploads[:-1], replace(last, when=when, story="late")]


# --- the values -----------------------------------------------------------------------------


def _kind(indicator: Indicator) -> str:
    if indicator.type == "percentage":
        return "rate"
    if indicator.type in ("ratio", "score", "amount"):
        return indicator.type
    if indicator.type == "duration":
        return "hours" if indicator.unit == "hour" else "events"
    return "people" if indicator.unit == "person" else "events"


ADDITIVE = ("people", "events", "hours", "amount")


def _truth(world: _World, org: Organisation, profile: _Profile) -> dict[Key, DemoValue]:
    """Every value the organisation has to report, for the school years with data."""
    rng = _draw(f"values:{org.code}")
    first = world.first_action_year()
    values: dict[Key, DemoValue] = {}
    for commitment in world.commitments[org.code]:
        for year in world.years:
            baseline = (
                first is not None
                and year.index < first.index
                and org.type in ("school", "backbone")  # they hold the data of the year before
            )
            if year.period.code not in commitment.periods and not baseline:
                continue
            for code in commitment.indicators:
                indicator = world.indicators[code]
                if indicator.frequency == "term":
                    periods = list(year.terms) if not baseline else []
                else:
                    periods = [year.period] if year.done else []
                for place in commitment.places:
                    series = _series(
                        world,
                        org,
                        commitment,
                        indicator,
                        world.places[place],
                        year,
                        periods,
                        profile,
                        rng,
                    )
                    for value in series:
                        old = values.get(value.key)
                        if old is None:
                            values[value.key] = value
                        elif _kind(indicator) in ADDITIVE and old.value is not None:
                            values[value.key] = replace(old, value=old.value + (value.value or 0))
    return values


def _level(world: _World, code: str, indicator: Indicator, place: Place, k: int) -> float:
    """The outcome level of a place in the year of index k (0: first school year)."""
    table = OUTCOMES.get(code, {})
    low, high = indicator.range_min, min(indicator.range_max, 100.0)
    if table:
        base, slope = table.get(world.territory(place)) or table["*"]
    elif indicator.type == "percentage":
        base, slope = 50.0, 1.0 if indicator.polarity != "lower_is_better" else -1.0
    else:
        base, slope = (low + high) / 2, 0.0
    spread = OUTCOME_SPREAD.get(code, 2.0 if indicator.type == "percentage" else 0.5)
    offset = _draw(f"offset:{code}:{place.code}").gauss(0, spread)
    noise = _draw(f"noise:{code}:{place.code}:{k}").gauss(0, spread / 3)
    return min(high, max(low, base + slope * k + offset + noise))


def _denominator(world: _World, code: str, place: Place, grades: tuple[str, ...], k: int) -> int:
    kind = DENOMINATORS.get(code, "all")
    rng = _draw(f"denominator:{code}:{place.code}:{k}")
    third = world.pupils(place, ("3e",))
    if kind == "3e":
        return max(20, round(third * rng.uniform(0.95, 1.0)))
    if kind == "survey-3e":
        return max(20, round(third * rng.uniform(0.55, 0.7)))
    if kind == "survey":
        return max(20, round(world.pupils(place) * rng.uniform(0.3, 0.4)))
    if kind == "invited":
        return rng.randint(18, 40)
    return world.pupils(place, grades)


def _school_reach(world: _World, place: Place, k: int) -> float:
    """Pupils of a school reached by the alliance over a school year, when it reports them."""
    first = world.first_action_year()
    share = 0.8 + 0.03 * (k - (first.index if first else 0))
    return world.pupils(place) * share * _draw(f"reach:{place.code}:{k}").uniform(0.93, 1.07)


def _series(
    world: _World,
    org: Organisation,
    commitment: Commitment,
    indicator: Indicator,
    place: Place,
    year: _Year,
    periods: list[Period],
    profile: _Profile,
    rng: random.Random,
) -> list[DemoValue]:
    """The values of one indicator at one place over the periods of one school year."""
    code, k, kind = indicator.code, year.index, _kind(indicator)
    first = world.first_action_year()
    step = k - (first.index if first else 0)  # 0 in the first year of action
    growth = max(0.5, 1 + GROWTH.get(code, DEFAULT_GROWTH) * step)
    noise = rng.uniform(0.85, 1.15)
    territory = place.kind == "territory"
    grades = commitment.grades
    targeted = (
        commitment.targeted / len(commitment.places)
        if commitment.targeted
        else 0.3 * world.pupils(place, grades)
    )
    girls = 1.0 if commitment.sex == ("F",) else rng.uniform(0.44, 0.56)
    out: list[DemoValue] = []
    for period in periods:
        position = world.term_position.get(period.code)
        cumulative = 1.0 if position is None else CUMULATIVE.get(code, DEFAULT_CUMULATIVE)[position]
        split = 1.0 if position is None else SPLIT.get(code, DEFAULT_SPLIT)[position]
        per_year = 3 if position is not None else 1
        value: float | None
        numerator = denominator = None
        if kind == "people":
            if code in COUNT_OF_RATE:
                rate = world.indicators.get(COUNT_OF_RATE[code])
                level = _level(world, COUNT_OF_RATE[code], rate or indicator, place, k)
                value = round(world.pupils(place, ("3e",)) * level / 100)
            elif code == "jeunes-touches" and org.type == "school":
                value = round(_school_reach(world, place, k) * cumulative)
            elif code == "salaries-benevoles":
                value = round(max(2.0, targeted / 1.6) * growth * noise * cumulative)
            elif code == "enseignants-formes":
                value = round((36 if territory else 12) * growth * noise * cumulative)
            else:
                share = PEOPLE_SHARE.get(code, 0.9)
                value = round(targeted * share * growth * noise * cumulative)
        elif kind == "events":
            base = EVENTS_PER_TERM.get(code, 3.0) * (2 if territory else 1)
            if code == "offres-stage-collectees":
                base = targeted * 0.45
            value = round(base * per_year * growth * noise * split)
        elif kind == "hours":
            value = round(targeted * HOURS_PER_YOUTH.get(code, 20.0) * growth * noise * split)
        elif kind == "amount":
            value = round(rng.uniform(8, 60) * growth * split * 2) * 500.0
        elif kind == "rate":
            denominator = _denominator(world, code, place, grades, k)
            if code == "taux-couverture-eleves" and org.type == "school":
                numerator = min(denominator, round(_school_reach(world, place, k) * cumulative))
            else:
                level = _level(world, code, indicator, place, k)
                if position is not None:
                    level *= 0.9 + 0.1 * cumulative  # rates settle over the year
                numerator = min(denominator, round(denominator * level / 100))
            value = 100 * numerator / denominator
        elif kind == "ratio":  # given alone: the checker refuses a numerator over its denominator
            youths = round(targeted * 0.85 * growth * noise * cumulative) or 1
            value = round(youths / max(1, round(targeted / rng.uniform(2.0, 4.0) * cumulative)), 1)
        else:  # score
            value = round(_level(world, code, indicator, place, k), 1)
        out.append(DemoValue(code, place.code, period.code, "", value, numerator, denominator))
        if (
            profile.by_sex
            and kind == "people"
            and "sex" in indicator.disaggregations
            and value is not None
        ):
            girls_count = round(value * girls)
            out.append(DemoValue(code, place.code, period.code, "sex=F", girls_count))
            if commitment.sex != ("F",):
                out.append(DemoValue(code, place.code, period.code, "sex=M", value - girls_count))
    return out


# --- the writers ----------------------------------------------------------------------------


class _Writer:
    """Labels and numbers the way one partner writes them in one file."""

    def __init__(
        self,
        definition: Definition,
        upload: _Upload,
        rng: random.Random,
        templates: dict[str, bytes] | None = None,
    ):
        self.definition = definition
        self.templates = {} if templates is None else templates  # blank template by organisation
        self.upload = upload
        self.rng = rng
        self.indicators = {i.code: i for i in definition.indicators}
        self.places = {p.code: p for p in definition.places}
        self.periods = {p.code: p for p in definition.periods}
        self.codes_for_places = upload.layout == "csv" or rng.random() < 0.3
        self.long_periods = rng.random() < 0.4
        self._labels: dict[tuple[str, bool], str] = {}
        # Words of the dimensions' names: a column header holding one is read as a breakdown
        # column ("Part des stages … partenaires" as "Type de partenaire"), so headers avoid them.
        self.traps = {
            word.rstrip("s")
            for dim in definition.dimensions
            for label in (dim.label_fr, dim.label_en)
            for word in normalise(label).split()
            if len(word) > 2
        }

    @property
    def values(self) -> list[DemoValue]:
        periods = self.periods
        return sorted(
            self.upload.values,
            key=lambda v: (periods[v.period].start, periods[v.period].end, v.indicator, v.place),
        )

    def indicator(self, code: str, header: bool = False) -> str:
        """The indicator's name in a cell, or in a column header when `header`."""
        if code == self.upload.bad_indicator:
            return WRONG_LABELS[code]
        if (code, header) not in self._labels:
            ind = self.indicators[code]
            names = [ind.label_fr, *ind.aliases[:1]]
            if self.rng.random() < 0.35:
                names.reverse()
            if header:
                names = [n for n in [*names, *ind.aliases] if not self._trapped(n)] or [code]
            self._labels[(code, header)] = names[0]
        return self._labels[(code, header)]

    def _trapped(self, label: str) -> bool:
        return bool({word.rstrip("s") for word in normalise(label).split()} & self.traps)

    def place(self, code: str, key: Key | None = None) -> str:
        if key is not None and key == self.upload.bad_place:
            return UNKNOWN_SCHOOL
        place = self.places[code]
        if place.kind == "territory" or self.codes_for_places:
            return place.code
        return place.name

    def period(self, code: str, header: bool = False) -> str:
        """The period's name in a cell, or in a column header (short: "T1 2024-2025")."""
        period = self.periods[code]
        if header:
            return f"{code.removeprefix(period.parent + '-')} {period.parent}".strip()
        if period.kind == "term":
            if self.long_periods:
                return period.label_fr
            return f"{code.removeprefix(period.parent + '-')} {period.parent}"
        return f"Année scolaire {code}" if self.long_periods else code

    def number(self, value: DemoValue, french: bool | None = None) -> Cell:
        """The cell of a value given alone (no numerator and denominator)."""
        french = self.upload.french if french is None else french
        if value.value is None:
            return "NC"
        ind = self.indicators[value.indicator]
        number = value.value
        if ind.type == "percentage":
            number = round(number, 1)
            return f"{_french(number, 1)} %" if french else number
        if ind.type in ("ratio", "score"):
            number = round(number, 1)
            return _french(number, 1) if french else number
        if ind.type == "amount" and french:
            return f"{_french(number, 0)} €"
        if french and number >= 1000:
            return _french(number, 0)
        return int(number) if float(number).is_integer() else number

    def total(self, values: list[DemoValue]) -> int | None:
        """The sum a partner puts in a totals row: counts that add up over time and places."""
        summed = [
            v.value
            for v in values
            if v.value is not None
            and not v.disaggregation
            and self.indicators[v.indicator].aggregation_time == "sum"
            and not self.indicators[v.indicator].is_rate
        ]
        return round(sum(summed)) if summed else None


def _french(number: float, decimals: int) -> str:
    """A number as French spreadsheets show it: 1 234,5 (non-breaking space, decimal comma)."""
    return f"{number:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def _title(writer: _Writer) -> list[list[Cell]]:
    upload = writer.upload
    years = sorted({p.parent or p.code for p in upload.periods})
    return [
        [f"{upload.org.name} – bilan des actions"],
        [f"Année scolaire {years[0]}" if len(years) == 1 else "Bilan"],
        [],
    ]


def _note(writer: _Writer) -> list[Cell]:
    day = writer.upload.when.strftime("%d/%m/%Y")
    return [f"Source : suivi interne de {writer.upload.org.name}, données arrêtées le {day}."]


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_W3CDTF = "%Y-%m-%dT%H:%M:%SZ"


def _save(book: openpyxl.Workbook, path: Path, when: dt.datetime, author: str) -> None:
    """Save with fixed dates inside, so that two runs write the same bytes."""
    book.properties.created = when
    book.properties.modified = when
    book.properties.creator = author
    book.properties.lastModifiedBy = author
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, 0)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl dates `modified` at saving
                data = _MODIFIED.sub(rb"\g<1>" + when.strftime(_W3CDTF).encode() + rb"\g<2>", data)
            target.writestr(entry, data)


def _rows_to_sheet(sheet: Worksheet, rows: list[list[Cell]], top: int = 1, left: int = 1) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.cell(row=top + r, column=left + c, value=value)


def _new_book() -> tuple[openpyxl.Workbook, Worksheet]:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return book, sheet


def _write_template(writer: _Writer, path: Path) -> None:
    """The official pre-filled template, filled in: the partner's one workbook, sent whole."""
    upload = writer.upload
    if upload.org.code not in writer.templates:
        write_template(writer.definition, upload.org.code, path)
        writer.templates[upload.org.code] = path.read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(writer.templates[upload.org.code]))
    sheet = book[ENTRY_SHEET]
    at = {title: n for n, (title, _) in enumerate(COLUMNS, start=1)}  # the template's layout
    rows: dict[tuple[str, str, str], int] = {}
    free = 2
    for r in range(2, sheet.max_row + 1):
        code = sheet.cell(row=r, column=at["Code indicateur"]).value
        if code is None:
            break
        rows[
            (
                str(code),
                str(sheet.cell(row=r, column=at["Collège (UAI)"]).value),
                str(sheet.cell(row=r, column=at["Période"]).value),
            )
        ] = r
        free = r + 1
    for value in writer.values:
        where = (value.indicator, value.place, value.period)
        if not value.disaggregation and where in rows:
            r = rows[where]
        else:
            r, free = free, free + 1
            ind = writer.indicators[value.indicator]
            sheet.cell(row=r, column=at["Code indicateur"], value=value.indicator)
            sheet.cell(row=r, column=at["Indicateur"], value=ind.label_fr)
            sheet.cell(row=r, column=at["Collège (UAI)"], value=value.place)
            sheet.cell(row=r, column=at["Collège"], value=writer.places[value.place].name)
            sheet.cell(row=r, column=at["Période"], value=value.period)
            if value.disaggregation.startswith("sex="):
                sheet.cell(
                    row=r, column=at["Sexe"], value=value.disaggregation.removeprefix("sex=")
                )
        if value.numerator is not None and value.denominator is not None:
            sheet.cell(row=r, column=at["Numérateur"], value=value.numerator)
            sheet.cell(row=r, column=at["Dénominateur"], value=value.denominator)
        else:
            sheet.cell(row=r, column=at["Valeur"], value=writer.number(value, french=False))
    stamp = book[STAMP_SHEET]
    for r in range(1, stamp.max_row + 1):
        if stamp.cell(row=r, column=1).value == "created":
            stamp.cell(row=r, column=2, value=upload.when.date().isoformat())
    _save(book, path, upload.when, upload.org.name)


def _write_long(writer: _Writer, path: Path) -> None:
    """One row per value under a title; a totals row and a source note under the table."""
    values = writer.values
    by_sex = any(v.disaggregation for v in values)
    rated = any(v.numerator is not None for v in values)
    header: list[Cell] = ["Indicateur", "Collège", "Période"]
    header += ["Sexe"] if by_sex else []
    header += ["Valeur"] + (["Numérateur", "Dénominateur"] if rated else []) + ["Commentaire"]
    rows = [*_title(writer), header]
    for value in values:
        row: list[Cell] = [
            writer.indicator(value.indicator),
            writer.place(value.place, value.key),
            writer.period(value.period),
        ]
        if by_sex:
            row.append(SEX_LABELS.get(value.disaggregation.removeprefix("sex="), ""))
        if value.numerator is not None and value.denominator is not None:
            row += ["", value.numerator, value.denominator]
        else:
            row += [writer.number(value)] + (["", ""] if rated else [])
        rows.append(row)
    total = writer.total(values)
    if total is not None:
        rows.append(["Total", "", "", *([""] if by_sex else []), total])
    rows += [[], _note(writer)]
    book, sheet = _new_book()
    sheet.title = "Bilan"
    _rows_to_sheet(sheet, rows, top=2, left=2)
    _save(book, path, writer.upload.when, writer.upload.org.name)


def _write_wide_periods(writer: _Writer, path: Path) -> None:
    """Periods as columns: one row per indicator and school."""
    values = [v for v in writer.values if not v.disaggregation]
    periods = list(dict.fromkeys(v.period for v in values))
    cells: dict[tuple[str, str], dict[str, DemoValue]] = {}
    for value in values:
        cells.setdefault((value.indicator, value.place), {})[value.period] = value
    rows: list[list[Cell]] = [
        [f"Suivi des indicateurs – {writer.upload.org.name}"],
        [],
        ["Indicateur", "Établissement", *(writer.period(p, header=True) for p in periods)],
    ]
    for (code, place), row in cells.items():
        rows.append(
            [
                writer.indicator(code),
                writer.place(place),
                *(writer.number(row[p]) if p in row else None for p in periods),
            ]
        )
    book, sheet = _new_book()
    sheet.title = "Suivi"
    _rows_to_sheet(sheet, rows)
    _save(book, path, writer.upload.when, writer.upload.org.name)


def _write_wide_indicators(writer: _Writer, path: Path) -> None:
    """Indicators as columns: one row per school and period, a totals row at the bottom."""
    values = [v for v in writer.values if not v.disaggregation]
    codes = list(dict.fromkeys(v.indicator for v in values))
    cells: dict[tuple[str, str], dict[str, DemoValue]] = {}
    for value in values:
        cells.setdefault((value.place, value.period), {})[value.indicator] = value
    header: list[Cell] = ["Collège", "Période", *(writer.indicator(c, header=True) for c in codes)]
    rows = [*_title(writer), header]
    for (place, period), row in sorted(cells.items(), key=lambda item: item[0][0]):
        rows.append(
            [
                writer.place(place),
                writer.period(period),
                *(writer.number(row[c]) if c in row else None for c in codes),
            ]
        )
    rows.append(
        ["Total", "", *(writer.total([v for v in values if v.indicator == c]) for c in codes)]
    )
    book, sheet = _new_book()
    sheet.title = "Tableau de bord"
    _rows_to_sheet(sheet, rows)
    _save(book, path, writer.upload.when, writer.upload.org.name)


def _write_merged(writer: _Writer, path: Path) -> None:
    """A header on two rows: each indicator merged over its Filles / Garçons / Total columns,
    or over its numerator and denominator."""
    values = writer.values
    codes = list(dict.fromkeys(v.indicator for v in values))
    by_sex = {v.indicator for v in values if v.disaggregation}
    rated = {v.indicator for v in values if v.numerator is not None}
    top: list[Cell] = ["Collège", "Période"]
    sub: list[Cell] = ["", ""]
    merges: list[tuple[int, int]] = [(1, 1), (2, 2)]  # (first, last) column of each header
    columns: list[tuple[str, str]] = []  # (indicator, what the column holds)
    for code in codes:
        parts = (
            [("sex=F", "Filles"), ("sex=M", "Garçons"), ("", "Total")]
            if code in by_sex
            else [("numerator", "Numérateur"), ("denominator", "Dénominateur")]
            if code in rated
            else [("", "")]
        )
        start = len(top) + 1
        for n, (role, label) in enumerate(parts):
            top.append(writer.indicator(code, header=True) if n == 0 else "")
            sub.append(label)
            columns.append((code, role))
        merges.append((start, start + len(parts) - 1))
    cells: dict[tuple[str, str], dict[tuple[str, str], Cell]] = {}
    for value in values:
        row = cells.setdefault((value.place, value.period), {})
        if value.indicator in rated:
            row[(value.indicator, "numerator")] = value.numerator
            row[(value.indicator, "denominator")] = value.denominator
        else:
            row[(value.indicator, value.disaggregation)] = writer.number(value)
    rows: list[list[Cell]] = [top, sub]
    for (place, period), row in sorted(cells.items(), key=lambda item: item[0][0]):
        rows.append([writer.place(place), writer.period(period), *(row.get(c) for c in columns)])
    book, sheet = _new_book()
    years = sorted({p.parent or p.code for p in writer.upload.periods})
    sheet.title = f"Bilan {years[0]}"
    _rows_to_sheet(sheet, rows)
    for first, last in merges:
        if last > first:
            sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
        else:
            sheet.merge_cells(start_row=1, start_column=first, end_row=2, end_column=first)
    _save(book, path, writer.upload.when, writer.upload.org.name)


def _write_sheets(writer: _Writer, path: Path) -> None:
    """A sheet per school, named after it: periods as rows, indicators as columns."""
    values = [v for v in writer.values if not v.disaggregation]
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for place in dict.fromkeys(v.place for v in values):
        here = [v for v in values if v.place == place]
        codes = list(dict.fromkeys(v.indicator for v in here))
        cells: dict[str, dict[str, DemoValue]] = {}
        for value in here:
            cells.setdefault(value.period, {})[value.indicator] = value
        rows: list[list[Cell]] = [
            [writer.places[place].name],
            [],
            ["Période", *(writer.indicator(c, header=True) for c in codes)],
        ]
        for period, row in cells.items():
            rows.append(
                [
                    writer.period(period),
                    *(writer.number(row[c]) if c in row else None for c in codes),
                ]
            )
        sheet = book.create_sheet(_sheet_name(writer.places[place]))
        _rows_to_sheet(sheet, rows)
    _save(book, path, writer.upload.when, writer.upload.org.name)


def _sheet_name(place: Place) -> str:
    if place.kind == "territory":
        return place.code[:31]
    return place.name.removeprefix("Collège ")[:31]


def _write_csv(writer: _Writer, path: Path) -> None:
    """An export of the partner's own tool: Windows-1252, `;`, French numbers, "NC"."""
    text = io.StringIO()
    out = csv.writer(text, delimiter=";", lineterminator="\r\n")
    out.writerow(["Indicateur", "Établissement", "Période", "Valeur"])
    for value in writer.values:
        if value.disaggregation:
            continue
        out.writerow(
            [
                writer.indicator(value.indicator),
                writer.place(value.place, value.key),
                writer.period(value.period),
                writer.number(value, french=True),
            ]
        )
    path.write_bytes(text.getvalue().encode("cp1252"))


WRITERS: dict[str, Callable[[_Writer, Path], None]] = {
    "template": _write_template,
    "long": _write_long,
    "wide-periods": _write_wide_periods,
    "wide-indicators": _write_wide_indicators,
    "merged": _write_merged,
    "sheets": _write_sheets,
    "csv": _write_csv,
}


def _free_path(path: Path, taken: set[Path]) -> Path:
    candidate, n = path, 2
    while candidate in taken:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    taken.add(candidate)
    return candidate
