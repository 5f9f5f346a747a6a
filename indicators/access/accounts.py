"""Accounts: who may sign in, with which role, for which organisation; passwords; throttling.

Passwords are hashed with argon2id. A hash made with older parameters is upgraded the next
time its owner signs in. Repeated failures lock the account, and the client address that sent
them, for a while; an attempt whose address is unknown counts under one shared address,
`unknown`. A browser holding a device cookie of the account (`devices.py`) is held by neither
lock, only by its own small limit. Every attempt, refused or not, is in the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indicators.access import devices
from indicators.access.viewer import ROLES, Viewer, require_role
from indicators.common.i18n import LANGUAGES
from indicators.common.problems import RefusedInputError
from indicators.store.database import Audit, Store

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
# The address failures are counted under when the client's own is not known (so that they
# still add up to the per-address lock).
UNKNOWN_CLIENT = "unknown"
# The organisation types each role may belong to (an evaluator belongs to the backbone or none).
ORGANISATION_TYPES = {
    "partner": ("school", "company", "company_foundation", "association", "public_body"),
    "funder": ("funder",),
    "evaluator": ("backbone",),
}


@dataclass(frozen=True)
class Security:
    """How long a session lasts, when failures lock, and how hard passwords are hashed."""

    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    max_failures: int = 5  # failed logins of one account within `window` before it locks
    client_max_failures: int = 20  # failed logins from one client address within `window`
    window: dt.timedelta = dt.timedelta(minutes=15)
    device_max_failures: int = 5  # failed logins through one trusted device within `window`
    device_lifetime: dt.timedelta = dt.timedelta(days=90)  # a device cookie's life
    time_cost: int = 3  # argon2id, as recommended by RFC 9106's second choice
    memory_kib: int = 65536
    parallelism: int = 4

    @classmethod
    def from_env(cls) -> Security:
        """The defaults, overridden by `MESURE_IDLE_MINUTES`, `MESURE_SESSION_HOURS`, …"""
        base = cls()
        env = os.environ

        def number(name: str, default: float) -> float:
            try:
                value = float(env.get(name, default))
            except ValueError:
                return default
            return value if value > 0 else default

        minute, hour, day = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
        return cls(
            idle=minute * number("MESURE_IDLE_MINUTES", base.idle / minute),
            absolute=hour * number("MESURE_SESSION_HOURS", base.absolute / hour),
            max_failures=int(number("MESURE_MAX_FAILURES", base.max_failures)),
            client_max_failures=int(number("MESURE_CLIENT_MAX_FAILURES", base.client_max_failures)),
            window=minute * number("MESURE_LOCK_MINUTES", base.window / minute),
            device_max_failures=int(number("MESURE_DEVICE_MAX_FAILURES", base.device_max_failures)),
            device_lifetime=day * number("MESURE_DEVICE_DAYS", base.device_lifetime / day),
            time_cost=int(number("MESURE_ARGON2_TIME_COST", base.time_cost)),
            memory_kib=int(number("MESURE_ARGON2_MEMORY_KIB", base.memory_kib)),
            parallelism=int(number("MESURE_ARGON2_PARALLELISM", base.parallelism)),
        )

    def hasher(self) -> PasswordHasher:
        """The argon2id hasher with these parameters."""
        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism
        )


class AccountError(RefusedInputError):
    """A refused account change: a stable code and a message in French and English."""


@dataclass(frozen=True)
class Account:
    """One account as stored, without its password hash."""

    username: str
    display_name: str
    role: str
    organisation: str | None
    email: str | None
    disabled: bool
    language: str = "fr"  # the language of the e-mails it is sent

    def viewer(self) -> Viewer:
        """The viewer this account signs in as."""
        return Viewer(self.username, self.role, self.display_name, self.organisation)


@dataclass(frozen=True)
class Login:
    """The answer to a login attempt: the account when admitted, else why not."""

    account: Account | None
    reason: str  # ok, unknown, wrong_password, no_password, disabled, throttled
    retry_after: dt.timedelta | None = None


def _username(raw: str) -> str:
    return raw.strip().lower()


def _account(row: dict[str, Any]) -> Account:
    return Account(
        username=row["username"],
        display_name=row["display_name"],
        role=row["role"],
        organisation=row["organisation"] or None,
        email=row["email"] or None,
        disabled=bool(row["disabled"]),
        language=str(row.get("language") or "fr"),
    )


def _credentials(store: Store, username: str = "", email: str = "") -> dict[str, Any] | None:
    rows = store.query("credentials", username=username, email=email)
    return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def check_password(password: str) -> None:
    """Refuse a password too short to resist guessing (AccountError)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            "weak-password",
            f"Le mot de passe doit compter au moins {MIN_PASSWORD} caractères.",
            f"The password must be at least {MIN_PASSWORD} characters long.",
        )


