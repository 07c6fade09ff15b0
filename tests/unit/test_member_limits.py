"""member_limit: links over a member's daily limit are held, told, and queued when due;
allow_domains / deny_domains: refused before anything is fetched. The whole core from the
composition root, with an injected clock and fakes at the reader port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.community import CommunitySettings
from bot.config import Settings
from bot.errors import InvalidSetting
from bot.events import LinkPosted, MessageRef
from bot.fair_queue import FairQueue
from bot.models import Member
from digestif.bootstrap import open_app
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer, RecordingNotifier

ADA = Member("ada", "Ada")
GRACE = Member("grace", "Grace")
MOD = Member("mod", "Mod", is_moderator=True)
C = "club"
HOSTS = ("news.test", "a.news.test", "badnews.test", "xn--bcher-kva.test", "other.test")


@dataclass
class Core:
    path: Path
    clock: FakeClock
    reader: FakeReader = field(default_factory=FakeReader)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    app: App | None = None
    ids: int = 0

    @property
    def core(self) -> App:
        assert self.app is not None
        return self.app

    @contextlib.asynccontextmanager
    async def running(self, schedule: bool = False) -> AsyncIterator[App]:
        settings = Settings(db_path=self.path, ingest_concurrency=4, cpu_workers=0)
        async with open_app(settings, self.clock, reader=self.reader, schedule=schedule,
                            summarizer=FakeSummarizer()) as app:
            app.register_platform("console", self.notifier)
            await app.curator.community(C, "console")
            self.app = app
            yield app
        self.app = None

    async def post(self, member: Member, *paths: str) -> list[str]:
        self.ids += 1
        text = " ".join(f"https://{p}" for p in paths)
        outcomes = await self.core.curator.post_link(
            LinkPosted(C, member, text, MessageRef("general", f"m{self.ids}")))
        await self.core.curator.wait_idle()
        return [o.message for o in outcomes]

    async def configure(self, name: str, value: str) -> None:
        await self.core.editor.configure(C, MOD, name, value)

    async def queued(self) -> list[str]:
        return [e.submission.url.removeprefix("https://")
                for e in await self.core.curator.queue(C)]


@pytest.fixture
async def core(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Core]:
    made = Core(tmp_path / "limits.sqlite3", clock)
    for host in HOSTS:
        for name in "abcdefgh":
            made.reader.add(f"https://{host}/{name}", title=f"{host} {name}")
    async with made.running():
        yield made


# member_limit --------------------------------------------------------------------------


async def test_a_link_over_the_limit_is_held_told_and_queued_when_due(core: Core) -> None:
    await core.configure("member_limit", "2")
    await core.configure("timezone", "Europe/Paris")
    replies = await core.post(ADA, "news.test/a", "news.test/b", "news.test/c")
    assert replies[:2] == ["Queued as #1.", "Queued as #2."]
    # 2026-11-24 12:00 UTC + 24 h, in Paris
    held = ("Held: you have shared 2 links in the last 24 hours. This one will be queued on "
            "Wed 25 Nov at 13:00 (Europe/Paris).")
    assert replies[2] == held
    assert core.notifier.answers == [held], "told in answer to their message"
    assert core.reader.reads == ["https://news.test/a", "https://news.test/b"], "not fetched"
    # Others are not held, nor delayed; moderators are exempt.
    assert await core.post(GRACE, "other.test/a") == ["Queued as #3."]
    assert await core.post(MOD, *(f"other.test/{n}" for n in "bcdef")) == [
        f"Queued as #{n}." for n in range(4, 9)]
    # Sharing the held link again changes nothing; sharing one already queued credits.
    assert await core.post(ADA, "news.test/c") == [held]
    assert await core.post(ADA, "other.test/a") == ["Already queued as #3."]
    assert len(core.notifier.answers) == 1
    core.clock.advance(hours=23, minutes=59)
    assert await core.core.curator.holds.release_due() == []
    core.clock.advance(minutes=1)
    [released] = await core.core.curator.holds.release_due()
    await core.core.curator.wait_idle()
    assert released.message == "Queued as #9."
    assert released.submission is not None and released.submission.submitters == ("ada",)
    assert core.notifier.events[-1] == ("ready", 9), "its card goes out as for any link"
    assert await core.core.curator.holds.release_due() == [], "queued once"


async def test_the_window_rolls_and_held_links_queue_in_order(core: Core) -> None:
    await core.configure("member_limit", "2")
    start = core.clock.now
    await core.post(ADA, "news.test/a")
    core.clock.advance(hours=12)
    await core.post(ADA, "news.test/b")
    core.clock.advance(hours=1)
    await core.post(ADA, "news.test/c", "news.test/d")  # 13 h after the first
    held = await core.core.store.held_links(C, "ada")
    # c when the first leaves the window; d when the second does.
    assert [(h.url, h.release_at - start) for h in held] == [
        ("https://news.test/c", timedelta(hours=24)), ("https://news.test/d", timedelta(hours=36))]
    core.clock.advance(hours=11)
    assert [o.message for o in await core.core.curator.holds.release_due()] == ["Queued as #3."]
    core.clock.advance(hours=12)
    assert [o.message for o in await core.core.curator.holds.release_due()] == ["Queued as #4."]
    await core.core.curator.wait_idle()
    assert await core.queued() == ["news.test/a", "news.test/b", "news.test/c", "news.test/d"]


async def test_held_links_survive_a_restart_and_are_queued_on_start(
        tmp_path: Path, clock: FakeClock) -> None:
    made = Core(tmp_path / "restart.sqlite3", clock)
    for name in "ab":
        made.reader.add(f"https://news.test/{name}", title=name)
    async with made.running():
        await made.configure("member_limit", "1")
        await made.post(ADA, "news.test/a", "news.test/b")
        assert await made.queued() == ["news.test/a"]
    clock.advance(days=2)  # the bot was down when it fell due
    async with made.running(schedule=True) as app:  # as `digestif run` starts
        async with asyncio.timeout(10):
            while await app.store.held_links(C, "ada"):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        await app.curator.wait_idle()
        assert await made.queued() == ["news.test/a", "news.test/b"]
        assert made.notifier.events[-1] == ("ready", 2)


async def test_no_limit_when_zero(core: Core) -> None:
    await core.configure("member_limit", "0")
    replies = await core.post(ADA, *(f"news.test/{n}" for n in "abcde"))
    replies += await core.post(ADA, *(f"other.test/{n}" for n in "abcde"))
    replies += await core.post(ADA, "a.news.test/a")
    assert replies == [f"Queued as #{n}." for n in range(1, 12)]


def test_member_limit_is_bounded() -> None:
    assert CommunitySettings().member_limit == 10
    with pytest.raises(InvalidSetting):
        CommunitySettings().updated("member_limit", "-1")
    with pytest.raises(InvalidSetting):
        CommunitySettings().updated("member_limit", "100000")


# the fair queue --------------------------------------------------------------------------


async def test_members_take_turns_and_a_flood_keeps_to_its_share() -> None:
    queue = FairQueue(per_lane=2)
    for n in range(1, 7):
        queue.put(n, "flood")
    queue.put(100, "grace")
    queue.put(200, "linus")
    taken = [await queue.get() for _ in range(4)]
    # flood, grace, linus in turn; then the flood again, up to its two in flight
    assert taken == [(1, "flood"), (100, "grace"), (200, "linus"), (2, "flood")]
    waiting = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    assert not waiting.done(), "the flood has its two in flight"
    queue.put(300, "grace")
    assert await waiting == (300, "grace"), "a newcomer goes first"
    queue.done("flood")
    assert await queue.get() == (3, "flood")


# allow_domains / deny_domains ----------------------------------------------------------------


async def test_denied_sites_are_refused_with_the_reason_before_any_fetch(core: Core) -> None:
    await core.configure("deny_domains", "news.test")
    replies = await core.post(ADA, "news.test/a", "a.news.test/b", "badnews.test/c",
                              "NEWS.test./d")
    refused = "Not queued: links to news.test are not accepted here."
    assert replies == [refused, refused, "Queued as #1.", refused]
    assert core.notifier.answers == [refused] * 3
    assert core.reader.reads == ["https://badnews.test/c"], "nothing else was fetched"
    assert await core.core.store.list_submissions(C) != []
    assert await core.queued() == ["badnews.test/c"]


async def test_a_non_empty_allow_list_takes_only_its_sites_idn_alike(core: Core) -> None:
    await core.configure("allow_domains", "Bücher.test, https://news.test/some/page")
    settings = await core.core.curator.settings_for(C)
    assert settings.allow_domains == ("xn--bcher-kva.test", "news.test")
    assert settings.shown("allow_domains") == "bücher.test, news.test"
    replies = await core.post(ADA, "bücher.test/a", "xn--bcher-kva.test/b", "a.news.test/a",
                              "other.test/a", "badnews.test/a")
    only = "Not queued: only links to bücher.test, news.test are accepted here."
    assert replies == ["Queued as #1.", "Queued as #2.", "Queued as #3.", only, only]
    assert "https://other.test/a" not in core.reader.reads
    # The deny list wins over the allow list; "none" clears a list.
    await core.configure("deny_domains", "a.news.test")
    assert await core.post(GRACE, "a.news.test/b") == [
        "Not queued: links to a.news.test are not accepted here."]
    await core.configure("allow_domains", "none")
    assert await core.post(GRACE, "other.test/b") == ["Queued as #4."]


@pytest.mark.parametrize("value", ["exa mple!.com", "<@123>", "a..b", "-bad-.com", "x" * 70])
def test_bad_site_names_are_refused(value: str) -> None:
    with pytest.raises(InvalidSetting, match="deny_domains not changed"):
        CommunitySettings().updated("deny_domains", value)


def test_site_lists_are_stored_canonical_and_bounded() -> None:
    settings = CommunitySettings().updated("deny_domains", "*.Example.COM example.com .ex.org")
    assert settings.deny_domains == ("example.com", "ex.org")
    with pytest.raises(InvalidSetting, match="At most 200"):
        CommunitySettings().updated("deny_domains", " ".join(f"s{i}.test" for i in range(201)))
    stored = CommunitySettings.from_json('{"deny_domains": ["EXAMPLE.com", "ok.test"]}')
    assert stored.deny_domains == (), "a stored list that is not canonical falls back"
