"""Streamlit glue shared by the pages: the guard, the language switch, the store handle.

Every page starts with `viewer, store, lang = ui.guard("page-key")`: a page can be run by
URL on a freshly started server before `app.py` has run, so it never relies on the router.
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

import web
from indicators.access import accounts, devices, sessions, tickets
from indicators.access.accounts import Account, Security
from indicators.access.viewer import Viewer, can_view, reserved_sentence
from indicators.common import address
from indicators.common.i18n import LANGUAGES, t
from indicators.common.problems import DefinitionError
from indicators.definition.model import Definition
from indicators.demo import (
    DEMO_PASSWORD,
    demo_accounts,
    demo_loading,
    demo_progress,
    demo_unfinished,
    demo_wanted,
    ensure_demo_store,
)
from indicators.ingest import template
from indicators.ingest.scratch import Scratch
from indicators.store.database import Store, StoreError, data_dir, default_db_path, is_lake
from indicators.store.setup import ensure_store
from indicators.store.stored import stored_definition
from indicators.views import figure_locale

log = logging.getLogger("mesure.ui")


@st.cache_resource(show_spinner=False)
def _store(db: str, folder: str) -> Store:
    return ensure_store(Path(db), Path(folder))


# the key of an indicator's "values behind the figure" box on Théorie du changement, followed by
# the indicator's code: open (True) or not, read only while it is open
TRACE = "trace_"
LANG = "_mesure_lang"  # the language chosen in this tab, kept across pages


def current_lang() -> str:
    """The interface language: the `lang` URL parameter, else the one chosen earlier in this
    session, French by default. The choice is kept for the session and put back in the URL
    (a menu link or a redirect that dropped it does not lose it)."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        lang = asked
    else:
        kept = st.session_state.get(LANG)
        lang = kept if kept in LANGUAGES else "fr"
    st.session_state[LANG] = lang
    if lang != "fr" and asked != lang:
        st.query_params["lang"] = lang
    elif lang == "fr" and asked is not None:
        del st.query_params["lang"]  # French is the default: no parameter, like any other link
    return lang


def language_params() -> dict[str, str] | None:
    """The URL parameters that keep the language across a page switch (none for French)."""
    lang = current_lang()
    return {"lang": lang} if lang != "fr" else None


def address_params() -> dict[str, str]:
    """The URL's parameters (the view a link was sent with, and the language), to carry across
    a switch to the page the address named: a link to a view stays that view."""
    return {**st.query_params.to_dict(), **(language_params() or {})}


def url_index(name: str, options: Sequence[str], default: str) -> int:
    """For a select box: the position in `options` of the choice the address holds under
    `name`, else of `default` (a value not offered gives way to it)."""
    return address.index(st.query_params.to_dict(), name, options, default)


def url_value(name: str, options: Sequence[str], default: str) -> str:
    """For a segmented control: the choice the address holds under `name`, else `default`."""
    return address.choice(st.query_params.to_dict(), name, options, default)


def url_values(name: str, options: Sequence[str]) -> list[str]:
    """For a multiselect: the choices the address holds under `name` that are offered."""
    return address.choices(st.query_params.to_dict(), name, options)


def url_text(name: str) -> str:
    """For a text box: the words the address holds under `name` ('' when none)."""
    return address.text(st.query_params.to_dict(), name)


def url_switch(name: str) -> bool:
    """For a toggle: whether the address holds it on."""
    return address.switch(st.query_params.to_dict(), name)


def keep_in_url(
    name: str, value: str | Sequence[str] | bool | None, default: str | bool = ""
) -> None:
    """Put a page's choice in the address under `name` (left out when it is the default), so
    that the page reloaded, bookmarked or sent opens on it."""
    text = address.param(value, default)
    if text is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != text:
        st.query_params[name] = text