def temporary_password() -> str:
    """A random password to hand over once, long enough for `check_password`."""
    return secrets.token_urlsafe(max(MIN_PASSWORD, 12))


def add_account(
    store: Store,
    actor: Viewer,
    username: str,
    display_name: str,
    role: str,
    password: str,
    organisation: str | None = None,
    email: str | None = None,
    security: Security | None = None,
    language: str = "fr",
) -> Account:
    """Create an account (evaluators only); AccountError says what is wrong with the input."""
    require_role(actor, "evaluator")
    username = _username(username)
    if not USERNAME.match(username):
        raise AccountError(
            "bad-username",
            f"Identifiant « {username} » refusé : 2 à 40 caractères parmi a-z, 0-9, « . », « _ »"
            " et « - », en commençant par une lettre ou un chiffre.",
            f"Username '{username}' refused: 2 to 40 of a-z, 0-9, '.', '_' and '-', starting"
            " with a letter or a digit.",
        )
    if role not in ROLES:
        raise AccountError(
            "bad-role",
            f"Rôle « {role} » inconnu : choisissez parmi {', '.join(ROLES)}.",
            f"Unknown role '{role}': choose one of {', '.join(ROLES)}.",
        )
    if _credentials(store, username) is not None:
        raise AccountError(
            "duplicate-username",
            f"Le compte « {username} » existe déjà.",
            f"Account '{username}' already exists.",
        )
    organisation = (organisation or "").strip() or None
    _check_organisation(store, role, organisation)
    email = _checked_email(store, email, username)
    language = _checked_language(language)
    check_password(password)
    store.execute(
        "account_add",
        Audit(
            actor.username, "account.add", username, {"role": role, "organisation": organisation}
        ),
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        organisation=organisation,
        password_hash=(security or Security.from_env()).hasher().hash(password),
        email=email,
        language=language,
        at=store.clock(),
    )
    return get_account(store, username)


def _checked_email(store: Store, email: str | None, username: str) -> str | None:
    """The address as stored (trimmed, lower case), None when empty; AccountError when it is
    malformed or another account's."""
    email = (email or "").strip().lower() or None
    if email is None:
        return None
    if not EMAIL.match(email):
        raise AccountError(
            "bad-email", f"Adresse « {email} » invalide.", f"Invalid e-mail '{email}'."
        )
    owner = _credentials(store, email=email)
    if owner is not None and owner["username"] != username:
        raise AccountError(
            "duplicate-email",
            f"L'adresse « {email} » est déjà celle d'un autre compte.",
            f"E-mail '{email}' already belongs to another account.",
        )
    return email


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise AccountError(
            "bad-language",
            f"Langue « {language} » inconnue : choisissez parmi {', '.join(LANGUAGES)}.",
            f"Unknown language '{language}': choose one of {', '.join(LANGUAGES)}.",
        )
    return language


def _check_organisation(store: Store, role: str, organisation: str | None) -> None:
    allowed = ORGANISATION_TYPES[role]
    if organisation is None:
        if role == "evaluator":
            return
        raise AccountError(
            "missing-organisation",
            f"Un compte « {role} » doit être rattaché à une organisation (--organisation).",
            f"A '{role}' account must belong to an organisation (--organisation).",
        )
    organisations = store.query("organisations")
    found = organisations.loc[organisations["code"] == organisation, "type"]
    if found.empty:
        raise AccountError(
            "unknown-organisation",
            f"Organisation « {organisation} » inconnue de l'initiative (organisations.csv).",
            f"Organisation '{organisation}' is not in the initiative (organisations.csv).",
        )
    if found.iloc[0] not in allowed:
        raise AccountError(
            "organisation-type",
            f"Un compte « {role} » ne peut pas appartenir à « {organisation} », de type"
            f" « {found.iloc[0]} » (types admis : {', '.join(allowed)}).",
            f"A '{role}' account cannot belong to '{organisation}' of type '{found.iloc[0]}'"
            f" (allowed: {', '.join(allowed)}).",
        )


