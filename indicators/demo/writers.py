"""The demo's workbook writers: the layouts partners really use (the official template, long
and wide tables, French number formats, titles and notes above the table, merged two-row
headers, totals rows, a sheet per school, a Windows-1252 CSV export with `;`), each file saved
with its partner's author and date so that two runs write the same bytes.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import random
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from indicators.common.text import normalise
from indicators.definition.model import (
    Definition,
    Place,
)
from indicators.demo.habits import (
    DEMO_TODAY,
    SEED,
    SEX_LABELS,
    UNKNOWN_SCHOOL,
    WRONG_LABELS,
    Cell,
    DemoFile,
    DemoValue,
    Key,
    Upload,
    plan_uploads,
)
from indicators.ingest.template import COLUMNS, ENTRY_SHEET, STAMP_SHEET, write_template

# --- the writers ----------------------------------------------------------------------------


class Writer:
    """Labels and numbers the way one partner writes them in one file."""

    def __init__(
        self,
        definition: Definition,
        upload: Upload,
        rng: random.Random,
        templates: dict[str, _Template] | None = None,
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


def _title(writer: Writer) -> list[list[Cell]]:
    upload = writer.upload
    years = sorted({p.parent or p.code for p in upload.periods})
    return [
        [f"{upload.org.name} – bilan des actions"],
        [f"Année scolaire {years[0]}" if len(years) == 1 else "Bilan"],
        [],
    ]


def _note(writer: Writer) -> list[Cell]:
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


class _Template:
    """An organisation's blank template, loaded once, filled in for each of its uploads."""

    def __init__(self, path: Path):
        self.book = openpyxl.load_workbook(path)
        sheet = self.book[ENTRY_SHEET]
        at = self.at = {title: n for n, (title, _) in enumerate(COLUMNS, start=1)}
        self.rows: dict[tuple[str, str, str], int] = {}  # pre-filled (indicator, place, period)
        self.free = 2  # the first row left blank
        for r in range(2, sheet.max_row + 1):
            code = sheet.cell(row=r, column=at["Code indicateur"]).value
            if code is None:
                break
            self.rows[
                (
                    str(code),
                    str(sheet.cell(row=r, column=at["Collège (UAI)"]).value),
                    str(sheet.cell(row=r, column=at["Période"]).value),
                )
            ] = r
            self.free = r + 1

    @contextmanager
    def filled(self) -> Iterator[Callable[[Worksheet, int, int, Cell], None]]:
        """Yield `put(sheet, row, column, value)`; every cell is as loaded again on the way out,
        so that each upload is the blank template filled in, as if loaded anew."""
        changed: list[tuple[Worksheet, int, int, Any, bool]] = []

        def put(sheet: Worksheet, row: int, column: int, value: Cell) -> None:
            existed = (row, column) in sheet._cells
            cell = sheet.cell(row=row, column=column)
            changed.append((sheet, row, column, cell.value, existed))
            if value is not None:
                cell.value = value

        # what saving sets on the sheets (openpyxl), as loaded
        formats = [
            (ws, copy.copy(ws.sheet_format), ws.column_dimensions.max_outline)
            for ws in self.book.worksheets
        ]
        try:
            yield put
        finally:
            for ws, sheet_format, outline in formats:
                ws.sheet_format, ws.column_dimensions.max_outline = sheet_format, outline
            for sheet, row, column, old, existed in reversed(changed):
                if existed:
                    sheet.cell(row=row, column=column).value = old
                else:
                    del sheet._cells[(row, column)]


