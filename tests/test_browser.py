"""Real-browser journeys: Playwright driving Debian's chromium against a live server, started
as the README says (`streamlit run serve.py`: the app with its HttpOnly cookie routes).

Skipped where /usr/bin/chromium is absent (a newcomer's machine); CI installs it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from indicators.access.devices import COOKIE as DEVICE_COOKIE
from indicators.access.sessions import COOKIE
from indicators.ingest import scratch
from indicators.store.database import Store
from indicators.store.setup import init_store
from tests import servers
from tests.conftest import LIGHT_ARGON2, PASSWORD, copy_definition, open_accounts
from tests.stored import reported

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Cookie, Locator, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
PAGE_URLS = ("/catalogue", "/theorie_du_changement", "/deposer", "/donnees", "/journal", "/")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _serve(
    tmp: Path, demo: bool, prepare: Callable[[Store], None] | None = None, **env_more: str
) -> Iterator[str]:
    data = copy_definition(tmp / "definition")
    if not demo:
        path = data / "initiative.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("demo: true", "demo: false"), encoding="utf-8"
        )
    # The store and its accounts exist before the server starts; it holds no upload yet.
    store, _ = init_store(tmp / "live.duckdb", data, actor="test")
    open_accounts(store)
    if prepare is not None:
        prepare(store)
    own_tmp = tmp / "server-tmp"  # the server's temporary files, looked at once it stopped
    own_tmp.mkdir()
    env = {
        **os.environ,
        **LIGHT_ARGON2,
        "MESURE_DB": str(store.path),
        "MESURE_DATA": str(data),
        "MESURE_DEMO_BUILD": "0",
        "TMPDIR": str(own_tmp),
        **env_more,
    }
    server, url = servers.launch(env)
    try:
        servers.wait_healthy(server, url)
        yield url
    finally:
        servers.stop(server)
    # stopped as systemd stops it (SIGTERM): no partner's uploaded file is left behind
    assert not list(own_tmp.glob(f"{scratch.PREFIX}*")), list(own_tmp.rglob("*"))


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, demo=True)


@pytest.fixture
def closed_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, demo=False)


@pytest.fixture
def hasty_server(tmp_path: Path) -> Iterator[str]:
    """Sessions end after 4 seconds without use."""
    yield from _serve(tmp_path, demo=False, MESURE_IDLE_MINUTES=str(4 / 60))


@pytest.fixture(scope="module")
def reported_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Visits reported by three organisations for 2024-2025 (see test_app.reported).

    One server for the module's tests that read them: they change nothing another reads
    (one saves an explorer view, and no other test lists them)."""
    yield from _serve(tmp_path_factory.mktemp("reported"), demo=False, prepare=reported)


@pytest.fixture(scope="module")
def signing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server without uploads, for the module's tests of signing in, cookies, language and
    downloads: each signs in and out its own browser context and changes no data, so they share
    it (the first request of a fresh server is tested on `closed_server`)."""
    yield from _serve(tmp_path_factory.mktemp("signing"), demo=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_role("textbox", name="Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def settled(page: Page, act: Callable[[], None]) -> None:
    """Do `act`, then wait until the script run it started has finished (so that the next
    action cannot interrupt it). Any change of the app's run state counts as the run: a short
    run goes from running to notRunning before the observer's callback reads the state."""
    page.evaluate(
        """() => { const app = document.querySelector('[data-testid=stApp]');
        window.__ran = false;
        if (window.__watch) window.__watch.disconnect();
        window.__watch = new MutationObserver((records) => {
            if (records.some((r) => r.attributeName === 'data-test-script-state'))
                window.__ran = true; });
        window.__watch.observe(app, {attributes: true}); }"""
    )
    act()
    page.wait_for_function(
        "() => window.__ran && document.querySelector('[data-testid=stApp]')"
        ".dataset.testScriptState === 'notRunning'",
        timeout=30_000,
    )


def signed_in_as(page: Page, name: str) -> None:
    page.get_by_text(f"Connecté·e : {name}").wait_for(timeout=30_000)


