"""A large initiative for benchmarks: the demo's definition grown about a hundred times, its
values stored the way the ingest stores them.

At full scale (`scale=1`): 150 indicators (the demo's 38 and variants of them), 1,000 schools
in 40 territories, 2,021 organisations (the backbone, 20 funders, a school organisation per
school, 1,000 companies, associations and public bodies that each take the commitments of one
of the demo's partners to schools of their territory), five school years of data (2021-2022 to
2025-2026) and the current one open, each value broken down by sex and by grade (a total, then
each category of each dimension, as partners fill the official template): about 10 million
stored observations. `scale` multiplies the schools and organisations (0.01 runs in seconds).

Every organisation sends one workbook per school year: the official template's entry sheet
(`template.COLUMNS`), one row per value. A sample of organisations (`sample`) sends real
workbooks through the real ingest (`ingest_files`: sandboxed readers, checks, batches). The
others' rows are bulk loaded as the frame the ingest makes of the same workbook (`as_ingested`,
checked against the ingest by tests/test_scale.py) through the same `Store.load_batch`: same
tables, same provenance (file, sheet, cell, submission, audit entry). Then, as in the demo,
the evaluator accepts the submissions of past school years. Deterministic: values are drawn
from generators seeded by the organisation's code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from indicators.access.viewer import Viewer
from indicators.definition.loading import load_definition
from indicators.definition.model import (
    GRADES,
    Commitment,
    Definition,
    Indicator,
    Organisation,
    Period,
    Place,
    Target,
)
from indicators.ingest.pipeline import BatchFile, ingest_files
from indicators.ingest.template import COLUMNS, ENTRY_SHEET
from indicators.ingest.uploads import review_submissions
from indicators.store.database import Store, Upload
from indicators.store.setup import create_store

INDICATORS = 150
SCHOOLS = 1000
PARTNERS = 1000  # companies, foundations, associations and public bodies
FUNDERS = 20
SCHOOLS_PER_TERRITORY = 25
SCHOOLS_PER_SCHOOL = 4  # a partner works in 4 schools for each school of its demo model
FIRST_YEAR = 2021  # five school years with data: 2021-2022 to 2025-2026
YEARS = 5
SEXES = ("F", "M")
BREAKDOWNS = {"sex": SEXES, "grade": GRADES}  # the dimensions partners fill, in this order
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
ACTOR = "scale"
BULK_BATCH = 200  # uploads (of distinct organisations) stored in one transaction
NUMBER_COLUMNS = ("value", "numerator", "denominator")
Progress = Callable[[str, int, int], None]  # step, done, in all


@dataclass
class ScaleSummary:
    """What a scale build made, and how long each step took."""

    db: Path
    scale: float
    organisations: int = 0
    indicators: int = 0
    schools: int = 0
    years: int = YEARS
    files_ingested: int = 0  # real workbooks sent through the ingest
    values_ingested: int = 0
    uploads_bulk: int = 0  # uploads bulk loaded
    values_bulk: int = 0
    observations: int = 0  # rows of the observations table at the end
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds
    sampled: list[str] = field(default_factory=list)  # organisations whose workbooks were ingested
    files: list[Path] = field(default_factory=list)  # the ingested workbooks, when kept


# -- the definition ---------------------------------------------------------------------------


def uai(number: int) -> str:
    """A school's UAI code: 7 digits and their check letter (data/README.md)."""
    return f"{number:07d}{UAI_LETTERS[number % 23]}"


def _years() -> list[str]:
    return [f"{y}-{y + 1}" for y in range(FIRST_YEAR, FIRST_YEAR + YEARS + 1)]


def _periods() -> tuple[Period, ...]:
    """Six school years of three terms each, due two weeks (a term) or a month (a year) after."""
    out = []
    for start in range(FIRST_YEAR, FIRST_YEAR + YEARS + 1):
        year = f"{start}-{start + 1}"
        out.append(
            Period(
                year,
                f"Année scolaire {year}",
                f"School year {year}",
                "school_year",
                "",
                dt.date(start, 9, 1),
                dt.date(start + 1, 8, 31),
                dt.date(start + 1, 9, 30),
            )
        )
        spans = [
            (dt.date(start, 9, 1), dt.date(start, 12, 31)),
            (dt.date(start + 1, 1, 1), dt.date(start + 1, 3, 31)),
            (dt.date(start + 1, 4, 1), dt.date(start + 1, 6, 30)),
        ]
        for n, (first, last) in enumerate(spans, start=1):
            out.append(
                Period(
                    f"{year}-T{n}",
                    f"{'1er' if n == 1 else f'{n}e'} trimestre {year}",
                    f"Term {n} {year}",
                    "term",
                    year,
                    first,
                    last,
                    last + dt.timedelta(days=15),
                )
            )
    return tuple(out)