def _write_template(writer: Writer, path: Path) -> None:
    """The official pre-filled template, filled in: the partner's one workbook, sent whole."""
    upload = writer.upload
    if upload.org.code not in writer.templates:
        write_template(writer.definition, upload.org.code, path)
        writer.templates[upload.org.code] = _Template(path)
    template = writer.templates[upload.org.code]
    book, at, free = template.book, template.at, template.free
    sheet = book[ENTRY_SHEET]
    with template.filled() as put:
        for value in writer.values:
            where = (value.indicator, value.place, value.period)
            if not value.disaggregation and where in template.rows:
                r = template.rows[where]
            else:
                r, free = free, free + 1
                ind = writer.indicators[value.indicator]
                put(sheet, r, at["Code indicateur"], value.indicator)
                put(sheet, r, at["Indicateur"], ind.label_fr)
                put(sheet, r, at["Collège (UAI)"], value.place)
                put(sheet, r, at["Collège"], writer.places[value.place].name)
                put(sheet, r, at["Période"], value.period)
                if value.disaggregation.startswith("sex="):
                    put(sheet, r, at["Sexe"], value.disaggregation.removeprefix("sex="))
            if value.numerator is not None and value.denominator is not None:
                put(sheet, r, at["Numérateur"], value.numerator)
                put(sheet, r, at["Dénominateur"], value.denominator)
            else:
                put(sheet, r, at["Valeur"], writer.number(value, french=False))
        stamp = book[STAMP_SHEET]
        for r in range(1, stamp.max_row + 1):
            if stamp.cell(row=r, column=1).value == "created":
                put(stamp, r, 2, upload.when.date().isoformat())
        _save(book, path, upload.when, upload.org.name)


def _write_long(writer: Writer, path: Path) -> None:
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


def _write_wide_periods(writer: Writer, path: Path) -> None:
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


def _write_wide_indicators(writer: Writer, path: Path) -> None:
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


def _write_merged(writer: Writer, path: Path) -> None:
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


def _write_sheets(writer: Writer, path: Path) -> None:
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


def _write_csv(writer: Writer, path: Path) -> None:
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


WRITERS: dict[str, Callable[[Writer, Path], None]] = {
    "template": _write_template,
    "long": _write_long,
    "wide-periods": _write_wide_periods,
    "wide-indicators": _write_wide_indicators,
    "merged": _write_merged,
    "sheets": _write_sheets,
    "csv": _write_csv,
}


def free_path(path: Path, taken: set[Path]) -> Path:
    candidate, n = path, 2
    while candidate in taken:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    taken.add(candidate)
    return candidate


def plan_demo(
    definition: Definition, folder: Path, *, scale: float = 1.0, today: dt.date = DEMO_TODAY
) -> list[tuple[Upload, DemoFile]]:
    """The demo's uploads in the order they are sent, each with the file it will be written
    to under `folder` (nothing is written)."""
    taken: set[Path] = set()
    planned = []
    for upload in plan_uploads(definition, scale, today):
        path = free_path(folder / upload.org.code / upload.name, taken)
        planned.append(
            (
                upload,
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
                ),
            )
        )
    return planned


def write_demo_files(
    definition: Definition,
    planned: list[tuple[Upload, DemoFile]],
    part: tuple[int, int] = (0, 1),
    written: Callable[[int], None] | None = None,
) -> None:
    """Write the planned files, in order; with `part` (k, n) only those of the k-th of n
    shares of the organisations (a file sent again is a copy of one of its organisation's).
    `written(i)` is called once the i-th planned file is written."""
    share, shares = part
    organisations = list(dict.fromkeys(demo_file.organisation for _, demo_file in planned))
    mine = {org for n, org in enumerate(organisations) if n % shares == share}
    paths: dict[int, Path] = {}
    templates: dict[str, _Template] = {}
    for i, (upload, demo_file) in enumerate(planned):
        if demo_file.organisation not in mine:
            continue
        path = demo_file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if upload.copy_of is not None:
            shutil.copyfile(paths[id(upload.copy_of)], path)
        else:
            rng = random.Random(f"{SEED}:file:{upload.org.code}:{path.name}")
            WRITERS[upload.layout](Writer(definition, upload, rng, templates), path)
        paths[id(upload)] = path
        if written is not None:
            written(i)