def language_switch() -> str:
    """Draw the FR/EN switch in the sidebar; keep the choice for the session and in the URL;
    return it."""
    lang = current_lang()
    chosen = st.sidebar.segmented_control(
        t("app.language", lang),
        options=list(LANGUAGES),
        default=lang,
        format_func=str.upper,
        key="lang_switch",
    )
    if chosen and chosen != lang:
        st.session_state[LANG] = chosen
        if chosen == "fr":
            del st.query_params["lang"]
        else:
            st.query_params["lang"] = chosen
        st.rerun()
    return lang


def _stop_on_definition(exc: DefinitionError, lang: str) -> None:
    """Show every problem of a refused definition and stop the page."""
    st.error(t("app.definition_error", lang))
    st.code("\n".join(p.message(lang) for p in exc.problems), language=None)
    st.stop()


def _build_demo(db: Path, folder: Path, lang: str) -> None:
    """Build the demo store through the ingest pipeline, with a progress bar (first start)."""
    bar = st.progress(0.0, text=t("app.demo_building", lang))

    def progress(done: int, total: int, label: str) -> None:
        text = t("app.demo_progress", lang, done=done + 1, total=total, file=label)
        bar.progress(min(1.0, done / total) if total else 1.0, text=text if label else None)

    # The server started the build as it started (serve.py): follow it until the store is
    # open (its definition and accounts in place), then open the store.
    while (running := demo_progress(db)) is not None:
        if demo_loading(db) is not None:
            bar.empty()
            return
        if running[1]:  # the files are planned
            progress(*running)
        time.sleep(0.25)
    ensure_demo_store(db, folder, progress)  # one build at a time: the others wait, then open
    bar.empty()


# Pages that write into the store: closed while the demo's files are still being sent into it.
WRITING_PAGES = frozenset({"upload", "sync", "synthesis", "admin"})  # sync: reviews
# the pages that read the figures and reports the store keeps, made again after each upload
FIGURE_PAGES = frozenset({"theory", "sync", "coordination", "data", "quality", "synthesis"})


def demo_banner(lang: str, page: str = "") -> None:
    """While the demo store opened early is still loading (first start of a server): say so,
    and how far it is, on every page; a page that writes into the store waits for the end."""
    running = demo_loading(default_db_path())
    if running is None:
        return
    done, total, _ = running
    if total and done >= total:
        st.info(t("app.demo_reviewing", lang, total=total))
    else:
        st.info(t("app.demo_loading", lang, done=done, total=total))
    if page in WRITING_PAGES:
        st.warning(t("app.demo_closed", lang))
        st.stop()


def open_store(lang: str) -> Store:
    """The initiative's store, created from data/ on first start; stops the page on failure.

    On the first start of a demo initiative, the store is the demo store: partner workbooks
    generated and sent through the ingest pipeline, under a progress bar.
    """
    db, folder = default_db_path(), data_dir()
    try:
        if not is_lake(db) and (not db.exists() or demo_unfinished(db)) and demo_wanted(folder):
            _build_demo(db, folder, lang)
        with st.spinner("…"):
            return _store(str(db), str(folder))
    except DefinitionError as exc:
        _stop_on_definition(exc, lang)
    except StoreError as exc:
        failure(exc, lang)
        st.stop()
    raise AssertionError("unreachable")


def failure(exc: Exception, lang: str) -> None:
    """Say in a sentence that the page failed, with a reference that the server's log holds
    beside the traceback: a user never sees a traceback nor a path of the server."""
    if os.environ.get("MESURE_RAISE_ERRORS") == "1":  # the tests see the error itself
        raise exc
    reference = secrets.token_hex(4)
    log.error("page failed, reference %s", reference, exc_info=exc)
    busy = isinstance(exc, StoreError)
    st.error(t("app.store_busy" if busy else "app.unexpected", lang, ref=reference))


@contextmanager
def saving(lang: str) -> Iterator[None]:
    """A write a person asked for; when the store could not save it (busy with other servers'
    writes or a backup: StoreError, nothing written), say so in a sentence under the button,
    with a reference that the server's log holds, and leave the page as it was, to try again
    (a failed page would have to be reloaded, and a file chosen again)."""
    try:
        yield
    except StoreError as exc:
        reference = secrets.token_hex(4)
        log.warning("write not saved, reference %s", reference, exc_info=exc)
        st.error(t("app.not_saved", lang, ref=reference))