def _variants(indicators: tuple[Indicator, ...], wanted: int) -> list[Indicator]:
    """The demo's indicators, then variants of each (same sheet, a numbered code and label,
    no aliases) until `wanted`."""
    out = list(indicators)
    n = 1
    while len(out) < wanted:
        for ind in indicators:
            if len(out) == wanted:
                break
            out.append(
                dataclasses.replace(
                    ind,
                    code=f"{ind.code}-{n + 1}",
                    label_fr=f"{ind.label_fr} ({n + 1})",
                    label_en=f"{ind.label_en} ({n + 1})",
                    aliases=(),
                )
            )
        n += 1
    return out


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "little")


def scale_definition(base: Definition, scale: float) -> Definition:
    """The large initiative grown from the demo's definition `base` (see the module)."""
    schools = max(4, round(SCHOOLS * scale))
    partners = max(6, round(PARTNERS * scale))
    funders = max(1, round(FUNDERS * scale))
    territories = max(2, round(schools / SCHOOLS_PER_TERRITORY))
    indicators = _variants(base.indicators, INDICATORS)
    family: dict[str, list[str]] = {}  # a demo indicator -> its codes (itself and variants)
    for ind in indicators:
        root = next(b.code for b in base.indicators if ind.code.startswith(b.code))
        family.setdefault(root, []).append(ind.code)
    places: list[Place] = [
        Place(f"T-R{t:03d}", "territory", f"Territoire {t:03d}") for t in range(territories)
    ]
    school_codes: list[list[str]] = [[] for _ in range(territories)]
    for s in range(schools):
        code = uai(9_700_000 + s)
        territory = s % territories
        school_codes[territory].append(code)
        rng = np.random.default_rng(_seed("school", code))
        places.append(
            Place(
                code,
                "school",
                f"Collège n° {s + 1}",
                f"T-R{territory:03d}",
                code,
                ("REP+", "REP", "none")[s % 3],
                f"{97100 + territory:05d}",
                f"QN9{territory:03d}{s % 7}M" if s % 3 != 2 else "",
                {g: int(rng.integers(80, 220)) for g in GRADES},
            )
        )
    years = _years()
    kinds = {o.code: o.type for o in base.organisations}
    templates: dict[str, list[str]] = {}  # organisation type -> demo organisations with actions
    for c in base.commitments:
        kind = kinds[c.organisation]
        if c.organisation not in templates.setdefault(kind, []):
            templates[kind].append(c.organisation)
    partner_templates = sorted(
        (
            o
            for kind in ("company", "association", "company_foundation", "public_body")
            for o in templates.get(kind, [])
        ),
        key=lambda o: _seed("template", o),
    )
    by_org: dict[str, list[Commitment]] = {}
    for c in base.commitments:
        by_org.setdefault(c.organisation, []).append(c)
    backbone = base.initiative.backbone
    all_territories = tuple(p.code for p in places if p.kind == "territory")
    organisations = [
        Organisation(
            backbone,
            next(o.name for o in base.organisations if o.code == backbone),
            "backbone",
            "",
            all_territories,
        )
    ]
    organisations += [
        Organisation(f"fin-{f:03d}", f"Financeur {f + 1}", "funder", "", all_territories)
        for f in range(funders)
    ]
    commitments: list[Commitment] = []

    def commit(org: str, template: str, where: Callable[[str], tuple[str, ...]]) -> None:
        for c in by_org[template]:
            for variant in range(max((len(family[i]) for i in c.indicators), default=1)):
                codes = tuple(family[i][variant] for i in c.indicators if variant < len(family[i]))
                commitments.append(
                    dataclasses.replace(
                        c,
                        id=f"C{len(commitments) + 1:06d}",
                        organisation=org,
                        places=tuple(dict.fromkeys(s for p in c.places for s in where(p))),
                        periods=tuple(years),
                        indicators=codes,
                    )
                )

    base_places = {p.code: p for p in base.places}
    commit(backbone, backbone, lambda _p: all_territories)
    school_templates = templates.get("school", [])
    for s, place in enumerate(p for p in places if p.kind == "school"):
        org = f"clg-{place.code.lower()}"
        organisations.append(Organisation(org, place.name, "school", place.code, (place.parent,)))
        commit(org, school_templates[s % len(school_templates)], _always((place.code,)))
    for n in range(partners):
        template = partner_templates[n % len(partner_templates)]
        kind = kinds[template]
        territory = n % territories
        org = f"{kind[:5]}-{n:05d}"
        mine = school_codes[territory]
        offset = _seed("offset", org) % max(1, len(mine))
        seen: dict[str, tuple[str, ...]] = {}

        def where(
            p: str,
            mine: list[str] = mine,
            offset: int = offset,
            seen: dict[str, tuple[str, ...]] = seen,
            territory: int = territory,
        ) -> tuple[str, ...]:
            """A territory of the template: the partner's; a school: SCHOOLS_PER_SCHOOL of its."""
            if base_places[p].kind == "territory":
                return (f"T-R{territory:03d}",)
            if p not in seen:
                first = offset + len(seen) * SCHOOLS_PER_SCHOOL
                seen[p] = tuple(
                    dict.fromkeys(mine[(first + k) % len(mine)] for k in range(SCHOOLS_PER_SCHOOL))
                )
            return seen[p]

        organisations.append(
            Organisation(org, f"{kind.capitalize()} {n + 1}", kind, "", (f"T-R{territory:03d}",))
        )
        commit(org, template, where)
    codes = {i.code for i in indicators}
    targets = [
        dataclasses.replace(t, indicator=code)
        for t in base.targets
        if t.place == "*"
        for code in family.get(t.indicator, [])
        if code in codes
    ]
    return dataclasses.replace(
        base,
        initiative=dataclasses.replace(
            base.initiative,
            code="reseau-echelle",
            name_fr="Réseau à l'échelle (banc d'essai)",
            name_en="Network at scale (benchmark)",
            demo=False,
        ),
        indicators=tuple(indicators),
        places=tuple(places),
        organisations=tuple(organisations),
        commitments=tuple(commitments),
        periods=_periods(),
        targets=tuple(
            Target(t.indicator, t.place, t.period, t.kind, t.value, t.note) for t in targets
        ),
    )


