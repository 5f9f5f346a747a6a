"""The launcher's HTTP glue (serve.py): the routes that set and clear the HttpOnly cookies, and
the middleware in front of the app.

- `POST /mesure/session` redeems the one-time ticket the sign-in form issued, and answers with
  the session cookie and the device cookie, both HttpOnly, SameSite=Strict, Path=/, and Secure
  when the request came over https.
- `POST /mesure/logout` ends the session of the cookie it carries and clears that cookie.
- The middleware tells the app's websocket who is connecting (a header the app can trust,
  since the middleware removes any the client sent), and refuses `/media/…` downloads and
  `/_stcore/upload_file…` uploads without a live session cookie.

Both routes refuse a request that does not come from a page of the app (CSRF): it must carry
the `X-Mesure-Request` header, which a page of another site cannot send without a CORS
preflight (never granted here), and its `Origin` and `Sec-Fetch-Site`, when the browser sends
them, must say the same site.

Handlers stay thin: tickets, sessions and devices are in `indicators/`, called in the thread
pool, never on the event loop. The client's address and https are those of the connection;
`X-Forwarded-For` and `X-Forwarded-Proto` count only from the proxies listed in
`FORWARDED_ALLOW_IPS` (loopback by default). uvicorn applies them before the app sees the
request, but misses a proxy on loopback when Streamlit listens on its default dual-stack socket
(the proxy's address is then `::ffff:127.0.0.1`, which uvicorn does not match with
`127.0.0.1`): the middleware reads such an address as the IPv4 one it is, then applies the same
rule with the same setting (a second pass changes nothing when uvicorn's already applied).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import posixpath
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from indicators.access import devices, sessions, tickets
from indicators.common.i18n import t
from indicators.common.runtime import set_up
from indicators.demo import start_demo_store
from indicators.ingest import reader, scratch
from indicators.store.database import Store, close_idle, data_dir, default_db_path, is_lake

LOG = logging.getLogger("mesure.web")
SESSION_PATH = "/mesure/session"
LOGOUT_PATH = "/mesure/logout"
CSRF_HEADER = "X-Mesure-Request"
CLIENT_HEADER = "X-Mesure-Client"  # the client's address, as the middleware saw it
LAUNCHER_HEADER = "X-Mesure-Launcher"  # proof that the middleware stamped the request
# Random for each process: a client cannot forge the header that says the middleware (and so
# the routes) are there, nor the address that comes with it.
LAUNCHER_KEY = secrets.token_urlsafe(24)
MAX_BODY = 1024
TRUSTED_PROXIES = "127.0.0.1,::1"  # uvicorn's default for FORWARDED_ALLOW_IPS
PROTECTED = ("media", "_stcore/upload_file")

_STORES: dict[Path, Store] = {}


def _store() -> Store | None:
    """The app's store (`MESURE_STORE` or `MESURE_DB`), None before the app has created it."""
    path = default_db_path()
    if is_lake(path) and path in _STORES:  # a shared store, once made, does not go away
        return _STORES[path]
    store = Store(path)
    if not store.exists():
        return None
    return _STORES.setdefault(path, store)


def launched(headers: Mapping[str, str]) -> bool:
    """True when the middleware stamped these request headers: the app runs under serve.py."""
    return secrets.compare_digest(headers.get(LAUNCHER_HEADER, ""), LAUNCHER_KEY)


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "fr"


def _refused(request: Request, status: int, key: str, why: str) -> Response:
    client = request.client.host if request.client else ""
    LOG.warning("%s %s refused (%s) for %s", request.method, request.url.path, why, client)
    return PlainTextResponse(t(key, _lang(request)), status_code=status)


