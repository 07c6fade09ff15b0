"""The community setting llm_summaries (all | voted | picked) against the local
OpenAI-compatible server, counting its calls: every link is ready at once with the offline
summary, the model's replaces it when the setting says, the card hears of it, a slow model
never delays fetching, and a digest posts on time through an outage."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.community import Community
from bot.config import Settings
from bot.digest import Digest
from bot.events import LinkPosted, MessageRef, ReactionChanged
from bot.models import Member, Submission, SubmissionState, SummarySource
from bot.publishing import Outcome
from digestif.bootstrap import open_app
from tests.e2e.pages import ARTICLE
from tests.fakes.openai_server import HANG, FakeOpenAI, Reply, answer, status
from tests.fakes.pipeline import FakeClock, RecordingNotifier
from tests.fakes.web import PageServer

C = "club"
ADA, GRACE, LINUS = Member("ada", "Ada"), Member("grace", "Grace"), Member("linus", "Linus")
MOD = Member("mod", "Mod", is_moderator=True)
MODEL_SAYS = "The model's own summary of this story, in one sentence."


def page(i: int) -> str:
    """A distinct article (its own text, so the summary cache cannot answer for another)."""
    lead = f"Story {i} reports that team number {i} cut its inference bill by {i + 10} percent."
    body = [lead, "Engineers measured the effect across several open models and tasks, and "
            "the results held up well in production with real traffic and real budgets.",
            "The approach needs careful calibration and good tooling before anything changes "
            "in a deployed system, the team said in its write-up."]
    return ARTICLE.format(title=f"Story number {i}", author="Ada Byron",
                          paragraphs="\n".join(f"<p>{p}</p>" for p in body))


class CountingNotifier(RecordingNotifier):
    """Also tells a test when ``ready`` cards have gone out."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Condition()

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        async with self.changed:
            card = await super().submission_ready(community, submission, origin)
            self.changed.notify_all()
        return card

    async def ready(self, count: int) -> None:
        async with asyncio.timeout(20), self.changed:
            await self.changed.wait_for(lambda: self.cards >= count)


@dataclass
class Publisher:
    digests: list[Digest] = field(default_factory=list)

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        self.digests.append(digest)
        return None


@dataclass
class Bot:
    app: App
    pages: PageServer
    notifier: CountingNotifier
    publisher: Publisher
    clock: FakeClock

    async def share(self, member: Member, *paths: str) -> None:
        text = " ".join(self.pages.url(p) for p in paths)
        await self.app.curator.post_link(LinkPosted(C, member, text,
                                                    MessageRef("general", f"m-{paths[0]}")))

    async def sources(self) -> dict[int, SummarySource]:
        subs = await self.app.store.list_submissions(C)
        return {s.number: s.summary_source for s in subs}


@asynccontextmanager
async def running(tmp_path: Path, llm: FakeOpenAI, mode: str, pages: int = 3,
                  **extra: Any) -> AsyncIterator[Bot]:
    settings = Settings(db_path=tmp_path / "llm.sqlite3", cpu_workers=0,
                        fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
                        openai_base_url=llm.base_url, llm_max_retries=0, **extra)
    clock = FakeClock()
    async with PageServer() as server, open_app(settings, clock) as app:
        for i in range(pages):
            server.add(f"/s{i}", page(i))
        notifier, publisher = CountingNotifier(), Publisher()
        app.register_platform("console", notifier, publisher)
        community = await app.curator.community(C, "console")
        await app.curator.update_settings(C, community.settings.updated("llm_summaries", mode))
        yield Bot(app, server, notifier, publisher, clock)


def model(*replies: Reply | None, hold: asyncio.Event | None = None) -> FakeOpenAI:
    return FakeOpenAI(list(replies) or [answer(MODEL_SAYS)], hold=hold)


