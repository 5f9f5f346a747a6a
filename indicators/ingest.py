"""From an uploaded file to values ready to store, with every problem found on the way.

`prepare` reads the file (in a limited worker), finds the table of each visible sheet, maps
labels to the common definition, parses each value in the indicator's unit and checks it.
It writes nothing: a dry run is `prepare` alone; loading is the store's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators.intake import Limits
from indicators.layout import RawValue, TableReading, read_table, text_of
from indicators.matching import ASK, Match, Vocabulary
from indicators.model import Definition, Indicator
from indicators.problems import CellProblem
from indicators.reader import read_workbook
from indicators.store import Store
from indicators.values import ParsedValue, parse_period, parse_value
from indicators.workbook import CellValue, Sheet, cell_name

Key = tuple[str, str, str, str]  # indicator, place, period, disaggregation
UNIT_JUMP = 50.0  # a value this many times the previous one (or less) suggests a unit error


def disaggregation_key(pairs: tuple[tuple[str, str], ...]) -> str:
    """The canonical text of a breakdown: "grade=3e;sex=F", "" for the total."""
    return ";".join(f"{dim}={cat}" for dim, cat in sorted(pairs))


@dataclass(frozen=True)
class Candidate:
    """One value ready to be stored, with its provenance."""

    indicator: str
    indicator_version: int
    place: str
    period: str
    disaggregation: str
    value: float | None  # None: reported as not available (NC, n/a)
    numerator: float | None
    denominator: float | None
    unit: str
    raw: str
    sheet: str
    cell: str

    @property
    def key(self) -> Key:
        """The natural key within one organisation."""
        return (self.indicator, self.place, self.period, self.disaggregation)


@dataclass
class Preparation:
    """Everything a dry run tells before anything is written."""

    file: str
    sha256: str
    size: int
    organisation: str
    format: str = ""
    rows_read: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    mappings: dict[tuple[str, str], Match] = field(default_factory=dict)  # (kind, label) -> match
    tables: list[TableReading] = field(default_factory=list)
    hidden_sheets: tuple[str, ...] = ()
    template: str = ""  # the official template's version, when the file is one

    @property
    def errors(self) -> list[CellProblem]:
        """Problems that block the upload."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[CellProblem]:
        """Problems worth a look that do not block."""
        return [p for p in self.problems if p.severity == "warning"]


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare(
    path: Path,
    definition: Definition,
    organisation: str,
    name: str | None = None,
    memory: Mapping[tuple[str, str], str] | None = None,
    limits: Limits | None = None,
    previous: list[tuple[str, str, str, str, float]] | None = None,
) -> Preparation:
    """Read, map and check one file for `organisation`; raises UnreadableFileError only."""
    name = name or path.name
    preparation = Preparation(name, file_digest(path), path.stat().st_size, organisation)
    workbook = read_workbook(path, name, limits)
    preparation.format = workbook.format
    preparation.hidden_sheets = workbook.hidden_sheets
    preparation.template = workbook.stamp.get("template_version", "")
    stamped = workbook.stamp.get("organisation")
    if stamped and stamped != organisation:
        preparation.problems.append(
            CellProblem(
                "template-other-organisation",
                "warning",
                value=stamped,
                details={"organisation": organisation},
            )
        )
    for hidden in workbook.hidden_sheets:
        preparation.problems.append(
            CellProblem("hidden-sheet-skipped", "info", hidden, value=hidden)
        )
    vocabulary = Vocabulary.from_definition(definition)
    vocabulary.remember(memory or {})
    checker = _Checker(definition, organisation, preparation, previous or [])
    dimensions = {dim.code: [dim.label_fr, dim.label_en] for dim in definition.dimensions}
    for sheet in workbook.sheets:
        reading = read_table(sheet, vocabulary, checker.period_code, dimensions)
        preparation.tables.append(reading)
        checker.sheet(sheet, reading)
    return preparation