TOKEN = "_mesure_token"  # this browser tab's session cookie value, once known
TICKET = "_mesure_ticket"  # a sign-in ticket for the page to redeem (under serve.py)
CLEAR_COOKIE = "_mesure_clear_cookie"  # the session cookie to clear after a logout (serve.py)
FAILED = "connexion"  # URL parameter (`connexion=echec`) of a page whose ticket was refused
REJECTED = "_mesure_rejected"  # a cookie already refused: not checked (nor audited) again
ENDED = "_mesure_ended"  # why this tab's session just expired
ROUTED = "_mesure_routed"  # the router (app.py) ran in this tab
WANTED = "_mesure_wanted"  # the page a tab asked for before the router ever ran
RESOLVED = "_mesure_resolved"  # the router's check of this run's session, for the page to use
REFUSED = (
    "_mesure_refused"  # (page key, title) of a page asked for by URL that the viewer may not open
)
HOME = "catalogue"  # the page a signed-in viewer lands on
# Page key -> its file, in the order of the menu. app.py registers them.
PAGE_FILES = {
    "catalogue": "pages/catalogue.py",
    "theory": "pages/theorie_du_changement.py",
    "upload": "pages/deposer.py",
    "data": "pages/donnees.py",
    "sync": "pages/synchronisation.py",
    "coordination": "pages/coordination.py",
    "explorer": "pages/explorateur.py",
    "synthesis": "pages/synthese.py",
    "quality": "pages/qualite.py",
    "audit": "pages/journal.py",
    "admin": "pages/administration.py",
}
EXPIRED = ("idle", "absolute")


def behind_launcher() -> bool:
    """True when the app runs under serve.py (its routes set the HttpOnly cookies)."""
    return web.launched(st.context.headers)


def client_address() -> str:
    """The address of the browser, for throttling and the audit log ('' when unknown).

    Under serve.py, the address of the connection, as its middleware saw it (a proxy's
    X-Forwarded-For counts only from FORWARDED_ALLOW_IPS); without it, Streamlit's, which is
    None on loopback; AppTest has none."""
    headers = st.context.headers
    if web.launched(headers):
        return headers.get(web.CLIENT_HEADER, "")
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


def sso_configured() -> bool:
    """True when an OIDC provider is configured in Streamlit's secrets (`[auth]`)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def sso_email() -> str:
    """The e-mail of the person signed in through `st.login`, '' when nobody is."""
    if not sso_configured() or not st.user.is_logged_in:
        return ""
    return str(st.user.get("email") or "")


def _post(path: str, body: dict[str, str] | None, then: str) -> None:
    """Run a same-origin POST to one of serve.py's routes from the page, then `then` (JS run
    with `ok`, whether the route said yes). The page's script never sees a session token:
    the answer sets or clears the cookie HttpOnly."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    url = json.dumps(("/" + base if base else "") + path)
    payload = json.dumps(json.dumps(body or {}))
    st.html(
        "<script>(async () => { let ok = false; try {"
        f" const answer = await fetch({url}, {{method: 'POST', credentials: 'same-origin',"
        f" cache: 'no-store', headers: {{'Content-Type': 'application/json',"
        f" '{web.CSRF_HEADER}': '1'}}, body: {payload}}}); ok = answer.ok;"
        f" }} catch (error) {{}} {then} }})();</script>",
        unsafe_allow_javascript=True,
    )


def _redeem(ticket: str, lang: str) -> None:
    """Hand the sign-in ticket to serve.py, which sets the session cookie; then load the page
    again, so that its new connection carries the cookie (or says the sign-in failed)."""
    st.info(t("login.opening", lang), icon=":material/hourglass_top:")
    _post(
        web.SESSION_PATH,
        {"ticket": ticket},
        "const url = new URL(window.location.href);"
        f" if (ok) url.searchParams.delete('{FAILED}'); else url.searchParams.set('{FAILED}', 'echec');"
        " window.location.replace(url.toString());",
    )
    st.stop()