async def test_all_mode_has_the_model_summarize_every_link_once(tmp_path: Path) -> None:
    async with model() as llm, running(tmp_path, llm, "all") as bot:
        await bot.share(ADA, "/s0", "/s1", "/s2")
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 3
        assert set((await bot.sources()).values()) == {SummarySource.LLM}
        # Each card went out with the offline summary, then heard of the model's.
        events = bot.notifier.events
        for number in (1, 2, 3):
            assert events.index(("ready", number)) < events.index(("summary", number))
        assert sorted(n for n, _, _ in bot.notifier.summaries) == [1, 2, 3]
        assert {card for _, _, card in bot.notifier.summaries} == {
            "card-1", "card-2", "card-3"}
        # Votes and digests ask nothing more of the model.
        await bot.app.curator.vote_on(C, 1, GRACE, "👍")
        publication = await bot.app.publishing.post_publication(C, MOD, "general")
        assert publication.llm is not None and publication.llm.calls == 0
        assert len(llm.summaries()) == 3


async def test_the_summary_cache_still_pays_for_an_article_once(tmp_path: Path) -> None:
    async with model() as llm, running(tmp_path, llm, "all") as bot:
        bot.pages.add("/again", page(0))  # the same article at another address
        await bot.share(ADA, "/s0")
        await bot.app.curator.wait_idle()
        await bot.share(GRACE, "/again")
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 1
        assert set((await bot.sources()).values()) == {SummarySource.LLM}


async def test_voted_mode_calls_once_on_the_first_up_vote(tmp_path: Path) -> None:
    async with model() as llm, running(tmp_path, llm, "voted") as bot:
        await bot.share(ADA, "/s0", "/s1")
        await bot.app.curator.wait_idle()
        assert llm.summaries() == []
        assert set((await bot.sources()).values()) == {SummarySource.OFFLINE}
        # Many votes on #1, some replayed, by number and by reaction on the card.
        for member in (GRACE, LINUS, GRACE, MOD):
            await bot.app.curator.vote_on(C, 1, member, "👍")
        for _ in range(2):
            await bot.app.curator.react(ReactionChanged(C, "card-1", LINUS, "👍", True))
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 1
        assert await bot.sources() == {1: SummarySource.LLM, 2: SummarySource.OFFLINE}
        assert bot.notifier.summaries == [(1, SummarySource.LLM, "card-1")]
        await bot.app.curator.vote_on(C, 1, GRACE, "👍", added=False)
        await bot.app.curator.vote_on(C, 1, GRACE, "👍")
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 1


async def test_voted_mode_counts_a_vote_cast_while_the_link_is_being_read(
        tmp_path: Path) -> None:
    async with model() as llm, running(tmp_path, llm, "voted") as bot:
        gate = bot.pages.hold("/slow", page(7))
        await bot.share(ADA, "/slow")
        await asyncio.wait_for(gate.entered.wait(), 10)
        await bot.app.curator.react(ReactionChanged(C, "m-/slow", GRACE, "👍", True))
        gate.release.set()
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 1
        assert await bot.sources() == {1: SummarySource.LLM}


