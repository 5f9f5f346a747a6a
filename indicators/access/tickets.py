"""One-time sign-in tickets: how a sign-in in the app becomes an HttpOnly session cookie.

The sign-in form runs over the app's websocket, which cannot set a cookie. Once the password
(or single sign-on) is right, it issues a ticket: random, kept in the store as its SHA-256 only,
good once, for `TICKET_LIFE`, from the address it was issued to. The page's script hands it to
serve.py's `/mesure/session`, which redeems it here: the session opens there, and its cookie
(and the browser's device cookie) are set HttpOnly by the answer. The session token never
appears in the page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pandas as pd

from indicators.access import devices, sessions, signing
from indicators.access.accounts import Account, AccountError, Security, get_account
from indicators.store.database import Audit, Store

TICKET_LIFE = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Opened:
    """A session opened from a ticket: the cookies to set, each with its life in seconds."""

    username: str
    session: str
    session_max_age: int
    device: str
    device_max_age: int


@dataclass(frozen=True)
class Redeemed:
    """The answer to a ticket: the opened session, else why not (unknown, used, expired,
    client, disabled)."""

    opened: Opened | None
    reason: str


def issue(store: Store, account: Account, via: str, client: str) -> str:
    """A new ticket for `account`, signed in `via` password or sso from `client`; audited as
    `login.ticket`."""
    ticket = secrets.token_urlsafe(32)
    now = store.clock()
    store.execute(
        "ticket_issue",
        Audit(account.username, "login.ticket", account.username, {"via": via, "client": client}),
        id_hash=signing.digest(ticket),
        username=account.username,
        via=via,
        client=client,
        at=now,
        expires_at=now + TICKET_LIFE,
    )
    return ticket


def _why(store: Store, id_hash: str, client: str, now: dt.datetime) -> tuple[str, str]:
    """(account, reason) of a refused ticket."""
    rows = store.query("login_ticket", id_hash=id_hash)
    if rows.empty:
        return "", "unknown"
    row = rows.iloc[0]
    username = str(row["username"])
    if pd.notna(row["used_at"]):
        return username, "used"
    if now >= row["expires_at"]:
        return username, "expired"
    if row["client"] != client:
        return username, "client"
    return username, "used"  # redeemed by a concurrent request in between


def redeem(
    store: Store,
    ticket: str,
    client: str,
    device: str | None = None,
    security: Security | None = None,
) -> Redeemed:
    """Exchange a ticket for a new session, once: unused, within `TICKET_LIFE`, from the
    address it was issued to, its account still enabled. The browser keeps (or gets) its
    device cookie for the account. A refusal is audited as `login.ticket_refused`."""
    security = security or Security.from_env()
    now = store.clock()
    id_hash = signing.digest(ticket)
    rows = store.execute("ticket_redeem", id_hash=id_hash, client=client, at=now)
    if not rows:
        username, reason = _why(store, id_hash, client, now)
        store.audit(username or "?", "login.ticket_refused", username, client=client, reason=reason)
        return Redeemed(None, reason)
    username, via = str(rows[0][0]), str(rows[0][1])
    try:
        account = get_account(store, username)
    except AccountError:
        account = None
    if account is None or account.disabled:
        store.audit(username, "login.ticket_refused", username, client=client, reason="disabled")
        return Redeemed(None, "disabled")
    session = sessions.open_session(store, account, via, client, security)
    kept = devices.remember(store, device, username, client, security.device_lifetime)
    opened = Opened(
        username, session, int(security.absolute.total_seconds()), kept.value, kept.max_age
    )
    return Redeemed(opened, "ok")