def _sign_in(store: Store, account: Account, via: str) -> None:
    """Under serve.py: a ticket the page redeems for an HttpOnly cookie. Without it: a session
    held by this tab alone (no script ever writes a cookie)."""
    client = client_address()
    if behind_launcher():
        st.session_state[TICKET] = tickets.issue(store, account, via, client)
    else:
        log.warning(
            "%s signed in for this browser tab only: the app runs without serve.py, which"
            " alone sets the HttpOnly session cookie (uv run streamlit run serve.py).",
            account.username,
        )
        st.session_state[TOKEN] = sessions.open_session(store, account, via, client)
    st.rerun()


def routed_viewer(store: Store) -> sessions.Resolved:
    """The router's own check of the session, handed to the page of the same run (one check
    a run, not two)."""
    st.session_state[RESOLVED] = resolved = _check_session(store)
    return resolved


def current_viewer(store: Store) -> sessions.Resolved:
    """Who is looking: what the router found in this run, else a check of its own (a page
    run without the router)."""
    handed: sessions.Resolved | None = st.session_state.pop(RESOLVED, None)
    return handed if handed is not None else _check_session(store)


def _check_session(store: Store) -> sessions.Resolved:
    """This tab's session, else the browser's cookie (nobody otherwise; single sign-on goes
    through the sign-in form)."""
    token = st.session_state.get(TOKEN)
    if token is None:
        cookie = st.context.cookies.get(sessions.COOKIE)
        if isinstance(cookie, str) and cookie != st.session_state.get(REJECTED):
            token = cookie
    resolved = sessions.resolve(store, token)
    if resolved.viewer is not None:
        st.session_state[TOKEN] = token
        return resolved
    st.session_state.pop(TOKEN, None)
    if token:
        st.session_state[REJECTED] = token
    if resolved.reason in EXPIRED:
        st.session_state[ENDED] = resolved.reason  # said once on the sign-in form
    if resolved.via == "sso" and resolved.reason in EXPIRED and sso_configured():
        st.logout()  # or the identity provider's cookie would sign the person in again
    return resolved


