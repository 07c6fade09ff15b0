"""LLM summaries, apart from fetching: the model's summary replaces a ready link's offline one.

Every link becomes ready with its offline summary (bot.ingest). When the model writes one
instead follows the community setting ``llm_summaries``:

- ``all``: every link, queued here as soon as it is ready;
- ``voted``: a link when it gets its first up-vote (bot.curator);
- ``picked``: a digest's picks, just before it is posted (bot.publishing).

Whatever the setting, a digest about to be posted first has the model write the summaries its
picks still lack (``for_digest``), within a time limit; a pick whose summary is not written in
time keeps its offline one, and the digest goes out on time.

Upgrades never hold an ingest slot: they run in their own queue, ``concurrency`` at once, so a
slow model never delays fetching. Each one is a stored step (bot.ports.SummaryUpgrades: kept
→ pending → done, the article text kept until it is done), so an upgrade cut short by a crash
resumes on the next start, and one is made at most once however many votes or replayed
events ask for it. One upgrade of a link runs at a time: a digest asking for a link the queue
is already summarizing waits for that call instead of making another.

The model's summary goes through the LLM summarizer, so its SummaryCache still applies; when
the model fails, the link keeps its offline summary, recorded as ``offline_fallback``.
Listeners (the curator) hear of each summary the model wrote, to update the link's card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.clock import Clock
from bot.community import CommunitySettings
from bot.errors import StorageError
from bot.models import Article, Submission, SubmissionState, Summary, SummarySource
from bot.platform_ports import Summarizer
from bot.ports import CommunityStore, SubmissionStore, SummaryUpgrades
from bot.summarize.prompts import trim_to_tokens

log = logging.getLogger(__name__)

ALL, VOTED, PICKED = "all", "voted", "picked"  # the llm_summaries setting's values


class UpgradeStore(SummaryUpgrades, SubmissionStore, CommunityStore, Protocol):
    """The stores the upgrader uses: upgrade states and kept texts, the submissions they
    belong to, and communities for their summary settings."""


@dataclass(frozen=True, slots=True)
class DigestSummaries:
    """The model's work for one digest: ``calls``, the picks it was asked to summarize
    (each one summary request), and ``written``, the summaries it wrote in time."""

    calls: int = 0
    written: int = 0


Listener = Callable[[Submission], Awaitable[None]]


class SummaryUpgrader:
    """The bounded queue of LLM summary upgrades. ``summarizer`` is the LLM one."""

    def __init__(self, store: UpgradeStore, summarizer: Summarizer, clock: Clock,
                 concurrency: int = 4, max_input_tokens: int = 3000) -> None:
        self._store = store
        self._summarizer = summarizer
        self._clock = clock
        self._concurrency = max(1, concurrency)
        self._max_input_tokens = max_input_tokens
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._running: dict[int, asyncio.Task[bool]] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def start(self) -> None:
        """Start the workers and queue every upgrade a previous run asked for and did not
        finish."""
        resumed = await self._store.pending_upgrades()
        if resumed:
            log.info("resuming %d unfinished LLM summary(ies)", len(resumed))
        for submission_id in resumed:
            self.enqueue(submission_id)
        self._workers = [asyncio.create_task(self._run(), name=f"summaries-{i}")
                         for i in range(self._concurrency)]

    async def keep(self, submission_id: int, text: str, requested: bool) -> bool:
        """Keep a read article's text for its upgrade (``requested``: asked for at once).
        True when the upgrade is asked for (now, or by a vote while the link was being
        read): the ingest worker queues it once the link is ready and its card is out."""
        return await self._store.keep_article(
            submission_id, trim_to_tokens(text, self._max_input_tokens), requested,
            self._clock())

    def enqueue(self, submission_id: int) -> None:
        self._queue.put_nowait(submission_id)

    async def request(self, submission_id: int) -> None:
        """Ask for a link's summary from the model (a first vote): once, however often
        this is called."""
        if await self._store.request_upgrade(submission_id, self._clock()):
            self.enqueue(submission_id)

    async def for_digest(self, ids: Sequence[int], within: float) -> DigestSummaries:
        """Have the model write the summaries that the picks ``ids`` still lack, waiting
        ``within`` seconds at most. Upgrades not finished by then carry on in the
        background (the digest goes out with the offline summaries)."""
        todo = await self.to_write(ids)
        if not todo:
            return DigestSummaries()
        for submission_id in todo:
            await self._store.request_upgrade(submission_id, self._clock())
        tasks = [self._attempt(i) for i in todo]
        done, _ = await asyncio.wait(tasks, timeout=within)
        written = sum(1 for t in done if not t.cancelled() and t.result())
        return DigestSummaries(calls=len(todo), written=written)

    async def to_write(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` whose model summary is still to be written (what posting a
        digest with these picks would ask the model for)."""
        return await self._store.upgradable(ids)

    async def drain(self) -> None:
        """Until every queued upgrade is done (the console's end of input, `submit`)."""
        await self._queue.join()
        while self._running:
            await asyncio.wait(list(self._running.values()))

    async def close(self) -> None:
        tasks = [*self._workers, *self._running.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers = []

    async def _run(self) -> None:
        while True:
            submission_id = await self._queue.get()
            try:
                await self._attempt(submission_id)
            finally:
                self._queue.task_done()

    def _attempt(self, submission_id: int) -> asyncio.Task[bool]:
        """The one upgrade of ``submission_id`` in flight, started if none is."""
        task = self._running.get(submission_id)
        if task is None:
            task = asyncio.create_task(self._guarded(submission_id),
                                       name=f"summary-{submission_id}")
            self._running[submission_id] = task
            task.add_done_callback(lambda _: self._running.pop(submission_id, None))
        return task

    async def _guarded(self, submission_id: int) -> bool:
        try:
            return await self._upgrade(submission_id)
        except StorageError as err:
            log.error("LLM summary of submission %d stopped: %s", submission_id, err)
        except Exception:
            # The upgrade stays pending and is resumed on the next start.
            log.exception("LLM summary of submission %d crashed", submission_id)
        return False

    async def _upgrade(self, submission_id: int) -> bool:
        """True when the model wrote the summary now stored."""
        text = await self._store.upgrade_text(submission_id)
        if text is None:
            return False  # done already (another request, or an earlier run)
        submission = await self._store.get_submission_by_id(submission_id)
        if submission is None or submission.state is not SubmissionState.READY:
            return False  # being read again: the ingest worker queues it once ready
        now = self._clock()
        kept = Summary(submission.summary, submission.summary_source)
        if (submission.summary_source is SummarySource.LLM or submission.flag is not None
                or not text.strip()):
            await self._store.finish_upgrade(submission_id, kept, now)
            return False
        community = await self._store.get_community(submission.community)
        settings = community.settings if community else CommunitySettings()
        summary = await self._summarizer.summarize(_article(submission, text),
                                                   settings.summary_prefs)
        if summary.source is not SummarySource.LLM:
            # The model failed (logged by the summarizer): the offline summary stays.
            await self._store.finish_upgrade(
                submission_id, Summary(submission.summary, SummarySource.OFFLINE_FALLBACK),
                self._clock())
            return False
        await self._store.finish_upgrade(submission_id, summary, self._clock())
        updated = await self._store.get_submission_by_id(submission_id)
        if updated is not None:
            await self._emit(updated)
        return True

    async def _emit(self, submission: Submission) -> None:
        for listener in self._listeners:
            try:
                await listener(submission)
            except Exception:
                log.exception("summary listener failed for #%d", submission.number)


def _article(submission: Submission, text: str) -> Article:
    """The article as the ingest worker read it, as far as the summarizer looks (so the
    summary cache key is the one the same page got before)."""
    return Article(url=submission.final_url or submission.url, title=submission.title,
                   text=text, authors=submission.authors, site_name=submission.site_name,
                   published=submission.published, language=submission.language,
                   description=submission.description, kind=submission.kind,
                   flag=submission.flag)
