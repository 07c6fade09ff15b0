"""The ingest worker: pending -> fetching -> ready | failed, with bounded concurrency, shared
by every process working on the same database.

A link becomes ready with its offline summary. The model's summary, when an LLM is
configured, is written later by bot.upgrades in its own queue (the community setting
``llm_summaries`` says for which links), so a model call never holds an ingest slot and a
slow model never delays fetching.

``concurrency`` bounds the fetches in flight (the reader's fetcher holds that limit); the
worker runs a few times as many links at once, so links whose page has arrived and now waits
for a parser process do not keep the network idle.

Fairness: work is taken in turns by submitter (bot.fair_queue); one member's links never
occupy the last ``reserved`` workers, and at most ``per_member`` of them (three quarters of
the fetch slots) are being read at once. So a flood from one member never makes another
member's link wait for its turn, for a worker or for a fetch slot.

Jobs are claimed with a lease (bot/lease.py, bot.ports.IngestQueue): a link shared through
this process is claimed at once; links queued by other processes, and jobs whose owner died
(their lease lapsed), are found by polling the store, with a pause that grows while there is
nothing to do (``IngestQueue.wait_for_jobs``: a plain pause on SQLite, a notification on a
store that has them). Leases are renewed while the jobs work; on a clean stop the jobs still
held go back to pending. Nothing is reset when a process starts. Every step's outcome is
stored, only while this worker still holds the lease, so a job taken over finishes once.
Notifications go out after the state is stored and never decide it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from bot import replies
from bot.clock import Clock
from bot.community import CommunitySettings
from bot.errors import ExtractError, FetchError, InvalidLink, StorageError
from bot.fair_queue import FairQueue
from bot.lease import DEFAULT_LEASE, keep_renewing, process_owner
from bot.links import canonicalize
from bot.models import Article, Submission, SubmissionState, SummarySource
from bot.platform_ports import PageReader, Summarizer
from bot.ports import CommunityStore, IngestQueue, SubmissionStore
from bot.upgrades import ALL, SummaryUpgrader

log = logging.getLogger(__name__)
# Links in progress per fetch slot: enough that parsing and summarizing (waiting for a CPU
# worker) overlap the next fetches, few enough that pages held in memory stay bounded.
LINKS_PER_FETCH_SLOT = 4
# A job claimed this many times without finishing (its worker crashed on it each time)
# fails rather than being tried for ever.
MAX_ATTEMPTS = 5
# Pauses between looks for work queued elsewhere (seconds): the first after finding some,
# doubling while there is none, up to the last (at most a quarter of the lease, so a dead
# owner's jobs are taken over within 1.25 leases).
POLL = (0.05, 2.0)

_Item = int | Submission  # an id to claim, or a job already claimed


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
                 clock: Clock, concurrency: int = 16,
                 upgrader: SummaryUpgrader | None = None, *, lease: float = DEFAULT_LEASE,
                 owner: str | None = None, poll: tuple[float, float] = POLL,
                 shares: bool = True) -> None:
        """``summarizer`` writes the summary a link is ready with (the offline one when an
        LLM is configured: ``upgrader`` then has the model write its own later).
        ``shares=False``: no member's links are held to a share of the workers and fetch
        slots (`digestif submit`, the operator's bulk import in a process of its own)."""
        self._store = store
        self._upgrader = upgrader
        self._reader = reader
        self._summarizer = summarizer
        self._clock = clock
        self._concurrency = concurrency
        self._links = max(1, concurrency) * LINKS_PER_FETCH_SLOT
        self.owner = owner or process_owner()
        self._lease = lease
        self._poll = (min(poll[0], lease / 4), min(poll[1], lease / 4))
        # None: no member's reads are limited (only the fetcher's own slots).
        self._per_member = per_member(concurrency) if shares else None
        self._queue: FairQueue[_Item] = FairQueue(
            per_lane=self._links - (reserved(concurrency) if shares else 0))
        self._reading: dict[str, _Turns] = {}  # per lane: its links being read
        self._tasks: list[asyncio.Task[None]] = []
        self._listeners: list[Listener] = []
        self._unfinished: Counter[int] = Counter()  # ids queued or being read
        self._finished = asyncio.Condition()
        self._held: set[int] = set()  # jobs leased to this worker
        self._room = asyncio.Event()  # set when a slot frees up
        self._ingesting = False

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def start(self, *, ingest: bool = True) -> None:
        """Start the workers. ``ingest=False`` (a gateway process): links are only queued in
        the store, for the workers of other processes."""
        self._ingesting = ingest
        if not ingest:
            return
        self._tasks = [
            asyncio.create_task(self._run(), name=f"ingest-{i}") for i in range(self._links)
        ]
        self._tasks.append(asyncio.create_task(self._look_for_work(), name="ingest-poll"))
        self._tasks.append(asyncio.create_task(
            keep_renewing(self._renew, self._lease), name="ingest-leases"))

    def enqueue(self, submission_id: int, lane: str = "") -> None:
        """Work on a submission just queued in the store (a gateway leaves it there);
        ``lane`` (``ingest.lane``) is whose it is, so members take turns."""
        if self._ingesting:
            self._put(submission_id, lane)

    def _put(self, item: _Item, lane: str) -> None:
        self._unfinished[item if isinstance(item, int) else item.id] += 1
        self._queue.put(item, lane)

    async def wait_for(self, ids: Collection[int], within: float) -> None:
        """Until none of ``ids`` is waiting or being read, here or by any process, or
        ``within`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(deadline), self._finished:
                await self._finished.wait_for(
                    lambda: not any(self._unfinished[i] for i in ids))
        pause = self._poll[0]
        while await self._still_reading(ids) and loop.time() < deadline:
            await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
            pause = min(pause * 2, self._poll[1])

    async def _still_reading(self, ids: Collection[int]) -> bool:
        found = await self._store.submissions_by_ids(list(ids))
        return any(s.state in (SubmissionState.PENDING, SubmissionState.FETCHING)
                   for s in found)

    async def drain(self) -> None:
        """Wait until every submission this worker has taken on is ready or failed."""
        await self._queue.join()

    async def close(self) -> None:
        """Stop; the jobs still held go back to pending for the other processes."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        held, self._held = sorted(self._held), set()
        if held:
            try:
                await self._store.release(self.owner, held)
                log.info("gave back %d unfinished submission(s)", len(held))
            except StorageError as err:
                log.warning("could not give back %d submission(s) (%s); they are taken over "
                            "once their lease lapses", len(held), err)

    def _until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self._lease)

    async def _look_for_work(self) -> None:
        """Claim jobs queued elsewhere or abandoned, whenever a slot is free."""
        pause = self._poll[0]
        failing_since: float | None = None  # a database error that lasts is logged, once
        loop = asyncio.get_running_loop()
        while True:
            free = self._links - len(self._queue)
            if free <= 0:
                self._room.clear()
                await self._room.wait()
                continue
            now = self._clock()
            try:
                claimed = await self._store.claim_next(self.owner, now, self._until(now), free)
                failing_since = None
            except StorageError as err:
                claimed = []
                if failing_since is None:
                    failing_since = loop.time()
                elif loop.time() - failing_since >= self._lease:
                    log.warning("looking for links to read has failed for %.0f s: %s",
                                loop.time() - failing_since, err)
                    failing_since = math.inf  # said; quiet until it works again
            for submission in claimed:
                self._held.add(submission.id)
                self._put(submission, lane(submission.community, submission.submitted_by))
            if claimed and len(claimed) == free:
                continue  # maybe more: claim again as soon as a slot frees up
            pause = self._poll[0] if claimed else min(pause * 2, self._poll[1])
            await self._store.wait_for_jobs(pause)

    async def _renew(self) -> None:
        ids = sorted(self._held)
        if not ids:
            return
        kept = set(await self._store.renew(self.owner, ids, self._until(self._clock())))
        lost = [i for i in ids if i not in kept and i in self._held]
        if lost:
            # Finished meanwhile, or taken over after this process stalled past its lease.
            self._held.difference_update(lost)
            log.info("no longer holding %d submission(s)", len(lost))

    async def _run(self) -> None:
        while True:
            item, lane_key = await self._queue.get()
            submission_id = item if isinstance(item, int) else item.id
            try:
                await self._process(item, lane_key)
            except StorageError as err:
                # One line, no traceback: the database, not the code, needs attention.
                log.error("ingest of submission %d stopped: %s", submission_id, err)
            except Exception:
                # Its lease lapses and it is tried again (MAX_ATTEMPTS in all).
                log.exception("ingest of submission %d crashed", submission_id)
            finally:
                self._room.set()
                self._queue.done(lane_key)
                self._unfinished[submission_id] -= 1
                if self._unfinished[submission_id] <= 0:
                    del self._unfinished[submission_id]
                async with self._finished:
                    self._finished.notify_all()

    @contextlib.asynccontextmanager
    async def _read_turn(self, lane_key: str) -> AsyncIterator[None]:
        """One of the lane's ``per_member`` reads at a time."""
        if self._per_member is None:
            yield
            return
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

    async def _process(self, item: _Item, lane_key: str) -> None:
        if isinstance(item, Submission):
            submission = item
        else:
            now = self._clock()
            found = await self._store.claim(item, self.owner, now, self._until(now))
            if found is None:
                return  # already done, merged away, or another worker has it
            submission = found
            self._held.add(submission.id)
        try:
            await self._ingest(submission, lane_key)
        except asyncio.CancelledError:
            raise  # stopping: close() gives the job back
        except BaseException:
            self._held.discard(submission.id)
            raise
        self._held.discard(submission.id)

    async def _ingest(self, submission: Submission, lane_key: str) -> None:
        if submission.attempts > MAX_ATTEMPTS:
            log.warning("submission #%d (%s) was claimed %d times without finishing; giving up",
                        submission.number, submission.url, submission.attempts - 1)
            await self._fail(submission, replies.GAVE_UP)
            return
        try:
            async with self._read_turn(lane_key):
                article = await self._reader.read(submission.url)
        except (FetchError, ExtractError) as err:
            reason = err.reason if isinstance(err, FetchError) else str(err) or "no content"
            log.info("submission #%d (%s) failed: %s", submission.number, submission.url, reason)
            await self._fail(submission, reason)
            return
        existing = await self._duplicate_of(submission, article)
        if existing is not None:
            if not await self._store.merge_into(submission.id, existing.id, owner=self.owner):
                self._taken_over(submission)
                return
            merged = await self._store.get_submission_by_id(existing.id)
            assert merged is not None
            await self._emit(IngestResult(submission, duplicate_of=merged))
            return
        community = await self._store.get_community(submission.community)
        settings = community.settings if community else CommunitySettings()
        summary = await self._summarizer.summarize(article, settings.summary_prefs)
        upgrader, wanted = self._upgrader, False
        if (upgrader is not None and article.flag is None
                and summary.source is not SummarySource.LLM and article.text.strip()):
            # Kept before the link is ready, so a crash in between loses no upgrade.
            wanted = await upgrader.keep(submission.id, article.text,
                                         requested=settings.llm_summaries == ALL)
        if not await self._store.mark_ready(submission.id, article, summary, self._clock(),
                                            owner=self.owner):
            self._taken_over(submission)
            return
        await self._announce(submission.id)
        if upgrader is not None and wanted:
            upgrader.enqueue(submission.id)  # after the card is out, so it can be updated

    async def _fail(self, submission: Submission, reason: str) -> None:
        if await self._store.set_state(submission.id, SubmissionState.FAILED, reason,
                                       owner=self.owner):
            await self._announce(submission.id)
        else:
            self._taken_over(submission)

    @staticmethod
    def _taken_over(submission: Submission) -> None:
        log.info("submission #%d was taken over by another worker (this one's lease "
                 "lapsed); its result here is dropped", submission.number)

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