def choose(page: Page, box: Locator, option: str, *, exact: bool = False) -> None:
    """Open the select `box` and click `option` in its list. A click on a select just after
    another list closed, or while the page redraws, may only focus it (1 run in 4 or 5 of the
    explorer's journey left "Lignes" focused with its list shut): a person clicks again; here
    the list is opened with a key."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    wanted = page.get_by_role("option", name=option, exact=exact)
    box.click()
    try:
        wanted.wait_for(timeout=5_000)
    except PlaywrightTimeoutError:
        page.keyboard.press("ArrowDown")
    wanted.click()


def session_cookie(context: BrowserContext) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), "")


def cookie_set(context: BrowserContext, name: str = COOKIE, present: bool = True) -> Cookie | None:
    """The browser's cookie `name` once it is there (or None once it is gone), within 15 s."""
    deadline = time.monotonic() + 15
    while True:
        found = next((c for c in context.cookies() if c["name"] == name), None)
        if (found is not None) == present:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"cookie {name} {'never set' if present else 'never cleared'}")
        time.sleep(0.2)


def test_an_anonymous_visitor_of_every_page_url_on_a_fresh_server_sees_only_the_sign_in(
    browser: Browser, closed_server: str
) -> None:
    # The very first request of this server is a deep link to a page, not to the router.
    for path in PAGE_URLS:
        page = browser.new_page()
        page.goto(f"{closed_server}{path}")
        page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
        page.get_by_label("Mot de passe").wait_for()
        body = page.inner_text("body")
        for secret in ("Jeunes touchés", "jeunes-touches", "Transports Valmont", "Visites"):
            assert secret not in body, (path, secret)
        assert page.locator("[data-testid=stPageLink]").count() == 0  # no menu either
        page.close()


