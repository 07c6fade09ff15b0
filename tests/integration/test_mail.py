"""E-mailing posted digests, end to end: the whole app from the composition root on SQLite,
the real SMTP transport, and a real SMTP server (aiosmtpd) on 127.0.0.1 that receives the
mail; the chat platform is the console's, recorded."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.community import Community
from bot.config import Settings
from bot.events import MessageRef
from bot.mailing import RETRY_DELAYS, STALE_SEND
from bot.models import Member
from digestif.bootstrap import open_app
from tests.digest_helpers import seed
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer, RecordingNotifier
from tests.fakes.smtp_server import SmtpServer
from tests.unit.test_editor import Publisher

C = "club"
MOD = Member("mo", "Mo", is_moderator=True)
LIST = "ada@example.org, Bob@Example.ORG"
# A server name and a page title as hostile as a platform and a page can make them.
SERVER = 'Evil "Club"\r\nBcc: eve@evil.test <x@evil.test>'
TITLE = "Big news\r\nBcc: eve@evil.test\r\n\r\n<script>alert(1)</script> & more"
CHAT = "https://chat.test/general/m1"


class Linker:
    async def message_url(self, community: Community, ref: MessageRef) -> str | None:
        return CHAT


@dataclass
class World:
    app: App
    smtp: SmtpServer
    notifier: RecordingNotifier
    publisher: Publisher
    clock: FakeClock
    sleeps: list[float] = field(default_factory=list)

    async def post(self) -> str:
        """A moderator posts this week's digest; returns the period."""
        digest = await self.app.publishing.post(C, MOD, "general")
        assert digest is not None
        return digest.period.key

    async def record(self, period: str) -> tuple[str, int]:
        found = await self.app.store.mail_record(C, period)
        assert found is not None
        return found.state, found.attempt


@asynccontextmanager
async def opened(path: Path, smtp: SmtpServer, clock: FakeClock, email_to: str = LIST,
                 **overrides: Any) -> AsyncIterator[World]:
    settings = Settings(db_path=path, cpu_workers=0, **(smtp.settings() | overrides))
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:  # the pauses are recorded, not waited
        sleeps.append(seconds)

    async with open_app(settings, clock, reader=FakeReader(), summarizer=FakeSummarizer(),
                        mail_sleep=sleep) as app:
        notifier, publisher = RecordingNotifier(), Publisher()
        app.register_platform("console", notifier, publisher, linker=Linker())
        await app.store.ensure_community(C, "console", SERVER)
        await app.editor.configure(C, MOD, "digest_channel", "news")
        if email_to:
            await app.editor.configure(C, MOD, "email_to", email_to)
        yield World(app, smtp, notifier, publisher, clock, sleeps)


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    async with SmtpServer() as server:
        yield server


