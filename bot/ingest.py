"""The ingest worker: pending -> fetching -> ready | failed, with bounded concurrency.

``concurrency`` bounds the fetches in flight (the reader's fetcher holds that limit); the
worker runs a few times as many links at once, so links whose page has arrived and now waits
for a parser process do not keep the network idle.

Fairness: work is taken in turns by submitter (bot.fair_queue); one member's links never
occupy the last ``reserved`` workers, and at most ``per_member`` of them (three quarters of
the fetch slots) are being read at once. So a flood from one member never makes another
member's link wait for its turn, for a worker or for a fetch slot.

Every step's outcome is stored, so after a restart ``start`` resumes whatever was pending or
in flight. Notifications go out after the state is stored and never decide it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from bot.clock import Clock
from bot.community import CommunitySettings
from bot.errors import ExtractError, FetchError, InvalidLink, StorageError
from bot.fair_queue import FairQueue
from bot.links import canonicalize
from bot.models import Article, Submission, SubmissionState
from bot.ports import CommunityStore, IngestQueue, PageReader, SubmissionStore, Summarizer

log = logging.getLogger(__name__)
# Links in progress per fetch slot: enough that parsing and summarizing (waiting for a CPU
# worker) overlap the next fetches, few enough that pages held in memory stay bounded.
LINKS_PER_FETCH_SLOT = 4


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one submission; ``duplicate_of`` is set when it was merged away."""

    submission: Submission
    duplicate_of: Submission | None = None


class IngestStore(IngestQueue, SubmissionStore, CommunityStore, Protocol):
    """The stores the worker uses: the queue it works off, submissions to find duplicates
    by URL, and communities for their summary settings."""


Listener = Callable[[IngestResult], Awaitable[None]]


