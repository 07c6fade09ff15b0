"""A real SMTP server (aiosmtpd) on 127.0.0.1, in the test's own event loop: it keeps every
message it accepts, parsed, and can be told to answer DATA or RCPT with an error first."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    """One accepted message: the envelope and the message as a mail client parses it."""

    sender: str
    recipients: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class SmtpServer:
    """``data_replies``: replies to the next DATA commands, in order ("451 4.3.0 busy"),
    before it accepts again; ``refuse``: recipients refused at RCPT, with the reply;
    ``hold``: while set and not released, DATA waits for it before answering."""

    data_replies: list[str] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    data_commands: int = 0
    hold: asyncio.Event | None = None
    port: int = 0
    _server: asyncio.Server | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        async with self._changed:
            self.data_commands += 1
            self._changed.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        async with self._changed:
            if self.data_replies:
                return self.data_replies.pop(0)
            raw = envelope.original_content or b""
            parsed = email.message_from_bytes(raw, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos),
                                          raw, parsed))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    async def wait_for(self, done: Callable[[SmtpServer], bool]) -> None:
        """Until ``done(self)`` holds (each accepted DATA wakes it)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: done(self)), 10)

    async def __aenter__(self) -> SmtpServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="mail.test", ident="test smtp"), "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def settings(self) -> dict[str, Any]:
        """Settings fields that point digestif at this server (no TLS: it is local)."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_starttls": False,
                "mail_from": "digest@club.test"}