def login_form(store: Store, lang: str) -> None:
    """The sign-in form (and single sign-on when configured); no data is shown with it."""
    security = Security.from_env()
    ticket = st.session_state.pop(TICKET, None)
    if ticket:
        _redeem(ticket, lang)
    if st.session_state.pop(CLEAR_COOKIE, False):
        # the form only once the cookie is cleared, on the page loaded again: a sign-in made
        # while this answer was on its way would otherwise have its new cookie cleared by it
        # (and be shown the form again)
        _post(web.LOGOUT_PATH, None, "window.location.reload();")
        st.stop()
    st.title(t("login.title", lang))
    ended = st.session_state.pop(ENDED, None)
    if ended in EXPIRED:
        st.info(t(f"login.expired_{ended}", lang))
    failed = st.query_params.get(FAILED) == "echec"
    if failed:
        st.error(t("login.ticket_failed", lang))
        del st.query_params[FAILED]
    email = sso_email()
    if email and not failed:
        account = accounts.account_for_email(store, email)
        if account is not None:
            _sign_in(store, account, "sso")
        if st.session_state.get("_sso_refused") != email:  # audited once, not on every rerun
            st.session_state["_sso_refused"] = email
            store.audit(
                email, "login.failure", email, client=client_address(), reason="sso_unknown"
            )
        st.error(t("login.sso_unknown", lang, email=email))
        st.button(t("login.sso_logout", lang), on_click=st.logout)
        st.stop()
    st.caption(t("login.intro", lang))
    with st.form("login"):
        username = st.text_input(t("login.username", lang), autocomplete="username")
        password = st.text_input(
            t("login.password", lang), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if submitted:
        device = st.context.cookies.get(devices.COOKIE)
        login = accounts.authenticate(
            store, username, password, client_address(), security, device=device
        )
        if login.account is not None:
            _sign_in(store, login.account, "password")
        elif login.retry_after is not None:
            minutes = max(1, math.ceil(login.retry_after.total_seconds() / 60))
            st.error(t("login.throttled", lang, minutes=minutes))
        else:
            st.error(t("login.refused", lang))
    if sso_configured():
        st.button(t("login.sso", lang), on_click=st.login, icon=":material/key:")
    initiative = store.initiative()
    if initiative is not None and initiative["demo"]:
        with st.expander(t("login.demo", lang)):
            st.markdown(t("login.demo_intro", lang, password=DEMO_PASSWORD))
            demo = demo_accounts(definition(lang))
            table(
                {
                    t("login.username", lang): [a[0] for a in demo],
                    t("column.type", lang): [t(f"role.{a[1]}", lang) for a in demo],
                    t("column.organisation", lang): [a[3] for a in demo],
                }
            )


def _logout(store: Store) -> None:
    """End the session in the store; under serve.py, the page then clears its cookie."""
    sessions.close_session(store, st.session_state.pop(TOKEN, None))
    if behind_launcher():
        st.session_state[CLEAR_COOKIE] = True


def _watch_session(store: Store) -> None:
    """Check the session every little while without counting it as a use: a tab left open
    falls back to the sign-in form when its session expires, rather than keep showing data."""
    every = max(5.0, min(60.0, Security.from_env().idle.total_seconds() / 4))

    @st.fragment(run_every=every)
    def watch() -> None:
        resolved = sessions.resolve(store, st.session_state.get(TOKEN), touch=False)
        if resolved.viewer is None:
            if resolved.reason in EXPIRED:
                st.session_state[ENDED] = resolved.reason
            st.rerun(scope="app")

    watch()


def _account_box(store: Store, viewer: Viewer, lang: str) -> None:
    box = st.sidebar.container(border=True)
    box.markdown(t("login.signed_in", lang, name=viewer.display_name))
    names = {o.code: o.name for o in definition(lang).organisations}
    organisation = names.get(viewer.organisation or "", viewer.organisation or "")
    shown = [t(f"role.{viewer.role}", lang)]
    if organisation and organisation != viewer.display_name:  # the organisation by its name
        shown.append(organisation)
    box.caption(" · ".join(shown))
    box.button(
        t("login.logout", lang),
        on_click=_logout,
        args=(store,),
        icon=":material/logout:",
        key="logout",
    )


def through_the_router(page: str) -> None:
    """Send a page opened by URL before the router ever ran through app.py, which opens it.

    On a freshly started server Streamlit serves pages/ by itself until some tab has run
    st.navigation: such a tab would have neither the menu nor the layout. Where there is no
    router to go through (a page tested alone), the page goes on; its guard still holds.
    """
    if st.session_state.get(ROUTED):
        return
    st.session_state[WANTED] = PAGE_FILES.get(page)
    try:
        st.switch_page("app.py", query_params=address_params())
    except StreamlitAPIException:
        st.session_state.pop(WANTED, None)


def refuse(page: str, lang: str) -> None:
    """A signed-in viewer asked for `page`, which they may not open: through the router, their
    home page, saying to whom the page is reserved; a page run alone says it refuses."""
    if st.session_state.get(ROUTED) and page != HOME:
        st.session_state[REFUSED] = (page, t(f"nav.{page}", lang))
        try:
            st.switch_page(PAGE_FILES[HOME], query_params=language_params())
        except StreamlitAPIException:
            st.session_state.pop(REFUSED, None)
    st.error(t("app.no_viewer", lang))
    st.stop()


def guard(page: str) -> tuple[Viewer, Store, str]:
    """Resolve the viewer and stop the page unless they may open `page`.

    Nobody signed in: the sign-in form, and nothing else. Signed in without the right:
    a refusal. A page can be run by URL before the router ever ran, so each page calls this.
    """
    through_the_router(page)
    lang = language_switch()
    store = open_store(lang)
    resolved = current_viewer(store)
    viewer = resolved.viewer
    if viewer is None:
        demo_banner(lang)
        login_form(store, lang)
        st.stop()
    assert viewer is not None
    _account_box(store, viewer, lang)
    _watch_session(store)
    if not can_view(viewer, page):
        refuse(page, lang)
    refused = st.session_state.pop(REFUSED, None)
    if refused is not None:
        st.warning(reserved_sentence(refused[0], refused[1], lang), icon=":material/block:")
    demo_banner(lang, page)
    if page in FIGURE_PAGES and store.behind():  # an upload's figures are being made
        with st.spinner(t("app.figures_catching_up", lang)):
            store.catch_up()
    return viewer, store, lang


def chart(lang: str, figure: Any, where: Any = None, **options: Any) -> Any:
    """st.plotly_chart of `figure` with its numbers and dates written the way `lang` writes
    them, and its period codes as their labels (figure_locale.localise); `where`: a column or
    container, the page by default."""
    localised = figure_locale.localise(figure, lang, _period_labels(lang))
    return (where or st).plotly_chart(localised, **options)


def _period_labels(lang: str) -> dict[str, str]:
    """The initiative's period labels in `lang` by code; none while it has no definition."""
    try:
        periods = stored_definition(open_store(lang)).periods
    except DefinitionError:
        return {}
    return {p.code: p.label_en if lang == "en" else p.label_fr for p in periods}


def table(columns: Mapping[str, Iterable[object]]) -> None:
    """Draw a read-only table from {column title: values}, full width, without index."""
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")


# Streamlit 1.67's uploader draws its own English words ("Upload", "200MB per file", "Drag
# and drop a file here") and has no parameter nor locale setting for them (streamlit issue
# 13500): they are hidden, or replaced through CSS, and the French says the same in a caption.
_UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button > * {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: {button}; }}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span::after {{
  content: {drop}; font-size: 0.875rem; }}
