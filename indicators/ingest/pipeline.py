"""From an uploaded file to values ready to store, with every problem found on the way.

`prepare` reads the file (in a limited worker), finds the table of each visible sheet, maps
labels to the common definition, parses each value in the indicator's unit and checks it.
It writes nothing: a dry run is `prepare` alone; loading is the store's job.

A label matched by a guess (below `matching.AUTO`) keys no stored value until the partner
confirms it: its values are held back, and said. A file from which no value can be stored
is never "unchanged": its status is `empty`, with the problem `nothing-read`. Values that
will be stored but will not count as the partner may think are warned: a rate without its
numerator and denominator, a frequency other than the indicator's, a period not yet open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.common.problems import CellProblem, UnreadableFileError
from indicators.definition.model import Definition
from indicators.ingest.intake import Limits
from indicators.ingest.layout import VALUE_ROLES, TableReading, per_code, read_table, text_of
from indicators.ingest.matching import ASK, Match, Vocabulary
from indicators.ingest.reader import read_ahead, read_workbook
from indicators.ingest.shapes import (
    Preview,
    SheetLayout,
    override_for,
    preview,
    remembered_layouts,
)
from indicators.ingest.values import parse_period, parse_value
from indicators.ingest.workbook import Sheet, Workbook, cell_name, parse_cell_name
from indicators.store.database import Store, Upload

Key = tuple[str, str, str, str]  # indicator, place, period, disaggregation
UNIT_JUMP = 50.0  # a value this many times the previous one (or less) suggests a unit error
# How often an indicator is measured, in words: (French, English).
FREQUENCIES = {
    "term": ("trimestriel (une valeur par trimestre)", "termly (one value per term)"),
    "school_year": ("annuel (une valeur par année scolaire)", "yearly (one value per school year)"),
}
PERIOD_KINDS = {"term": ("un trimestre", "a term"), "school_year": ("une année", "a year")}
KINDS = ("blank", "number", "not_available", "invalid")  # of a parsed value, worst last
INVALID = KINDS.index("invalid")
NUMBER = KINDS.index("number")
COUNTED = ("count", "duration", "amount")
NUMBERS = ("value", "numerator", "denominator")  # never negative when the range starts at 0


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
    frame: pd.DataFrame = field(default_factory=lambda: no_candidates())
    problems: list[CellProblem] = field(default_factory=list)
    mappings: dict[tuple[str, str], Match] = field(default_factory=dict)  # (kind, label) -> match
    tables: list[TableReading] = field(default_factory=list)
    previews: dict[str, Preview] = field(default_factory=dict)  # sheet -> its first rows
    shown: dict[str, SheetLayout] = field(default_factory=dict)  # sheet -> the reading applied
    hidden_sheets: tuple[str, ...] = ()
    template: str = ""  # the official template's version, when the file is one
    reader_peak_mb: float = 0.0  # the read worker's peak memory

    @property
    def candidates(self) -> list[Candidate]:
        """The values to store, one object each (for small uses: the frame is what is stored)."""
        names = [*CANDIDATE_COLUMNS]
        columns: list[list[Any]] = [self.frame[name].tolist() for name in names]
        out = []
        for values in zip(*columns, strict=True):
            r = dict(zip(names, values, strict=True))
            number = {k: None if math.isnan(r[k]) else float(r[k]) for k in NUMBERS}
            out.append(
                Candidate(
                    indicator=str(r["indicator"]),
                    indicator_version=int(r["indicator_version"]),
                    place=str(r["place"]),
                    period=str(r["period"]),
                    disaggregation=str(r["disaggregation"]),
                    value=number["value"],
                    numerator=number["numerator"],
                    denominator=number["denominator"],
                    unit=str(r["unit"]),
                    raw=str(r["raw_value"]),
                    sheet=str(r["sheet"]),
                    cell=cell_name(int(r["row"]), int(r["col"])),
                )
            )
        return out

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
    previous: pd.DataFrame | None = None,
    workbook: Workbook | None = None,
    today: dt.date | None = None,
    layouts: Sequence[SheetLayout] = (),
) -> Preparation:
    """Read, map and check one file for `organisation`; raises UnreadableFileError only.

    `workbook` is the file already read by `reader` (`read_workbook` or `read_ahead` of the
    same path and name), when it was read ahead. `today`: the date of the upload, for values
    of periods not yet open (None: not checked). `layouts`: readings a person showed for
    sheets of some shapes (`shapes`), the first that fits a sheet applied to it.
    """
    name = name or path.name
    preparation = Preparation(name, file_digest(path), path.stat().st_size, organisation)
    if workbook is None:
        workbook = read_workbook(path, name, limits)
    preparation.format = workbook.format
    preparation.reader_peak_mb = workbook.reader_peak_mb
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
    if previous is None:
        previous = pd.DataFrame(columns=["indicator", "place", "period", "disaggregation", "value"])
    checker = _Checker(definition, organisation, preparation, previous, today)
    dimensions = {dim.code: [dim.label_fr, dim.label_en] for dim in definition.dimensions}
    place = partner_place(definition, organisation)
    for sheet in workbook.sheets:
        shown = override_for(sheet, layouts)
        reading = read_table(
            sheet, vocabulary, checker.period_code, dimensions, place, shown and shown[1]
        )
        preparation.tables.append(reading)
        preparation.previews[sheet.name] = preview(sheet)
        if shown is not None:
            preparation.shown[sheet.name] = shown[0]
            checker.problem(
                "sheet-read-as-shown",
                "info",
                sheet.name,
                shown[1].header_row,
                sheet.origin[1],
                header=shown[1].header_row + 1,
            )
        checker.sheet(sheet, reading)
    preparation.frame = checker.finish()
    if preparation.frame.empty and not preparation.errors:
        held = sum(1 for p in preparation.problems if p.code == "mapping-to-confirm")
        preparation.problems.append(
            CellProblem(
                "nothing-read",
                "error",
                details={"tables": sum(t.found for t in preparation.tables), "held": held},
            )
        )
    order = {sheet.name: n for n, sheet in enumerate(workbook.sheets)}
    preparation.problems.sort(key=lambda p: (order.get(p.sheet, -1), *_position(p.cell)))
    return preparation


def partner_place(definition: Definition, organisation: str) -> Match | None:
    """The one place of a partner that has only one (a school's own, or the only place of
    its commitments), for the values of its files that name no place; None otherwise."""
    org = next((o for o in definition.organisations if o.code == organisation), None)
    places = (
        {org.place}
        if org is not None and org.place
        else {p for c in definition.commitments if c.organisation == organisation for p in c.places}
    )
    if len(places) != 1:
        return None
    (code,) = places
    name = next((p.name for p in definition.places if p.code == code), code)
    return Match("place", name, code, 1.0, "account")


def _position(cell: str) -> tuple[int, int]:
    """(row, column) of an A1 reference, for reading order within a sheet; (-1, -1) for none."""
    if not cell:
        return (-1, -1)
    row, col = parse_cell_name(cell)
    return (row, col)


class _Checker:
    """Turns the value cells of each table into candidates and problems, for one preparation.

    Everything is done on whole columns: a label is matched, a raw value parsed, once per
    distinct value; checks are array comparisons; a problem object is made only for a cell
    that has one.
    """

    def __init__(
        self,
        definition: Definition,
        organisation: str,
        preparation: Preparation,
        previous: pd.DataFrame,
        today: dt.date | None = None,
    ):
        self.preparation = preparation
        self.today = today
        self.period_by_code = {p.code: p for p in definition.periods}
        self.indicator_list = list(definition.indicators)
        self.indicator_index = {i.code: n for n, i in enumerate(self.indicator_list)}
        self.types = np.array([i.type for i in self.indicator_list], dtype=object)
        # Per indicator (ids index them): compared once each, then looked up per value
        self.is_percentage = self.types == "percentage"
        self.is_counted = np.isin(self.types, COUNTED)
        self.indicator_codes = [i.code for i in self.indicator_list]
        self.percent = np.array(
            [i.type == "percentage" or i.unit == "percent" for i in self.indicator_list] + [False]
        )
        self.versions = np.array([i.version for i in self.indicator_list], dtype=np.int64)
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
        self.period_codes: dict[tuple[str, str], str | None] = {}
        self.said: set[tuple[str, str, str, str, str]] = set()
        self.previous = previous
        # Ids of the texts of the natural key, shared by all sheets of the upload.
        self.key_ids: dict[str, dict[str, int]] = {"place": {}, "period": {}, "disaggregation": {}}
        self.parts: list[pd.DataFrame] = []

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
        cell = cell_name(int(row), int(col)) if row is not None and col is not None else ""
        text = text_of(value)
        said = (code, sheet, cell, column, text)
        if said in self.said:  # one problem per cell, however many values it keys
            return
        self.said.add(said)
        self.preparation.problems.append(
            CellProblem(code, severity, sheet, cell, column, text, details)
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
        for col, header in reading.skipped_totals:
            self.problem(
                "total-column-skipped",
                "info",
                sheet.name,
                reading.header_rows[-1],
                col,
                value=header,
            )
        if reading.below is not None and reading.below[3]:  # numbers left under the table
            row, col, count, _ = reading.below
            self.problem("rows-below-table", "warning", sheet.name, row, col, count=count)
        for column in reading.columns:
            for match in column.matches:
                self._mapping(match, sheet.name, reading.header_rows[-1], column.col)
        cells = reading.cells
        if not cells.size:
            return
        self.preparation.rows_read += distinct_count(cells["row"])
        table = _Table(self, sheet, reading)
        keyed = table.keyed()
        parsed = table.parsed(keyed)
        if any(c.total for c in reading.columns):
            table.totals(parsed)
        self.parts.append(table.candidates(parsed))

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

    def key_id(self, kind: str, text: str) -> int:
        ids = self.key_ids[kind]
        return ids.setdefault(text, len(ids))

    def finish(self) -> pd.DataFrame:
        """The candidates of every sheet, after the checks that span sheets."""
        if not self.parts:
            return no_candidates()
        every = pd.concat(self.parts, ignore_index=True)
        keys = ["indicator_id", "place_id", "period_id", "disaggregation_id"]
        again = duplicated_keys([every[k].to_numpy() for k in keys])
        if again.any():  # the same key a second time, in any sheet
            first: Any = every[~again].set_index(keys).loc
            for i in np.flatnonzero(again):
                item = every.iloc[int(i)]
                earlier = first[tuple(int(item[k]) for k in keys)]
                key = (item["indicator"], item["place"], item["period"], item["disaggregation"])
                self.problem(
                    "duplicate-key",
                    "error",
                    *self._at(item),
                    key=" × ".join(str(k) for k in key if k),
                    first=f"{earlier['sheet']}!{cell_name(int(earlier['row']), int(earlier['col']))}",
                )
            every = every[~again].reset_index(drop=True)
        self._unit_jumps(every)
        firsts = every.drop_duplicates("indicator")  # said once, at its first value
        outside = ~firsts["indicator"].astype(object).isin(self.committed).to_numpy()
        for n in np.flatnonzero(outside):
            item = firsts.iloc[int(n)]
            label = self.indicator_list[int(item["indicator_id"])].label_fr
            self.problem("not-committed", "warning", *self._at(item), indicator=label)
        return every[CANDIDATE_COLUMNS].reset_index(drop=True)

    @staticmethod
    def _at(item: pd.Series) -> tuple[str, int, int, str, object]:
        return (
            item["sheet"],
            int(item["row"]),
            int(item["col"]),
            item["header"],
            item["raw_value"],
        )

    def _unit_jumps(self, every: pd.DataFrame) -> None:
        """Warn when a value is 50 times (or a fiftieth of) the partner's previous one."""
        previous = self.previous
        if previous.empty or every.empty:
            return
        keys = ["indicator", "place", "period", "disaggregation"]
        # The previous value of the same key, else the latest of the same series (any period);
        # previous values come oldest period first: the last one seen wins.
        exact: dict[tuple[str, ...], float] = {}
        latest: dict[tuple[str, ...], float] = {}
        for *key, old in zip(
            *(previous[k].astype(str).tolist() for k in keys),
            previous["value"].to_numpy(dtype=float).tolist(),
            strict=True,
        ):
            exact[tuple(key)] = old
            latest[(key[0], key[1], key[3])] = old
        texts = [every[k].astype(str).to_numpy(dtype=object) for k in keys]
        before = np.array([exact.get(k, math.nan) for k in zip(*texts, strict=True)], dtype=float)
        unknown = np.flatnonzero(np.isnan(before))
        if len(unknown):
            same_series = zip(*(texts[n][unknown] for n in (0, 1, 3)), strict=True)
            before[unknown] = [latest.get(s, math.nan) for s in same_series]
        value = every["value"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = value / before
        jump = (
            (value != 0)
            & (before != 0)
            & ~np.isnan(factor)
            & ((factor >= UNIT_JUMP) | (factor <= 1 / UNIT_JUMP))
        )
        for i in np.flatnonzero(jump):
            ratio = float(factor[i])
            shown = f"×{ratio:.0f}" if ratio >= 1 else f"÷{1 / ratio:.0f}"
            self.problem(
                "unit-jump",
                "warning",
                *self._at(every.iloc[int(i)]),
                factor=shown,
                previous=f"{before[i]:g}",
            )


class _Table:
    """The checks of one table's value cells."""

    def __init__(self, checker: _Checker, sheet: Sheet, reading: TableReading):
        self.checker = checker
        self.sheet = sheet
        self.reading = reading
        self.cells = reading.cells
        self.headers = [c.header for c in reading.columns]
        self.uniques = sheet.uniques

    def at(self, i: int) -> tuple[str, int, int, str, object]:
        """Sheet, row, column, header and raw value of cell `i`."""
        cells = self.cells
        return (
            self.sheet.name,
            int(cells["row"][i]),
            int(cells["col"][i]),
            self.headers[int(cells["column"][i])],
            self.uniques[int(cells["code"][i])],
        )

    def _flags(self, kinds: Callable[[str], bool]) -> dict[int, str]:
        """Cell index -> flag, for the flags of the sheet that `kinds` accepts."""
        wanted = {pos: flag for pos, flag in self.sheet.flags.items() if kinds(flag)}
        if not wanted:
            return {}
        width = 1 << 20
        positions = pd.Index(self.cells["row"] * width + self.cells["col"])
        flags = list(wanted.items())
        found = positions.get_indexer([r * width + c for (r, c), _ in flags])
        return {int(i): flag for i, ((_, _), flag) in zip(found, flags, strict=True) if i >= 0}

    def keyed(self) -> np.ndarray:
        """Check every key; the mask of cells whose keys are all known."""
        checker, cells, name = self.checker, self.cells, self.sheet.name
        ok = np.ones(cells.size, dtype=bool)
        for at, flag in sorted(self._flags(lambda f: f != "percent").items()):
            code = "formula-without-value" if flag == "formula-without-value" else "error-cell"
            checker.problem(code, "error", *self.at(at)[:4], value=flag.removeprefix("error:"))
            ok[at] = False
        checked = ok.copy()
        for kind in ("indicator", "place"):
            ids = cells[kind]
            for i in np.flatnonzero(checked & (ids < 0)):
                checker.problem(f"missing-{kind}", "error", *self.at(int(i)))
            ok &= ids >= 0
            used = np.flatnonzero(checked & (ids >= 0))
            if not len(used):
                continue
            firsts = used[first_positions(ids[used])]
            bad: list[int] = []
            held: list[int] = []
            matches, mappings = self.reading.matches, checker.preparation.mappings
            for match_id, row, col in zip(
                ids[firsts].tolist(),
                cells[f"{kind}_row"][firsts].tolist(),
                cells[f"{kind}_col"][firsts].tolist(),
                strict=True,
            ):
                match = matches[match_id]
                if (match.kind, match.label) not in mappings:
                    checker._mapping(match, name, row, col)
                if match.target is None or match.confidence < ASK:
                    bad.append(match_id)
                elif match.needs_confirmation:
                    held.append(match_id)  # a guess: said once, stored once confirmed
            if held:
                ok &= ~np.isin(ids, held)
            if bad:
                unknown = checked & np.isin(ids, bad)
                sources = cells.frame([kind, f"{kind}_row", f"{kind}_col", "column"], unknown)
                for match_id, row, col, column in sources.drop_duplicates().itertuples(index=False):
                    match = self.reading.matches[match_id]
                    checker.problem(
                        f"unknown-{kind}",
                        "error",
                        name,
                        row,
                        col,
                        self.headers[column],
                        match.label,
                    )
                ok &= ~unknown
        ok &= self._periods(checked)
        ok &= self._categories(checked)
        return ok

    def _periods(self, checked: np.ndarray) -> np.ndarray:
        cells, checker = self.cells, self.checker
        ids = cells["period"]
        for i in np.flatnonzero(checked & (ids < 0)):
            checker.problem("missing-period", "error", *self.at(int(i)))
        known = np.array([code is not None for code, _ in self.reading.periods] + [False])
        unknown = checked & (ids >= 0) & ~known[ids]
        if unknown.any():
            school_years = ", ".join(p.code for p in checker.periods if p.kind == "school_year")
            sources = cells.frame(["period", "period_row", "period_col", "column"], unknown)
            for period, row, col, column in sources.drop_duplicates().itertuples(index=False):
                label = self.reading.periods[period][1]
                found = parse_period(label, checker.periods)
                checker.problem(
                    found.problem or "unknown-period",
                    "error",
                    self.sheet.name,
                    row,
                    col,
                    self.headers[column],
                    label,
                    periods=school_years,
                )
        known_period: np.ndarray = (ids >= 0) & ~unknown
        self._not_open(checked & known_period)
        return known_period

    def _not_open(self, known: np.ndarray) -> None:
        """Warn at the cell naming a period that has not started on the day of the upload."""
        checker = self.checker
        if checker.today is None or not known.any():
            return
        starts = [
            checker.period_by_code[code].start if code in checker.period_by_code else dt.date.min
            for code, _ in self.reading.periods
        ]
        future = np.array([start > checker.today for start in starts] + [False])
        early = known & future[self.cells["period"]]
        if not early.any():
            return
        sources = self.cells.frame(["period", "period_row", "period_col", "column"], early)
        for period, row, col, column in sources.drop_duplicates("period").itertuples(index=False):
            label = self.reading.periods[period][1]
            checker.problem(
                "period-not-open",
                "warning",
                self.sheet.name,
                row,
                col,
                self.headers[column],
                label,
                start=f"{starts[period]:%d/%m/%Y}",
                today=f"{checker.today:%d/%m/%Y}",
            )

    def _categories(self, checked: np.ndarray) -> np.ndarray:
        categories = self.checker.categories
        wrong = [
            [(d, c) for d, c in pairs if c not in categories.get(d, set())]
            for pairs in self.reading.breakdowns
        ]
        bad = [n for n, pairs in enumerate(wrong) if pairs]
        if not bad:
            return np.ones(self.cells.size, dtype=bool)
        ids = self.cells["breakdown"]
        unknown = np.isin(ids, bad)
        guesses = self.reading.category_guesses
        for i in np.flatnonzero(checked & unknown):
            for dimension, category in wrong[int(ids[i])]:
                if category in guesses:  # held until the guess is confirmed, said once
                    self.checker._mapping(guesses[category], *self.at(int(i))[:3])
                    continue
                self.checker.problem(
                    "unknown-category",
                    "error",
                    *self.at(int(i))[:4],
                    value=category,
                    dimension=dimension,
                    categories=", ".join(sorted(categories.get(dimension, set()))),
                )
        return ~unknown

    def parsed(self, ok: np.ndarray) -> pd.DataFrame:
        """The keyed cells with their values parsed in their indicator's unit."""
        checker = self.checker
        cells = self.cells if ok.all() else self.cells.take(ok)
        targets = [m.target or "" for m in self.reading.matches]
        indicator_of = np.array(
            [checker.indicator_index.get(t, -1) for t in targets] + [-1], dtype=np.int64
        )
        places = checker.key_ids["place"]
        place_of = np.array(
            [places.setdefault(t, len(places)) for t in targets] + [-1], dtype=np.int64
        )
        period_of = np.array(
            [checker.key_id("period", c or "") for c, _ in self.reading.periods] + [-1],
            dtype=np.int64,
        )
        breakdown_of = np.array(
            [
                checker.key_id("disaggregation", disaggregation_key(b))
                for b in self.reading.breakdowns
            ]
            + [-1],
            dtype=np.int64,
        )
        indicator = indicator_of[cells["indicator"]]
        codes = cells["code"]
        pairs, distinct = pd.factorize(codes * len(checker.indicator_list) + indicator)
        results = [
            parse_value(
                self.uniques[int(pair) // len(checker.indicator_list)],
                checker.indicator_list[int(pair) % len(checker.indicator_list)].type,
                checker.indicator_list[int(pair) % len(checker.indicator_list)].unit,
            )
            for pair in distinct
        ]
        kind = np.array([KINDS.index(r.kind) for r in results], dtype=np.int64)[pairs]
        value = np.array([np.nan if r.value is None else r.value for r in results])[pairs]
        frame = pd.DataFrame(
            {
                "cell": np.flatnonzero(ok),
                "row": cells["row"],
                "col": cells["col"],
                "role": cells["role"],
                "indicator_id": indicator,
                "place_id": place_of[cells["place"]],
                "period_id": period_of[cells["period"]],
                "disaggregation_id": breakdown_of[cells["breakdown"]],
                "kind": kind,
                "value": value,
            },
            copy=False,  # fresh arrays: not copied into one block (a tenth of a second)
        )
        self._percent_cells(frame, codes)
        cell_of = frame["cell"].to_numpy()
        for i in np.flatnonzero(frame["kind"].to_numpy() == INVALID):
            result = results[pairs[i]]
            code = "error-cell" if result.problem == "error-cell" else "not-a-number"
            checker.problem(code, "error", *self.at(int(cell_of[i])))
        noted = [n for n, r in enumerate(results) if r.kind == "number" and r.notes]
        for i in np.flatnonzero(np.isin(pairs, noted)):
            result = results[pairs[i]]
            checker.problem(
                "value-interpreted",
                "info",
                *self.at(int(cell_of[i])),
                parsed=f"{result.value:g}",
                how=", ".join(result.notes),
            )
        return frame

    def _percent_cells(self, frame: pd.DataFrame, codes: np.ndarray) -> None:
        """Decide fraction or percent for numbers in percentage indicators, and say so.

        A number shown as a percentage (0.45 shown 45 %, 1 shown 100 %) is a fraction. In a
        column whose numbers all lie between 0 and 1, some strictly, 1 is 100 % as well
        (`values.parse_value` already reads 0 < x < 1 as a fraction everywhere).
        """
        percent = self.checker.percent[frame["indicator_id"].to_numpy()]
        if not percent.any():
            return
        number = per_code(codes, self.uniques, _plain_number, float)
        candidates = percent & ~np.isnan(number) & (frame["kind"].to_numpy() == NUMBER)
        shown = np.zeros(len(frame), dtype=bool)
        flagged = self._flags(lambda f: f == "percent")
        if flagged:
            where = pd.Index(frame["cell"]).get_indexer(sorted(flagged))
            shown[where[where >= 0]] = True
        shown &= candidates
        column = self.cells["column"][frame["cell"].to_numpy()]
        plain = pd.DataFrame({"column": column, "number": number})[candidates & ~shown]
        by_column = plain.groupby("column")["number"]
        fractions = (
            (by_column.min() >= 0)
            & (by_column.max() <= 1)
            & by_column.apply(lambda n: bool(((n > 0) & (n < 1)).any()))
        )
        ones = candidates & ~shown & np.isin(column, fractions[fractions].index) & (number == 1)
        values = frame["value"].to_numpy(dtype=float, copy=True)
        cell_of = frame["cell"].to_numpy()
        for mask, note in ((shown & (number >= 1), "percent-format"), (ones, "fraction-column")):
            values[mask] = number[mask] * 100
            for i in np.flatnonzero(mask):
                self.checker.problem(
                    "value-interpreted",
                    "info",
                    *self.at(int(cell_of[i])),
                    parsed=f"{values[i]:g}",
                    how=note,
                )
        frame["value"] = values

    def candidates(self, parsed: pd.DataFrame) -> pd.DataFrame:
        """One row per value to store: a row's numerator and denominator joined to its value."""
        keys = ["row", "indicator_id", "place_id", "period_id", "disaggregation_id"]
        twice = duplicated_keys([parsed[k].to_numpy() for k in [*keys, "role"]])
        if twice.any():  # two cells of one row give the same key
            first: Any = parsed[~twice].set_index([*keys, "role"], drop=False).loc
            for i in np.flatnonzero(twice):
                item = parsed.iloc[int(i)]
                earlier = first[tuple(int(item[k]) for k in [*keys, "role"])]
                sheet, row, col, header, raw = self.at(int(item["cell"]))
                self.checker.problem(
                    "duplicate-key",
                    "error",
                    sheet,
                    row,
                    col,
                    header,
                    raw,
                    key=header,
                    first=f"{sheet}!{cell_name(int(earlier['row']), int(earlier['col']))}",
                )
            parsed = parsed[~twice]
        if (parsed["role"].to_numpy() == 0).all():  # one cell per value: no join needed
            parsed = parsed[parsed["kind"].to_numpy() != INVALID]
            groups = parsed[keys].assign(
                main=parsed["cell"],
                result=parsed["value"],
                given=True,
                numerator=np.nan,
                denominator=np.nan,
            )
            return self._checked(groups.reset_index(drop=True))
        invalid = parsed.groupby(keys, sort=False)["kind"].transform("max") == INVALID
        parsed = parsed[~invalid.to_numpy()]
        by_role = {
            role: parsed[parsed["role"] == n].set_index(keys)["value"]
            for n, role in enumerate(VALUE_ROLES)
        }
        ordered = parsed.assign(ratio=parsed["role"] != 0).sort_values(["ratio", "col"])
        groups = pd.DataFrame(
            {
                "main": ordered.drop_duplicates(keys).set_index(keys)["cell"],
                "result": by_role["value"],
                "given": pd.Series(True, index=by_role["value"].index, dtype=object),
                "numerator": by_role["numerator"],
                "denominator": by_role["denominator"],
            },
            index=ordered.drop_duplicates(keys).set_index(keys).index,
        ).reset_index()
        return self._checked(groups)

    def _checked(self, groups: pd.DataFrame) -> pd.DataFrame:
        """The groups whose value, computed from a numerator and denominator if need be, holds."""
        num = groups["numerator"].to_numpy(dtype=float)
        den = groups["denominator"].to_numpy(dtype=float)
        result = groups["result"].to_numpy(dtype=float)
        ind = groups["indicator_id"].to_numpy(dtype=np.int64)
        percent = self.checker.is_percentage[ind]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(percent, 100 * num / den, num / den)
        # A value given in the row wins, even "NC"; otherwise numerator over denominator.
        from_ratio = groups["given"].isna().to_numpy() & ~np.isnan(num) & ~np.isnan(den)
        from_ratio &= den != 0
        groups["result"] = np.where(from_ratio, ratio, result)
        keep = self._plausible(groups, num, den, groups["result"].to_numpy(dtype=float), ind)
        kept = groups[keep].reset_index(drop=True)
        self._will_not_count(kept)
        return self._frame(kept)

    def _will_not_count(self, groups: pd.DataFrame) -> None:
        """Warn, once per indicator of the table at its first value, of values that will be
        stored but left out: a rate without the numerator and denominator its collective
        figures add up, a value for a period of another kind than the indicator's frequency."""
        if groups.empty:
            return
        checker = self.checker
        indicators = checker.indicator_list
        ind = groups["indicator_id"].to_numpy(dtype=np.int64)
        given = ~np.isnan(groups["result"].to_numpy(dtype=float))
        no_base = np.isnan(groups["numerator"].to_numpy(dtype=float)) | np.isnan(
            groups["denominator"].to_numpy(dtype=float)
        )
        by_ratio = np.array(
            [i.is_rate and "ratio" in (i.aggregation_space, i.aggregation_time) for i in indicators]
        )
        # Kinds of period as integers (-1: another kind), per period id and per indicator.
        kinds = list(PERIOD_KINDS)
        per_period = [checker.period_by_code.get(c) for c in checker.key_ids["period"]]
        period_kind = np.array(
            [kinds.index(p.kind) if p and p.kind in kinds else -1 for p in per_period] + [-1]
        )[groups["period_id"].to_numpy(dtype=np.int64)]
        frequency = np.array(
            [kinds.index(i.frequency) if i.frequency in kinds else -1 for i in indicators]
        )[ind]
        mismatch = (frequency >= 0) & (period_kind >= 0) & (frequency != period_kind)
        main = groups["main"].to_numpy()
        for code, mask, kind in (
            ("rate-without-base", given & no_base & by_ratio[ind], np.zeros_like(ind)),
            ("frequency-mismatch", mismatch, period_kind),
        ):
            if not mask.any():
                continue
            chosen = pd.DataFrame({"ind": ind[mask], "main": main[mask], "kind": kind[mask]})
            said = chosen.groupby(["ind", "kind"], sort=False)["main"].agg(["min", "size"])
            for n, kind_id, first, count in said.reset_index().itertuples(index=False):
                indicator = indicators[int(n)]
                expected = FREQUENCIES.get(indicator.frequency, ("", ""))
                given_kind = (
                    PERIOD_KINDS[kinds[int(kind_id)]] if code == "frequency-mismatch" else ("", "")
                )
                checker.problem(
                    code,
                    "warning",
                    *self.at(int(first)),
                    indicator=indicator.label_fr,
                    count=int(count),
                    numerator=indicator.numerator_fr or "numérateur",
                    denominator=indicator.denominator_fr or "dénominateur",
                    numerator_en=indicator.numerator_en or "numerator",
                    denominator_en=indicator.denominator_en or "denominator",
                    frequency=expected[0],
                    frequency_en=expected[1],
                    given=given_kind[0],
                    given_en=given_kind[1],
                )

    def totals(self, parsed: pd.DataFrame) -> None:
        """Warn where a Total column does not hold the sum of its row's categories (all of one
        dimension), or holds less than those given; the total is stored as written."""
        checker, columns = self.checker, self.reading.columns
        column = self.cells["column"][parsed["cell"].to_numpy()]
        is_total = np.array([c.total for c in columns])[column]
        pairs = [
            next((tuple(t.split("=", 1)) for k, t in c.keys if k == "dimension"), ("", ""))
            for c in columns
        ]
        dimension = np.array([d for d, _ in pairs], dtype=object)[column]
        category = np.array([c for _, c in pairs], dtype=object)[column]
        usable = checker.is_counted[parsed["indicator_id"].to_numpy()]
        usable &= parsed["kind"].to_numpy() == NUMBER
        part = usable & ~is_total & (dimension != "")
        keys = ["row", "indicator_id", "place_id", "period_id"]
        totals = parsed[usable & is_total]
        parts = parsed[part].assign(dimension=dimension[part], category=category[part])
        if totals.empty or parts.empty:
            return
        summed = parts.groupby([*keys, "dimension"], as_index=False).agg(
            parts=("value", "sum"), categories=("category", "nunique")
        )
        for item in totals.merge(summed, on=keys).itertuples(index=False):
            whole = len(checker.categories.get(str(item.dimension), ()))
            total, given = float(item.value), float(item.parts)
            if (item.categories >= whole and not math.isclose(total, given)) or given > total:
                checker.problem(
                    "total-differs-from-parts",
                    "warning",
                    *self.at(int(item.cell)),
                    parts=f"{given:g}",
                    dimension=str(item.dimension),
                )

    def _plausible(
        self,
        groups: pd.DataFrame,
        num: np.ndarray,
        den: np.ndarray,
        result: np.ndarray,
        ind: np.ndarray,
    ) -> np.ndarray:
        checker = self.checker
        indicators = checker.indicator_list
        percentage = checker.is_percentage[ind]
        low = np.array([i.range_min for i in indicators])[ind]
        high = np.array([i.range_max for i in indicators])[ind]
        with np.errstate(invalid="ignore"):
            # A rate's numerator is part of its denominator; a ratio's (pupils per mentor) is not.
            over = percentage & ~np.isnan(num) & ~np.isnan(den) & (num > den)
            known = ~np.isnan(result) & ~over
            negative = known & (result < 0) & checker.is_counted[ind] & (low >= 0)
            too_high = known & ~negative & percentage & (result > 100)
            outside = known & ~negative & ~too_high & ((result < low) | (result > high))
        main = groups["main"].to_numpy()
        for i in np.flatnonzero(over):
            checker.problem(
                "numerator-over-denominator",
                "error",
                *self.at(int(main[i])),
                numerator=f"{num[i]:g}",
                denominator=f"{den[i]:g}",
            )
        for i in np.flatnonzero(negative):
            checker.problem("negative-count", "error", *self.at(int(main[i])))
        for i in np.flatnonzero(too_high):
            checker.problem("percentage-over-100", "error", *self.at(int(main[i])))
        for i in np.flatnonzero(outside):
            indicator = indicators[int(ind[i])]
            checker.problem(
                "out-of-range",
                "error",
                *self.at(int(main[i])),
                indicator=indicator.label_fr,
                min=f"{indicator.range_min:g}",
                max=f"{indicator.range_max:g}",
            )
        return ~(over | negative | too_high | outside)  # type: ignore[no-any-return]

    def _converted(
        self, codes: np.ndarray, values: np.ndarray, numerators: np.ndarray
    ) -> np.ndarray:
        """True for each value whose cell held a number at another scale than the one stored
        (not a rate computed from its numerator's cell and its denominator)."""
        plain = per_code(codes, self.uniques, _plain_number, float)
        with np.errstate(invalid="ignore"):
            from_numerator = np.isclose(plain, numerators)
        return np.asarray(_rescaled(plain, values) & ~from_numerator)

    def _frame(self, groups: pd.DataFrame) -> pd.DataFrame:
        """The candidates of this table, with what the checks across sheets need.

        Texts are categorical (each distinct text once, an integer per value): a million
        values cost a few arrays, not millions of Python strings.
        """
        checker = self.checker
        main = groups["main"].to_numpy(dtype=np.int64)
        cells = self.cells
        codes = cells["code"][main]
        raw_codes, raw_texts = factorised_texts(codes, self.uniques)
        ind = groups["indicator_id"].to_numpy(dtype=np.int64)
        header_codes, header_texts = pd.factorize(np.array(self.headers, dtype=object))
        unit_codes, unit_texts = pd.factorize(np.array([i.unit for i in checker.indicator_list]))

        def named(kind: str) -> pd.Categorical:
            ids = groups[f"{kind}_id"].to_numpy(dtype=np.int64)
            return _categorical(ids, list(checker.key_ids[kind]))

        # how each indicator label was matched (the last entry: a cell without a label)
        method_codes, methods = pd.factorize(
            np.array([m.method for m in self.reading.matches] + [""], dtype=object)
        )

        return pd.DataFrame(
            {
                "indicator": _categorical(ind, checker.indicator_codes),
                "indicator_version": checker.versions[ind],
                "place": named("place"),
                "period": named("period"),
                "disaggregation": named("disaggregation"),
                "value": groups["result"].to_numpy(dtype=float),
                "numerator": groups["numerator"].to_numpy(dtype=float),
                "denominator": groups["denominator"].to_numpy(dtype=float),
                "unit": _categorical(unit_codes[ind], list(unit_texts)),
                "raw_value": _categorical(raw_codes, list(raw_texts)),
                "sheet": _categorical(np.zeros(len(main), dtype=np.int64), [self.sheet.name]),
                "mapping": _categorical(method_codes[cells["indicator"][main]], list(methods)),
                "converted": self._converted(
                    codes,
                    groups["result"].to_numpy(dtype=float),
                    groups["numerator"].to_numpy(dtype=float),
                ),
                "row": cells["row"][main],
                "col": cells["col"][main],
                "header": _categorical(header_codes[cells["column"][main]], list(header_texts)),
                "indicator_id": ind,
                "place_id": groups["place_id"].to_numpy(dtype=np.int64),
                "period_id": groups["period_id"].to_numpy(dtype=np.int64),
                "disaggregation_id": groups["disaggregation_id"].to_numpy(dtype=np.int64),
            },
            copy=False,
        )


def duplicated_keys(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Whether each row's combination of integer keys (one array per key) came in an
    earlier row: `DataFrame.duplicated` of those columns, through one integer per row when
    the combinations fit in one (several times faster)."""
    if not len(columns) or not len(columns[0]):
        return np.zeros(len(columns[0]) if len(columns) else 0, dtype=bool)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    for column in columns:
        low = int(column.min())
        size = int(column.max()) - low + 1
        if span > (1 << 62) // size:  # too many combinations: pandas hashes the columns
            frame = pd.DataFrame(dict(enumerate(columns)), copy=False)
            return frame.duplicated().to_numpy()
        key = key * size + (column - low)
        span *= size
    return pd.Series(key, copy=False).duplicated().to_numpy()


def factorised_texts(codes: np.ndarray, uniques: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of the texts (`text_of`) of the cells of `codes`: each distinct code
    read once (two codes may read the same, 1 and "1"), distinct texts in order of first
    appearance."""
    by_code, distinct = pd.factorize(codes)
    texts = np.array([text_of(uniques[int(code)]) for code in distinct], dtype=object)
    text_codes, text_uniques = pd.factorize(texts)
    return text_codes[by_code], text_uniques


def distinct_count(values: np.ndarray) -> int:
    """How many distinct integers `values` holds (row numbers: counted, not sorted nor hashed,
    which numpy's `unique` does ten times slower)."""
    if not len(values):
        return 0
    return int(np.count_nonzero(np.bincount(values - values.min())))


def first_positions(ids: np.ndarray) -> np.ndarray:
    """The position of the first occurrence of each distinct id of `ids` (non-negative
    integers), in increasing order of position."""
    if not len(ids):
        return np.empty(0, dtype=np.int64)
    first = np.full(int(ids.max()) + 1, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    return np.sort(first[first < len(ids)])


def _rescaled(plain: np.ndarray, value: np.ndarray) -> np.ndarray:
    """True where a number in a cell was stored at another scale (0.45 stored as 45 %)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(~np.isnan(plain) & ~np.isnan(value) & ~np.isclose(plain, value))


def _plain_number(raw: object) -> float:
    """A numeric cell as a float, NaN for anything else (text, booleans, dates)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    return math.nan


def _categorical(codes: np.ndarray, texts: list[str]) -> pd.Categorical:
    """Texts as codes into distinct texts, kept as Python strings (what DuckDB reads fastest)."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))


# The values to store, one row each: what `Store.load_values` reads. Texts may be categorical.
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
    "row",
    "col",
    "mapping",
    "converted",
]


def problem_counts(problems: list[CellProblem]) -> dict[str, dict[str, int]]:
    """The problems of a file counted by severity and by code, as an upload keeps them."""
    counts: dict[str, dict[str, int]] = {"severity": {}, "code": {}}
    for problem in problems:
        for key, value in (("severity", problem.severity), ("code", problem.code)):
            counts[key][value] = counts[key].get(value, 0) + 1
    return counts


def no_candidates() -> pd.DataFrame:
    """An empty table of candidates, with the right columns and types."""
    return _NO_CANDIDATES.copy()


def _no_candidates() -> pd.DataFrame:
    types = {"indicator_version": "int64", "row": "int64", "col": "int64", "converted": "bool"}
    types |= {c: "float64" for c in ("value", "numerator", "denominator")}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in CANDIDATE_COLUMNS})


_NO_CANDIDATES = _no_candidates()  # copied: making it is slow, for every file


@dataclass(frozen=True)
class Outcome:
    """What an ingest did, or would do in a dry run."""

    status: str  # dry-run, received, unchanged, rejected, empty (nothing could be read)
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
            "values": len(prep.frame),
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
    workbook: Workbook | None = None,
    layouts: Sequence[SheetLayout] = (),
) -> Outcome:
    """Prepare one file and, unless it has errors or this is a dry run, store its values.

    `workbook`: the file as `reader` already read it (see `prepare`). `layouts`: readings a
    person is trying on this file, before those the organisation confirmed earlier. Raises
    UnreadableFileError for a file that cannot be read at all.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="mesure-read") as pool:
        # The worker reads the file while the store says what the organisation sent before.
        reading = None if workbook is not None else pool.submit(read_workbook, path, name, limits)
        memory = store.mapping_memory(organisation)
        previous = store.current_values(organisation)
        today = store.clock().date()
        remembered = remembered_layouts(store.layout_memory(organisation))
        if reading is not None:
            try:
                workbook = reading.result()
            except BaseException:
                file_digest(path)  # a file that cannot be opened says so first, as in `prepare`
                raise
    preparation = prepare(
        path,
        definition,
        organisation,
        name=name,
        memory=memory,
        limits=limits,
        previous=previous,
        workbook=workbook,
        today=today,
        layouts=[*layouts, *remembered],
    )
    frame = preparation.frame
    if preparation.errors and not dry_run:  # nothing is stored; the attempt is remembered
        store.audit(
            uploaded_by,
            "submission.refused",
            preparation.file,
            organisation=organisation,
            **problem_counts(preparation.problems),
        )
    if preparation.errors:
        counts = store.classify_values(organisation, frame)
        nothing = {p.code for p in preparation.errors} == {"nothing-read"}
        return Outcome("empty" if nothing else "rejected", preparation, **counts)
    if dry_run:
        return Outcome("dry-run", preparation, **store.classify_values(organisation, frame))
    done = store.load_values(
        organisation,
        frame,
        problems=problem_counts(preparation.problems),
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


@dataclass(frozen=True)
class BatchFile:
    """One file of `ingest_batch`: what `ingest` is told about it."""

    path: Path
    organisation: str
    uploaded_by: str
    received_at: dt.datetime
    name: str = ""
    workbook: Workbook | None = None  # already read by `reader` (see `prepare`)


def ingest_batch(
    store: Store,
    files: Sequence[BatchFile],
    definition: Definition,
    *,
    limits: Limits | None = None,
    on_file: Callable[[int], None] | None = None,
) -> list[Outcome | UnreadableFileError]:
    """`ingest` of files of distinct organisations, stored in one transaction.

    Each file is prepared and stored as `ingest` would do it alone at its `received_at`, in
    the order given (an organisation's files depend on its earlier ones, so a batch holds one
    file per organisation); the outcome of each, or the refusal of a file that cannot be read.
    `on_file(n)` is called before the n-th file is prepared.
    """
    organisations = [f.organisation for f in files]
    memories = store.mapping_memories(organisations)
    layouts = store.layout_memories(organisations)
    previous = store.current_values_of(organisations)
    prepared: list[Preparation | UnreadableFileError] = []
    for n, file in enumerate(files):
        if on_file is not None:
            on_file(n)
        try:
            prepared.append(
                prepare(
                    file.path,
                    definition,
                    file.organisation,
                    name=file.name or file.path.name,
                    memory=memories[file.organisation],
                    limits=limits,
                    previous=previous[file.organisation],
                    workbook=file.workbook,
                    layouts=remembered_layouts(layouts[file.organisation]),
                )
            )
        except UnreadableFileError as refused:
            prepared.append(refused)
    uploads = [
        Upload(
            organisation=p.organisation,
            rows=p.frame,
            filename=p.file,
            sha256=p.sha256,
            size=p.size,
            uploaded_by=file.uploaded_by,
            received_at=file.received_at,
            problems=problem_counts(p.problems),
            refused=bool(p.errors),
        )
        for file, p in zip(files, prepared, strict=True)
        if isinstance(p, Preparation)
    ]
    done = iter(store.load_batch(uploads))
    outcomes: list[Outcome | UnreadableFileError] = []
    for p in prepared:
        if not isinstance(p, Preparation):
            outcomes.append(p)
            continue
        stored = next(done)
        counts = {k: int(stored[k]) for k in ("created", "updated", "unchanged")}
        status = "rejected" if p.errors else str(stored["status"])
        outcomes.append(Outcome(status, p, submission=stored["submission"], **counts))
    return outcomes


def ingest_files(
    store: Store,
    files: Sequence[BatchFile],
    definition: Definition,
    *,
    limits: Limits | None = None,
    batch: int = 64,
    before: Callable[[int], None] | None = None,
    on_file: Callable[[int], None] | None = None,
) -> Iterator[Outcome | UnreadableFileError]:
    """`ingest` of many files, in order; the outcome of each, or its refusal if unreadable.

    The sandboxed workers read the next files while the previous ones are checked and stored;
    files are stored by batches of up to `batch` consecutive files of distinct organisations
    (`ingest_batch`: one transaction each, each file stored as `ingest` stores it alone).
    `before(i)` is called by a reading thread before the i-th file is read (to wait until it
    exists, say); `on_file(i)` before the i-th file is checked."""
    read = read_ahead(
        ((f.path, f.name or f.path.name) for f in files), limits, ahead=2 * batch, before=before
    )
    for first, group in _batches(files, batch):

        def told(n: int, first: int = first) -> None:
            if on_file is not None:
                on_file(first + n)

        ready = []
        for file in group:
            workbook = next(read)  # a refused file is read again, and refused, by prepare
            ready.append(
                replace(file, workbook=None if isinstance(workbook, Exception) else workbook)
            )
        yield from ingest_batch(store, ready, definition, limits=limits, on_file=told)


def _batches(files: Sequence[BatchFile], size: int) -> Iterator[tuple[int, list[BatchFile]]]:
    """(index of the first, files) of runs of consecutive files of distinct organisations."""
    group: list[BatchFile] = []
    first = 0
    for n, file in enumerate(files):
        if len(group) == size or file.organisation in {f.organisation for f in group}:
            yield first, group
            group, first = [], n
        group.append(file)
    if group:
        yield first, group
