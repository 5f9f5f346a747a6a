"""Benchmark of the ingest: prints figures, asserts nothing (speed is measured, not tested).

For a generated workbook of about 1 million cells, in the long (template) layout and in a
wide layout, it prints, `--repeat` times, the time python-calamine alone takes to read it
and just after, the whole ingest time into a new store (read in the worker, find the table,
map, parse, check, store): their ratio, taken within the same few seconds so that both see
the same load of a shared machine, with their CPU times (this process's threads and the
worker's) beside; then the time of each step of one more ingest, and the peak memory of
this process and of the worker. A reader worker is started beforehand, as the app keeps
them. The store holds every school of the workbook, as an initiative's would. The ingest
returns once the values are stored; the figures and reports the store keeps of what it touched
are made again after it (`Store.settle`: the app does it in a thread while the partner reads
the outcome, a page that reads them waits for it). That time is printed apart, and with it
the ratio of the ingest and that refresh together.

    nice -n 19 uv run python scripts/bench_ingest.py [--cells 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl

from indicators.common.runtime import set_up
from indicators.definition.checks import uai_check_letter
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition, Place
from indicators.ingest.matching import Vocabulary
from indicators.ingest.pipeline import Outcome, ingest, prepare
from indicators.ingest.reader import idle_workers, read_workbook
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


# python-calamine alone, timed in a process of its own: a plain Python process that imports it
# and nothing else, as anyone reading the file with it would. Timed in this process, it paid
# for the collector going through the objects this benchmark holds (0.45 to 0.9 s for the wide
# workbook, against 0.5 s in a process of its own), which flattered the ratios.
CALAMINE_ALONE = """
import sys, time
import python_calamine
start, cpu = time.perf_counter(), time.process_time()
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def calamine_alone(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds python-calamine takes to read every cell of every sheet, in a
    fresh Python process of its own (its start not counted)."""
    done = subprocess.run(
        [sys.executable, "-c", CALAMINE_ALONE, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = (float(n) for n in done.stdout.split())
    return wall, cpu


def process_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process of this machine has used so far, 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu() -> dict[int, float]:
    return {pid: process_cpu(pid) for pid in idle_workers()}


def load_average() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def timed_ingest(
    path: Path, store: Store, definition: Definition
) -> tuple[Outcome, float, float, float]:
    """The outcome of one ingest, its wall seconds, and the CPU seconds of this process (all
    its threads: DuckDB's too) and of the sandboxed worker that read the file."""
    before = workers_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    outcome = ingest(store, path, definition, ORG, "bench")
    whole, parent = time.perf_counter() - start, time.process_time() - cpu
    after = workers_cpu()
    worker = sum(used - before.get(pid, 0.0) for pid, used in after.items())
    return outcome, whole, parent, worker


def parts(path: Path, folder: Path, template: Path, definition: Definition) -> str:
    """Wall seconds of each step of one more ingest, done step by step."""
    shutil.copyfile(template, folder / "parts.duckdb")
    store = Store(folder / "parts.duckdb")
    refreshed: list[float] = []
    refresh = Store._refresh_deferred

    def timed(self: Store, deferred: list[Any]) -> None:  # the kept tables' own transaction
        begun = time.perf_counter()
        refresh(self, deferred)
        refreshed.append(time.perf_counter() - begun)

    Store._refresh_deferred = timed  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        workbook = read_workbook(path)
        read = time.perf_counter()
        preparation = prepare(path, definition, ORG, workbook=workbook)
        prepared = time.perf_counter()
        store.load_values(
            ORG,
            preparation.frame,
            filename=path.name,
            sha256=preparation.sha256,
            size=preparation.size,
            uploaded_by="bench",
        )
        store.settle()
        stored = time.perf_counter()
    finally:
        Store._refresh_deferred = refresh  # type: ignore[method-assign]
    store.close()
    return (
        f"read in the worker {read - start:.2f} s, found, mapped and checked"
        f" {prepared - read:.2f} s, values stored {stored - prepared - sum(refreshed):.2f} s,"
        f" kept figures and reports made again {sum(refreshed):.2f} s"
    )


def with_schools(definition: Definition, count: int) -> Definition:
    """The demo definition with `count` extra fictional schools, so that keys stay unique."""
    extra = []
    for n in range(count):
        digits = f"{9000000 + n:07d}"
        uai = digits + uai_check_letter(digits)
        extra.append(Place(uai, "school", f"Collège fictif {n}", "T-TOULOUSE", uai, "REP"))
    return replace(definition, places=definition.places + tuple(extra))


def main() -> None:
    set_up()  # as the app's server runs
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="ingests per layout")
    args = parser.parse_args()
    terms = [p.code for p in load_definition(data_dir()).periods if p.kind == "term"]
    definition = with_schools(load_definition(data_dir()), args.cells // (2 * len(terms)) + 1)
    schools = [p.code for p in definition.places if p.kind == "school"]
    print(f"load average at start: {load_average()} ({os.cpu_count()} cores)")
    start = time.perf_counter()
    Vocabulary.from_definition(definition)
    print(
        f"definition index ({len(definition.places)} places), built once per process and kept"
        f" by the app: {time.perf_counter() - start:.2f} s (not in the figures below)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # the store knows every school, as an initiative's would: their figures are kept too
        start = time.perf_counter()
        template = init_store(folder / "template.duckdb", data_dir())[0]
        template.save_definition(definition)
        template.close()
        print(
            f"store with the {len(definition.places)} places, made once and copied for each"
            f" ingest: {time.perf_counter() - start:.1f} s (not in the figures below)"
        )
        # The app keeps its sandboxed readers between files: one is started beforehand.
        read_workbook(long_workbook(folder / "warm.xlsx", 40, schools, terms))
        for layout, build in (("long (template)", long_workbook), ("wide", wide_workbook)):
            path = build(folder / f"{layout.split()[0]}.xlsx", args.cells, schools, terms)
            ratios, cpu_ratios, together = [], [], []
            for n in range(args.repeat):
                copy = folder / f"{layout.split()[0]}-{n}.duckdb"
                shutil.copyfile(template.path, copy)
                store = Store(copy)
                raw, raw_cpu = calamine_alone(path)
                reset_peak()
                before = resident_mb()
                outcome, whole, parent, worker = timed_ingest(path, store, definition)
                start = time.perf_counter()
                store.settle()
                kept = time.perf_counter() - start
                store.close()
                ratios.append(whole / raw)
                together.append((whole + kept) / raw)
                cpu_ratios.append((parent + worker) / raw_cpu)
                if n == 0:
                    problems = sorted({p.code for p in outcome.preparation.problems})
                    print(
                        f"{layout}: {path.stat().st_size / 1e6:.1f} MB,"
                        f" {outcome.preparation.rows_read} rows,"
                        f" {len(outcome.preparation.frame)} values stored ({outcome.status}),"
                        f" problems: {', '.join(problems) or 'none'}"
                    )
                print(
                    f"  {n + 1}. python-calamine alone {raw:.2f} s, whole ingest {whole:.2f} s:"
                    f" ratio {whole / raw:.2f}x; kept tables made after it {kept:.2f} s,"
                    f" ingest and them {together[-1]:.2f}x | CPU: calamine {raw_cpu:.2f} s, ingest"
                    f" {parent:.2f} s + worker {worker:.2f} s: {cpu_ratios[-1]:.2f}x"
                    f" | load {load_average()}"
                )
            print(
                f"  ratio of the wall times: median {statistics.median(ratios):.2f}x,"
                f" best {min(ratios):.2f}x; of the CPU times: median"
                f" {statistics.median(cpu_ratios):.2f}x; ingest and kept tables made after it:"
                f" median {statistics.median(together):.2f}x"
            )
            print(f"  one more, step by step: {parts(path, folder, template.path, definition)}")
            print(
                f"  peak memory of the ingest: this process {peak_mb():.0f} MB"
                f" (of which {before:.0f} MB before it began),"
                f" worker {outcome.preparation.reader_peak_mb:.0f} MB"
            )


if __name__ == "__main__":
    main()
