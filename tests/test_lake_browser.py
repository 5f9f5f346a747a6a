"""Two app servers (`streamlit run serve.py`) on one DuckLake store, driven by a real browser
(issue 21): what a partner uploads through one server is seen through the other, and the
session opened on one is good on the other (a reverse proxy may move a client from one server
to the next); two partners, each on a server, confirm an upload at the same moment and both
land; a server killed in the middle of an upload leaves the store as it was, and the other
server goes on.

The journeys share one PostgreSQL, one store and two servers (a server takes 10 to 20 s to
start, more on a loaded machine), in one test: under pytest-xdist the tests of a module may go
to several workers, and each would start its own. Each journey checks what it changed against
what the store held before it.

To be sure that two uploads are in their transactions at the same moment, and that a server is
killed inside its upload's transaction, the tests lock DuckLake's `ducklake_snapshot` table in
PostgreSQL (tests/postgres.py, `locked`): every commit then waits at its end, with its Parquet
files written, as a slow catalog would make it wait; nothing in the application is made for
the test.

Needs PostgreSQL (tests/postgres.py) and Debian's chromium; skipped with the reason otherwise.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from indicators.store import connection
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests import postgres, servers
from tests.conftest import LIGHT_ARGON2, copy_definition, open_accounts
from tests.test_browser import ARGS, CHROMIUM, settled, sign_in, signed_in_as
from tests.test_concurrency import workbook
from tests.workbooks import write_workbook

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
    pytest.mark.skipif(bool(postgres.missing()), reason=postgres.missing()),
]

CATALOG = "shared"  # the PostgreSQL database of the store's catalog
SAVED = re.compile(r"Dépôt enregistré : \d+ nouvelles valeurs")
WAIT = 90_000  # ms: a page on a loaded machine, two servers and PostgreSQL beside it


def serve(url: str, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """One app server on the shared store `url`, as the README starts it; its address."""
    env = {
        **os.environ,
        **LIGHT_ARGON2,
        "MESURE_STORE": url,
        "MESURE_DATA": str(data),
        "MESURE_DEMO_BUILD": "0",
    }
    env.pop("MESURE_DB", None)
    return servers.launch(env)


@dataclass
class Shared:
    """The PostgreSQL server, the store's URL and definition folder, and its two app servers."""

    pg: postgres.Server
    url: str
    data: Path
    servers: list[tuple[subprocess.Popen[bytes], str]] = field(default_factory=list)

    def addresses(self) -> tuple[str, str]:
        """The two servers' addresses; both still serve."""
        for server, _ in self.servers:
            assert server.poll() is None, "a server stopped"
        return self.servers[0][1], self.servers[1][1]

    def kill(self, n: int) -> None:
        server, _ = self.servers[n]
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)

    def files(self, table: str) -> set[Path]:
        """The Parquet files in the folder of `table` (committed or not); the folder is named
        after the table's name when it was made, as the catalog says."""
        found = connection.Lake.parse(self.url)
        assert found is not None
        [(schema, folder)] = self.pg.query(
            CATALOG,
            "select s.path, t.path from ducklake_table t join ducklake_schema s using (schema_id)"
            f" where t.end_snapshot is null and t.table_name = '{table}'",
        )
        return set((Path(found.data) / schema / folder).glob("*.parquet"))


@pytest.fixture
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp("lake-servers")
    with postgres.running() as pg:
        data = copy_definition(folder / "definition")
        url = pg.lake(CATALOG, folder / "lake")
        store, _ = init_store(Path(url), data, actor="test")
        open_accounts(store)
        found = Shared(pg, url, data)
        found.servers = [serve(url, data), serve(url, data)]
        try:
            for server, address in found.servers:
                servers.wait_healthy(server, address)
            yield found
        finally:
            for server, _ in found.servers:
                servers.stop(server)
            connection.release(Path(url))  # this process's instance, before PostgreSQL stops


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def upload_page(browser: Browser, address: str, username: str) -> tuple[BrowserContext, Page]:
    """A new browser signed in as `username` on the server at `address`, on Déposer."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{address}/deposer")
    sign_in(page, username)
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=WAIT)
    return context, page


def checked(page: Page, path: Path) -> None:
    """`path` given to Déposer and its dry run finished: the confirmation button is there.
    The page's run is over first (`settled` waits for the run that giving the file starts)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.dataset.testScriptState === 'notRunning'",
        timeout=WAIT,
    )
    settled(page, lambda: page.locator("input[type=file]").set_input_files(str(path)))
    page.get_by_role("button", name="Confirmer le dépôt").wait_for(timeout=WAIT)


def confirm_at(page: Page, at: float) -> None:
    """Click Déposer's confirmation button at the browser's time `at` (ms since the epoch):
    pages of one browser share its clock, so two pages click at the same moment."""
    page.evaluate(
        """(at) => {
            const button = [...document.querySelectorAll('button')]
                .find(b => b.innerText.trim() === 'Confirmer le dépôt');
            if (!button) throw new Error('no confirmation button');
            setTimeout(() => button.click(), Math.max(0, at - Date.now()));
        }""",
        at,
    )


