"""The core's use cases, wired for real, with fakes only at the pipeline ports."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App
from bot.community import Community
from bot.config import Settings
from bot.curator import Curator
from bot.digest import Digest
from bot.events import LinkPosted, MessageRef, ReactionChanged, ReactionsCleared
from bot.models import Member, PageFlag, SubmissionState
from bot.ports import Store
from bot.publishing import Mode, Outcome
from digestif.bootstrap import open_app
from storage.sqlite import SqliteStore
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer, RecordingNotifier

ADA = Member("ada", "Ada")
GRACE = Member("grace", "Grace")
LINUS = Member("linus", "Linus")
ROBOT = Member("bot", "Robot", is_bot=True)
C = "club"


@dataclass
class Core:
    app: App
    reader: FakeReader
    notifier: RecordingNotifier
    clock: FakeClock

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def curator(self) -> Curator:
        return self.app.curator

    async def post(self, member: Member, text: str, message_id: str = "m") -> list[str]:
        outcomes = await self.curator.post_link(
            LinkPosted(C, member, text, MessageRef("general", message_id))
        )
        await self.curator.wait_idle()
        return [o.message for o in outcomes]

    async def react(self, member: Member, message_id: str, emoji: str = "👍",
                    added: bool = True) -> bool:
        outcome = await self.curator.react(ReactionChanged(C, message_id, member, emoji, added))
        return outcome.counted and outcome.changed


async def _core(path: Path, reader: FakeReader, clock: FakeClock,
                summarizer: FakeSummarizer | None = None) -> AsyncIterator[Core]:
    """The whole app from the composition root, on SQLite at ``path``, with fakes at the
    reader and summarizer ports and a console notifier that records what it is told."""
    settings = Settings(db_path=path, ingest_concurrency=4, cpu_workers=0)
    async with open_app(settings, clock, reader=reader,
                        summarizer=summarizer or FakeSummarizer()) as app:
        notifier = RecordingNotifier()
        app.register_platform("console", notifier)
        await app.curator.community(C, "console")
        yield Core(app, reader, notifier, clock)


@pytest.fixture
async def core(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Core]:
    reader = FakeReader()
    for name in "abcdef":
        reader.add(f"https://news.test/{name}", title=f"Story {name}",
                   text=f"Story {name} is about models. " * 20)
    async for value in _core(tmp_path / "core.sqlite3", reader, clock):
        yield value


async def test_links_are_numbered_fetched_and_carded(core: Core) -> None:
    replies = await core.post(ADA, "see https://news.test/a and <https://news.test/b>!", "m1")
    assert replies == ["Queued as #1.", "Queued as #2."]
    assert sorted(core.notifier.events) == [("ready", 1), ("ready", 2)]
    first = await core.curator.submission(C, 1)
    assert (first.state, first.title, first.submitters) == (SubmissionState.READY, "Story a",
                                                            ("ada",))
    assert first.summary.startswith("Story a is about models.")
    # The card stands for the submission: a vote on it counts.
    assert await core.react(GRACE, "card-1")
    queue = await core.curator.queue(C)
    assert [(e.submission.number, e.tally.score) for e in queue] == [(1, 1), (2, 0)]


async def test_tracking_duplicate_credits_the_second_member(core: Core) -> None:
    await core.post(ADA, "https://news.test/a", "m1")
    replies = await core.post(GRACE, "https://news.test/a?utm_source=x&fbclid=1", "m2")
    assert replies == ["Already queued as #1."]
    entry = (await core.curator.queue(C))[0]
    assert entry.submitter_names == ("Ada", "Grace")
    assert core.reader.reads == ["https://news.test/a"]
    # A reaction on either member's message counts for the one submission.
    assert await core.react(LINUS, "m2")


async def test_bad_links_get_a_reason_and_store_nothing(core: Core) -> None:
    outcomes = await core.curator.post_link(LinkPosted(C, ADA, "http://[::1 and http://-"))
    assert await core.post(ROBOT, "https://news.test/a") == []
    assert all(o.submission is None for o in outcomes)
    assert await core.store.list_submissions(C) == []


async def test_failed_fetch_is_stored_with_reason_and_retried_on_resubmit(core: Core) -> None:
    await core.post(ADA, "https://down.test/x")
    failed = await core.curator.submission(C, 1)
    assert (failed.state, failed.failure_reason) == (SubmissionState.FAILED,
                                                     "the page could not be reached")
    assert core.notifier.events == [("failed", 1)]
    core.reader.add("https://down.test/x", title="Back up")
    assert await core.post(GRACE, "https://down.test/x") == [
        "Already shared as #1, which could not be read before: trying again."]
    assert (await core.curator.submission(C, 1)).title == "Back up"


async def test_same_page_after_redirect_is_merged(core: Core) -> None:
    core.reader.pages["https://short.test/1"] = dataclasses.replace(
        core.reader.pages["https://news.test/a"]  # type: ignore[arg-type]
    )
    await core.post(ADA, "https://news.test/a", "m1")
    await core.post(GRACE, "https://short.test/1", "m2")
    assert core.notifier.events[-1] == ("duplicate", 1)
    [entry] = await core.curator.queue(C)
    assert entry.submitter_names == ("Ada", "Grace")
    assert await core.react(LINUS, "m2")


async def test_vote_rules(core: Core) -> None:
    await core.post(ADA, "https://news.test/a", "m1")
    assert not await core.react(ADA, "m1"), "self-votes are off by default"
    assert not await core.react(ROBOT, "m1"), "bots never count"
    assert not await core.react(GRACE, "m1", "🎉"), "not a vote emoji"
    assert not await core.react(GRACE, "m1", "👎"), "down-votes are off by default"
    assert not await core.react(GRACE, "nothing"), "not a submission message"
    assert await core.react(GRACE, "m1")
    assert not await core.react(GRACE, "m1"), "a replay is a no-op"
    assert await core.react(LINUS, "m1")
    assert await core.react(GRACE, "m1", added=False)
    assert not await core.react(GRACE, "m1", added=False)
    assert (await core.curator.queue(C))[0].tally.score == 1
    assert await core.curator.clear_reactions(ReactionsCleared(C, "m1")) == 1
    assert (await core.curator.queue(C))[0].tally.score == 0

    community = await core.curator.known_community(C)
    await core.curator.update_settings(C, dataclasses.replace(
        community.settings, self_votes=True, downvotes=True))
    assert await core.react(ADA, "m1")
    assert await core.react(LINUS, "m1", "👎")
    assert (await core.curator.queue(C))[0].tally.score == 0


async def test_a_reaction_from_a_member_not_known_yet_keeps_their_stored_name(
        core: Core) -> None:
    await core.post(ADA, "https://news.test/a", "m1")
    assert await core.react(GRACE, "m1")
    assert await core.react(GRACE, "m1", added=False)
    assert await core.react(Member(GRACE.id, ""), "m1")  # at a cold start: name not known
    assert await core.react(Member(LINUS.id, ""), "m1")
    names = await core.store.member_names(C, [GRACE.id, LINUS.id])
    assert names == {GRACE.id: "Grace"}, "no name is stored for someone not known yet"


async def test_digest_ranks_by_votes_and_flags_stubs(core: Core) -> None:
    core.reader.add("https://news.test/paywalled", title="Locked", text="Subscribe.",
                    flag=PageFlag.PAYWALL)
    for i, name in enumerate(["a", "b", "c", "paywalled"]):
        await core.post(ADA, f"https://news.test/{name}", f"m{i}")
    for member, message in [(GRACE, "m1"), (LINUS, "m1"), (GRACE, "m2"), (GRACE, "m3")]:
        assert await core.react(member, message)
    publishing = core.app.publishing
    community = await core.curator.known_community(C)
    digest = await publishing.export(community, publishing.period(community))
    assert [(i.number, i.score) for i in digest.picks] == [(2, 2), (3, 1), (4, 1)]
    locked = digest.picks[2]
    assert (locked.flag, locked.summary) == (PageFlag.PAYWALL, "")
    assert [i.number for i in digest.also_shared] == [1]

    posted: list[str] = []

    class Platform:
        async def publish_digest(self, community: Community, channel: str,
                                 digest: Digest) -> str | None:
            posted.append(channel)
            return None

    publishing.register("console", Platform())
    period = publishing.period(community)
    first = await publishing.publish(community, period, Mode.POST, "news")
    assert (first.outcome, first.digest is not None) == (Outcome.POSTED, True)
    again = await publishing.publish(community, period, Mode.POST, "news")
    assert (again.outcome, again.digest) == (Outcome.ALREADY_POSTED, None)
    assert posted == ["news"]
    assert await publishing.export(community, period) == first.digest  # stored as posted


async def test_restart_resumes_in_flight_work_once(tmp_path: Path, clock: FakeClock) -> None:
    reader = FakeReader(gate=asyncio.Event())
    reader.add("https://news.test/a", title="A")
    reader.add("https://news.test/b", title="B")
    path = tmp_path / "restart.sqlite3"
    async for core in _core(path, reader, clock):
        await core.curator.post_link(LinkPosted(C, ADA, "https://news.test/a"))
        await reader.started.wait()  # the worker has picked it up and is stuck fetching
        assert (await _state(path, 1)) is SubmissionState.FETCHING
        # The process stops here, mid-fetch: it hands the job back for any process.
    assert (await _state(path, 1)) is SubmissionState.PENDING

    reader.gate.set()  # type: ignore[union-attr]
    reader.reads.clear()
    async for core in _core(path, reader, clock):
        await core.curator.post_link(LinkPosted(C, ADA, "https://news.test/b"))
        ids = [s.id for s in await core.store.list_submissions(C)]
        await core.app.worker.wait_for(ids, within=30)  # the first is found by polling
        assert [s.state for s in await core.store.list_submissions(C)] == [
            SubmissionState.READY, SubmissionState.READY]
    assert sorted(reader.reads) == ["https://news.test/a", "https://news.test/b"]

    reader.reads.clear()
    async for core in _core(path, reader, clock):
        await core.curator.wait_idle()
    assert reader.reads == [], "finished work is not redone"


async def _state(path: Path, number: int) -> SubmissionState:
    async with SqliteStore(path) as store:
        found = await store.get_submission(C, number)
        assert found is not None
        return found.state


async def test_same_page_by_its_canonical_url_same_site_only(core: Core) -> None:
    core.reader.add("https://news.test/story-1", title="Story one")
    core.reader.add("https://news.test/s?id=1", title="Story one",
                    canonical_url="https://news.test/story-1")
    core.reader.add("https://evil.test/copy", title="Story one copy",
                    canonical_url="https://news.test/story-1")
    await core.post(ADA, "https://news.test/story-1", "m1")
    await core.post(GRACE, "https://news.test/s?id=1", "m2")
    await core.post(LINUS, "https://evil.test/copy", "m3")
    queue = await core.curator.queue(C)
    assert [(e.submission.url, e.submitter_names) for e in queue] == [
        ("https://news.test/story-1", ("Ada", "Grace")),
        ("https://evil.test/copy", ("Linus",)),
    ], "a page may not claim another site's submission through its canonical link"