class _Checker:
    """Turns raw values into candidates and problems, for one preparation."""

    def __init__(
        self,
        definition: Definition,
        organisation: str,
        preparation: Preparation,
        previous: list[tuple[str, str, str, str, float]],
    ):
        self.definition = definition
        self.preparation = preparation
        self.indicators = {i.code: i for i in definition.indicators}
        self.periods = definition.periods
        self.categories = {
            dim.code: {c.code for c in dim.categories} for dim in definition.dimensions
        }
        self.committed = {
            code
            for c in definition.commitments
            if c.organisation == organisation
            for code in c.indicators
        }
        self.seen: dict[Key, str] = {}
        self.period_codes: dict[tuple[str, str], str | None] = {}
        self.uncommitted_said: set[str] = set()
        # The organisation's latest stored value per indicator, place and breakdown (any period),
        # and per full key: a new value far from it hints at a unit error.
        self.previous_same_key = {(i, pl, pe, d): v for i, pl, pe, d, v in previous}
        self.previous_series = {(i, pl, d): v for i, pl, _, d, v in previous}

    def period_code(self, raw: object) -> str | None:
        """The period a cell names; the same text is looked up once per upload."""
        key = (type(raw).__name__, str(raw))
        if key not in self.period_codes:
            self.period_codes[key] = parse_period(raw, self.periods).code
        return self.period_codes[key]

    def problem(
        self,
        code: str,
        severity: str,
        sheet: str,
        row: int | None = None,
        col: int | None = None,
        column: str = "",
        value: object = "",
        **details: object,
    ) -> None:
        cell = cell_name(row, col) if row is not None and col is not None else ""
        self.preparation.problems.append(
            CellProblem(code, severity, sheet, cell, column, text_of(value), details)
        )

    def sheet(self, sheet: Sheet, reading: TableReading) -> None:
        if not reading.found:
            if sheet.cells:
                self.problem("no-table-found", "warning", sheet.name)
            return
        for row, kind in reading.skipped_rows:
            if kind == "total":
                self.problem("total-row-skipped", "info", sheet.name, row, reading.columns[0].col)
        for col, header in reading.unmapped_headers:
            self.problem(
                "unmapped-column", "info", sheet.name, reading.header_rows[-1], col, value=header
            )
        for column in reading.columns:
            for match in column.matches:
                self._mapping(match, sheet.name, reading.header_rows[-1], column.col)
        rows: dict[tuple[int, Key | None], dict[str, RawValue]] = {}
        self.preparation.rows_read += len({v.row for v in reading.values})
        for value in reading.values:
            key = self._key(value, sheet)
            rows.setdefault((value.row, key), {})[value.role] = value
        for (_, key), roles in rows.items():
            if key is not None:
                self._candidate(key, roles, sheet)

    def _mapping(self, match: Match, sheet: str, row: int, col: int) -> None:
        """Record a mapping; one to confirm is said once, at its first cell."""
        if (match.kind, match.label) in self.preparation.mappings:
            return
        self.preparation.mappings[(match.kind, match.label)] = match
        if match.needs_confirmation:
            self.problem(
                "mapping-to-confirm",
                "warning",
                sheet,
                row,
                col,
                value=match.label,
                target=match.target,
                confidence=f"{match.confidence:.0%}",
            )

    def _key(self, value: RawValue, sheet: Sheet) -> Key | None:
        """The natural key of a raw value, or None after reporting why it has none."""
        where = (sheet.name, value.row, value.col, value.column, value.raw)
        flag = sheet.flags.get((value.row, value.col))
        if flag:
            code = "formula-without-value" if flag == "formula-without-value" else "error-cell"
            self.problem(code, "error", *where[:4], value=flag.removeprefix("error:"))
            return None
        ok = True
        for kind, match in (("indicator", value.indicator), ("place", value.place)):
            if match is None:
                self.problem(f"missing-{kind}", "error", *where)
                ok = False
                continue
            row, col = value.source(kind)
            self._mapping(match, sheet.name, row, col)
            if match.target is None or match.confidence < ASK:
                self.problem(
                    f"unknown-{kind}", "error", sheet.name, row, col, value.column, match.label
                )
                ok = False
        if value.period is None:
            if value.period_label:
                found = parse_period(value.period_label, self.periods)
                code = found.problem or "unknown-period"
                row, col = value.source("period")
                self.problem(
                    code,
                    "error",
                    sheet.name,
                    row,
                    col,
                    value.column,
                    value.period_label,
                    periods=", ".join(p.code for p in self.periods if p.kind == "school_year"),
                )
            else:
                self.problem("missing-period", "error", *where)
            ok = False
        for dimension, category in value.disaggregation:
            if category not in self.categories.get(dimension, set()):
                self.problem(
                    "unknown-category",
                    "error",
                    sheet.name,
                    value.row,
                    value.col,
                    value.column,
                    category,
                    dimension=dimension,
                    categories=", ".join(sorted(self.categories.get(dimension, set()))),
                )
                ok = False
        if not ok or value.indicator is None or value.place is None or value.period is None:
            return None
        assert value.indicator.target is not None and value.place.target is not None
        return (
            value.indicator.target,
            value.place.target,
            value.period,
            disaggregation_key(value.disaggregation),
        )

    def _candidate(self, key: Key, roles: dict[str, RawValue], sheet: Sheet) -> None:
        indicator = self.indicators[key[0]]
        parsed = {role: self._parse(raw, indicator, sheet) for role, raw in roles.items()}
        main = roles.get("value") or next(iter(roles.values()))
        numerator = parsed.get("numerator")
        denominator = parsed.get("denominator")
        value = parsed.get("value")
        if any(p is None for p in parsed.values()):
            return  # not a number: reported by _parse
        num = numerator.value if numerator else None
        den = denominator.value if denominator else None
        if value is None and num is not None and den:
            result: float | None = 100 * num / den if indicator.type == "percentage" else num / den
        else:
            result = value.value if value else None
        if all(p.kind == "blank" for p in parsed.values() if p):
            return
        at = (sheet.name, main.row, main.col, main.column, main.raw)
        if num is not None and den is not None and num > den:
            self.problem(
                "numerator-over-denominator",
                "error",
                *at,
                numerator=f"{num:g}",
                denominator=f"{den:g}",
            )
            return
        if result is not None and not self._plausible(result, indicator, at):
            return
        cell = cell_name(main.row, main.col)
        if key in self.seen:
            self.problem(
                "duplicate-key",
                "error",
                *at,
                key=" × ".join(k for k in key if k),
                first=self.seen[key],
            )
            return
        self.seen[key] = f"{sheet.name}!{cell}"
        self._unit_jump(key, result, at)
        if indicator.code not in self.committed and indicator.code not in self.uncommitted_said:
            self.uncommitted_said.add(indicator.code)  # said once, at its first value
            self.problem("not-committed", "warning", *at, indicator=indicator.label_fr)
        self.preparation.candidates.append(
            Candidate(
                indicator=indicator.code,
                indicator_version=indicator.version,
                place=key[1],
                period=key[2],
                disaggregation=key[3],
                value=result,
                numerator=num,
                denominator=den,
                unit=indicator.unit,
                raw=text_of(main.raw),
                sheet=sheet.name,
                cell=cell,
            )
        )

    def _unit_jump(
        self, key: Key, value: float | None, at: tuple[str, int, int, str, CellValue]
    ) -> None:
        """Warn when a value is 50 times (or a fiftieth of) the partner's previous one."""
        previous = self.previous_same_key.get(key)
        if previous is None:
            previous = self.previous_series.get((key[0], key[1], key[3]))
        if value is None or previous is None or value == 0 or previous == 0:
            return
        factor = value / previous
        if factor >= UNIT_JUMP or factor <= 1 / UNIT_JUMP:
            shown = f"×{factor:.0f}" if factor >= 1 else f"÷{1 / factor:.0f}"
            self.problem("unit-jump", "warning", *at, factor=shown, previous=f"{previous:g}")

    def _parse(self, raw: RawValue, indicator: Indicator, sheet: Sheet) -> ParsedValue | None:
        parsed = parse_value(raw.raw, indicator.type, indicator.unit)
        at = (sheet.name, raw.row, raw.col, raw.column, raw.raw)
        if parsed.kind == "invalid":
            code = "error-cell" if parsed.problem == "error-cell" else "not-a-number"
            self.problem(code, "error", *at)
            return None
        if parsed.kind == "number" and parsed.notes and parsed.value is not None:
            self.problem(
                "value-interpreted",
                "info",
                *at,
                parsed=f"{parsed.value:g}",
                how=", ".join(parsed.notes),
            )
        return parsed

    def _plausible(
        self, value: float, indicator: Indicator, at: tuple[str, int, int, str, CellValue]
    ) -> bool:
        if (
            value < 0
            and indicator.type in ("count", "duration", "amount")
            and indicator.range_min >= 0
        ):
            self.problem("negative-count", "error", *at)
            return False
        if indicator.type == "percentage" and value > 100:
            self.problem("percentage-over-100", "error", *at)
            return False
        if not indicator.range_min <= value <= indicator.range_max:
            self.problem(
                "out-of-range",
                "error",
                *at,
                indicator=indicator.label_fr,
                min=f"{indicator.range_min:g}",
                max=f"{indicator.range_max:g}",
            )
            return False
        return True


