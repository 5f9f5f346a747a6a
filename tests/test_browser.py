"""Real-browser journeys: Playwright driving Debian's chromium against a live server.

Skipped where /usr/bin/chromium is absent (a newcomer's machine); CI installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import PROJECT, copy_definition

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp: Path, demo: bool) -> Iterator[str]:
    data = copy_definition(tmp / "definition")
    if not demo:
        path = data / "initiative.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("demo: true", "demo: false"), encoding="utf-8"
        )
    port = _free_port()
    env = {
        **os.environ,
        "MESURE_DB": str(tmp / "live.duckdb"),
        "MESURE_DATA": str(data),
        "MESURE_DEMO_BUILD": "0",  # an empty store: the journeys start from no upload
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT / "app.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the Streamlit server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, demo=True)


@pytest.fixture
def closed_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, demo=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def test_deep_link_on_a_fresh_server_then_search_and_switch_language(
    browser: Browser, demo_server: str
) -> None:
    page = browser.new_page()
    # The very first request of this server is a deep link to a page, not to the router.
    page.goto(f"{demo_server}/theorie_du_changement")
    page.get_by_role("heading", name="Théorie du changement").wait_for(timeout=30_000)
    page.get_by_text("Jeunes touchés").first.wait_for()
    page.goto(f"{demo_server}/catalogue")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    page.get_by_label("Rechercher").fill("brevet")
    page.get_by_label("Rechercher").press("Enter")
    page.get_by_text("2 indicateur(s) trouvé(s)").wait_for(timeout=15_000)
    page.goto(f"{demo_server}/catalogue?lang=en")
    page.get_by_role("heading", name="Common indicator catalogue").wait_for(timeout=30_000)
    page.close()


def test_closed_initiative_shows_no_data_on_any_url(browser: Browser, closed_server: str) -> None:
    for path in ("/theorie_du_changement", "/catalogue", "/"):
        page = browser.new_page()
        page.goto(f"{closed_server}{path}")
        page.get_by_text("Connexion requise").first.wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "Jeunes touchés" not in body and "jeunes-touches" not in body
        page.close()


def test_upload_a_faulty_workbook_then_the_corrected_one(
    browser: Browser, demo_server: str, tmp_path: Path
) -> None:
    from tests.workbooks import write_workbook

    header = ["Indicateur", "Collège", "Période", "Valeur"]
    faulty = write_workbook(
        tmp_path / "bilan-faux.xlsx",
        {
            "Bilan": [
                header,
                ["Visites entreprises", "0950002L", "T1 2024-2025", "beaucoup"],
            ]
        },
    )
    fixed = write_workbook(
        tmp_path / "bilan-corrige.xlsx",
        {
            "Bilan": [
                header,
                ["Visites entreprises", "0950002L", "T1 2024-2025", 7],
            ]
        },
    )
    page = browser.new_page()
    page.goto(f"{demo_server}/deposer")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    page.get_by_label("Organisation qui dépose").click()
    page.get_by_role("option", name="Transports Valmont").click()
    page.get_by_text("Aucun dépôt pour l'instant.").wait_for(timeout=15_000)
    page.locator("input[type=file]").set_input_files(str(faulty))
    page.get_by_text("Ce fichier a des erreurs").wait_for(timeout=30_000)  # the table is a canvas
    assert page.get_by_role("button", name="Télécharger le classeur annoté").count() == 1
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=30_000)
    # the history table is drawn on a canvas; its cells exist for screen readers
    page.locator("[role=gridcell]", has_text="bilan-corrige.xlsx").last.wait_for(state="attached")
    page.close()
