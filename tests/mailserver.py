"""A local SMTP server for the tests (aiosmtpd), capturing the messages it accepts."""

from __future__ import annotations

import email
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from tests.servers import free_port


@dataclass
class Capture:
    """An aiosmtpd handler keeping every message it accepts; refuses the addresses in
    `refused` at RCPT time."""

    messages: list[EmailMessage] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to `address`."""
        return [m for m in self.messages if address in str(m["To"])]


@contextmanager
def local_smtp(
    authenticator: Callable[[SMTP, Session, Envelope, str, Any], AuthResult] | None = None,
) -> Iterator[tuple[Capture, int]]:
    """A server on 127.0.0.1 while the block runs: (its handler, its port). With an
    `authenticator`, it asks for a user name and password (over plain SMTP: a local test
    server has no certificate)."""
    handler = Capture()
    port = free_port()
    more: dict[str, Any] = {}
    if authenticator is not None:
        more = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    with warnings.catch_warnings():  # aiosmtpd warns of AUTH without TLS
        warnings.simplefilter("ignore", UserWarning)
        controller = Controller(handler, hostname="127.0.0.1", port=port, **more)
        controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
