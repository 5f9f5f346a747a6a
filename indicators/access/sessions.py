"""Login sessions carried by a signed, expiring cookie, checked against the store every time.

The cookie holds `v1.<session id>.<expiry>.<signature>`: the signature (HMAC-SHA256 with a key
kept in the store, or `MESURE_SECRET_KEY`) refuses a tampered cookie before the store is read;
the store keeps only a hash of the session id, its last use and its end, so a session ends for
good on logout, after `Security.idle` without use or `Security.absolute` after login, and
when its account is disabled.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pandas as pd

from indicators.access import signing
from indicators.access.accounts import Account, Security
from indicators.access.viewer import Viewer
from indicators.store.database import Audit, Store

COOKIE = "mesure_session"
VERSION = "v1"
# A session's last use is written at most this often (every page run would be a write).
TOUCH_EVERY = dt.timedelta(seconds=30)
_hash = signing.digest  # what the store keeps of a session id


@dataclass(frozen=True)
class Resolved:
    """Who a cookie belongs to, or why it admits nobody."""

    viewer: Viewer | None
    # ok, none, tampered, unknown, ended, idle, absolute, disabled
    reason: str
    via: str = ""


def open_session(
    store: Store,
    account: Account,
    via: str = "password",
    client: str = "",
    security: Security | None = None,
) -> str:
    """Open a session for `account` and return its cookie value; audited as `login.success`."""
    security = security or Security.from_env()
    now = store.clock()
    session_id = secrets.token_urlsafe(32)
    expires = now + security.absolute
    store.execute(
        "session_open",
        Audit(account.username, "login.success", account.username, {"via": via, "client": client}),
        id_hash=_hash(session_id),
        username=account.username,
        via=via,
        client=client,
        at=now,
        expires_at=expires,
    )
    payload = f"{VERSION}.{session_id}.{int(expires.replace(tzinfo=dt.UTC).timestamp())}"
    return f"{payload}.{signing.sign(signing.key(store), payload)}"


def _parse(store: Store, token: str) -> tuple[str, dt.datetime] | None:
    """(session id, expiry) of a well-signed token, else None."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    payload = ".".join(parts[:3])
    if not signing.signed(store, payload, parts[3]):
        return None
    try:
        expires = dt.datetime.fromtimestamp(int(parts[2]), dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None
    return parts[1], expires


def resolve(
    store: Store, token: str | None, security: Security | None = None, *, touch: bool = True
) -> Resolved:
    """The viewer of a cookie value, when its session is still open; ends it when it expired.

    `touch=False` checks without counting as a use (a timer watching an idle tab)."""
    if not token:
        return Resolved(None, "none")
    security = security or Security.from_env()
    parsed = _parse(store, token)
    if parsed is None:
        store.audit("?", "session.rejected", "", reason="tampered")
        return Resolved(None, "tampered")
    session_id, expires = parsed
    rows = store.query("session", id_hash=_hash(session_id))
    if rows.empty:
        return Resolved(None, "unknown")
    row = rows.iloc[0]
    if pd.notna(row["ended_at"]):
        return Resolved(None, "ended", row["via"])
    now = store.clock()
    reason = ""
    if row["disabled"]:
        reason = "disabled"
    elif now >= min(expires, row["expires_at"], row["created_at"] + security.absolute):
        reason = "absolute"
    elif now - row["last_seen_at"] > security.idle:
        reason = "idle"
    if reason:
        _end(store, session_id, row["username"], reason, "session.expired")
        return Resolved(None, reason, row["via"])
    if touch and now - row["last_seen_at"] >= TOUCH_EVERY:
        store.execute("session_touch", id_hash=_hash(session_id), at=now)
    viewer = Viewer(row["username"], row["role"], row["display_name"], row["organisation"] or None)
    return Resolved(viewer, "ok", row["via"])


def _end(store: Store, session_id: str, username: str, reason: str, action: str) -> None:
    store.execute(
        "session_end",
        Audit(username, action, username, {"reason": reason}),
        id_hash=_hash(session_id),
        reason=reason,
        at=store.clock(),
    )


def close_session(store: Store, token: str | None) -> bool:
    """Log out: end the session of a cookie value for good; audited as `logout`."""
    parsed = _parse(store, token) if token else None
    if parsed is None:
        return False
    rows = store.query("session", id_hash=_hash(parsed[0]))
    if rows.empty or pd.notna(rows.iloc[0]["ended_at"]):
        return False
    _end(store, parsed[0], rows.iloc[0]["username"], "logout", "logout")
    return True
