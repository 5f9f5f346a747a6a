"""Several people at once on one store: readers and writers in threads of one app process.

A Streamlit server runs every browser tab in a thread of its own; all of them share the store.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.analytics import figures, progress, synchronisation
from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.ingest.pipeline import ingest
from indicators.store import connection
from indicators.store.database import Store, StoreError
from indicators.store.setup import init_store
from tests.conftest import BASE_DEFINITION, EVALUATOR, FUNDER, PARTNER_A, PARTNER_B
from tests.test_app import started
from tests.workbooks import write_workbook

# 15 s in the suite; set MESURE_STRESS_SECONDS=600 for a long soak before a release.
STRESS_SECONDS = float(os.environ.get("MESURE_STRESS_SECONDS", "4"))
KEY = ["organisation", "indicator", "place", "period", "disaggregation"]


@pytest.fixture(scope="module")
def definition() -> Definition:
    return load_definition(BASE_DEFINITION)


# What each uploader may send (its commitments in the fixture definition): (indicator, place).
UPLOADERS: dict[str, list[tuple[str, str]]] = {
    "ent-valmont": [("visites-entreprise", "0950001K"), ("jeunes-touches", "0950002L")],
    "asso-elan": [("score-confiance", "0950002L")],
    "appui": [("visites-entreprise", "T-NORD")],
}


def workbook(folder: Path, organisation: str, n: int) -> Path:
    """The n-th file of `organisation`: the same cells, other numbers each time."""
    rows: list[list[object]] = [["Indicateur", "Collège", "Période", "Valeur"]]
    for k, (indicator, place) in enumerate(UPLOADERS[organisation]):
        value = 1 + (n * 7) % 9 + n % 2 / 2 if indicator == "score-confiance" else 5 + n + k
        rows.append([indicator, place, "2024-2025", value])
    return write_workbook(folder / f"{organisation}-{n}.xlsx", {"Bilan": rows})


def current(store: Store) -> pd.DataFrame:
    """Every current value, sorted: what the figures are computed from."""
    frame = store.query("observations", org="")
    frame = frame[frame["is_current"]][[*KEY, "value"]]
    return frame.sort_values(KEY).reset_index(drop=True)


READS: list[Callable[[Store], Any]] = [
    lambda s: s.initiative(),
    lambda s: figures.collective(s, EVALUATOR),
    lambda s: figures.values(s, PARTNER_A),
    lambda s: progress.figures(s, PARTNER_B),
    lambda s: progress.figures(s, FUNDER),
    lambda s: synchronisation.statuses(s, EVALUATOR, pd.Timestamp("2025-10-15").date()),
    lambda s: s.query("submissions", org="ent-valmont"),
]


def test_simultaneous_reads_share_one_instance_without_error(store: Store) -> None:
    """Many threads opening the store at once: no 'file handle conflict', one instance."""
    before = set(connection.open_files()) - {str(store.path.resolve())}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def read(i: int) -> None:
        start.wait()
        for k in range(len(READS)):
            try:
                READS[(i + k) % len(READS)](store)
            except BaseException as exc:  # collected: a thread's failure must fail the test
                errors.append(exc)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(read, range(8)))
    assert errors == []
    # nothing opened but this store's one instance (what earlier tests of this worker left
    # open is theirs)
    assert set(connection.open_files()) - before <= {str(store.path.resolve())}


def test_two_simultaneous_confirms_for_one_partner_both_succeed(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    """Two tabs confirm the same partner's files at the same moment: no conflict, nothing
    torn; the store ends as if they had come one after the other."""
    files = [workbook(tmp_path, "ent-valmont", n) for n in (1, 2)]
    start = threading.Barrier(2)

    def send(path: Path) -> str:
        start.wait()
        return ingest(store, path, definition, "ent-valmont", "test").status

    for _ in range(5):
        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(send, files))
        assert statuses.count("received") >= 1 and set(statuses) <= {"received", "unchanged"}
        last = store.query("submissions", org="ent-valmont").iloc[0]["filename"]  # newest first
        values = current(store)
        assert len(values) == 2  # one current value per cell, never two
        expected = {"ent-valmont-1.xlsx": [6.0, 7.0], "ent-valmont-2.xlsx": [7.0, 8.0]}[last]
        assert sorted(values["value"]) == expected


def test_readers_and_uploaders_working_at_once_lose_nothing(
    tmp_path: Path, store: Store, definition: Definition
) -> None:
    """10 reader threads and 3 uploaders for STRESS_SECONDS (4 by default), and on until every
    reader has read and every uploader sent twice (a loaded machine is slower, not wrong): no
    error, every accepted upload stored, and the same figures as a store built one upload at a
    time."""
    stop = threading.Event()
    errors: list[BaseException] = []
    reads = [0] * 10
    sent: dict[str, list[tuple[Path, str]]] = {org: [] for org in UPLOADERS}

    def reader(i: int) -> None:
        k = i
        while not stop.is_set():
            try:
                READS[k % len(READS)](store)
                reads[i] += 1
            except BaseException as exc:
                errors.append(exc)
            k += 1

    def uploader(organisation: str) -> None:
        folder = tmp_path / organisation
        folder.mkdir()
        n = 0
        while not stop.is_set():
            n += 1
            path = workbook(folder, organisation, n)
            try:
                status = ingest(
                    store, path, definition, organisation, f"test:{organisation}"
                ).status
                sent[organisation].append((path, status))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(10)]
    threads += [threading.Thread(target=uploader, args=(org,)) for org in UPLOADERS]
    for thread in threads:
        thread.start()
    time.sleep(STRESS_SECONDS)
    deadline = time.monotonic() + 20 * STRESS_SECONDS
    while time.monotonic() < deadline and not errors:
        if min(reads) >= 1 and all(len(outcomes) >= 2 for outcomes in sent.values()):
            break
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors[:3]
    assert min(reads) >= 1, reads  # no reader starved by the writers
    for organisation, outcomes in sent.items():
        assert len(outcomes) >= 2, organisation
        assert {status for _, status in outcomes} == {"received"}  # every file changed values
        stored = store.query("submissions", org=organisation)
        assert len(stored) == len(outcomes)  # no upload lost, none written twice
        assert sorted(stored["filename"]) == sorted(path.name for path, _ in outcomes)

    # The same files, one at a time, each partner's in the order they were sent.
    calm, _ = init_store(tmp_path / "calm.duckdb", BASE_DEFINITION, actor="test")
    for organisation, outcomes in sent.items():
        for path, _ in outcomes:
            ingest(calm, path, definition, organisation, f"test:{organisation}")
    pd.testing.assert_frame_equal(current(store), current(calm))
    for read in (figures.collective, progress.figures):
        pd.testing.assert_frame_equal(read(store, EVALUATOR), read(calm, EVALUATOR))


def _checked_tab(store: Store, path: Path) -> AppTest:
    """A partner's tab on Déposer with `path` checked (dry run), not yet confirmed."""
    at = started(store, "valmont", page="pages/deposer.py")
    at.file_uploader[0].upload(path.name, path.read_bytes()).run()
    assert not at.exception, at.exception
    return at


