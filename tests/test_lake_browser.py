"""Two app servers (`streamlit run serve.py`) on one DuckLake store, driven by a real browser:
what a partner uploads through one server is seen through the other, and the session opened on
one is good on the other (a reverse proxy may move a client from one server to the next).

Needs PostgreSQL (tests/postgres.py) and Debian's chromium; skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from indicators.store import connection
from indicators.store.setup import init_store
from tests import postgres, servers
from tests.conftest import LIGHT_ARGON2, copy_definition, open_accounts
from tests.test_browser import ARGS, CHROMIUM, sign_in, signed_in_as
from tests.workbooks import write_workbook

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
    pytest.mark.skipif(bool(postgres.missing()), reason=postgres.missing()),
]


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


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with postgres.running() as pg:
        data = copy_definition(tmp_path / "definition")
        url = pg.lake("shared", tmp_path / "lake")
        store, _ = init_store(Path(url), data, actor="test")
        open_accounts(store)
        started = [serve(url, data), serve(url, data)]
        try:
            for server, address in started:
                servers.wait_healthy(server, address)
            yield started[0][1], started[1][1]
        finally:
            for server, _ in started:
                servers.stop(server)
            connection.release(Path(url))  # this process's instance, before PostgreSQL stops


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def test_an_upload_through_one_server_is_seen_through_the_other(
    browser: Browser, two_servers: tuple[str, str], tmp_path: Path
) -> None:
    first, second = two_servers
    workbook = write_workbook(
        tmp_path / "bilan-partage.xlsx",
        {
            "Bilan": [
                ["Indicateur", "Collège", "Période", "Valeur"],
                ["Visites entreprises", "0950002L", "T1 2024-2025", 7],
            ]
        },
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{first}/deposer")
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=60_000)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=60_000)
    # the same browser on the other server: its session cookie is good there (the sessions
    # are in the shared store), and the upload is in the history there
    other = context.new_page()
    other.goto(f"{second}/deposer")
    other.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=60_000)
    signed_in_as(other, "Transports Valmont")
    other.locator("[role=gridcell]", has_text="bilan-partage.xlsx").last.wait_for(
        state="attached", timeout=60_000
    )
    context.close()