def _always(places: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    return lambda _place: places


# -- the workbooks: one per organisation and school year ---------------------------------------


def entry_rows(definition: Definition, organisation: str, year: str) -> pd.DataFrame:
    """The rows of the organisation's workbook for `year`, as the official template's entry
    sheet holds them: indicator, place, period, sex, grade, value, numerator, denominator
    (empty breakdown: the total). Deterministic."""
    indicators = {i.code: i for i in definition.indicators}
    terms = [p for p in definition.periods if p.parent == year and p.kind == "term"]
    keys: dict[tuple[str, str], None] = {}
    for c in definition.commitments:
        if c.organisation == organisation and year in c.periods:
            for code in c.indicators:
                for place in c.places:
                    keys[(code, place)] = None
    rows: list[tuple[str, str, str, str, str]] = []
    for code, place in sorted(keys):
        ind = indicators[code]
        periods = [t.code for t in terms] if ind.frequency == "term" else [year]
        cells = [("", "")]
        for dim, categories in BREAKDOWNS.items():
            if dim in ind.disaggregations:
                cells += [(c, "") if dim == "sex" else ("", c) for c in categories]
        rows += [(code, place, period, s, g) for period in periods for s, g in cells]
    frame = pd.DataFrame(rows, columns=["indicator", "place", "period", "sex", "grade"])
    rng = np.random.default_rng(_seed("values", organisation, year))
    n = len(frame)
    kind = frame["indicator"].map({c: i.type for c, i in indicators.items()})
    unit = frame["indicator"].map({c: i.unit for c, i in indicators.items()})
    low = frame["indicator"].map({c: i.range_min for c, i in indicators.items()}).to_numpy()
    high = frame["indicator"].map({c: i.range_max for c, i in indicators.items()}).to_numpy()
    total = (frame["sex"] == "") & (frame["grade"] == "")
    share = np.where(total, 1.0, np.where(frame["sex"] != "", 0.5, 0.25))
    counted = kind.isin(["count", "duration", "amount"]).to_numpy()
    rate = kind.isin(["percentage", "ratio"]).to_numpy()
    size = np.minimum(high, np.maximum(low, 40.0)) * share  # a count of about 40 for a total
    counts = np.maximum(1.0, np.round(size * rng.uniform(0.5, 1.5, n)))
    denominator = np.round(rng.uniform(60, 200, n) * share)
    scale_to = np.where(unit == "percent", 100.0, 1.0)
    wanted = rng.uniform(low + 0.2 * (high - low), low + 0.8 * (high - low))  # within range
    numerator = np.maximum(1.0, np.round(denominator * wanted / scale_to))
    ratio = np.round(numerator / denominator * scale_to, 1)
    span = np.minimum(high - low, 100.0)  # scores and gaps: in the middle of their range
    other = np.round(rng.uniform(low + 0.4 * span, low + 0.6 * span), 1)
    frame["value"] = np.where(counted, counts, np.where(rate, ratio, other))
    frame["numerator"] = np.where(rate, numerator, np.nan)
    frame["denominator"] = np.where(rate, denominator, np.nan)
    return frame


def write_workbook(definition: Definition, rows: pd.DataFrame, path: Path) -> Path:
    """`rows` (entry_rows) written as the official template's entry sheet, in an .xlsx."""
    names = {p.code: p.name for p in definition.places}
    labels = {i.code: i.label_fr for i in definition.indicators}
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(ENTRY_SHEET)
    sheet.append([title for title, _ in COLUMNS])
    columns = ["indicator", "place", "period", "sex", "grade"]
    texts = zip(*(rows[c].astype(str).tolist() for c in columns), strict=True)
    numbers = zip(*(rows[c].astype(float).tolist() for c in NUMBER_COLUMNS), strict=True)
    for (code, place, period, sex, grade), (value, numerator, denominator) in zip(
        texts, numbers, strict=True
    ):
        sheet.append(
            [
                code,
                labels[code],
                place,
                names[place],
                period,
                sex or None,
                grade or None,
                _number(value),
                _number(numerator),
                _number(denominator),
                None,
                None,
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _number(x: float) -> int | float | None:
    if x != x:  # NaN: an empty cell
        return None
    return int(x) if float(x).is_integer() else float(x)


def as_ingested(definition: Definition, rows: pd.DataFrame) -> pd.DataFrame:
    """The values the ingest makes of `write_workbook(rows)`: the frame `Store.load_batch`
    stores (indicator, version, place, period, disaggregation, value, numerator, denominator,
    unit, the value cell's text, sheet, row, col, how the label matched, converted)."""
    indicators = {i.code: i for i in definition.indicators}
    disaggregation = np.where(
        rows["sex"] != "",
        "sex=" + rows["sex"],
        np.where(rows["grade"] != "", "grade=" + rows["grade"], ""),
    )
    value_col = next(n for n, (title, _) in enumerate(COLUMNS) if title == "Valeur")
    return pd.DataFrame(
        {
            "indicator": rows["indicator"].astype(object),
            "indicator_version": rows["indicator"]
            .map({c: i.version for c, i in indicators.items()})
            .astype("int64"),
            "place": rows["place"].astype(object),
            "period": rows["period"].astype(object),
            "disaggregation": pd.Series(disaggregation, dtype=object),
            "value": rows["value"].astype(float),
            "numerator": rows["numerator"].astype(float),
            "denominator": rows["denominator"].astype(float),
            "unit": rows["indicator"]
            .map({c: i.unit for c, i in indicators.items()})
            .astype(object),
            "raw_value": [_text(v) for v in rows["value"].tolist()],
            "sheet": ENTRY_SHEET,
            "row": np.arange(1, len(rows) + 1, dtype=np.int64),  # under the header row
            "col": np.full(len(rows), value_col, dtype=np.int64),
            "mapping": "code",
            "converted": False,
        }
    )


def _text(x: float) -> str:
    number = _number(x)
    return "" if number is None else str(number)


# -- the build ----------------------------------------------------------------------------------


def build_scale(
    db_path: Path,
    folder: Path,
    *,
    scale: float = 1.0,
    sample: int = 20,
    files_dir: Path | None = None,
    progress: Progress | None = None,
) -> ScaleSummary:
    """Build the large initiative's store at `db_path` (which must not exist) from the demo
    definition in `folder`: `sample` organisations send real workbooks through the ingest, the
    others' values are bulk loaded. The workbooks are kept in `files_dir` when given."""
    summary = ScaleSummary(db_path, scale)
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[step] = summary.seconds.get(step, 0.0) + now - clock
        clock = now

    definition = scale_definition(load_definition(folder), scale)
    store, _ = create_store(db_path, definition, ACTOR)
    summary.organisations = len(definition.organisations)
    summary.indicators = len(definition.indicators)
    summary.schools = sum(p.kind == "school" for p in definition.places)
    lap("definition")
    reporting = sorted({c.organisation for c in definition.commitments})
    chosen = set(sorted(reporting, key=lambda o: _seed("sample", o))[:sample])
    years = _years()[:YEARS]
    due = {p.code: p.due for p in definition.periods}
    with tempfile.TemporaryDirectory(prefix="mesure-scale-") as tmp:
        where = files_dir or Path(tmp)
        sent = []
        for year in years:
            for org in sorted(chosen):
                rows = entry_rows(definition, org, year)
                if len(rows):
                    path = write_workbook(definition, rows, where / org / f"{org}-{year}.xlsx")
                    sent.append(BatchFile(path, org, f"{ACTOR}:{org}", _received(org, year, due)))
        lap("write_workbooks")
        for n, outcome in enumerate(ingest_files(store, sent, definition)):
            if isinstance(outcome, Exception) or outcome.status != "received":
                raise RuntimeError(f"{sent[n].path.name}: {outcome}")
            summary.values_ingested += outcome.created
            if progress:
                progress("ingest", n + 1, len(sent))
        summary.files_ingested = len(sent)
        summary.sampled = sorted(chosen)
        if files_dir:
            summary.files = [f.path for f in sent]
        lap("ingest")
    others = [o for o in reporting if o not in chosen]
    for year in years:
        for first in range(0, len(others), BULK_BATCH):
            uploads = list(_uploads(definition, others[first : first + BULK_BATCH], year, due))
            for done in store.load_batch(uploads):
                summary.values_bulk += int(done["created"])
            summary.uploads_bulk += len(uploads)
            if progress:
                progress(f"bulk {year}", min(first + BULK_BATCH, len(others)), len(others))
    lap("bulk_load")
    _review(store)
    lap("review")
    summary.observations = int(store.query("observation_count")["n"].iloc[0])
    store.close()
    return summary


def _received(organisation: str, year: str, due: dict[str, dt.date]) -> dt.datetime:
    """When the organisation sends its workbook of `year`: within a month before the due date."""
    seed = _seed("received", organisation, year)
    day = due[year] - dt.timedelta(days=seed % 30)
    return dt.datetime.combine(day, dt.time(9 + seed % 9, seed % 60))


def _uploads(
    definition: Definition, organisations: list[str], year: str, due: dict[str, dt.date]
) -> Iterator[Upload]:
    for org in organisations:
        rows = entry_rows(definition, org, year)
        if not len(rows):
            continue
        frame = as_ingested(definition, rows)
        name = f"{org}-{year}.xlsx"
        yield Upload(
            organisation=org,
            rows=frame,
            filename=name,
            sha256=hashlib.sha256(f"{org}/{year}/{len(rows)}".encode()).hexdigest(),
            size=len(rows) * 60,
            uploaded_by=f"{ACTOR}:{org}",
            received_at=_received(org, year, due),
            problems={"severity": {}, "code": {}},
        )


def _review(store: Store) -> int:
    """The evaluator accepts the submissions of every school year with data but the last."""
    submissions = store.query("all_submissions")
    cutoff = dt.datetime(FIRST_YEAR + YEARS - 1, 10, 1)  # after the due date of the one before
    past = submissions[
        (submissions["status"] == "received") & (submissions["uploaded_at"] < cutoff)
    ]
    evaluator = Viewer(ACTOR, "evaluator", "Banc d'essai")
    ids = [int(i) for i in past["id"]]
    return len(review_submissions(store, evaluator, ids, "accepted")) if ids else 0


def store_bytes(db_path: Path) -> int:
    """The size of the store on disk (its write-ahead log included)."""
    wal = Path(f"{db_path}.wal")
    return db_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