def _confirm(at: AppTest) -> str:
    next(b for b in at.button if b.label == "Confirmer le dépôt").click().run()
    assert not at.exception, at.exception
    return "\n".join(str(e.value) for e in (*at.success, *at.info, *at.warning))


def test_two_tabs_confirming_the_same_file_are_told_what_happened(
    app_store: Store, tmp_path: Path
) -> None:
    path = workbook(tmp_path, "ent-valmont", 1)
    first, second = _checked_tab(app_store, path), _checked_tab(app_store, path)
    assert "Dépôt enregistré : 2 nouvelles valeurs" in _confirm(first)
    said = _confirm(second)
    assert "Rien n'a été enregistré" in said and "Dépôt enregistré" not in said
    assert len(app_store.query("submissions", org="ent-valmont")) == 1


def test_a_tab_overtaken_by_another_upload_says_what_its_file_really_changed(
    app_store: Store, tmp_path: Path
) -> None:
    older, newer = workbook(tmp_path, "ent-valmont", 1), workbook(tmp_path, "ent-valmont", 2)
    first, second = _checked_tab(app_store, older), _checked_tab(app_store, newer)
    _confirm(first)
    said = _confirm(second)  # checked as 2 new values; they became 2 changes
    assert "Dépôt enregistré : 0 nouvelles valeurs, 2 modifiées" in said
    assert "un autre dépôt pour cette organisation a été enregistré" in said


def test_an_upload_the_store_could_not_save_is_said_and_can_be_confirmed_again(
    app_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store gave up (on a shared store: other servers won the race every time): the
    partner is told in French under the button, nothing is stored, the button is still there
    and the next click stores the file."""
    at = _checked_tab(app_store, workbook(tmp_path, "ent-valmont", 1))
    real = Store.load_values

    def gave_up(*args: object, **kwargs: object) -> object:
        raise StoreError("La base partagée n'a pas pu enregistrer ce changement (50 essais).")

    monkeypatch.setattr(Store, "load_values", gave_up)
    said = _confirm(at)
    assert "Dépôt enregistré" not in said
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Rien n'a été enregistré : la base était")
    assert "50 essais" not in errors[0]  # the cause is in the server's log, with the reference
    assert app_store.query("submissions", org="ent-valmont").empty
    monkeypatch.setattr(Store, "load_values", real)
    assert "Dépôt enregistré : 2 nouvelles valeurs" in _confirm(at)
    assert len(app_store.query("submissions", org="ent-valmont")) == 1
