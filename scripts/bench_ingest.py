"""Benchmark of the ingest: prints figures, asserts nothing (speed is measured, not tested).

For a generated workbook of about 1 million cells, in the long (template) layout and in a
wide layout, it prints the time python-calamine alone takes to read it, the whole ingest
time (read in the worker, find the table, map, parse, check, store), their ratio, and the
peak memory of this process during the ingest and of the worker.

    uv run python scripts/bench_ingest.py [--cells 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import python_calamine

from indicators.definition.checks import uai_check_letter
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition, Place
from indicators.ingest.matching import Vocabulary
from indicators.ingest.pipeline import ingest
from indicators.store.database import Store, data_dir
from indicators.store.setup import init_store

ORG = "clg-0950243y"


def long_workbook(path: Path, cells: int, schools: list[str], periods: list[str]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Saisie")
    sheet.append(["Indicateur", "Collège", "Période", "Valeur"])
    indicators = ["jeunes-touches", "reunions-parents", "taux-absenteisme", "taux-reussite-dnb"]
    rows = cells // 4
    for i in range(rows):
        school, rest = divmod(i, 4 * len(periods))
        indicator, period = divmod(rest, len(periods))
        sheet.append([indicators[indicator], schools[school], periods[period], i % 50])
    book.save(path)
    return path


def wide_workbook(path: Path, cells: int, schools: list[str], periods: list[str]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Tableau")
    columns = [f"{p}" for p in periods]
    sheet.append(["Indicateur", "Collège", *columns])
    width = 2 + len(columns)
    indicators = ["jeunes-touches", "reunions-parents"]
    for i in range(cells // width):
        sheet.append(
            [indicators[i % 2], schools[i // 2], *[(i + j) % 50 for j in range(len(columns))]]
        )
    book.save(path)
    return path


def reset_peak() -> None:
    """Start measuring this process's peak memory afresh (Linux: clear_refs 5 resets VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def resident_mb() -> float:
    return _status_mb("VmRSS")


def peak_mb() -> float:
    return _status_mb("VmHWM")


def calamine_alone(path: Path) -> float:
    start = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def with_schools(definition: Definition, count: int) -> Definition:
    """The demo definition with `count` extra fictional schools, so that keys stay unique."""
    extra = []
    for n in range(count):
        digits = f"{9000000 + n:07d}"
        uai = digits + uai_check_letter(digits)
        extra.append(Place(uai, "school", f"Collège fictif {n}", "T-TOULOUSE", uai, "REP"))
    return replace(definition, places=definition.places + tuple(extra))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=1_000_000)
    args = parser.parse_args()
    terms = [p.code for p in load_definition(data_dir()).periods if p.kind == "term"]
    definition = with_schools(load_definition(data_dir()), args.cells // (2 * len(terms)) + 1)
    schools = [p.code for p in definition.places if p.kind == "school"]
    start = time.perf_counter()
    Vocabulary.from_definition(definition)
    print(
        f"definition index ({len(definition.places)} places), built once per process and kept"
        f" by the app: {time.perf_counter() - start:.2f} s (not in the figures below)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for layout, build in (("long (template)", long_workbook), ("wide", wide_workbook)):
            path = build(folder / f"{layout.split()[0]}.xlsx", args.cells, schools, terms)
            store: Store = init_store(folder / f"{layout.split()[0]}.duckdb", data_dir())[0]
            raw = calamine_alone(path)
            reset_peak()
            before = resident_mb()
            start = time.perf_counter()
            outcome = ingest(store, path, definition, ORG, "bench")
            whole = time.perf_counter() - start
            problems = sorted({p.code for p in outcome.preparation.problems})
            print(
                f"{layout}: {path.stat().st_size / 1e6:.1f} MB, {outcome.preparation.rows_read} rows,"
                f" {len(outcome.preparation.frame)} values stored ({outcome.status}),"
                f" problems: {', '.join(problems) or 'none'}"
            )
            print(f"  python-calamine alone: {raw:.2f} s")
            print(f"  whole ingest:          {whole:.2f} s  (ratio {whole / raw:.1f}x)")
            print(
                f"  peak memory of the ingest: this process {peak_mb():.0f} MB"
                f" (of which {before:.0f} MB before it began),"
                f" worker {outcome.preparation.reader_peak_mb:.0f} MB"
            )


if __name__ == "__main__":
    main()