CANDIDATE_COLUMNS = [
    "indicator",
    "indicator_version",
    "place",
    "period",
    "disaggregation",
    "value",
    "numerator",
    "denominator",
    "unit",
    "raw_value",
    "sheet",
    "cell",
]


def candidates_frame(candidates: list[Candidate]) -> pd.DataFrame:
    """The candidates as the table the store loads, one row per value."""
    frame = pd.DataFrame(
        [
            (
                c.indicator,
                c.indicator_version,
                c.place,
                c.period,
                c.disaggregation,
                c.value,
                c.numerator,
                c.denominator,
                c.unit,
                c.raw,
                c.sheet,
                c.cell,
            )
            for c in candidates
        ],
        columns=CANDIDATE_COLUMNS,
    )
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype("float64")
    frame["indicator_version"] = frame["indicator_version"].astype("int64")
    return frame


@dataclass(frozen=True)
class Outcome:
    """What an ingest did, or would do in a dry run."""

    status: str  # dry-run, received, unchanged, rejected
    preparation: Preparation
    created: int
    updated: int
    unchanged: int
    submission: int | None = None

    def summary(self) -> dict[str, object]:
        """The JSON summary of the command line and the page."""
        prep = self.preparation
        return {
            "status": self.status,
            "file": prep.file,
            "sha256": prep.sha256,
            "organisation": prep.organisation,
            "format": prep.format,
            "rows_read": prep.rows_read,
            "values": len(prep.candidates),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "submission": self.submission,
            "hidden_sheets": list(prep.hidden_sheets),
            "template": prep.template or None,
            "errors": [p.as_dict() for p in prep.errors],
            "warnings": [p.as_dict() for p in prep.warnings],
            "notes": [p.as_dict() for p in prep.problems if p.severity == "info"],
        }


def ingest(
    store: Store,
    path: Path,
    definition: Definition,
    organisation: str,
    uploaded_by: str,
    *,
    name: str | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> Outcome:
    """Prepare one file and, unless it has errors or this is a dry run, store its values.

    Raises UnreadableFileError for a file that cannot be read at all.
    """
    preparation = prepare(
        path,
        definition,
        organisation,
        name=name,
        memory=store.mapping_memory(organisation),
        limits=limits,
        previous=store.current_values(organisation),
    )
    frame = candidates_frame(preparation.candidates)
    if preparation.errors:
        counts = store.classify_values(organisation, frame)
        return Outcome("rejected", preparation, **counts)
    if dry_run:
        return Outcome("dry-run", preparation, **store.classify_values(organisation, frame))
    done = store.load_values(
        organisation,
        frame,
        filename=preparation.file,
        sha256=preparation.sha256,
        size=preparation.size,
        uploaded_by=uploaded_by,
    )
    return Outcome(
        str(done["status"]),
        preparation,
        created=int(done["created"]),
        updated=int(done["updated"]),
        unchanged=int(done["unchanged"]),
        submission=done["submission"],
    )