def running(page: Page) -> bool:
    """True while the page shows that the app is working on its request."""
    return bool(
        page.evaluate(
            "() => document.querySelector('[data-testid=stApp]')"
            "?.dataset.testScriptState === 'running'"
        )
    )


def until(
    condition: Callable[[], bool],
    what: str,
    seconds: float = 120,
    state: Callable[[], object] = lambda: "",
) -> None:
    """Wait for `condition`; fail saying `what` was awaited and, if given, the `state` then."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what} {state()}"
        time.sleep(0.1)


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """What the journeys check: submissions with their provenance, values with theirs, the
    audit entries of uploads, the id counters."""
    queries = {
        "submissions": "select id, organisation, filename, sha256, size_bytes, uploaded_by,"
        " status from submissions order by id",
        "observations": "select id, submission_id, organisation, indicator, place, period,"
        " value, raw_value, sheet, cell, is_current from observations order by id",
        "uploads": "select target, actor from audit_log where action = 'submission.upload'"
        " order by id",
        "lake_ids": "select name, value from lake_ids order by name",
    }
    with Store(url)._connect() as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def consistent(state: dict[str, list[tuple[object, ...]]]) -> None:
    """No value without its submission, no received submission without values, one current
    value per cell, ids unique and below their counters."""
    subs = {row[0]: row for row in state["submissions"]}
    values = state["observations"]
    assert {v[1] for v in values} <= set(subs), "values without their submission"
    for sub_id, sub in subs.items():
        if sub[6] == "received":
            assert any(v[1] == sub_id and v[10] for v in values), f"submission {sub_id} empty"
    current = [v[2:6] for v in values if v[10]]
    assert len(current) == len(set(current)), "two current values for one cell"
    counters = {str(row[0]): row[1] for row in state["lake_ids"]}
    assert len({v[0] for v in values}) == len(values) and len(subs) == len(state["submissions"])
    assert max((int(str(v[0])) for v in values), default=0) <= int(str(counters["observation_ids"]))
    assert max((int(str(i)) for i in subs), default=0) <= int(str(counters["submission_ids"]))


def sessions_just_used(url: str) -> None:
    """Every open session marked as used now. A server writes down that a session is in use
    (at most every 30 s, before the page's work): the lock on the catalog would hold that
    write up, before the upload it is there to hold."""
    store = Store(url)
    store._write(
        lambda con: con.execute(
            "update sessions set last_seen_at = $now where ended_at is null",
            {"now": store.clock()},
        )
    )


def history_shows(page: Page, filename: str) -> None:
    page.locator("[role=gridcell]", has_text=filename).last.wait_for(state="attached", timeout=WAIT)


def seen_through_the_other(browser: Browser, shared: Shared, tmp_path: Path) -> None:
    """What a partner uploads through one server is in its history on the other, where its
    session is good too."""
    first, second = shared.addresses()
    path = write_workbook(
        tmp_path / "bilan-partage.xlsx",
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 7],
            ]
        },
    )
    context, page = upload_page(browser, first, "valmont")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=WAIT)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=WAIT)
    # the same browser on the other server: its session cookie is good there (the sessions
    # are in the shared store), and the upload is in the history there
    other = context.new_page()
    other.goto(f"{second}/deposer")
    other.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=WAIT)
    signed_in_as(other, "Transports Valmont")
    history_shows(other, "bilan-partage.xlsx")
    context.close()


def both_land(browser: Browser, shared: Shared, tmp_path: Path) -> None:
    """Valmont on one server, Élan on the other, click at the same moment; their commits are
    held until both transactions have written their values (both open at once), then let go:
    one commits first, the other conflicts and is done again. Both submissions are in the
    store with every value and its provenance, and each server shows both."""
    first, second = shared.addresses()
    files = {"ent-valmont": workbook(tmp_path, "ent-valmont", 1)}
    files["asso-elan"] = workbook(tmp_path, "asso-elan", 1)
    valmont, valmont_page = upload_page(browser, first, "valmont")
    elan, elan_page = upload_page(browser, second, "elan")
    checked(valmont_page, files["ent-valmont"])
    checked(elan_page, files["asso-elan"])
    before = snapshot(shared.url)
    values = shared.files("observations")

    sessions_just_used(shared.url)
    with shared.pg.locked(CATALOG, "ducklake_snapshot"):
        at = float(valmont_page.evaluate("Date.now()")) + 1500
        confirm_at(valmont_page, at)
        confirm_at(elan_page, at)
        until(
            lambda: (
                len(shared.files("observations") - values) >= 2
                and shared.pg.waiting_on_locks(CATALOG) >= 2
            ),
            "both uploads' values written and both commits waiting",
            state=lambda: (
                shared.files("observations") - values,
                shared.pg.query(
                    CATALOG,
                    "select pid, state, wait_event_type, left(query, 60) from pg_stat_activity"
                    " where datname = current_database()",
                ),
                running(valmont_page),
                running(elan_page),
            ),
        )
    valmont_page.get_by_text(SAVED).wait_for(timeout=WAIT)
    elan_page.get_by_text(SAVED).wait_for(timeout=WAIT)

    after = snapshot(shared.url)
    consistent(after)
    new = after["submissions"][len(before["submissions"]) :]
    assert sorted((s[1], s[2], s[5], s[6]) for s in new) == [
        ("asso-elan", "asso-elan-1.xlsx", "elan", "received"),
        ("ent-valmont", "ent-valmont-1.xlsx", "valmont", "received"),
    ]
    for sub in new:
        path = files[str(sub[1])]
        assert sub[3] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert sub[4] == path.stat().st_size
        stored = sorted(
            (v[3], v[4], v[5], v[6], v[8], v[9]) for v in after["observations"] if v[1] == sub[0]
        )
        sent = sorted(
            (indicator, place, "2024-2025", value, "Bilan", f"D{row}")
            for row, (indicator, place, value) in enumerate(rows_of(path), start=2)
        )
        assert stored == sent and all(v[10] for v in after["observations"] if v[1] == sub[0])
    assert sorted(after["uploads"][len(before["uploads"]) :]) == [
        ("asso-elan-1.xlsx", "elan"),
        ("ent-valmont-1.xlsx", "valmont"),
    ]
    valmont.close()
    elan.close()

    # each server shows both, to the evaluation team
    team = browser.new_context()
    for address in (first, second):
        page = team.new_page()
        page.goto(f"{address}/journal")
        if address == first:
            sign_in(page, "eva")
        page.get_by_role("heading", name="Journal d'audit").wait_for(timeout=WAIT)
        for path in files.values():
            history_shows(page, path.name)
        page.close()
    team.close()


def rows_of(path: Path) -> list[tuple[str, str, float]]:
    """(indicator, place, value) of each row of a workbook of tests/test_concurrency."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True)["Bilan"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    return [(str(r[0]), str(r[1]), float(str(r[3]))) for r in rows]


def killed_mid_upload(browser: Browser, shared: Shared, tmp_path: Path) -> None:
    """Valmont's upload through the first server is held at its commit (its transaction open,
    its values written in a Parquet file) when that server is killed (SIGKILL). Nothing of it
    is in the store; the earlier data are intact; the other server shows the history without
    it, and the same file confirmed there is stored whole, as changes of the earlier values."""
    first, second = shared.addresses()
    earlier, killed = workbook(tmp_path, "ent-valmont", 5), workbook(tmp_path, "ent-valmont", 6)
    context, page = upload_page(browser, first, "valmont")
    checked(page, earlier)
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=WAIT)
    page.get_by_text(SAVED).wait_for(timeout=WAIT)
    before = snapshot(shared.url)
    consistent(before)
    checked(page, killed)
    values = shared.files("observations")

    sessions_just_used(shared.url)
    with shared.pg.locked(CATALOG, "ducklake_snapshot"):
        page.get_by_role("button", name="Confirmer le dépôt").click(timeout=WAIT)
        until(
            lambda: (
                running(page)
                and bool(shared.files("observations") - values)
                and shared.pg.waiting_on_locks(CATALOG) >= 1
            ),
            "the upload's values written and its commit waiting",
        )
        shared.kill(0)
    # the killed server's connection to PostgreSQL goes once its statement is let go
    until(
        lambda: (
            not shared.pg.query(
                CATALOG,
                "select pid from pg_stat_activity where datname = current_database()"
                " and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')",
            )
        ),
        "the killed server's transaction to end",
        seconds=60,
    )
    after = snapshot(shared.url)
    consistent(after)
    assert after == before  # no submission, no value, no audit entry, no id taken
    orphans = shared.files("observations") - values
    assert orphans  # its Parquet file, outside the store (`mesure maintenance` deletes it)

    # the same browser on the surviving server: signed in, the history without the file
    other = context.new_page()
    other.goto(f"{second}/deposer")
    other.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=WAIT)
    signed_in_as(other, "Transports Valmont")
    history_shows(other, earlier.name)
    assert other.locator("[role=gridcell]", has_text=killed.name).count() == 0
    # and the file that was being uploaded goes in whole there: both its values change
    checked(other, killed)
    other.get_by_role("button", name="Confirmer le dépôt").click(timeout=WAIT)
    other.get_by_text("Dépôt enregistré : 0 nouvelles valeurs, 2 modifiées").wait_for(timeout=WAIT)
    final = snapshot(shared.url)
    consistent(final)
    new = final["submissions"][len(before["submissions"]) :]
    assert [(s[2], s[5], s[6]) for s in new] == [(killed.name, "valmont", "received")]
    assert len(final["observations"]) == len(before["observations"]) + 2
    context.close()


def test_two_servers_on_one_lake(browser: Browser, shared: Shared, tmp_path: Path) -> None:
    """The journeys, in one test: under pytest-xdist a module's tests may go to several
    workers, each of which would start its own PostgreSQL and servers; the kill comes last."""
    seen_through_the_other(browser, shared, tmp_path)
    both_land(browser, shared, tmp_path)
    killed_mid_upload(browser, shared, tmp_path)