@pytest.fixture
async def world(tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> AsyncIterator[World]:
    async with opened(tmp_path / "mail.sqlite3", smtp, clock) as opened_world:
        await stories(opened_world)
        yield opened_world


async def stories(world: World) -> None:
    top = await seed(world.app.store, C, world.clock() - timedelta(hours=1), TITLE, votes=2,
                     summary="A summary with <b>markup</b> and @everyone.")
    await world.app.store.link_message(C, MessageRef("general", "m1"), top, "origin")
    await seed(world.app.store, C, world.clock() - timedelta(hours=2), "Quiet story", votes=1)


def _parts(message: EmailMessage) -> dict[str, str]:
    return {part.get_content_type(): str(part.get_content()) for part in message.iter_parts()}


async def test_a_posted_digest_is_emailed_as_posted_with_newsletter_headers(world: World
                                                                          ) -> None:
    period = await world.post()
    await world.app.mailing.drain()
    [mail] = world.smtp.received
    message = mail.message
    assert mail.sender == "digest@club.test"
    assert mail.recipients == ["ada@example.org", "Bob@example.org"], "the list, by envelope"
    # Exactly these header lines, as sent: nothing injected, and no recipient in them.
    head = mail.raw.split(b"\r\n\r\n", 1)[0].decode()
    sent = [line.split(":", 1)[0] for line in head.split("\r\n") if not line[:1].isspace()]
    assert sorted(sent) == sorted(["From", "To", "Subject", "Date", "Message-ID", "List-Id",
                                   "List-Unsubscribe", "Auto-Submitted", "MIME-Version",
                                   "Content-Type"])
    assert "example.org" not in head
    assert getaddresses([str(message["To"])]) == getaddresses([str(message["From"])])
    assert getaddresses([str(message["To"])])[0][1] == "digest@club.test"
    assert str(message["Subject"]).startswith('Evil "Club" Bcc: eve@evil.test <x@evil.test> '
                                              "digest · Nov 23 – 29, 2026")
    assert str(message["Message-ID"]) == (
        f"<digest.{period.lower()}.1.club.{_hash(C)}@club.test>")
    assert str(message["List-Unsubscribe"]) == "<mailto:digest@club.test?subject=unsubscribe>"
    assert str(message["List-Id"]).endswith(f"<club.{_hash(C)}.club.test>")
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    text, html = parts["text/plain"], parts["text/html"]
    assert "Big news" in text and "Quiet story" in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>markup" not in html
    assert CHAT not in text and CHAT not in html, "e-mail is public: no links to the chat"
    assert world.publisher.digests[0].picks[0].chat_url == CHAT, "the chat post has it"
    assert await world.record(period) == ("sent", 1)


def _hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()[:8]


async def test_a_restart_never_sends_twice(tmp_path: Path, smtp: SmtpServer,
                                           clock: FakeClock) -> None:
    path = tmp_path / "restart.sqlite3"
    async with opened(path, smtp, clock) as world:
        await stories(world)
        period = await world.post()
        await world.app.mailing.drain()
    clock.advance(days=7)  # the schedule's time: last week is due
    for _ in range(2):
        async with opened(path, smtp, clock) as world:
            assert await world.app.publishing.post(C, MOD, "general", period) is None
            await world.app.scheduler.tick()
            community = await world.app.curator.known_community(C)
            world.app.mailing.after_post(community, period)  # as if posted once more
            await world.app.mailing.drain()
            assert world.publisher.digests == []
    assert len(smtp.received) == 1 and smtp.data_commands == 1


async def test_the_email_is_the_digest_as_posted_whatever_changed_since(world: World) -> None:
    period = await world.post()
    await world.app.mailing.drain()
    await world.app.editor.configure(C, MOD, "name", "Renamed weekly")
    await world.app.editor.configure(C, MOD, "picks", "1")
    community = await world.app.curator.known_community(C)
    again = await world.app.mailing.send(community, period, again=True)
    assert again.attempt == 2 and again.accepted == 2
    first, second = (r.message for r in world.smtp.received)
    assert _parts(first) == _parts(second), "rendered from the snapshot"
    assert first["Subject"] == second["Subject"]
    assert first["Message-ID"] != second["Message-ID"] and ".2.club." in second["Message-ID"]
    assert await world.record(period) == ("sent", 2)


async def test_a_451_is_retried_after_a_pause_and_then_sent(world: World) -> None:
    world.smtp.data_replies = ["451 4.3.0 Mailbox busy, try again later",
                               "421 4.7.0 Too many connections"]
    period = await world.post()
    await world.app.mailing.drain()
    assert world.sleeps == list(RETRY_DELAYS[:2]), "one growing pause before each new try"
    assert world.smtp.data_commands == 3 and len(world.smtp.received) == 1
    assert await world.record(period) == ("sent", 1)
    assert world.notifier.hints == [], "a retry that succeeds bothers nobody"


async def test_a_550_is_not_retried_and_the_moderators_are_told_once(
        tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> None:
    smtp.data_replies = ["550 5.7.1 Message rejected as spam"] * 3
    path = tmp_path / "refused.sqlite3"
    async with opened(path, smtp, clock) as world:
        await stories(world)
        period = await world.post()
        await world.app.mailing.drain()
        assert world.sleeps == [] and smtp.data_commands == 1
        assert await world.record(period) == ("failed", 1)
        [told] = world.notifier.hints
        assert told.startswith(f"The digest {period} could not be e-mailed: the mail server "
                               "answered 550 5.7.1 Message rejected as spam")
        assert f"digestif email --period {period}" in told
    clock.advance(hours=2)
    async with opened(path, smtp, clock) as world:  # a restart tells nobody again
        await world.app.scheduler.tick()
        await world.app.mailing.drain()
        assert world.notifier.hints == [] and smtp.data_commands == 1


async def test_some_refused_addresses_are_told_and_the_rest_get_it(world: World) -> None:
    world.smtp.refuse = {"Bob@example.org": "550 5.1.1 No such user"}
    period = await world.post()
    await world.app.mailing.drain()
    [mail] = world.smtp.received
    assert mail.recipients == ["ada@example.org"]
    assert await world.app.store.mail_record(C, period) is not None
    record = await world.app.store.mail_record(C, period)
    assert record is not None and (record.state, record.recipients) == ("sent", 1)
    assert world.notifier.hints == [
        f"The digest {period} was e-mailed, but the mail server refused Bob@example.org."]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_chat_post_happens_when_the_mail_server_is_down(
        tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> None:
    async with opened(tmp_path / "down.sqlite3", smtp, clock, smtp_port=_closed_port()
                      ) as world:
        await stories(world)
        period = await world.post()
        assert len(world.publisher.digests) == 1, "posted in the chat"
        await world.app.mailing.drain()
        assert world.sleeps == list(RETRY_DELAYS), "retried, each after a longer pause"
        assert await world.record(period) == ("failed", 1)
        [told] = world.notifier.hints
        assert "could not be reached" in told
        posted = await world.app.store.digest_record(C, period)
        assert posted is not None and posted.state == "posted"


async def test_a_server_without_the_required_starttls_is_a_failure_not_a_retry(
        tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> None:
    async with opened(tmp_path / "tls.sqlite3", smtp, clock, smtp_starttls=True) as world:
        await stories(world)
        period = await world.post()
        await world.app.mailing.drain()
        assert world.sleeps == [] and await world.record(period) == ("failed", 1)
        [told] = world.notifier.hints
        assert "STARTTLS" in told or "starttls" in told.lower()
    assert smtp.data_commands == 0, "nothing is sent in clear text"


async def test_posting_never_waits_for_the_mail(world: World) -> None:
    gate = asyncio.Event()
    world.smtp.hold = gate
    period = await world.post()  # returns while the mail server holds the message
    assert len(world.publisher.digests) == 1
    await world.smtp.wait_for(lambda s: s.data_commands == 1)
    assert world.smtp.received == [] and await world.record(period) == ("sending", 1)
    gate.set()
    await world.app.mailing.drain()
    assert len(world.smtp.received) == 1


async def test_stopping_right_after_a_post_lets_the_mail_finish(
        tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> None:
    async with opened(tmp_path / "quick.sqlite3", smtp, clock) as world:
        await stories(world)
        period = await world.post()  # and the session ends at once, as a piped console does
    assert len(smtp.received) == 1
    async with opened(tmp_path / "quick.sqlite3", smtp, clock) as world:
        assert await world.record(period) == ("sent", 1)


async def test_a_send_cut_short_by_a_stop_is_settled_and_never_resent(
        tmp_path: Path, smtp: SmtpServer, clock: FakeClock) -> None:
    path = tmp_path / "crash.sqlite3"
    smtp.hold = asyncio.Event()  # the server never answers DATA
    async with opened(path, smtp, clock) as world:
        await stories(world)
        period = await world.post()
        await smtp.wait_for(lambda s: s.data_commands == 1)
        await world.app.mailing.close(grace=0)  # the bot stops; the server still holds it
    # Stopped mid-send: the server may or may not have delivered it.
    clock.advance(minutes=5)
    async with opened(path, smtp, clock) as world:
        await world.app.scheduler.tick()
        assert await world.record(period) == ("sending", 1), "a recent claim is left alone"
        clock.advance(seconds=STALE_SEND.total_seconds() + 1)
        await world.app.scheduler.tick()
        await world.app.mailing.drain()
        assert await world.record(period) == ("failed", 1)
        assert world.notifier.hints == [
            f"The bot stopped while e-mailing the digest {period}: it may or may not have "
            f"gone out. The bot's operator can send it again with: digestif email --period "
            f"{period}"]
        await world.app.scheduler.tick()
        assert len(world.notifier.hints) == 1, "told once"
    assert smtp.data_commands == 1 and smtp.received == []


async def test_the_scheduled_digest_is_emailed_too(world: World) -> None:
    world.clock.advance(days=6)  # past this week's end: the schedule posts it
    [(_, period, outcome)] = await world.app.scheduler.tick()
    assert outcome == "posted"
    await world.app.mailing.drain()
    [mail] = world.smtp.received
    assert f".{period.lower()}.1." in str(mail.message["Message-ID"])


async def test_a_list_without_a_mail_server_is_told_once(tmp_path: Path, smtp: SmtpServer,
                                                        clock: FakeClock) -> None:
    async with opened(tmp_path / "nomail.sqlite3", smtp, clock, smtp_host=None,
                      mail_from=None) as world:
        await stories(world)
        await world.post()
        await world.app.mailing.drain()
        await world.app.publishing.post(C, MOD, "general", "last")
        await world.app.mailing.drain()
        assert world.notifier.hints == [
            "email_to is set, but this bot has no mail server: its operator sets SMTP_HOST "
            "and DIGESTIF_MAIL_FROM. Digests are not e-mailed until then."]
    assert smtp.data_commands == 0


async def test_without_a_list_nothing_is_sent_or_claimed(tmp_path: Path, smtp: SmtpServer,
                                                          clock: FakeClock) -> None:
    async with opened(tmp_path / "nolist.sqlite3", smtp, clock, email_to="") as world:
        await stories(world)
        period = await world.post()
        await world.app.mailing.drain()
        assert await world.app.store.mail_record(C, period) is None
        assert world.notifier.hints == []
    assert smtp.data_commands == 0