</style>"""


def file_uploader(
    label: str, lang: str, types: list[str], *, key: str, multiple: bool = False
) -> Any:
    """st.file_uploader with its browser words in `lang`, and what it takes said in a caption
    (the file types, the size limit of the server)."""
    st.html(
        _UPLOADER_CSS.format(
            button=json.dumps(t("uploader.button", lang), ensure_ascii=False),
            drop=json.dumps(t("uploader.drop", lang), ensure_ascii=False),
        )
    )
    uploaded = st.file_uploader(label, type=types, accept_multiple_files=multiple, key=key)
    limit = int(st.get_option("server.maxUploadSize"))
    st.caption(
        t(
            "uploader.caption",
            lang,
            types=", ".join(f".{kind}" for kind in types),
            limit=limit,
        )
    )
    return uploaded


def definition(lang: str) -> Definition:
    """The initiative definition held by the store (what uploads are checked against, read
    once per save of the definition); stops the page on failure."""
    try:
        return stored_definition(open_store(lang))
    except DefinitionError as exc:
        _stop_on_definition(exc, lang)
    raise AssertionError("unreachable")


def keep_upload(name: str, data: bytes) -> Path:
    """A private copy of an uploaded file for this session (the page reads it twice), removed
    with the session."""
    folder = st.session_state.get("_upload_dir")
    if not isinstance(folder, Scratch):
        folder = Scratch()
        st.session_state["_upload_dir"] = folder
    return folder.keep(name, data)


@st.cache_data(show_spinner=False, max_entries=64)
def _template_bytes(organisation: str, _definition: Definition, saved_at: object) -> bytes:
    return template.template_bytes(_definition, organisation)


def template_bytes(organisation: str, lang: str) -> bytes:
    """The organisation's pre-filled template from the store's definition, as .xlsx bytes
    (made again when the definition is saved)."""
    store = open_store(lang)
    return _template_bytes(organisation, definition(lang), store.definition_saved_at())
