"""E-mail through the SMTP server the environment names; every message attempted is audited.

Configuration (see the README): `MESURE_SMTP_HOST` switches e-mail on; `MESURE_SMTP_PORT`,
`MESURE_SMTP_USER`, `MESURE_SMTP_PASSWORD`, `MESURE_SMTP_FROM`, `MESURE_SMTP_STARTTLS` or
`MESURE_SMTP_SSL`, `MESURE_SMTP_TIMEOUT` (seconds) tune it; `MESURE_PUBLIC_URL` is the app's
address, for links in messages. A batch of messages goes through one connection, opened
per batch: nothing is shared between threads, so two sessions may send at the same time. A
message that cannot be sent is a `Delivery` with an error code, logged and audited as
failed, never an exception: whatever asked for it (a return) is already done.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from indicators.common.i18n import t
from indicators.store.database import Store

log = logging.getLogger("mesure.mail")

SECURITIES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_TIMEOUT = 10.0
# What went wrong, as the stable codes a page turns into a sentence (`failure_text`).
ERRORS = ("connection", "timeout", "auth", "recipient", "smtp")
YES = ("1", "true", "yes", "oui", "on")


@dataclass(frozen=True)
class MailConfig:
    """Where and how to send e-mail; `password` never leaves this object (not even in repr)."""

    host: str
    port: int
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "none"  # none, starttls, ssl
    timeout: float = DEFAULT_TIMEOUT
    public_url: str = ""  # the app's address, for links; "" for none

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailConfig | None:
        """The configuration the environment gives, or None when no SMTP server is named."""
        env = os.environ if env is None else env
        host = env.get("MESURE_SMTP_HOST", "").strip()
        if not host:
            return None
        security = "none"
        if env.get("MESURE_SMTP_SSL", "").strip().lower() in YES:
            security = "ssl"
        elif env.get("MESURE_SMTP_STARTTLS", "").strip().lower() in YES:
            security = "starttls"
        user = env.get("MESURE_SMTP_USER", "").strip()
        sender = env.get("MESURE_SMTP_FROM", "").strip() or (
            user if "@" in user else f"mesure-commune@{host}"
        )
        return cls(
            host=host,
            port=int(_number(env.get("MESURE_SMTP_PORT"), DEFAULT_PORTS[security])),
            sender=sender,
            user=user,
            password=env.get("MESURE_SMTP_PASSWORD", ""),
            security=security,
            timeout=_number(env.get("MESURE_SMTP_TIMEOUT"), DEFAULT_TIMEOUT),
            public_url=env.get("MESURE_PUBLIC_URL", "").strip().rstrip("/"),
        )

    def link(self, page: str) -> str:
        """The address of the app's `page` (its URL path), or "" without `public_url`."""
        return f"{self.public_url}/{page}" if self.public_url else ""


def _number(raw: str | None, default: float) -> float:
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Message:
    """One e-mail to one person, already written in their language."""

    kind: str  # return, reminder
    target: str  # what it is about, for the audit: a submission id, an organisation
    to: str  # the address
    name: str  # the person's display name
    username: str
    lang: str
    subject: str
    body: str  # the plain text
    html: str = ""  # the same as an HTML page (markup.page); "" for a plain message


@dataclass(frozen=True)
class Delivery:
    """What became of one message: sent, or the error code (ERRORS) and the server's words."""

    message: Message
    error: str = ""
    detail: str = ""

    @property
    def sent(self) -> bool:
        """True when the server accepted the message."""
        return not self.error


def failure_text(delivery: Delivery, config: MailConfig | None, lang: str = "fr") -> str:
    """Why a message was not sent, as a sentence naming its recipient."""
    where = f"{config.host}:{config.port}" if config else ""
    return t(
        f"mail.error.{delivery.error}",
        lang,
        to=delivery.message.to,
        server=where,
        detail=delivery.detail,
    )


def _email(message: Message, config: MailConfig) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr(("Mesure commune", config.sender))
    email["To"] = formataddr((message.name, message.to))
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies, please
    email.set_content(message.body)
    if message.html:  # multipart/alternative: the plain text first, the richer part last
        email.add_alternative(message.html, subtype="html")
    email["Content-Language"] = message.lang  # after set_content, which drops Content-* headers
    return email


def _connect(config: MailConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _error(exc: BaseException) -> str:
    """The ERRORS code of `exc` (smtplib's exceptions are OSErrors: the most precise first)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "auth"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient"
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return "connection"
    if isinstance(exc, smtplib.SMTPException):
        return "smtp"
    if isinstance(exc, TimeoutError):
        return "timeout"
    return "connection"  # refused, unreachable, unknown host, TLS handshake


def _detail(exc: BaseException, config: MailConfig) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(config.password, "***") if config.password else text


def send(
    store: Store, actor: str, messages: Sequence[Message], config: MailConfig
) -> list[Delivery]:
    """Send `messages` through one connection, in order; one Delivery each. Every message is
    audited (`mail.sent` or `mail.failed`: to, subject, kind, result) and every failure
    logged; a connection that cannot be opened, or that breaks, fails the messages left."""
    deliveries: list[Delivery] = []
    if not messages:
        return deliveries
    smtp: smtplib.SMTP | None = None
    broken: BaseException | None = None
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        broken = exc
    for message in messages:
        failed = broken
        if smtp is not None and failed is None:
            try:
                smtp.send_message(_email(message, config))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                failed = exc  # this message only (smtplib reset it): the connection goes on
            except (OSError, smtplib.SMTPException) as exc:
                failed = broken = exc
        delivery = (
            Delivery(message)
            if failed is None
            else Delivery(message, _error(failed), _detail(failed, config))
        )
        _record(store, actor, delivery)
        deliveries.append(delivery)
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return deliveries


def _record(store: Store, actor: str, delivery: Delivery) -> None:
    message = delivery.message
    details = {
        "to": message.to,
        "subject": message.subject,
        "kind": message.kind,
        "result": "sent" if delivery.sent else "failed",
    }
    if not delivery.sent:
        details |= {"error": delivery.error, "detail": delivery.detail}
        log.warning(
            "e-mail %s to %s not sent: %s", message.kind, message.to, delivery.detail or "?"
        )
    action = "mail.sent" if delivery.sent else "mail.failed"
    store.audit(actor, action, message.target, **details)
