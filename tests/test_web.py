"""serve.py's routes and middleware over real HTTP: uvicorn, as `streamlit run serve.py` starts
it (proxy headers taken from FORWARDED_ALLOW_IPS only), in front of web.py's routes and a
stand-in for Streamlit's media and upload endpoints."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

import web
from indicators.access import accounts, devices, sessions, tickets
from indicators.store.database import Store
from tests.conftest import FAST

SAME = {web.CSRF_HEADER: "1", "Content-Type": "application/json"}


async def _media(request: Request) -> PlainTextResponse:
    return PlainTextResponse("the file")


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "client": request.headers.get(web.CLIENT_HEADER),
            "launched": web.launched(request.headers),
            "clients": request.headers.getlist(web.CLIENT_HEADER),
        }
    )


def _app() -> Starlette:
    return Starlette(
        routes=[
            *web.routes(),
            Route("/media/{file_id:path}", _media),
            Route("/_stcore/upload_file/{session}/{file}", _media, methods=["PUT", "DELETE"]),
            Route("/echo", _echo),
        ],
        middleware=web.middleware(),
    )


@dataclass
class Answer:
    status: int
    body: str
    cookies: dict[str, dict[str, str]]  # name -> its attributes (lower case) and "value"


class Server:
    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = body if isinstance(body, str) or body is None else json.dumps(body)
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        cookies: dict[str, dict[str, str]] = {}
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value, *attributes = rest.split(";")
            cookies[name] = {"value": value}
            for attribute in attributes:
                key, _, val = attribute.strip().partition("=")
                cookies[name][key.lower()] = val or "yes"
        answer = Answer(response.status, response.read().decode(), cookies)
        connection.close()
        return answer


def _start(
    trusted: str, monkeypatch: pytest.MonkeyPatch, dual_stack: bool = False
) -> Generator[Server, None, None]:
    """uvicorn on a free port of loopback; `dual_stack`: on an IPv6 socket that takes IPv4 too,
    as Streamlit's default `server.address` binds it (an IPv4 peer is then ::ffff:a.b.c.d)."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", trusted)  # read by uvicorn.Config, as at launch
    config = uvicorn.Config(_app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    if dual_stack:
        sock = socket.socket(socket.AF_INET6)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", 0))
    else:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Server(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def served(app_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The routes behind uvicorn with its default trust: proxies on loopback."""
    yield from _start("127.0.0.1,::1", monkeypatch)


@pytest.fixture
def dual(app_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The routes behind uvicorn's default trust, on a dual-stack socket."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    yield from _start("127.0.0.1,::1", monkeypatch, dual_stack=True)


@pytest.fixture
def untrusting(app_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The same, trusting only a proxy elsewhere (10.1.2.3): loopback's headers are ignored."""
    yield from _start("10.1.2.3", monkeypatch)


def issue(store: Store, client: str = "127.0.0.1", username: str = "valmont") -> str:
    return tickets.issue(store, accounts.get_account(store, username), "password", client)


def cookie_header(**cookies: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


# -- the session route ------------------------------------------------------------------


def test_a_ticket_is_redeemed_once_for_httponly_strict_cookies(
    served: Server, app_store: Store
) -> None:
    ticket = issue(app_store)
    answer = served.request("POST", web.SESSION_PATH, {"ticket": ticket}, SAME)
    assert answer.status == 204
    session, device = answer.cookies[sessions.COOKIE], answer.cookies[devices.COOKIE]
    for cookie in (session, device):
        assert cookie["httponly"] == "yes" and cookie["samesite"].lower() == "strict"
        assert cookie["path"] == "/" and "secure" not in cookie  # plain http
    assert session["max-age"] == str(12 * 3600) and device["max-age"] == str(90 * 86400)
    resolved = sessions.resolve(app_store, session["value"], FAST)
    assert resolved.viewer is not None and resolved.viewer.username == "valmont"
    assert devices.trusted(app_store, device["value"], "valmont")
    again = served.request("POST", web.SESSION_PATH, {"ticket": ticket}, SAME)
    assert again.status == 403 and "Connexion refusée" in again.body and not again.cookies
    forged = served.request("POST", web.SESSION_PATH, {"ticket": ticket[::-1]}, SAME)
    assert forged.status == 403 and not forged.cookies


def test_a_browser_with_its_device_cookie_keeps_it(served: Server, app_store: Store) -> None:
    first = served.request("POST", web.SESSION_PATH, {"ticket": issue(app_store)}, SAME)
    device = first.cookies[devices.COOKIE]["value"]
    second = served.request(
        "POST",
        web.SESSION_PATH,
        {"ticket": issue(app_store)},
        {**SAME, **cookie_header(**{devices.COOKIE: device})},
    )
    assert second.status == 204 and second.cookies[devices.COOKIE]["value"] == device


CROSS_SITE: list[tuple[str, dict[str, str], object]] = [
    ("no header of the app", {"Content-Type": "application/json"}, None),
    ("another site's origin", {**SAME, "Origin": "https://evil.example"}, None),
    ("an opaque origin", {**SAME, "Origin": "null"}, None),
    ("a cross-site fetch", {**SAME, "Sec-Fetch-Site": "cross-site"}, None),
    ("a same-site fetch", {**SAME, "Sec-Fetch-Site": "same-site"}, None),
]


@pytest.mark.parametrize(("why", "headers", "_"), CROSS_SITE, ids=[c[0] for c in CROSS_SITE])
def test_the_session_route_refuses_a_request_from_another_site(
    served: Server, app_store: Store, why: str, headers: dict[str, str], _: object
) -> None:
    ticket = issue(app_store)
    refused = served.request("POST", web.SESSION_PATH, {"ticket": ticket}, headers)
    assert refused.status == 403 and not refused.cookies, why
    assert "Requête refusée" in refused.body
    # the ticket was not spent: the page's own request still redeems it
    same = {**SAME, "Origin": f"http://127.0.0.1:{served.port}", "Sec-Fetch-Site": "same-origin"}
    assert served.request("POST", web.SESSION_PATH, {"ticket": ticket}, same).status == 204


def test_the_session_route_wants_a_json_ticket(served: Server, app_store: Store) -> None:
    ticket = issue(app_store)
    form = {web.CSRF_HEADER: "1", "Content-Type": "application/x-www-form-urlencoded"}
    for body, headers in (
        (f"ticket={ticket}", form),
        ("{not json", SAME),
        ({"ticket": 12}, SAME),
        ({"ticket": "x" * 2000}, SAME),
    ):
        answer = served.request("POST", web.SESSION_PATH, body, headers)
        assert answer.status == 400 and not answer.cookies, body
    assert served.request("GET", web.SESSION_PATH).status == 405
    assert served.request("POST", web.SESSION_PATH, {"ticket": ticket}, SAME).status == 204


def test_behind_a_trusted_proxy_the_cookies_are_secure_and_the_address_forwarded(
    served: Server, app_store: Store
) -> None:
    ticket = issue(app_store, client="203.0.113.7")  # the browser's, as the proxy forwards it
    proxied = {**SAME, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    assert served.request("POST", web.SESSION_PATH, {"ticket": ticket}, SAME).status == 403
    answer = served.request("POST", web.SESSION_PATH, {"ticket": ticket}, proxied)
    assert answer.status == 204
    assert all(cookie["secure"] == "yes" for cookie in answer.cookies.values())


def test_a_proxy_on_loopback_is_trusted_on_a_dual_stack_socket_too(
    dual: Server, app_store: Store
) -> None:
    # uvicorn alone would see ::ffff:127.0.0.1, not trust it, and ignore both headers
    assert json.loads(dual.request("GET", "/echo").body)["client"] == "127.0.0.1"
    ticket = issue(app_store, client="203.0.113.7")
    proxied = {**SAME, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    answer = dual.request("POST", web.SESSION_PATH, {"ticket": ticket}, proxied)
    assert answer.status == 204
    assert all(cookie["secure"] == "yes" for cookie in answer.cookies.values())


def test_an_untrusted_proxys_headers_are_ignored(untrusting: Server, app_store: Store) -> None:
    ticket = issue(app_store, client="203.0.113.7")
    proxied = {**SAME, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    assert untrusting.request("POST", web.SESSION_PATH, {"ticket": ticket}, proxied).status == 403
    mine = issue(app_store)  # loopback's own ticket: redeemed, but not marked Secure
    answer = untrusting.request("POST", web.SESSION_PATH, {"ticket": mine}, proxied)
    assert answer.status == 204 and all("secure" not in c for c in answer.cookies.values())


# -- the logout route --------------------------------------------------------------------


def test_logout_ends_the_session_and_clears_its_cookie_only(
    served: Server, app_store: Store
) -> None:
    opened = served.request("POST", web.SESSION_PATH, {"ticket": issue(app_store)}, SAME)
    token = opened.cookies[sessions.COOKIE]["value"]
    cookies = cookie_header(
        **{sessions.COOKIE: token, devices.COOKIE: opened.cookies[devices.COOKIE]["value"]}
    )
    forged = {**cookies, "Origin": "https://evil.example", web.CSRF_HEADER: "1"}
    assert served.request("POST", web.LOGOUT_PATH, None, forged).status == 403
    assert served.request("POST", web.LOGOUT_PATH, None, cookies).status == 403  # no header
    assert sessions.resolve(app_store, token, FAST).reason == "ok"  # still open
    answer = served.request("POST", web.LOGOUT_PATH, None, {**cookies, web.CSRF_HEADER: "1"})
    assert answer.status == 204 and list(answer.cookies) == [sessions.COOKIE]
    cleared = answer.cookies[sessions.COOKIE]
    assert cleared["value"] in ("", '""') and cleared["max-age"] == "0"
    assert cleared["httponly"] == "yes" and cleared["path"] == "/"
    assert sessions.resolve(app_store, token, FAST).reason == "ended"


# -- the middleware -----------------------------------------------------------------------


def live_session(store: Store) -> str:
    return sessions.open_session(store, accounts.get_account(store, "valmont"), security=FAST)


PROTECTED_PATHS = [
    ("GET", "/media/0123abcd.xlsx"),
    ("GET", "//media/0123abcd.xlsx"),
    ("GET", "/static/../media/0123abcd.xlsx"),
    ("HEAD", "/media/0123abcd.xlsx"),
    ("PUT", "/_stcore/upload_file/session/file"),
    ("DELETE", "/_stcore/upload_file/session/file"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED_PATHS)
def test_downloads_and_uploads_need_a_live_session(
    served: Server, app_store: Store, method: str, path: str
) -> None:
    anonymous = served.request(method, path)
    assert anonymous.status == 403
    if method != "HEAD":
        assert anonymous.body.startswith("Accès refusé : connectez-vous")
    token = live_session(app_store)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        served.request(method, path, headers=cookie_header(mesure_session=tampered)).status == 403
    )
    if "//" not in path and ".." not in path:  # the stand-in routes answer the plain paths
        assert (
            served.request(method, path, headers=cookie_header(mesure_session=token)).status == 200
        )
    sessions.close_session(app_store, token)
    assert served.request(method, path, headers=cookie_header(mesure_session=token)).status == 403


def test_a_refusal_is_in_english_for_an_english_browser(served: Server) -> None:
    answer = served.request("GET", "/media/x.pdf", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert answer.status == 403 and answer.body.startswith("Access refused: sign in")


def test_the_app_learns_the_clients_address_and_cannot_be_fooled_about_it(
    served: Server, untrusting: Server
) -> None:
    forged = {web.CLIENT_HEADER: "192.0.2.1", web.LAUNCHER_HEADER: "guess"}
    seen = json.loads(served.request("GET", "/echo", headers=forged).body)
    assert seen == {"client": "127.0.0.1", "launched": True, "clients": ["127.0.0.1"]}
    proxied = json.loads(
        served.request("GET", "/echo", headers={"X-Forwarded-For": "203.0.113.7"}).body
    )
    assert proxied["client"] == "203.0.113.7"  # from a trusted proxy (loopback)
    ignored = json.loads(
        untrusting.request("GET", "/echo", headers={"X-Forwarded-For": "203.0.113.7"}).body
    )
    assert ignored["client"] == "127.0.0.1"
    assert not web.launched({web.LAUNCHER_HEADER: "guess"}) and not web.launched({})


def test_before_the_app_created_its_store_nothing_opens(
    monkeypatch: pytest.MonkeyPatch, app_env: Path
) -> None:
    starting = _start("127.0.0.1", monkeypatch)
    server = next(starting)
    try:
        cookies = cookie_header(mesure_session="v1.x.1.y")
        assert server.request("GET", "/media/x.xlsx", headers=cookies).status == 403
        assert server.request("POST", web.SESSION_PATH, {"ticket": "x"}, SAME).status == 403
        assert not app_env.exists()  # and no empty store was made on the way
    finally:
        starting.close()


def test_under_a_base_url_path_the_routes_and_the_guard_follow_it() -> None:
    assert [route.path for route in web.routes("/app/")] == [
        "/app/mesure/session",
        "/app/mesure/logout",
    ]
    gate = web.Gate(_app(), base="app")
    assert gate._is_protected("/app/media/x.xlsx")
    assert gate._is_protected("/app/_stcore/upload_file/s/f")
    assert not gate._is_protected("/app/catalogue") and not gate._is_protected("/app/mediatheque")