def _from_our_page(request: Request) -> bool:
    """True when the request can only come from a page of this app (see the module's doc)."""
    if request.headers.get(CSRF_HEADER) != "1":
        return False
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def _ticket(request: Request) -> str | None:
    """The ticket of a JSON body `{"ticket": "…"}`, None when there is none."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    ticket = data.get("ticket") if isinstance(data, dict) else None
    return ticket if isinstance(ticket, str) and 0 < len(ticket) <= 128 else None


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


async def open_session(request: Request) -> Response:
    """Redeem a sign-in ticket; set the HttpOnly session and device cookies."""
    if not _from_our_page(request):
        return _refused(request, 403, "web.refused_request", "not from a page of the app")
    ticket = await _ticket(request)
    if ticket is None:
        return _refused(request, 400, "web.bad_request", "no ticket")
    store = _store()
    if store is None:
        return _refused(request, 403, "web.refused_ticket", "no store")
    client = request.client.host if request.client else ""
    device = request.cookies.get(devices.COOKIE)
    try:
        redeemed = await run_in_threadpool(tickets.redeem, store, ticket, client, device)
    except Exception:  # the store unreachable: said in one sentence, logged in full
        LOG.exception("redeeming a sign-in ticket failed")
        return _refused(request, 503, "web.refused_ticket", "store error")
    if redeemed.opened is None:
        return _refused(request, 403, "web.refused_ticket", f"ticket {redeemed.reason}")
    opened = redeemed.opened
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _cookie(response, request, sessions.COOKIE, opened.session, opened.session_max_age)
    _cookie(response, request, devices.COOKIE, opened.device, opened.device_max_age)
    return response


async def close_session(request: Request) -> Response:
    """End the session of the cookie sent (if still open) and clear the cookie. The device
    cookie stays: it is what keeps its owner able to sign in."""
    if not _from_our_page(request):
        return _refused(request, 403, "web.refused_request", "not from a page of the app")
    token = request.cookies.get(sessions.COOKIE)
    store = _store()
    if token and store is not None:
        try:
            await run_in_threadpool(sessions.close_session, store, token)
        except Exception:  # the app's logout ended it already; the cookie goes all the same
            LOG.exception("ending a session at logout failed")
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        sessions.COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


def _signed_in(token: str | None) -> bool:
    """True when `token` is a live session cookie (checked without counting as a use)."""
    store = _store()
    if not token or store is None:
        return False
    try:
        return sessions.resolve(store, token, touch=False).viewer is not None
    except Exception:  # the store unreachable: refuse, and say why in the log
        LOG.exception("checking a session cookie failed")
        return False


def _ipv4(scope: Scope) -> Scope:
    """The scope with an IPv4-mapped IPv6 client address (`::ffff:a.b.c.d`) read as IPv4."""
    client = scope.get("client")
    try:
        address = ipaddress.ip_address(client[0]) if client else None
    except ValueError:  # not an address (a unix socket's path, a test client's name)
        return scope
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return {**scope, "client": (str(mapped), client[1])} if mapped and client else scope


class Gate:
    """Who is connecting, from the connection (and trusted proxies), stamped on every request
    for the app; downloads and uploads kept behind a live session cookie (403 and a short
    sentence otherwise)."""

    def __init__(self, app: ASGIApp, base: str = "", trusted: str = TRUSTED_PROXIES) -> None:
        self.app = app
        root = "/" + base.strip("/") if base.strip("/") else ""
        self.protected = tuple(f"{root}/{path}/" for path in PROTECTED)
        # uvicorn's own rule (its ASGI types are stricter than Starlette's, not different)
        self.proxied = cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, self._gate), trusted))

    def _is_protected(self, path: str) -> bool:
        normal = posixpath.normpath(re.sub("/+", "/", path)) + "/"
        return normal.startswith(self.protected)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.proxied(_ipv4(scope), receive, send)

    async def _gate(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        ours = {CLIENT_HEADER.lower().encode(), LAUNCHER_HEADER.lower().encode()}
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in ours]
        headers += [
            (CLIENT_HEADER.lower().encode(), (client[0] if client else "").encode("latin-1")),
            (LAUNCHER_HEADER.lower().encode(), LAUNCHER_KEY.encode()),
        ]
        scope = {**scope, "headers": headers}
        if scope["type"] == "http" and self._is_protected(scope["path"]):
            request = Request(scope)
            if not await run_in_threadpool(_signed_in, request.cookies.get(sessions.COOKIE)):
                response = _refused(request, 403, "web.refused_download", "no live session")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """The server's life: when it stops serving, what the process's exit would do is done at
    once (`stopped`). uvicorn, told to stop by SIGTERM (systemd, docker), stops serving then
    raises the signal again, whose default action ends the process without running atexit."""
    try:
        yield None
    finally:
        await run_in_threadpool(stopped)


def stopped() -> None:
    """The sessions' uploaded files removed, the reader workers stopped, the store closed
    (DuckDB checkpoints it)."""
    removed = scratch.remove_all()
    reader.close_workers()
    close_idle()
    LOG.info("server stopped: %d upload folder(s) removed, store closed", removed)


def set_up_process() -> None:
    """The settings of the server's Python process (indicators/common/runtime.py)."""
    set_up()


def first_start() -> bool:
    """Start building the demo store now when this is the first start of the demo initiative
    (the store is missing): the first visitor then finds it under way. True when started."""
    db = default_db_path()
    if is_lake(db):  # a shared store is made by `mesure init`, not built as the demo
        return False
    return start_demo_store(db, data_dir())


def routes(base: str = "") -> list[Route]:
    """The launcher's routes, under the app's base URL path."""
    root = "/" + base.strip("/") if base.strip("/") else ""
    return [
        Route(root + SESSION_PATH, open_session, methods=["POST"]),
        Route(root + LOGOUT_PATH, close_session, methods=["POST"]),
    ]


def middleware(base: str = "") -> list[Middleware]:
    """The launcher's middleware, in front of Streamlit's own, trusting the proxies uvicorn
    trusts (`FORWARDED_ALLOW_IPS`, read now as uvicorn read it at start)."""
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", TRUSTED_PROXIES)
    return [Middleware(Gate, base=base, trusted=trusted)]