async def test_picked_mode_calls_only_for_the_picks_when_posting(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with model() as llm, running(tmp_path, llm, "picked") as bot:
        await bot.share(ADA, "/s0", "/s1", "/s2")
        await bot.app.curator.wait_idle()
        for number in (1, 2):
            await bot.app.curator.vote_on(C, number, GRACE, "👍")
        await bot.app.curator.wait_idle()
        assert llm.summaries() == []
        # A preview writes no summary; it says what posting would take.
        preview = await bot.app.publishing.preview_publication(C, GRACE)
        assert preview.llm is not None and preview.llm.calls == 2
        assert preview.digest is not None
        assert {i.summary_source for i in preview.digest.picks} == {SummarySource.OFFLINE}
        assert llm.summaries() == []
        # The schedule posts it: the two picks (not #3, under "Also shared") are summarized.
        community = await bot.app.curator.known_community(C)
        await bot.app.curator.update_settings(
            C, community.settings.updated("digest_channel", "general"))
        bot.clock.now = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # the week just ended
        with caplog.at_level(logging.INFO, logger="bot.scheduler"):
            outcomes = await bot.app.scheduler.tick()
        assert [o[2] for o in outcomes] == [str(Outcome.POSTED)]
        assert len(llm.summaries()) == 2
        [digest] = bot.publisher.digests
        assert [i.summary_source for i in digest.picks] == [SummarySource.LLM] * 2
        assert all(str(i.summary) == MODEL_SAYS for i in digest.picks)
        assert await bot.sources() == {1: SummarySource.LLM, 2: SummarySource.LLM,
                                       3: SummarySource.OFFLINE}
        assert "took 2 LLM call(s) for its summaries: 2 written by the model" in caplog.text
        assert sorted(n for n, _, _ in bot.notifier.summaries) == [1, 2]


async def test_picked_mode_through_an_outage_posts_on_time_with_offline_summaries(
        tmp_path: Path) -> None:
    # The model never answers; the digest waits DIGESTIF_LLM_DIGEST_WAIT, no longer.
    async with model(HANG) as llm, running(tmp_path, llm, "picked", llm_timeout=60,
                                           llm_digest_wait=0.5) as bot:
        await bot.share(ADA, "/s0", "/s1")
        await bot.app.curator.wait_idle()
        await bot.app.curator.vote_on(C, 1, GRACE, "👍")
        publication = await bot.app.publishing.post_publication(C, MOD, "general")
        assert publication.outcome is Outcome.POSTED
        assert publication.llm is not None
        assert (publication.llm.calls, publication.llm.written) == (1, 0)
        [digest] = bot.publisher.digests
        [pick] = digest.picks
        assert pick.summary_source is SummarySource.OFFLINE and str(pick.summary)


async def test_picked_mode_with_a_failing_model_records_the_fallback(tmp_path: Path) -> None:
    async with model(status(503)) as llm, running(tmp_path, llm, "picked") as bot:
        await bot.share(ADA, "/s0")
        await bot.app.curator.wait_idle()
        await bot.app.curator.vote_on(C, 1, GRACE, "👍")
        publication = await bot.app.publishing.post_publication(C, MOD, "general")
        assert publication.llm is not None
        assert (publication.llm.calls, publication.llm.written) == (1, 0)
        [pick] = bot.publisher.digests[0].picks
        assert pick.summary_source is SummarySource.OFFLINE_FALLBACK and str(pick.summary)
        assert len(llm.summaries()) == 1
        assert bot.notifier.summaries == []  # the card keeps what it says


async def test_a_slow_model_does_not_delay_fetching_other_links(tmp_path: Path) -> None:
    # One fetch slot (four links in progress at once) and a model that holds every answer:
    # before, four summaries waiting for the model stopped all fetching.
    hold = asyncio.Event()
    async with model(hold=hold) as llm, running(tmp_path, llm, "all", pages=8,
                                                ingest_concurrency=1,
                                                llm_concurrency=1) as bot:
        await bot.share(ADA, "/s0")
        await llm.received(1)  # the model holds the first link's summary...
        await bot.share(GRACE, *(f"/s{i}" for i in range(1, 5)))
        await bot.share(LINUS, *(f"/s{i}" for i in range(5, 8)))
        # ...while every other link is fetched and becomes ready with its offline summary.
        await bot.notifier.ready(8)
        assert not hold.is_set() and len(llm.requests) == 1
        ready = await bot.app.store.list_submissions(C, states=[SubmissionState.READY])
        assert {s.summary_source for s in ready} == {SummarySource.OFFLINE}
        hold.set()
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 8
        assert set((await bot.sources()).values()) == {SummarySource.LLM}


async def test_an_upgrade_cut_short_resumes_after_a_restart(tmp_path: Path) -> None:
    async with model(HANG) as llm, running(tmp_path, llm, "all", llm_timeout=60) as bot:
        await bot.share(ADA, "/s0")
        await llm.received(1)
        # The process stops mid-call (open_app closes everything, the call included).
    async with model() as llm, running(tmp_path, llm, "all") as bot:
        await bot.app.curator.wait_idle()
        assert len(llm.summaries()) == 1
        assert await bot.sources() == {1: SummarySource.LLM}
