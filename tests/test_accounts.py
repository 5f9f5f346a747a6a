"""Accounts, passwords, throttling and cookie sessions, on a real store with a fake clock."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from indicators.access import accounts, sessions
from indicators.access.accounts import AccountError, Security
from indicators.access.viewer import AccessDeniedError, Viewer, command_line
from indicators.store.database import Store
from tests.conftest import FAST

ADMIN = command_line()
START = dt.datetime(2026, 3, 2, 9, 0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(store: Store) -> Clock:
    clock = Clock()
    store.clock = clock
    return clock


def add(store: Store, username: str = "lea", role: str = "partner", **more: str) -> None:
    organisation = more.pop("organisation", "ent-valmont" if role == "partner" else "")
    accounts.add_account(
        store,
        ADMIN,
        username,
        more.pop("display_name", username.title()),
        role,
        more.pop("password", "correct horse battery"),
        organisation=organisation or None,
        security=FAST,
        **more,
    )


def audit(store: Store, action: str) -> pd.DataFrame:
    log = store.query(
        "audit_log", since=START - dt.timedelta(days=1), until=dt.datetime(2100, 1, 1)
    )
    return log[log["action"] == action]


# -- accounts ---------------------------------------------------------------------------


def test_an_account_is_stored_with_an_argon2id_hash_and_audited(store: Store, clock: Clock) -> None:
    add(store, "Lea.Martin", display_name="Léa Martin", email="Lea@Valmont.fr")
    listed = accounts.list_accounts(store, ADMIN)
    row = listed[listed["username"] == "lea.martin"].iloc[0]
    assert (row["display_name"], row["role"], row["organisation"], row["email"]) == (
        "Léa Martin",
        "partner",
        "ent-valmont",
        "lea@valmont.fr",
    )
    assert "password_hash" not in listed.columns
    stored = store.query("credentials", username="lea.martin", email="")
    assert stored["password_hash"].iloc[0].startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    entry = audit(store, "account.add").iloc[0]
    assert (entry["actor"], entry["target"]) == (ADMIN.username, "lea.martin")


@pytest.mark.parametrize(
    ("username", "role", "organisation", "password", "code"),
    [
        ("a b", "partner", "ent-valmont", "long enough pw", "bad-username"),
        ("lea", "admin", "", "long enough pw", "bad-role"),
        ("lea", "partner", "", "long enough pw", "missing-organisation"),
        ("lea", "partner", "nowhere", "long enough pw", "unknown-organisation"),
        ("lea", "partner", "fin-fondation", "long enough pw", "organisation-type"),
        ("lea", "funder", "ent-valmont", "long enough pw", "organisation-type"),
        ("lea", "partner", "ent-valmont", "short", "weak-password"),
    ],
)
def test_bad_account_input_is_refused_with_a_french_message(
    store: Store, username: str, role: str, organisation: str, password: str, code: str
) -> None:
    with pytest.raises(AccountError) as refused:
        add(store, username, role, organisation=organisation, password=password)
    assert refused.value.code == code and refused.value.message("fr") != refused.value.message("en")
    assert accounts.list_accounts(store, ADMIN).empty


def test_duplicate_username_and_email_are_refused(store: Store) -> None:
    add(store, "lea", email="lea@valmont.fr")
    with pytest.raises(AccountError, match="existe déjà"):
        add(store, "LEA")
    with pytest.raises(AccountError, match="déjà celle d'un autre compte"):
        add(store, "leo", email="LEA@valmont.fr")


def test_only_evaluators_manage_accounts(store: Store) -> None:
    add(store, "lea")
    partner = Viewer("lea", "partner", "Léa", "ent-valmont")
    with pytest.raises(AccessDeniedError):
        accounts.list_accounts(store, partner)
    with pytest.raises(AccessDeniedError):
        accounts.add_account(store, partner, "mallory", "M", "evaluator", "long enough pw")
    with pytest.raises(AccessDeniedError):
        accounts.set_disabled(store, partner, "lea")
    with pytest.raises(AccessDeniedError):
        accounts.set_password(store, Viewer("leo", "partner", "Léo", "asso-elan"), "lea", "x" * 12)
    accounts.set_password(store, partner, "lea", "a new long password", FAST)  # one's own
    assert accounts.authenticate(store, "lea", "a new long password", security=FAST).reason == "ok"


# -- login ------------------------------------------------------------------------------


def test_login_admits_the_right_password_only_and_audits_every_attempt(
    store: Store, clock: Clock
) -> None:
    add(store, "lea")
    assert accounts.authenticate(store, "lea", "wrong", "10.0.0.1", FAST).reason == "wrong_password"
    assert accounts.authenticate(store, "nobody", "x", "10.0.0.1", FAST).reason == "unknown"
    login = accounts.authenticate(store, " Lea ", "correct horse battery", "10.0.0.1", FAST)
    assert login.reason == "ok" and login.account is not None
    assert login.account.viewer() == Viewer("lea", "partner", "Lea", "ent-valmont")
    failures = audit(store, "login.failure")
    assert sorted(failures["target"]) == ["lea", "nobody"]
    reasons = sorted(json.loads(d)["reason"] for d in failures["details"])
    assert reasons == ["unknown", "wrong_password"]
    assert {json.loads(d)["client"] for d in failures["details"]} == {"10.0.0.1"}


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(store: Store, clock: Clock) -> None:
    add(store, "lea")
    login = accounts.authenticate(store, "lea", "correct horse battery", security=FAST)
    assert login.account is not None
    token = sessions.open_session(store, login.account, security=FAST)
    assert sessions.resolve(store, token, FAST).viewer is not None
    accounts.set_disabled(store, ADMIN, "lea")
    assert sessions.resolve(store, token, FAST).reason == "ended"
    assert accounts.authenticate(store, "lea", "correct horse battery", security=FAST).reason == (
        "disabled"
    )
    assert list(audit(store, "account.disable")["target"]) == ["lea"]
    accounts.set_disabled(store, ADMIN, "lea", disabled=False)
    assert accounts.authenticate(store, "lea", "correct horse battery", security=FAST).account


def test_repeated_failures_lock_the_account_for_the_window_then_release_it(
    store: Store, clock: Clock
) -> None:
    add(store, "lea")
    for _ in range(FAST.max_failures):
        clock.advance(seconds=10)
        accounts.authenticate(store, "lea", "guess", "10.0.0.9", FAST)
    clock.advance(seconds=10)
    locked = accounts.authenticate(store, "lea", "correct horse battery", "10.0.0.9", FAST)
    assert locked.reason == "throttled" and locked.account is None
    # the first failure was 50 s ago: the account opens again 15 min after it
    assert locked.retry_after == dt.timedelta(minutes=15) - dt.timedelta(seconds=50)
    assert list(audit(store, "login.throttled")["target"]) == ["lea"]
    clock.advance(minutes=15)
    assert accounts.authenticate(store, "lea", "correct horse battery", security=FAST).account


def test_a_success_clears_the_count_of_an_accounts_failures(store: Store, clock: Clock) -> None:
    add(store, "lea")
    for _ in range(FAST.max_failures - 1):
        clock.advance(seconds=1)
        accounts.authenticate(store, "lea", "guess", security=FAST)
    clock.advance(seconds=1)
    login = accounts.authenticate(store, "lea", "correct horse battery", security=FAST)
    assert login.account is not None
    sessions.open_session(store, login.account, security=FAST)  # the login.success
    for _ in range(FAST.max_failures - 1):
        clock.advance(seconds=1)
        accounts.authenticate(store, "lea", "guess", security=FAST)
    assert accounts.authenticate(store, "lea", "correct horse battery", security=FAST).account


def test_one_client_spraying_many_accounts_is_throttled(store: Store, clock: Clock) -> None:
    add(store, "lea")
    for n in range(FAST.client_max_failures):
        accounts.authenticate(store, f"user{n}", "guess", "203.0.113.5", FAST)
    assert accounts.authenticate(
        store, "lea", "correct horse battery", "203.0.113.5", FAST
    ).reason == ("throttled")
    assert accounts.authenticate(
        store, "lea", "correct horse battery", "198.51.100.1", FAST
    ).account


def test_password_hash_is_upgraded_on_login_when_parameters_change(
    store: Store, clock: Clock
) -> None:
    add(store, "lea")
    stronger = Security(time_cost=2, memory_kib=2048, parallelism=1)
    assert accounts.authenticate(store, "lea", "correct horse battery", security=stronger).account
    stored = store.query("credentials", username="lea", email="")["password_hash"].iloc[0]
    assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert list(audit(store, "account.rehash")["target"]) == ["lea"]
    assert accounts.authenticate(store, "lea", "correct horse battery", security=stronger).account
    assert len(audit(store, "account.rehash")) == 1  # no second upgrade


def test_single_sign_on_maps_an_email_to_an_enabled_account(store: Store) -> None:
    add(store, "lea", email="lea@valmont.fr")
    found = accounts.account_for_email(store, " LEA@valmont.FR ")
    assert found is not None and found.username == "lea"
    assert accounts.account_for_email(store, "other@valmont.fr") is None
    assert accounts.account_for_email(store, "") is None
    accounts.set_disabled(store, ADMIN, "lea")
    assert accounts.account_for_email(store, "lea@valmont.fr") is None


# -- sessions ---------------------------------------------------------------------------


def _session(store: Store, username: str = "lea") -> str:
    add(store, username)
    return sessions.open_session(
        store, accounts.get_account(store, username), client="c", security=FAST
    )


def test_a_session_cookie_admits_its_account_until_logout(store: Store, clock: Clock) -> None:
    token = _session(store)
    resolved = sessions.resolve(store, token, FAST)
    assert resolved.reason == "ok"
    assert resolved.viewer == Viewer("lea", "partner", "Lea", "ent-valmont")
    assert sessions.close_session(store, token)
    assert sessions.resolve(store, token, FAST).reason == "ended"
    assert not sessions.close_session(store, token)
    assert list(audit(store, "logout")["target"]) == ["lea"]
    assert list(audit(store, "login.success")["target"]) == ["lea"]
    # the store keeps a hash of the session id, never the id the cookie carries
    session_id = token.split(".")[1]
    assert session_id not in str(store.query("session", id_hash=sessions._hash(session_id)).values)


def test_an_idle_session_expires(store: Store, clock: Clock) -> None:
    token = _session(store)
    clock.advance(minutes=29)
    assert sessions.resolve(store, token, FAST).reason == "ok"  # use keeps it alive
    clock.advance(minutes=29)
    assert sessions.resolve(store, token, FAST).reason == "ok"
    clock.advance(minutes=31)
    assert sessions.resolve(store, token, FAST).reason == "idle"
    assert sessions.resolve(store, token, FAST).reason == "ended"
    expired = audit(store, "session.expired")
    assert [json.loads(d)["reason"] for d in expired["details"]] == ["idle"]


def test_a_session_in_use_still_ends_at_its_absolute_limit(store: Store, clock: Clock) -> None:
    token = _session(store)
    for _ in range(12 * 4 - 1):
        clock.advance(minutes=15)
        assert sessions.resolve(store, token, FAST).reason == "ok"
    clock.advance(minutes=15)
    assert sessions.resolve(store, token, FAST).reason == "absolute"


def _other(part: str) -> str:
    """`part` with its first character changed (a random id may already start with 'x')."""
    return ("y" if part.startswith("x") else "x") + part[1:]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature
        lambda t: ".".join([*t.split(".")[:2], str(int(t.split(".")[2]) + 86400), t.split(".")[3]]),
        lambda t: ".".join([t.split(".")[0], _other(t.split(".")[1]), *t.split(".")[2:]]),
        lambda t: "v2" + t[2:],
        lambda t: t.split(".", 1)[1],
        lambda t: "",
    ],
    ids=["signature", "expiry", "session-id", "version", "truncated", "empty"],
)
def test_a_tampered_cookie_is_refused(store: Store, clock: Clock, tamper: object) -> None:
    token = _session(store)
    assert callable(tamper)
    resolved = sessions.resolve(store, tamper(token), FAST)
    assert resolved.viewer is None and resolved.reason in ("tampered", "none")
    assert sessions.resolve(store, token, FAST).reason == "ok"


def test_a_cookie_signed_by_another_store_is_refused(store: Store, clock: Clock) -> None:
    token = _session(store)
    other = Store(store.path.with_name("other.duckdb"))
    other.migrate()
    assert sessions._parse(other, token) is None


def test_a_watching_timer_does_not_keep_a_session_alive(store: Store, clock: Clock) -> None:
    token = _session(store)
    for _ in range(6):
        clock.advance(minutes=5)
        assert sessions.resolve(store, token, FAST, touch=False).reason == "ok"
    clock.advance(minutes=1)
    assert sessions.resolve(store, token, FAST, touch=False).reason == "idle"