def get_account(store: Store, username: str) -> Account:
    """The account `username`; AccountError when there is none."""
    row = _credentials(store, _username(username))
    if row is None:
        raise AccountError(
            "unknown-account",
            f"Aucun compte « {username} ».",
            f"No account '{username}'.",
        )
    return _account(row)


def list_accounts(store: Store, viewer: Viewer) -> pd.DataFrame:
    """Every account, without password hashes (evaluators only)."""
    require_role(viewer, "evaluator")
    return store.query("accounts", username="")


def set_disabled(store: Store, actor: Viewer, username: str, disabled: bool = True) -> Account:
    """Disable (or enable again) an account; a disabled account's sessions end at once and its
    devices are no longer trusted."""
    require_role(actor, "evaluator")
    account = get_account(store, username)
    now = store.clock()
    action = "account.disable" if disabled else "account.enable"
    store.execute(
        "account_disabled",
        Audit(actor.username, action, account.username),
        username=account.username,
        disabled=disabled,
        at=now,
    )
    if disabled:
        store.execute("sessions_end_user", username=account.username, reason="disabled", at=now)
        devices.revoke_all(store, account.username, "disabled")
    return get_account(store, account.username)


def set_role(
    store: Store, actor: Viewer, username: str, role: str, organisation: str | None
) -> Account:
    """Give an account another role and organisation (evaluators only; never one's own
    account, so that the last evaluator cannot lock the team out). The account's sessions end
    at once: its person signs in again and sees, from then on, only what the new role and
    organisation may see. Audited with the role and organisation before and after."""
    require_role(actor, "evaluator")
    account = get_account(store, username)
    if account.username == actor.username:
        raise AccountError(
            "own-role",
            "Vous ne pouvez pas changer le rôle de votre propre compte : demandez-le à un autre"
            " membre de l'équipe d'appui.",
            "You cannot change your own account's role: ask another member of the backbone team.",
        )
    if role not in ROLES:
        raise AccountError(
            "bad-role",
            f"Rôle « {role} » inconnu : choisissez parmi {', '.join(ROLES)}.",
            f"Unknown role '{role}': choose one of {', '.join(ROLES)}.",
        )
    organisation = (organisation or "").strip() or None
    _check_organisation(store, role, organisation)
    if (role, organisation) == (account.role, account.organisation):
        return account
    now = store.clock()
    store.execute(
        "account_role",
        Audit(
            actor.username,
            "account.role",
            account.username,
            {
                "role": role,
                "organisation": organisation,
                "before": {"role": account.role, "organisation": account.organisation},
            },
        ),
        username=account.username,
        role=role,
        organisation=organisation,
        at=now,
    )
    store.execute("sessions_end_user", username=account.username, reason="role", at=now)
    return get_account(store, account.username)


def set_contact(
    store: Store, actor: Viewer, username: str, email: str | None, language: str = "fr"
) -> Account:
    """Give an account another e-mail address (None: none) and e-mail language (evaluators,
    or the account's owner); audited with the values before and after."""
    if actor.username != _username(username):
        require_role(actor, "evaluator")
    account = get_account(store, username)
    email = _checked_email(store, email, account.username)
    language = _checked_language(language)
    if (email, language) == (account.email, account.language):
        return account
    store.execute(
        "account_contact",
        Audit(
            actor.username,
            "account.contact",
            account.username,
            {
                "email": email,
                "language": language,
                "before": {"email": account.email, "language": account.language},
            },
        ),
        username=account.username,
        email=email,
        language=language,
        at=store.clock(),
    )
    return get_account(store, account.username)


def contacts(store: Store) -> dict[str, list[Account]]:
    """Per organisation, its enabled accounts that have an e-mail address: who is written to
    about its reports."""
    rows = store.query("accounts", username="")
    rows = rows[rows["organisation"].notna() & ~rows["disabled"] & rows["email"].notna()]
    out: dict[str, list[Account]] = {}
    for _, row in rows.iterrows():
        account = _account({str(k): v for k, v in row.items()})
        out.setdefault(str(account.organisation), []).append(account)
    return out


