"""The weekly schedule, with an injected clock: no sleeping."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.community import Community
from bot.config import Settings
from bot.digest import Digest
from bot.errors import PublishError
from bot.scheduler import LOCK, Scheduler
from digestif.bootstrap import open_app
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer, RecordingNotifier

WEEK_START = datetime(2026, 11, 16, 9, tzinfo=UTC)  # a Monday, the default weekly time
WEEK_END = WEEK_START + timedelta(weeks=1)
GRACE = timedelta(hours=24)


@dataclass
class Publisher:
    posts: list[tuple[str, str, str]] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    fail: bool = False
    permalink: str | None = None

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        if self.fail:
            raise PublishError("the platform said no")
        self.posts.append((community.key, channel, digest.period.key))
        self.digests.append(digest)
        return self.permalink


@dataclass
class Moderators(RecordingNotifier):
    """Where the scheduler's hints to a community's moderators arrive, as (community, text)."""

    told: list[tuple[str, str]] = field(default_factory=list)

    async def tell_moderators(self, community: Community, text: str) -> None:
        self.told.append((community.key, text))


@dataclass
class Bot:
    store: SqliteStore
    scheduler: Scheduler
    publisher: Publisher
    clock: FakeClock


async def _bot(path: Path, clock: FakeClock, channel: str = "news",
               moderators: Moderators | None = None) -> AsyncIterator[Bot]:
    """The app from the composition root (its scheduler not running: tests tick it), on the
    SQLite store at ``path``, opened here so that tests can also reach its tables."""
    settings = Settings(db_path=path, cpu_workers=0,
                        schedule_grace_hours=GRACE.total_seconds() / 3600)
    async with SqliteStore(path) as store, \
            open_app(settings, clock, store=store, reader=FakeReader(),
                     summarizer=FakeSummarizer()) as app:
        community = await store.ensure_community("c", "console", "Club")
        await store.save_settings("c", dataclasses.replace(community.settings,
                                                           digest_channel=channel))
        publisher = Publisher()
        app.register_platform("console", moderators or Moderators(), publisher)
        yield Bot(store, app.scheduler, publisher, clock)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    clock = FakeClock(WEEK_START + timedelta(days=2))
    async for value in _bot(tmp_path / "s.sqlite3", clock):
        await seed(value.store, "c", WEEK_START + timedelta(days=1), "story", votes=2)
        yield value


async def test_nothing_is_due_mid_week(bot: Bot) -> None:
    await bot.scheduler.tick()
    assert bot.publisher.posts == []


@pytest.mark.parametrize("late", [timedelta(minutes=1), timedelta(hours=23)])
async def test_due_or_missed_within_grace_posts_once(bot: Bot, late: timedelta) -> None:
    bot.clock.now = WEEK_END + late
    assert await bot.scheduler.tick() == [("c", "2026-W47", "posted")]
    assert await bot.scheduler.tick() == []
    assert bot.publisher.posts == [("c", "news", "2026-W47")]
    assert await bot.store.digest_record("c", "2026-W47") is not None


async def test_missed_beyond_grace_is_skipped_with_a_log_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.clock.now = WEEK_END + timedelta(hours=25)
    with caplog.at_level(logging.WARNING):
        assert await bot.scheduler.tick() == [("c", "2026-W47", "too late")]
        await bot.scheduler.tick()
    assert bot.publisher.posts == []
    assert sum("skipping the digest 2026-W47" in r.getMessage() for r in caplog.records) == 1


async def test_two_schedulers_racing_post_once(tmp_path: Path) -> None:
    clock = FakeClock(WEEK_END + timedelta(minutes=5))
    path = tmp_path / "race.sqlite3"
    async for one in _bot(path, clock):
        await seed(one.store, "c", WEEK_START + timedelta(days=1), "story", votes=1)
        async for two in _bot(path, clock):
            outcomes = await asyncio.gather(one.scheduler.tick(), two.scheduler.tick())
            assert len(one.publisher.posts) + len(two.publisher.posts) == 1
            statuses = sorted(status for out in outcomes for _, _, status in out)
            assert statuses in (["posted"], ["already posted", "posted"])


async def test_crash_between_post_and_record_never_posts_twice(bot: Bot) -> None:
    # A previous process claimed the period, posted, and died before recording it.
    await bot.store.begin_digest("c", "2026-W47", WEEK_END)
    bot.clock.now = WEEK_END + timedelta(minutes=30)
    assert await bot.scheduler.reconcile() == [("c", "2026-W47")]
    await bot.scheduler.tick()
    assert bot.publisher.posts == []
    assert (await bot.store.digest_record("c", "2026-W47") or ("",))[0] == "posted"


async def test_a_failed_post_releases_the_period_for_a_retry(bot: Bot) -> None:
    bot.clock.now = WEEK_END + timedelta(minutes=1)
    bot.publisher.fail = True
    assert await bot.scheduler.tick() == [("c", "2026-W47", "failed")]
    bot.publisher.fail = False
    bot.clock.advance(minutes=10)
    assert await bot.scheduler.tick() == [("c", "2026-W47", "posted")]


@pytest.mark.parametrize("cadence", ["weekly", "monthly"])
async def test_no_channel_means_no_post_and_one_hint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cadence: str
) -> None:
    moderators = Moderators()
    hints = moderators.told
    clock = FakeClock(WEEK_END + timedelta(minutes=1))
    async for bot in _bot(tmp_path / "n.sqlite3", clock, channel="", moderators=moderators):
        settings = (await bot.store.ensure_community("c", "console", "Club")).settings
        await bot.store.save_settings("c", dataclasses.replace(settings, cadence=cadence))
        await seed(bot.store, "c", WEEK_START + timedelta(days=1), "story", votes=1)
        with caplog.at_level(logging.INFO):
            await bot.scheduler.tick()
            await bot.scheduler.tick()
        assert bot.publisher.posts == []
        assert sum("no digest channel" in r.getMessage() for r in caplog.records) == 1
        assert [c for c, _ in hints] == ["c"] and "digest_channel" in hints[0][1]
        assert f"so the {cadence} digest is not posted automatically" in hints[0][1]


async def test_wakes_up_at_the_next_weekly_time(bot: Bot) -> None:
    bot.clock.now = WEEK_END - timedelta(minutes=10)
    assert 600 <= await bot.scheduler.next_wakeup() <= 602


async def test_tick_takes_the_time_it_is_given(bot: Bot) -> None:
    assert await bot.scheduler.tick(WEEK_START + timedelta(days=3)) == [
        ("c", "2026-W46", "too late")]  # the week before the fixture's, never posted
    assert await bot.scheduler.tick(WEEK_START + timedelta(days=4)) == []
    assert await bot.scheduler.tick(WEEK_END + timedelta(seconds=1)) == [
        ("c", "2026-W47", "posted")]


async def test_a_crash_after_claiming_publishes_the_claimed_picks(bot: Bot) -> None:
    # A previous process built the digest, claimed the period with its picks, posted, and
    # died before recording it: the picks must not come back next week.
    sid = (await bot.store.list_submissions("c"))[0].id
    await bot.store.begin_digest("c", "2026-W47", WEEK_END, '{"picks": []}', [sid])
    bot.clock.now = WEEK_END + timedelta(minutes=5)
    assert await bot.scheduler.reconcile() == [], "a fresh claim may still be posting"
    bot.clock.now = WEEK_END + timedelta(minutes=11)
    assert await bot.scheduler.tick() == []
    assert bot.publisher.posts == []
    assert (await bot.store.get_submission_by_id(sid)).status == "published"  # type: ignore[union-attr]
    bot.clock.now = WEEK_END + timedelta(weeks=1, minutes=1)
    assert await bot.scheduler.tick() == [("c", "2026-W48", "empty")]
    assert bot.publisher.posts == []


async def test_an_empty_week_is_not_posted(tmp_path: Path) -> None:
    clock = FakeClock(WEEK_END + timedelta(minutes=1))
    async for bot in _bot(tmp_path / "e.sqlite3", clock):
        assert await bot.scheduler.tick() == [("c", "2026-W47", "empty")]
        assert await bot.scheduler.tick() == []
        assert bot.publisher.posts == []
        assert await bot.store.digest_record("c", "2026-W47") is None


async def test_the_hint_is_given_once_across_restarts(tmp_path: Path) -> None:
    moderators = Moderators()  # the same moderators, told by both runs
    clock = FakeClock(WEEK_END + timedelta(minutes=1))
    path = tmp_path / "h.sqlite3"
    for _ in range(2):  # two runs of the bot on one database
        async for bot in _bot(path, clock, channel="", moderators=moderators):
            await bot.scheduler.tick()
            clock.advance(hours=2)
    assert [c for c, _ in moderators.told] == ["c"]


async def test_one_broken_community_does_not_stop_the_others(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # A platform this process cannot post to, and a bad time zone saved before settings
    # were checked (that one falls back to UTC: it breaks nothing by itself).
    await bot.store.ensure_community("broken", "nowhere", "Broken")
    await bot.store.db.execute(
        "UPDATE communities SET settings = '{\"timezone\": \"Nowhere/Land\", "
        "\"digest_channel\": \"x\"}' WHERE key = 'broken'")
    with caplog.at_level(logging.ERROR):
        assert sorted(await bot.scheduler.tick(WEEK_END + timedelta(minutes=1))) == [
            ("broken", "2026-W47", "failed"), ("c", "2026-W47", "posted")]
    assert any("broken" in r.getMessage() for r in caplog.records)
    assert await bot.scheduler.next_wakeup() >= 1


async def test_the_next_digest_links_to_the_last_one(tmp_path: Path) -> None:
    clock = FakeClock(WEEK_END + timedelta(minutes=1))
    async for bot in _bot(tmp_path / "l.sqlite3", clock):
        await seed(bot.store, "c", WEEK_START + timedelta(days=1), "first", votes=1)
        bot.publisher.permalink = "https://chat.test/m/1"
        assert await bot.scheduler.tick() == [("c", "2026-W47", "posted")]
        await seed(bot.store, "c", WEEK_END + timedelta(days=1), "second", votes=1)
        clock.advance(weeks=1)
        assert await bot.scheduler.tick() == [("c", "2026-W48", "posted")]
        second = bot.publisher.digests[-1]
        assert (second.previous_period, second.previous_url) == (
            "2026-W47", "https://chat.test/m/1")
        assert [i.title for i in second.picks] == ["second"], "published picks never repeat"


async def test_three_processes_post_once_and_one_ticks_at_a_time(tmp_path: Path) -> None:
    clock = FakeClock(WEEK_END + timedelta(minutes=5))
    path = tmp_path / "three.sqlite3"
    async with AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(contextlib.asynccontextmanager(_bot)(
            path, clock)) for _ in range(3)]
        await seed(bots[0].store, "c", WEEK_START + timedelta(days=1), "story", votes=1)
        # While one process holds the scheduler lock, the others do not tick.
        holder, *others = bots
        assert await holder.store.try_lease(LOCK, holder.scheduler.owner, clock(),
                                            clock() + timedelta(seconds=30))
        assert [await b.scheduler.tick_alone() for b in others] == [None, None]
        # The holder died: after its lease, another takes over; all three racing post once.
        clock.advance(seconds=31)
        await asyncio.gather(*(b.scheduler.tick_alone() for b in bots))
        assert sum(len(b.publisher.posts) for b in bots) == 1
        assert await holder.store.try_lease(LOCK, "someone", clock(), clock()), (
            "every tick let go of the lock")
