"""Sign-in tickets, device cookies against lock-out, and the shared bucket of unknown addresses,
on a real store with a fake clock."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from indicators.access import accounts, devices, sessions, signing, tickets
from indicators.access.viewer import command_line
from indicators.store.database import Store
from tests.conftest import FAST, PASSWORD, open_accounts

START = dt.datetime(2026, 3, 2, 9, 0)
OWNER = "198.51.100.7"  # the account owner's address
STRANGER = "203.0.113.9"  # someone else's


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(store: Store) -> Clock:
    open_accounts(store)
    clock = Clock()
    store.clock = clock
    return clock


def log(store: Store, action: str) -> pd.DataFrame:
    entries = store.query(
        "audit_log", since=START - dt.timedelta(days=1), until=dt.datetime(2100, 1, 1)
    )
    return entries[entries["action"] == action]


def ticket(store: Store, username: str = "valmont", client: str = OWNER) -> str:
    return tickets.issue(store, accounts.get_account(store, username), "password", client)


def signed_in(
    store: Store, username: str = "valmont", client: str = OWNER, device: str | None = None
) -> tickets.Opened:
    """A sign-in through a ticket, as serve.py's route redeems it: the cookies it sets."""
    redeemed = tickets.redeem(store, ticket(store, username, client), client, device, FAST)
    assert redeemed.opened is not None, redeemed.reason
    return redeemed.opened


def attempt(
    store: Store, password: str, client: str, device: str | None = None, username: str = "valmont"
) -> accounts.Login:
    return accounts.authenticate(store, username, password, client, FAST, device=device)


# -- tickets ----------------------------------------------------------------------------


def test_a_ticket_opens_one_session_once_and_the_store_keeps_only_its_hash(
    store: Store, clock: Clock
) -> None:
    issued = ticket(store)
    opened = tickets.redeem(store, issued, OWNER, security=FAST).opened
    assert opened is not None and opened.username == "valmont"
    resolved = sessions.resolve(store, opened.session, FAST)
    assert resolved.viewer is not None and resolved.viewer.username == "valmont"
    assert opened.session_max_age == 12 * 3600 and opened.device_max_age == 90 * 86400
    again = tickets.redeem(store, issued, OWNER, security=FAST)
    assert (again.opened, again.reason) == (None, "used")
    assert list(log(store, "login.ticket")["target"]) == ["valmont"]
    assert list(log(store, "login.success")["target"]) == ["valmont"]  # one session only
    refused = log(store, "login.ticket_refused")
    assert [json.loads(d)["reason"] for d in refused["details"]] == ["used"]
    stored = store.query("login_ticket", id_hash=signing.digest(issued))
    assert len(stored) == 1 and issued not in str(stored.values)


def test_a_ticket_expires_after_a_minute(store: Store, clock: Clock) -> None:
    late, in_time = ticket(store), ticket(store)
    clock.advance(seconds=59)
    assert tickets.redeem(store, in_time, OWNER, security=FAST).opened is not None
    clock.advance(seconds=2)
    assert tickets.redeem(store, late, OWNER, security=FAST).reason == "expired"


def test_a_forged_ticket_or_one_from_another_address_is_refused(store: Store, clock: Clock) -> None:
    issued = ticket(store)
    for forged in ("", "x", issued[:-1], issued + "A", issued.upper()):
        assert tickets.redeem(store, forged, OWNER, security=FAST).reason == "unknown"
    assert tickets.redeem(store, issued, STRANGER, security=FAST).reason == "client"
    # refused from elsewhere, the ticket is not spent: its own browser still redeems it
    assert tickets.redeem(store, issued, OWNER, security=FAST).opened is not None
    assert log(store, "login.success").shape[0] == 1


def test_a_ticket_of_an_account_disabled_meanwhile_opens_nothing(
    store: Store, clock: Clock
) -> None:
    issued = ticket(store)
    accounts.set_disabled(store, command_line(), "valmont")
    assert tickets.redeem(store, issued, OWNER, security=FAST).reason == "disabled"
    assert log(store, "login.success").empty


# -- device cookies ---------------------------------------------------------------------


def lock_out(store: Store) -> None:
    """A stranger's failures: the account is locked for every browser without a device."""
    for _ in range(FAST.max_failures):
        assert attempt(store, "guess", STRANGER).reason == "wrong_password"
    assert attempt(store, PASSWORD, OWNER).reason == "throttled"


