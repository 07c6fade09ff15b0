"""The core's read-back rules with an injected clock: at most 7 days back and 500 messages a
channel, oldest first, from the last message seen, whatever the platform answers; each link
submitted as if live, and each channel's cursor moved on so nothing is read twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.backfill import MAX_AGE, MAX_MESSAGES
from bot.community import Community
from bot.config import Settings
from bot.events import LinkPosted, MessageRef, MissedMessage
from bot.models import Member
from digestif.bootstrap import open_app
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer, RecordingNotifier

C = "club"
ADA = Member("ada", "Ada")


@dataclass
class Careless:
    """A platform's history that ignores the bounds it is given (the core keeps them)."""

    channels: dict[str, list[MissedMessage]] = field(default_factory=dict)
    asked: list[tuple[str, str | None, datetime, int]] = field(default_factory=list)

    def post(self, channel: str, at: datetime, text: str = "words") -> MissedMessage:
        cursor = f"{int(at.timestamp() * 1000):020d}"
        message = MissedMessage(LinkPosted(C, ADA, text, MessageRef(channel, cursor)),
                                cursor, at)
        self.channels.setdefault(channel, []).append(message)
        return message

    async def missed(self, community: Community, channel: str, after: str | None,
                     since: datetime, limit: int) -> list[MissedMessage]:
        self.asked.append((channel, after, since, limit))
        return list(reversed(self.channels.get(channel, [])))


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    reader = FakeReader()
    for name in "abc":
        reader.add(f"https://news.test/{name}", title=f"Story {name}")
    async with open_app(Settings(db_path=tmp_path / "b.sqlite3", cpu_workers=0), clock,
                        reader=reader, summarizer=FakeSummarizer()) as app:
        app.register_platform("console", RecordingNotifier())
        await app.curator.community(C, "console")
        yield app


async def test_read_back_is_bounded_by_age_and_count_and_never_repeats(
        app: App, clock: FakeClock) -> None:
    history, now = Careless(), clock()
    await app.curator.update_settings(C, (await app.curator.settings_for(C)).updated(
        "submission_channels", "general"))
    history.post("general", now - MAX_AGE - timedelta(minutes=1), "https://news.test/a")
    first = history.post("general", now - MAX_AGE, "https://news.test/b")
    for i in range(MAX_MESSAGES + 10):
        history.post("general", now - timedelta(days=1) + timedelta(seconds=i))
    history.post("general", now, "https://news.test/c")
    done = await app.backfill.catch_up(C, history)
    assert done.read == MAX_MESSAGES
    assert done.submitted == [first.posted.origin], "only the link within both bounds"
    assert history.asked == [("general", None, now - MAX_AGE, MAX_MESSAGES)]
    last = sorted(m.cursor for m in history.channels["general"] if m.at >= now - MAX_AGE)[
        MAX_MESSAGES - 1]
    assert await app.store.last_seen(C, "general") == last
    clock.advance(hours=1)
    again = await app.backfill.catch_up(C, history)
    assert history.asked[-1][1] == last, "read on from the last message seen"
    assert again.read == 12 and len(again.submitted) == 1, "the rest, then nothing twice"
    assert (await app.backfill.catch_up(C, history)).read == 0


async def test_live_messages_move_the_cursor_forward_only(app: App) -> None:
    await app.backfill.seen(C, "general", "00000000000000000200")
    await app.backfill.seen(C, "general", "00000000000000000100")  # a late, older one
    assert await app.store.last_seen(C, "general") == "00000000000000000200"
    assert await app.backfill.channels(C) == ["general"], "every channel: those seen"