def test_sign_in_survives_reload_new_tab_and_deep_link_until_logout(
    browser: Browser, signing_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    # The server's very first request: a deep link, before signing in.
    page.goto(f"{signing_server}/donnees")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Données").wait_for(timeout=30_000)  # the page asked for
    signed_in_as(page, "Éva Luation")
    assert page.url.endswith("/donnees")
    # through the router, even on a fresh server: the menu of the role is there
    page.get_by_role("link", name="Journal d'audit").wait_for(timeout=15_000)
    cookie = cookie_set(context)
    assert cookie is not None and cookie["value"].startswith("v1.")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["expires"] > time.time() + 11 * 3600
    assert COOKIE not in page.evaluate("document.cookie")  # out of reach of the page's scripts
    page.reload()
    signed_in_as(page, "Éva Luation")
    page.goto(f"{signing_server}/catalogue")  # the first page of the menu keeps its address
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    assert "/catalogue" in page.url and page.get_by_text("Page not found").count() == 0
    other = context.new_page()  # a new tab, on a deep link
    other.goto(f"{signing_server}/journal")
    other.get_by_role("heading", name="Journal d'audit").wait_for(timeout=30_000)
    other.get_by_role("button", name="Se déconnecter").click()
    other.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    cookie_set(context, present=False)
    assert cookie_set(context, DEVICE_COOKIE) is not None  # the device stays trusted
    page.reload()  # the first tab is signed out too
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    context.close()


def test_a_tampered_or_replayed_cookie_is_refused(browser: Browser, signing_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(signing_server)
    sign_in(page, "valmont")
    signed_in_as(page, "Transports Valmont")
    cookie_set(context)
    good = session_cookie(context)
    session_id = good.split(".")[1]
    forged = good.replace(session_id, session_id[::-1])
    for value in (forged, good[:-3] + "AAA"):
        context.add_cookies([{"name": COOKIE, "value": value, "url": signing_server}])
        page.goto(f"{signing_server}/donnees")
        page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
        assert "Transports Valmont" not in page.inner_text("body")
    context.add_cookies([{"name": COOKIE, "value": good, "url": signing_server}])
    page.goto(f"{signing_server}/donnees")
    signed_in_as(page, "Transports Valmont")
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    context.add_cookies([{"name": COOKIE, "value": good, "url": signing_server}])  # replayed
    page.goto(f"{signing_server}/donnees")
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    assert "Transports Valmont" not in page.inner_text("body")
    context.close()


def test_an_idle_session_expires_and_says_so(browser: Browser, hasty_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hasty_server}/donnees")
    sign_in(page, "horizon")
    signed_in_as(page, "Fondation Horizon")
    cookie_set(context)
    # Left alone, the tab falls back to the sign-in form by itself: no data stays on screen.
    page.get_by_text("Votre session a expiré après une période d'inactivité").wait_for(
        timeout=30_000
    )
    assert page.get_by_role("heading", name="Données").count() == 0
    page.reload()  # and the cookie no longer signs anyone in
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    assert "Fondation Horizon" not in page.inner_text("body")
    context.close()


def test_a_download_url_answers_only_to_a_live_session(
    browser: Browser, signing_server: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{signing_server}/deposer")
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Télécharger le modèle pré-rempli").click()
    url = download.value.url
    assert "/media/" in url
    assert context.request.get(url).body().startswith(b"PK")  # with the session cookie
    stranger = browser.new_context()
    refused = stranger.request.get(url)  # no cookie at all
    assert refused.status == 403 and "connectez-vous" in refused.text()
    stranger.close()
    token = session_cookie(context)
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    cookie_set(context, present=False)
    assert context.request.get(url).status == 403  # after logout
    context.add_cookies([{"name": COOKIE, "value": token, "url": signing_server}])
    assert context.request.get(url).status == 403  # nor with the old cookie put back
    context.close()


@pytest.fixture
def locking_server(tmp_path: Path) -> Iterator[str]:
    """Three failures lock an account, and an address (every browser here is 127.0.0.1, as
    behind a proxy on the same host that does not forward the address)."""
    yield from _serve(tmp_path, demo=False, MESURE_MAX_FAILURES="3", MESURE_CLIENT_MAX_FAILURES="3")


def test_a_stranger_locking_the_account_does_not_lock_out_its_owners_device(
    browser: Browser, locking_server: str
) -> None:
    owner = browser.new_context()
    page = owner.new_page()
    page.goto(locking_server)
    sign_in(page, "valmont")
    signed_in_as(page, "Transports Valmont")
    assert cookie_set(owner, DEVICE_COOKIE) is not None
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    attacker = browser.new_context()
    other = attacker.new_page()
    other.goto(locking_server)
    for _ in range(3):
        settled(other, lambda: sign_in(other, "valmont", "not the password"))
        other.get_by_text("Identifiant ou mot de passe incorrect").wait_for(timeout=30_000)
    sign_in(other, "valmont")  # locked for any browser without the owner's device cookie
    other.get_by_text("Trop de tentatives échouées").wait_for(timeout=30_000)
    attacker.close()
    page.reload()
    sign_in(page, "valmont")  # the owner's browser still gets in
    signed_in_as(page, "Transports Valmont")
    owner.close()


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[str]:
    """Data to read, and pages that answer as users see them (no test-only raising)."""
    yield from _serve(tmp_path, demo=False, prepare=reported, MESURE_RAISE_ERRORS="0")


def test_four_people_loading_pages_at_once_never_see_an_error(
    browser: Browser, busy_server: str
) -> None:
    """Four signed-in people reload their pages at the same moment, round after round: every
    page is drawn, none shows a traceback or the failure sentence."""
    people = [("eva", "Éva Luation"), ("valmont", "Transports Valmont")]
    people += [("elan", "Association Élan"), ("horizon", "Fondation Horizon")]
    tabs = []
    for username, name in people:
        context = browser.new_context()
        page = context.new_page()
        page.goto(busy_server)
        sign_in(page, username)
        signed_in_as(page, name)
        tabs.append((context, page, name))
    paths = ["/theorie_du_changement", "/donnees", "/synchronisation", "/coordination"]
    for round_ in range(2):  # every page, by two different people, twice
        for k, (_, page, _) in enumerate(tabs):  # all four requests leave before any is drawn
            page.goto(f"{busy_server}{paths[(round_ + k) % len(paths)]}", wait_until="commit")
        for _, page, name in tabs:
            signed_in_as(page, name)
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stApp]')"
                "?.dataset.testScriptState === 'notRunning'",
                timeout=60_000,
            )
            body = page.inner_text("body")
            assert page.locator("[data-testid=stException]").count() == 0, body[:500]
            for sentence in ("Traceback", "Une erreur inattendue", "est occupée"):
                assert sentence not in body, (page.url, sentence)
    for context, _, _ in tabs:
        context.close()


def test_search_and_switch_language_on_the_catalogue(browser: Browser, demo_server: str) -> None:
    page = browser.new_page()
    page.goto(f"{demo_server}/catalogue?lang=en")  # signing in, in English
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    page.get_by_label("Username").fill("eva")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Common indicator catalogue").wait_for(timeout=30_000)
    page.get_by_text("Signed in: Éva Luation").wait_for()
    page.goto(f"{demo_server}/catalogue")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    page.get_by_label("Rechercher").fill("brevet")
    page.get_by_label("Rechercher").press("Enter")
    page.get_by_text("2 indicateur(s) trouvé(s)").wait_for(timeout=15_000)
    page.close()


def test_the_sign_in_form_comes_back_only_once_the_logout_cleared_the_cookie(
    browser: Browser, signing_server: str
) -> None:
    """The logout's cookie is cleared by a request of the page. Were the form shown before its
    answer came, a sign-in made meanwhile could have its new cookie cleared by that answer, and
    be shown the form again: the form waits for it."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(signing_server)
    sign_in(page, "eva")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    held: list[Route] = []
    page.route(
        "**/mesure/logout", lambda route: held.append(route)
    )  # its answer delayed, as on a busy server
    page.get_by_role("button", name="Se déconnecter").click()
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert held, "the page never asked to clear its cookie"
    page.wait_for_function(  # the run that asked it has ended, with whatever it drew
        "() => document.querySelector('[data-testid=stApp]')"
        ".dataset.testScriptState === 'notRunning'",
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    assert page.get_by_role("heading", name="Connexion").count() == 0  # no form yet
    assert cookie_set(context) is not None
    held[0].continue_()
    page.get_by_role("heading", name="Connexion").wait_for(timeout=30_000)
    cookie_set(context, present=False)
    sign_in(page, "eva")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    assert cookie_set(context) is not None
    context.close()


def test_english_is_kept_across_the_menu_and_a_reload(
    browser: Browser, signing_server: str
) -> None:
    """Chosen once, English stays on every page opened from the menu, in the address too, and
    after a reload of the page."""
    page = browser.new_page()
    page.goto(signing_server)
    sign_in(page, "eva")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    page.get_by_role("radio", name="EN", exact=True).click()  # the FR/EN switch
    page.get_by_role("heading", name="Common indicator catalogue").wait_for(timeout=30_000)
    in_english = "() => location.search.includes('lang=en')"  # page.url lags behind
    page.wait_for_function(in_english, timeout=15_000)
    for link, heading in (
        ("Theory of change", "Theory of change"),
        ("Upload", "Upload workbooks"),
        ("Audit log", "Audit log"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
        page.wait_for_function(in_english, timeout=15_000)
        page.get_by_text("Signed in: Éva Luation").wait_for()
    page.reload()
    page.get_by_role("heading", name="Audit log", exact=True).wait_for(timeout=30_000)
    page.wait_for_function(in_english, timeout=15_000)
    page.get_by_role("button", name="Sign out").click()  # signing out and in again, in English
    page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    page.wait_for_function(in_english, timeout=15_000)
    page.get_by_label("Username").fill("eva")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Audit log", exact=True).wait_for(timeout=30_000)
    page.wait_for_function(in_english, timeout=15_000)
    page.get_by_role("radio", name="FR", exact=True).click()
    page.get_by_role("heading", name="Journal d'audit").wait_for(timeout=30_000)
    page.get_by_role("link", name="Catalogue", exact=True).click()
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=15_000)
    page.close()


def test_the_upload_box_speaks_french(browser: Browser, signing_server: str) -> None:
    """Streamlit draws the uploader's words in English: they are replaced, and the French
    caption says which files it takes and how large."""
    page = browser.new_page()
    page.goto(f"{signing_server}/deposer")
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    box = page.get_by_test_id("stFileUploaderDropzone")
    box.wait_for(timeout=30_000)
    shown = box.evaluate("b => getComputedStyle(b.querySelector('button'), '::after').content")
    assert shown == '"Choisir un fichier"'
    assert not page.get_by_test_id("stFileUploaderDropzoneInstructions").is_visible()
    body = page.inner_text("body")
    for english in ("200MB", "per file", "Drag and drop", "Upload"):
        assert english not in body, english
    page.get_by_text("Glissez le fichier sur le cadre ou choisissez-le").wait_for()
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
    page.goto(f"{demo_server}/synchronisation")
    sign_in(page, "valmont")
    heatmap = page.locator(".js-plotly-plot").first
    heatmap.get_by_text("en retard").wait_for(timeout=30_000)  # its T1 reports never came
    assert heatmap.get_by_text("déposé").count() == 0
    page.goto(f"{demo_server}/deposer")  # a partner uploads for its own organisation
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    page.get_by_text("Transports Valmont").first.wait_for(timeout=15_000)
    page.get_by_text("Aucun dépôt pour l'instant.").wait_for(timeout=15_000)
    page.locator("input[type=file]").set_input_files(str(faulty))
    page.get_by_text("Ce fichier a des erreurs").wait_for(timeout=30_000)  # the table is a canvas
    assert page.get_by_role("button", name="Télécharger le classeur annoté").count() == 1
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=30_000)
    # the history table is drawn on a canvas; its cells exist for screen readers
    page.locator("[role=gridcell]", has_text="bilan-corrige.xlsx").last.wait_for(state="attached")
    page.get_by_role("link", name="Synchronisation").click()  # its cell in the heatmap changed
    heatmap = page.locator(".js-plotly-plot").first
    heatmap.get_by_text("déposé en retard").wait_for(timeout=30_000)  # after its due date
    assert heatmap.get_by_text("en retard", exact=True).count() == 0
    page.close()


def test_open_a_node_of_the_theory_of_change_and_see_its_curve(
    browser: Browser, reported_server: str
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{reported_server}/theorie_du_changement")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Théorie du changement").wait_for(timeout=30_000)
    graph = page.locator(".js-plotly-plot").first
    graph.locator("path.point").first.wait_for(timeout=30_000)
    # the point of node ACT-VISITES: its trace and index, read from the figure's own data
    where = graph.evaluate(
        """gd => { for (const [t, trace] of gd.data.entries()) {
                     const i = (trace.customdata || []).indexOf('ACT-VISITES');
                     if (i >= 0) return [t, i]; } return null; }"""
    )
    assert where is not None
    trace, index = where
    graph.locator(".scatterlayer .trace").nth(trace).locator("path.point").nth(index).click(
        force=True
    )
    page.get_by_role("heading", name="Visites d'entreprise · Activité").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Visites d'entreprise organisées").wait_for()
    curve = page.locator(".js-plotly-plot").nth(1)
    curve.locator(".legendtext", has_text="Valeur").wait_for(timeout=30_000)
    assert curve.locator(".scatterlayer path.point").count() >= 1  # the 2024-2025 point
    page.get_by_text("15", exact=True).first.wait_for()  # the year's figure
    # where the figure comes from: read when its box is opened, then shown in it
    box = page.locator("[data-testid=stExpander]", has_text="D'où vient ce chiffre ?").first
    assert box.locator("[data-testid=stDataFrame]").count() == 0
    box.get_by_text("D'où vient ce chiffre ?").click()
    box.locator("[data-testid=stDataFrame]").first.wait_for(timeout=30_000)
    page.close()


def test_filter_the_coordination_matrix_by_territory(
    browser: Browser, reported_server: str
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{reported_server}/coordination")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Coordination des actions").wait_for(timeout=30_000)
    matrix = page.locator(".js-plotly-plot").first
    matrix.locator(".heatmaplayer").wait_for(timeout=30_000)
    assert matrix.evaluate("gd => gd.data[0].y") == ["Territoire Nord"]
    territory = page.locator("[data-testid=stSelectbox]").nth(1)  # year, territory, type
    choose(page, territory, "Territoire Nord")
    two_rows = (
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return gd && gd.data && gd.data[0].y.length === 2; }"
    )
    page.wait_for_function(two_rows, timeout=30_000)
    rows = page.locator(".js-plotly-plot").first.evaluate("gd => gd.data[0].y")
    assert rows == ["Collège des Tilleuls", "Collège du Moulin"]
    # the territory chosen is in the address: reloaded, the page opens on it
    page.wait_for_function("() => location.search.includes('territory=T-NORD')", timeout=30_000)
    page.reload()
    page.get_by_role("heading", name="Coordination des actions").wait_for(timeout=30_000)
    page.wait_for_function(two_rows, timeout=30_000)
    page.close()


def _published(store: Store) -> None:
    """Accepted values and a publication of 2024-2025 (see test_synthesis)."""
    import datetime as dt

    from indicators.analytics import synthesis
    from tests.conftest import EVALUATOR

    reported(store, status="accepted")
    synthesis.publish(store, EVALUATOR, "2024-2025", dt.date(2025, 10, 1))


@pytest.fixture
def published_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, demo=False, prepare=_published)


def test_a_funder_downloads_the_funder_pack(
    browser: Browser, published_server: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{published_server}/synthese")
    sign_in(page, "horizon")
    page.get_by_role("heading", name="Synthèse pour les financeurs").wait_for(timeout=30_000)
    for name, magic in (("Dossier financeur (Excel)", b"PK"), ("Rapport financeur (PDF)", b"%PDF")):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=name).click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(magic), name
        assert saved.name.startswith("mesure-commune-2024-2025-initiative-fr")
    page.close()


def test_an_evaluator_adds_a_commitment_through_excel_and_the_partner_is_asked_for_it(
    browser: Browser, closed_server: str, tmp_path: Path
) -> None:
    """Administration through Excel, end to end: download the definition workbook, add a
    commitment offline, upload it, see the difference, save with a reason; then the partner's
    Synchronisation asks for the new report and its template has the row."""
    import openpyxl

    def reminder(page: Page) -> str:
        page.goto(f"{closed_server}/synchronisation")
        page.get_by_text("Relance à envoyer").first.wait_for(timeout=30_000)
        return page.locator("[data-testid=stCode]").first.inner_text()

    partner = browser.new_context()
    elan = partner.new_page()
    elan.goto(f"{closed_server}/synchronisation")
    sign_in(elan, "elan")
    signed_in_as(elan, "Association Élan")
    cookie_set(partner)
    assert "Jeunes touchés" not in reminder(elan)

    evaluator = browser.new_context()
    page = evaluator.new_page()
    page.goto(f"{closed_server}/administration")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Administration de l'initiative").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Par Excel").click()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Télécharger la définition (Excel)").click()
    workbook = tmp_path / "definition.xlsx"
    download.value.save_as(workbook)
    book = openpyxl.load_workbook(workbook)
    book["Engagements"].append(
        ["C9", "asso-elan", "ACT-VISITES", "OUT-JEUNES", "0950001K", "3e", None, 40,
         "2024-2025", "ongoing", "jeunes-touches"]
    )  # fmt: skip
    book.save(workbook)
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_text("1 ajout(s), 0 modification(s), 0 suppression(s)").wait_for(timeout=30_000)
    page.get_by_label("Pourquoi cette modification ?", exact=False).fill("Élan rejoint les visites")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Définition enregistrée : 1 ajout(s)").wait_for(timeout=30_000)
    evaluator.close()

    assert "Jeunes touchés" in reminder(elan)  # the new report is expected, and missing
    elan.goto(f"{closed_server}/deposer")
    elan.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    with elan.expect_download(timeout=30_000) as download:
        elan.get_by_role("button", name="Télécharger le modèle pré-rempli").click()
    template = tmp_path / "modele.xlsx"
    download.value.save_as(template)
    rows = openpyxl.load_workbook(template)["Saisie"].iter_rows(values_only=True)
    assert any("jeunes-touches" in [str(v) for v in row] for row in rows)
    partner.close()


def test_a_partner_shows_the_reader_an_unknown_layout_and_the_next_file_goes_in_unasked(
    browser: Browser, closed_server: str, tmp_path: Path
) -> None:
    from tests.test_shapes import journal

    first = journal(
        tmp_path / "journal-octobre.xlsx",
        [["Collège des Tilleuls", "T1 2024-2025", 3, "deux classes"], ["0950002L", "T1 2024-2025", 5, None]],
    )  # fmt: skip
    second = journal(tmp_path / "journal-annee.xlsx", [["Collège du Moulin", "Année 2024-2025", 9, None]])  # fmt: skip
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{closed_server}/deposer")
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(first))
    page.get_by_text("Rien n'a été lu dans ce fichier").wait_for(timeout=30_000)
    page.get_by_text("Montrer au lecteur comment lire la feuille « Journal »").wait_for()

    def pick(label: str, option: str, nth: int = 0) -> None:
        choose(page, page.get_by_role("combobox", name=label).nth(nth), option, exact=True)

    # the header row proposed is the first with two filled cells
    header = page.get_by_role("combobox", name="Ligne des en-têtes")
    assert header.input_value() == "ligne 3 : Qui · Quand · Combien · Remarques"
    pick("Colonne A « Qui »", "Lieu (collège, école, site)")
    pick("Colonne B « Quand »", "Période")
    pick("Colonne C « Combien »", "Valeur")
    pick(
        "si valeurs : indicateur mesuré", "Visites d'entreprise organisées (visites-entreprise)", 2
    )
    pick("Colonne D « Remarques »", "Commentaire")
    page.get_by_role("button", name="Retenir cette lecture pour mes prochains fichiers").click()
    page.get_by_text("Lecture retenue").wait_for(timeout=30_000)
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Dépôt enregistré : 2 nouvelles valeurs").wait_for(timeout=30_000)

    # the next file, same shape: its dry run finished before its confirmation is clicked
    settled(page, lambda: page.locator("input[type=file]").set_input_files(str(second)))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=60_000)
    assert page.get_by_text("Montrer au lecteur").count() == 0
    assert page.get_by_text("Correspondances à confirmer").count() == 0
    page.close()


def test_an_explorer_view_drills_to_a_cell_and_survives_a_reload(
    browser: Browser, reported_server: str
) -> None:
    """Build a view by hand (an indicator, schools in rows), drill to the second school's
    figure down to its file and cell, then reload the address: the same view comes back."""
    page = browser.new_page()
    page.goto(f"{reported_server}/explorateur")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Explorateur").wait_for(timeout=30_000)
    picker = page.locator(".stMultiSelect").first
    picker.click()
    page.keyboard.type("Visites")
    settled(page, lambda: page.get_by_role("option").first.click())
    page.keyboard.press("Escape")
    rows = page.locator(".stSelectbox").first
    settled(page, lambda: choose(page, rows, "Collège"))
    page.wait_for_function("() => location.search.includes('rows=school')", timeout=15_000)
    assert "ind=visites-entreprise" in page.url
    drill_row = page.locator(".stSelectbox").nth(4)
    drill_row.scroll_into_view_if_needed()
    settled(page, lambda: choose(page, drill_row, "Collège du Moulin"))
    page.get_by_text("asso-elan-11.xlsx (Bilan!D2)").wait_for(timeout=15_000)
    page.wait_for_function("() => location.search.includes('drill=0950002L')", timeout=15_000)
    address = page.url
    page.reload()
    page.get_by_role("heading", name="Explorateur").wait_for(timeout=30_000)
    # the same drill-down: the figure drilled into is in the address
    page.get_by_text("asso-elan-11.xlsx (Bilan!D2)").wait_for(timeout=30_000)
    assert page.url == address
    # the indicator is chosen again, schools are the rows again
    assert "Visites" in page.locator(".stMultiSelect").first.inner_text()

    # saved under a name, then opened again from a bare explorer, and reloaded
    page.get_by_text("Vues enregistrées (0)").click()
    page.get_by_label("Nom de la vue actuelle").fill("Visites du Moulin")
    settled(page, lambda: page.get_by_role("button", name="Enregistrer la vue actuelle").click())
    page.get_by_text("Vue « Visites du Moulin » enregistrée.").wait_for(timeout=30_000)
    page.goto(f"{reported_server}/explorateur")
    page.get_by_role("heading", name="Explorateur").wait_for(timeout=30_000)
    page.get_by_text("Choisissez au moins un indicateur pour commencer.").wait_for(timeout=30_000)
    page.get_by_text("Vues enregistrées (1)").click()
    settled(page, lambda: page.get_by_role("button", name="Ouvrir").click())
    page.get_by_text("Vue « Visites du Moulin » ouverte").wait_for(timeout=30_000)
    page.get_by_text("asso-elan-11.xlsx (Bilan!D2)").wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('drill=0950002L')", timeout=15_000)
    assert "rows=school" in page.url and "ind=visites-entreprise" in page.url
    page.reload()
    page.get_by_role("heading", name="Explorateur").wait_for(timeout=30_000)
    page.get_by_text("asso-elan-11.xlsx (Bilan!D2)").wait_for(timeout=30_000)
    page.close()


def test_a_partner_sees_what_its_correction_changes_after_the_upload(
    browser: Browser, closed_server: str, tmp_path: Path
) -> None:
    """Valmont uploads a file, then a correction of one of its values: once confirmed, the
    page says which value changed, from what to what, and in which cells."""
    from tests.workbooks import write_workbook

    header = ["Indicateur", "Collège", "Période", "Valeur"]
    first = write_workbook(
        tmp_path / "bilan-v1.xlsx",
        {"Bilan": [header, ["Nb visites", "0950002L", "T1 2024-2025", 3]]},
    )
    second = write_workbook(
        tmp_path / "bilan-v2.xlsx",
        {
            "Bilan": [
                header,
                ["Nb jeunes touchés", "0950002L", "T1 2024-2025", 1204],
                ["Nb visites", "0950002L", "T1 2024-2025", 4],
            ]
        },
    )
    page = browser.new_page()
    page.goto(f"{closed_server}/deposer")
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Déposer des classeurs").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(first))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Dépôt enregistré : 1 nouvelles valeurs").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(second))
    page.get_by_role("button", name="Confirmer le dépôt").click(timeout=30_000)
    page.get_by_text("Ce que ce dépôt change").first.wait_for(timeout=30_000)
    page.get_by_text(
        "1 valeur(s) modifiée(s), 1 ajoutée(s) et 0 retirée(s) par rapport à ce qui était en"
        " vigueur après « bilan-v1.xlsx »."
    ).first.wait_for(timeout=30_000)
    page.close()


def test_the_coordination_controls_fit_a_1400_pixel_screen_and_a_forbidden_page_says_why(
    browser: Browser, reported_server: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{reported_server}/coordination")
    sign_in(page, "eva")
    page.get_by_role("heading", name="Coordination des actions").wait_for(timeout=30_000)
    for choice in ("Effets et réalisations", "Types d'action", "Tous", "En QPV", "Hors QPV"):
        button = page.locator("[data-testid=stButtonGroup] button", has_text=choice).first
        button.wait_for(timeout=30_000)
        box = button.bounding_box()
        column = button.locator("xpath=ancestor::div[@data-testid='stColumn'][1]").bounding_box()
        assert box is not None and column is not None
        right, bottom = box["x"] + box["width"], box["y"] + box["height"]
        assert box["x"] >= 0 and right <= 1400 and box["y"] >= 0 and bottom <= 900, (choice, box)
        assert right <= column["x"] + column["width"] + 1, (choice, box, column)  # not clipped
    context.close()
    partner = browser.new_context(viewport={"width": 1400, "height": 900})
    page = partner.new_page()
    page.goto(f"{reported_server}/journal")  # an evaluator's page, by its address
    sign_in(page, "valmont")
    page.get_by_role("heading", name="Catalogue des indicateurs communs").wait_for(timeout=30_000)
    page.get_by_text(
        "La page « Journal d'audit » est réservée à l'équipe d'appui (évaluation)"
    ).wait_for(timeout=30_000)
    assert page.url.split("?")[0].endswith("/catalogue")
    assert page.get_by_text("Page not found").count() == 0
    page.goto(f"{reported_server}/administration")  # signed in this time
    page.get_by_text("La page « Administration » est réservée").wait_for(timeout=30_000)
    partner.close()


def test_a_link_to_an_explorer_view_opens_that_view_after_signing_in(
    browser: Browser, reported_server: str
) -> None:
    """A view sent by link to someone not yet signed in: the sign-in form at that address,
    then the same view (its indicator, its rows, its drill-down), not a bare explorer."""
    address = f"{reported_server}/explorateur?ind=visites-entreprise&rows=school&drill=0950002L"
    page = browser.new_page()
    page.goto(address)
    sign_in(page, "eva")
    page.get_by_role("heading", name="Explorateur").wait_for(timeout=30_000)
    page.get_by_text("asso-elan-11.xlsx (Bilan!D2)").wait_for(timeout=30_000)
    assert "Visites" in page.locator(".stMultiSelect").first.inner_text()
    assert "rows=school" in page.evaluate("location.search")
    page.close()