def set_password(
    store: Store,
    actor: Viewer,
    username: str,
    password: str,
    security: Security | None = None,
) -> None:
    """Give an account a new password (evaluators, or the account's owner); ends its sessions
    and revokes its trusted devices."""
    if actor.username != _username(username):
        require_role(actor, "evaluator")
    account = get_account(store, username)
    check_password(password)
    now = store.clock()
    store.execute(
        "account_password",
        Audit(actor.username, "account.password", account.username),
        username=account.username,
        password_hash=(security or Security.from_env()).hasher().hash(password),
        at=now,
    )
    store.execute("sessions_end_user", username=account.username, reason="password", at=now)
    devices.revoke_all(store, account.username, "password")


def account_for_email(store: Store, email: str) -> Account | None:
    """The enabled account whose e-mail is `email` (single sign-on), or None."""
    row = _credentials(store, email=email.strip().lower()) if email.strip() else None
    if row is None or row["disabled"]:
        return None
    return _account(row)


# A hash of nothing, checked when the account does not exist, so that an unknown username
# takes as long to refuse as a wrong password.
_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("mesure-commune: no such account")
    return _DUMMY[key]


def _failures(
    store: Store, username: str, client: str, device: str, security: Security
) -> dict[str, Any]:
    """The failures in the window: of the account, of the address, of the trusted device."""
    row = store.query(
        "login_failures",
        username=username,
        client=client,
        device=device,
        since=store.clock() - security.window,
    ).iloc[0]
    return {str(k): v for k, v in row.items()}


def _lock(counts: dict[str, Any], security: Security, now: dt.datetime) -> dt.timedelta | None:
    """How long the account's or the address's lock still holds, or None."""
    waits = [
        counts[f"first_of_{what}"] + security.window - now
        for what, limit in (
            ("account", security.max_failures),
            ("client", security.client_max_failures),
        )
        if counts[f"of_{what}"] >= limit
    ]
    return max(pd.Timedelta(w).to_pytimedelta() for w in waits) if waits else None


def throttled(store: Store, username: str, client: str, security: Security) -> dt.timedelta | None:
    """How long `username` (or `client`, `unknown` when empty) must wait before trying again
    from a browser without a device cookie of the account, or None."""
    counts = _failures(store, _username(username), client or UNKNOWN_CLIENT, "", security)
    return _lock(counts, security, store.clock())


def authenticate(
    store: Store,
    username: str,
    password: str,
    client: str = "",
    security: Security | None = None,
    device: str | None = None,
) -> Login:
    """Check a username and password; every attempt is audited, refused ones included.

    Refusals do not say whether the account exists. A hash made with other argon2id
    parameters than `security`'s is upgraded on success. `client` is the address of the
    browser (`unknown` when empty); `device` the device cookie it presents, if any. A device
    cookie of this account that the store trusts lets the attempt past the account's and the
    address's locks, and its failures count for it alone; after
    `security.device_max_failures` of them in the window it is refused, and the attempt is
    one of a stranger.
    """
    security = security or Security.from_env()
    username = _username(username)
    client = client or UNKNOWN_CLIENT
    hasher = security.hasher()
    details: dict[str, Any] = {"client": client}
    trusted = devices.trusted(store, device, username) or ""
    counts = _failures(store, username, client, trusted, security)
    if trusted and counts["of_device"] >= security.device_max_failures:
        details["refused_device"] = trusted
        trusted = ""
    elif trusted:
        details["device"] = trusted  # its failures count for this device only

    def refuse(reason: str, action: str = "login.failure", **more: Any) -> Login:
        store.audit(username or "?", action, username, **details, reason=reason)
        return Login(None, reason, **more)

    if not trusted:
        wait = _lock(counts, security, store.clock())
        if wait is not None:
            return refuse("throttled", "login.throttled", retry_after=wait)
    row = _credentials(store, username) if username else None
    if row is None or not row["password_hash"]:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password)
        return refuse("unknown" if row is None else "no_password")
    try:
        hasher.verify(row["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return refuse("wrong_password")
    if row["disabled"]:
        return refuse("disabled")
    if hasher.check_needs_rehash(row["password_hash"]):
        store.execute(
            "account_password",
            Audit(username, "account.rehash", username),
            username=username,
            password_hash=hasher.hash(password),
            at=store.clock(),
        )
    return Login(_account(row), "ok")