class IngestWorker:
    def __init__(self, store: IngestStore, reader: PageReader, summarizer: Summarizer,
                 clock: Clock, concurrency: int = 16) -> None:
        self._store = store
        self._reader = reader
        self._summarizer = summarizer
        self._clock = clock
        self._concurrency = concurrency
        self._links = max(1, concurrency) * LINKS_PER_FETCH_SLOT
        self._per_member = per_member(concurrency)
        self._queue = FairQueue(per_lane=self._links - reserved(concurrency))
        self._reading: dict[str, _Turns] = {}  # per lane: its links being read
        self._tasks: list[asyncio.Task[None]] = []
        self._listeners: list[Listener] = []
        self._unfinished: Counter[int] = Counter()  # ids queued or being read
        self._finished = asyncio.Condition()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def start(self) -> None:
        """Start the workers and requeue everything a previous run left unfinished."""
        resumed = await self._store.pending_ids()
        if resumed:
            log.info("resuming %d unfinished submission(s)", len(resumed))
        for submission in await self._store.submissions_by_ids(resumed):
            self.enqueue(submission.id, lane(submission.community, submission.submitted_by))
        self._tasks = [
            asyncio.create_task(self._run(), name=f"ingest-{i}") for i in range(self._links)
        ]

    def enqueue(self, submission_id: int, lane: str = "") -> None:
        """Queue a submission to be read; ``lane`` (``ingest.lane``) is whose it is, so
        members take turns."""
        self._unfinished[submission_id] += 1
        self._queue.put(submission_id, lane)

    async def wait_for(self, ids: Collection[int], within: float) -> None:
        """Until none of ``ids`` is queued or being read here, or ``within`` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within), self._finished:
                await self._finished.wait_for(
                    lambda: not any(self._unfinished[i] for i in ids))

    async def drain(self) -> None:
        """Wait until every queued submission is ready or failed."""
        await self._queue.join()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _run(self) -> None:
        while True:
            submission_id, lane_key = await self._queue.get()
            try:
                await self._process(submission_id, lane_key)
            except StorageError as err:
                # One line, no traceback: the database, not the code, needs attention.
                log.error("ingest of submission %d stopped: %s", submission_id, err)
            except Exception:
                # The submission stays 'fetching' and is resumed on the next start.
                log.exception("ingest of submission %d crashed", submission_id)
            finally:
                self._queue.done(lane_key)
                self._unfinished[submission_id] -= 1
                if self._unfinished[submission_id] <= 0:
                    del self._unfinished[submission_id]
                async with self._finished:
                    self._finished.notify_all()

    @contextlib.asynccontextmanager
    async def _read_turn(self, lane_key: str) -> AsyncIterator[None]:
        """One of the lane's ``per_member`` reads at a time."""
        turns = self._reading.get(lane_key)
        if turns is None:
            turns = self._reading[lane_key] = _Turns(asyncio.Semaphore(self._per_member))
        turns.users += 1
        try:
            async with turns.semaphore:
                yield
        finally:
            turns.users -= 1
            if not turns.users:
                del self._reading[lane_key]

    async def _process(self, submission_id: int, lane_key: str = "") -> None:
        submission = await self._store.claim(submission_id)
        if submission is None:
            return  # already done, or merged away
        try:
            async with self._read_turn(lane_key):
                article = await self._reader.read(submission.url)
        except (FetchError, ExtractError) as err:
            reason = err.reason if isinstance(err, FetchError) else str(err) or "no content"
            log.info("submission #%d (%s) failed: %s", submission.number, submission.url, reason)
            await self._store.set_state(submission.id, SubmissionState.FAILED, reason)
            await self._announce(submission.id)
            return
        existing = await self._duplicate_of(submission, article)
        if existing is not None:
            await self._store.merge_into(submission.id, existing.id)
            merged = await self._store.get_submission_by_id(existing.id)
            assert merged is not None
            await self._emit(IngestResult(submission, duplicate_of=merged))
            return
        community = await self._store.get_community(submission.community)
        settings = community.settings if community else CommunitySettings()
        summary = await self._summarizer.summarize(article, settings.summary_prefs)
        await self._store.mark_ready(submission.id, article, summary, self._clock())
        await self._announce(submission.id)

    async def _duplicate_of(self, submission: Submission, article: Article) -> Submission | None:
        """Another submission of the same page, found through redirects or the page's own
        canonical URL (trusted only on the same site, so a page cannot claim another's)."""
        candidates = [article.url]
        if article.canonical_url and _same_site(article.canonical_url, article.url):
            candidates.append(article.canonical_url)
        for candidate in candidates:
            try:
                url = canonicalize(candidate)
            except InvalidLink:
                continue  # a junk canonical URL on a page is simply ignored
            found = await self._store.find_by_url(submission.community, url)
            if found is not None and found.id != submission.id:
                return found
        return None

    async def _announce(self, submission_id: int) -> None:
        stored = await self._store.get_submission_by_id(submission_id)
        if stored is not None:
            await self._emit(IngestResult(stored))

    async def _emit(self, result: IngestResult) -> None:
        for listener in self._listeners:
            try:
                await listener(result)
            except Exception:
                log.exception("ingest listener failed for #%d", result.submission.number)


def per_member(concurrency: int) -> int:
    """Links of one member being read at once: three quarters of the fetch slots (at least
    one), so a flood leaves fetch slots free for other members' links."""
    return max(1, concurrency - concurrency // 4)


def reserved(concurrency: int) -> int:
    """Workers one member's links never occupy: free for other members' links."""
    return max(1, concurrency // 4)


@dataclass(slots=True)
class _Turns:
    semaphore: asyncio.Semaphore
    users: int = 0


def lane(community: str, member_id: str) -> str:
    """The ingest lane of a member's links: members take turns."""
    return f"{community}\x1f{member_id}"


def _same_site(a: str, b: str) -> bool:
    def site(url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        return host.removeprefix("www.")

    return site(a) == site(b) and site(a) != ""
