"""Device cookies: how an account's owner stays able to sign in while strangers lock it.

OWASP's "device cookie" scheme against lock-out: a browser that signed in to an account keeps a
long-lived cookie `d1.<device id>.<expiry>.<signature>` (HttpOnly, set by serve.py), bound in the
store to that account. A sign-in attempt that presents a device cookie the store still trusts
for the account named is not held by the lock that failures from other browsers put on the
account, nor by the lock of a shared client address (`accounts.authenticate`); it has its own
small limit of failures instead, after which that cookie is refused until the window has
passed. The store keeps only the SHA-256 of a device id; changing the password or disabling the
account revokes its devices.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pandas as pd

from indicators.access import signing
from indicators.store.database import Audit, Store

COOKIE = "mesure_device"
VERSION = "d1"


@dataclass(frozen=True)
class Issued:
    """A device cookie to set in the browser, and for how many seconds."""

    value: str
    max_age: int


def _parse(store: Store, value: str) -> tuple[str, dt.datetime] | None:
    """(device id, expiry) of a well-signed device cookie, else None."""
    parts = value.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    if not signing.signed(store, ".".join(parts[:3]), parts[3]):
        return None
    try:
        expires = dt.datetime.fromtimestamp(int(parts[2]), dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None
    return parts[1], expires


def _lookup(store: Store, value: str | None, username: str) -> tuple[str, dt.datetime] | None:
    """(SHA-256 of the device id, expiry) of a device cookie of `username` the store still
    trusts: well signed, not expired, not revoked, its account enabled; else None."""
    parsed = _parse(store, value) if value and username else None
    if parsed is None:
        return None
    device_id, expires = parsed
    id_hash = signing.digest(device_id)
    rows = store.query("device", id_hash=id_hash)
    if rows.empty:
        return None
    row = rows.iloc[0]
    if (
        row["username"] != username
        or pd.notna(row["revoked_at"])
        or bool(row["disabled"])
        or store.clock() >= min(expires, row["expires_at"])
    ):
        return None
    return id_hash, expires


def trusted(store: Store, value: str | None, username: str) -> str | None:
    """The SHA-256 of the device id when `value` is a device cookie of `username` the store
    still trusts, else None (a forged cookie, or another account's, is just not trusted)."""
    found = _lookup(store, value, username)
    return found[0] if found else None


def remember(
    store: Store, value: str | None, username: str, client: str, lifetime: dt.timedelta
) -> Issued:
    """The device cookie of a browser that has just signed in to `username`: the one it presents
    when the store still trusts it for that account (its last use noted), else a new one
    (audited as `device.add`). A browser keeps one device cookie: that of the last account it
    signed in to."""
    now = store.clock()
    found = _lookup(store, value, username)
    if found is not None and value:
        store.execute("device_touch", id_hash=found[0], at=now)
        return Issued(value, max(0, int((found[1] - now).total_seconds())))
    device_id = secrets.token_urlsafe(32)
    expires = now + lifetime
    id_hash = signing.digest(device_id)
    store.execute(
        "device_add",
        Audit(username, "device.add", username, {"client": client, "device": id_hash}),
        id_hash=id_hash,
        username=username,
        client=client,
        at=now,
        expires_at=expires,
    )
    payload = f"{VERSION}.{device_id}.{int(expires.replace(tzinfo=dt.UTC).timestamp())}"
    return Issued(
        f"{payload}.{signing.sign(signing.key(store), payload)}", int(lifetime.total_seconds())
    )


def revoke_all(store: Store, username: str, reason: str) -> None:
    """Stop trusting every device of `username` for good (its password changed, the account
    was disabled); the account's own audit entry says why."""
    store.execute("devices_revoke_user", username=username, reason=reason, at=store.clock())