def test_the_owners_device_signs_in_while_strangers_have_locked_the_account(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    assert device.startswith("d1.")
    clock.advance(minutes=1)
    lock_out(store)
    login = attempt(store, PASSWORD, OWNER, device)
    assert login.account is not None and login.account.username == "valmont"
    assert attempt(store, PASSWORD, STRANGER).reason == "throttled"  # still locked for others
    # the store keeps only the device id's hash, tied to the account
    device_id = device.split(".")[1]
    row = store.query("device", id_hash=signing.digest(device_id))
    assert list(row["username"]) == ["valmont"] and device_id not in str(row.values)
    assert list(log(store, "device.add")["target"]) == ["valmont"]


def test_another_accounts_or_a_forged_device_cookie_does_not_help(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    elans = signed_in(store, "elan").device
    clock.advance(minutes=1)
    lock_out(store)
    device_id, expiry, signature = device.split(".")[1:]
    forged = [
        elans,  # well signed, but another account's
        f"d1.{device_id[::-1]}.{expiry}.{signature}",
        f"d1.{device_id}.{int(expiry) + 86400}.{signature}",
        device[:-2] + ("AA" if not device.endswith("AA") else "BB"),
        device.replace("d1.", "v1.", 1),
        signing.digest(device),
    ]
    for value in forged:
        assert attempt(store, PASSWORD, OWNER, value).reason == "throttled", value
    assert attempt(store, PASSWORD, OWNER, device).account is not None


def test_changing_the_password_or_disabling_the_account_revokes_its_devices(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    assert devices.trusted(store, device, "valmont")
    accounts.set_password(store, command_line(), "valmont", "a brand new password", FAST)
    assert devices.trusted(store, device, "valmont") is None
    fresh = signed_in(store).device
    assert fresh != device and devices.trusted(store, fresh, "valmont")
    accounts.set_disabled(store, command_line(), "valmont")
    assert devices.trusted(store, fresh, "valmont") is None
    accounts.set_disabled(store, command_line(), "valmont", disabled=False)
    assert devices.trusted(store, fresh, "valmont") is None  # enabling again trusts nothing


def test_a_browser_keeps_its_device_cookie_for_the_same_account_only(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    clock.advance(days=10)
    again = signed_in(store, device=device)
    assert again.device == device and again.device_max_age == 80 * 86400
    other = signed_in(store, "elan", device=device).device
    assert other != device and devices.trusted(store, other, "elan")
    clock.advance(days=81)
    assert devices.trusted(store, device, "valmont") is None  # expired


def test_a_device_has_its_own_small_limit_then_counts_as_a_stranger(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    clock.advance(minutes=1)
    for _ in range(FAST.device_max_failures):
        clock.advance(seconds=10)
        assert attempt(store, "typo", OWNER, device).reason == "wrong_password"
    # the device's failures count for it alone: the account is not locked for anyone
    assert accounts.throttled(store, "valmont", STRANGER, FAST) is None
    failures = log(store, "login.failure")
    assert all(json.loads(d)["device"] for d in failures["details"])
    lock_out(store)  # now strangers lock the account: the spent device no longer helps
    refused = attempt(store, PASSWORD, OWNER, device)
    assert refused.reason == "throttled"
    assert json.loads(log(store, "login.throttled")["details"].iloc[0])["refused_device"]
    clock.advance(minutes=15)  # the window passes: trusted again
    assert attempt(store, PASSWORD, OWNER, device).account is not None


# -- the address --------------------------------------------------------------------------


def test_unknown_addresses_share_one_bucket_that_locks_and_devices_keep_owners_in(
    store: Store, clock: Clock
) -> None:
    device = signed_in(store).device
    clock.advance(minutes=1)
    reasons = [attempt(store, "guess", "", username=f"nobody{n}").reason for n in range(30)]
    assert reasons == ["unknown"] * FAST.client_max_failures + ["throttled"] * (
        30 - FAST.client_max_failures
    )
    failures = log(store, "login.failure")
    assert {json.loads(d)["client"] for d in failures["details"]} == {accounts.UNKNOWN_CLIENT}
    assert attempt(store, PASSWORD, "").reason == "throttled"  # the whole bucket is locked
    assert attempt(store, PASSWORD, "", device).account is not None  # but not the owner
    assert attempt(store, PASSWORD, STRANGER).account is not None  # nor a known address
