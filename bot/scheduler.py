"""Posting each community's digest at its weekly time.

At a community's weekly time the week that just ended is posted to its digest channel. After
downtime a missed digest is still posted if it is at most the grace period late, and skipped
with a log line otherwise. An empty week is not posted.

Never twice: the store's digest record is unique per (community, period), and a process
claims it ('posting', with the content and picks about to go out) before posting, so two
processes racing post once. A claim still 'posting' after STALE_CLAIM means its process died
between posting and recording; the post may have gone out, and nothing can ask the platform,
so reconciling settles it as posted with the picks it carried (they are marked published,
so they never return). Reconciling runs on start and before every tick.

With several processes, one ticks at a time: ``run`` takes the store's scheduler lock (a lease,
renewed while it ticks) before each tick, and a process that finds it held tries again after
one lease, so the schedule goes on when the holder dies. The per-period claim above stays the
guarantee; the lock spares the other processes the work of composing a digest for nothing.

No digest channel: no scheduled post, and the moderators get one hint (remembered in the
store, so a restart does not repeat it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.community import Community
from bot.errors import DigestifError, StorageError
from bot.lease import DEFAULT_LEASE, heartbeat, process_owner
from bot.period import period_containing, previous_period
from bot.ports import CommunityStore
from bot.publishing import Mode, Outcome, Publishing
from bot.records import PeriodClaim
from bot.replies import no_channel_hint
from bot.state_ports import DigestStore, LeaseStore

log = logging.getLogger(__name__)

Hint = Callable[[str, str], Awaitable[None]]  # (community key, text) to its moderators
# More claims a crash may leave behind (e-mails: Mailing.reconcile), settled with the digests'.
Reconcile = Callable[[datetime], Awaitable[object]]

STALE_CLAIM = timedelta(minutes=10)
MAX_SLEEP = 3600.0  # wake at least hourly, so changed settings are picked up
LOCK = "digest-scheduler"


class SchedulerStore(DigestStore, CommunityStore, LeaseStore, Protocol):
    """The stores the scheduler uses: every community, its one-time notices, its digests'
    claims and records, and the lock one scheduler holds at a time."""


class Scheduler:
    def __init__(self, store: SchedulerStore, publishing: Publishing, clock: Clock,
                 grace: timedelta, hint: Hint | None = None,
                 reconcilers: Sequence[Reconcile] = (), *, owner: str | None = None,
                 lease: float = DEFAULT_LEASE) -> None:
        self._store = store
        self._reconcilers = tuple(reconcilers)
        self.owner = owner or process_owner()
        self._lease = lease
        self._publishing = publishing
        self._clock = clock
        self._grace = grace
        self._hint = hint
        self._settled: set[tuple[str, str]] = set()  # (community, period) needing no work

    async def reconcile(self, now: datetime | None = None) -> list[PeriodClaim]:
        """Settle claims a crash left in 'posting' as posted (and, through
        ``reconcilers``, other claims, like e-mails left 'sending'). Returns the digests'."""
        now = now or self._clock()
        stale = await self._store.stale_postings(now - STALE_CLAIM)
        for community, period in stale:
            plan = await self._store.digest_plan(community, period)
            content, picks = plan or ("", [])
            log.warning("the digest %s of %s was being posted when its process stopped; "
                        "settling it as posted (%d picks) so it is never posted twice",
                        period, community, len(picks))
            await self._store.finish_digest(community, period, content, now, picks)
        for reconcile in self._reconcilers:
            await reconcile(now)
        return stale

    async def tick(self, now: datetime | None = None) -> list[tuple[str, str, str]]:
        """Do what is due at ``now``. Returns (community, period, outcome) for each period
        it acted on or decided to skip; a community's failure does not stop the others."""
        now = now or self._clock()
        await self.reconcile(now)
        outcomes = []
        for community in await self._store.communities():
            try:
                outcome = await self._due(community, now)
            except Exception:
                log.exception("the digest schedule of %s failed; trying again later",
                              community.key)
                continue
            if outcome is not None:
                outcomes.append((community.key, *outcome))
        return outcomes

    async def _due(self, community: Community, now: datetime) -> tuple[str, str] | None:
        settings = community.settings
        due = previous_period(period_containing(now, settings), settings)
        if (community.key, due.key) in self._settled:
            return None
        if await self._store.digest_record(community.key, due.key) is not None:
            self._settled.add((community.key, due.key))
            return None
        if not settings.digest_channel:
            if await self._store.first_notice(community.key, "no-digest-channel", now):
                # Said once: to the moderators when they can be told, else in the log.
                log.log(logging.INFO if self._hint is not None else logging.WARNING,
                        "community %s has no digest channel: no scheduled digest",
                        community.key)
                if self._hint is not None:
                    await self._hint(community.key, no_channel_hint(settings.cadence))
            return due.key, "no channel"
        late = now - due.end
        if late > self._grace:
            self._settled.add((community.key, due.key))
            log.warning("skipping the digest %s of %s: it is %s late, beyond the grace period "
                        "of %s", due.key, community.key, late, self._grace)
            return due.key, "too late"
        try:
            publication = await self._publishing.publish(community, due, Mode.SCHEDULED,
                                                         settings.digest_channel)
        except DigestifError as err:
            log.error("posting the digest %s of %s failed: %s", due.key, community.key, err)
            return due.key, "failed"
        if publication.outcome is not Outcome.POSTED:
            self._settled.add((community.key, due.key))
        elif publication.llm is not None:
            log.info("the digest %s of %s took %d LLM call(s) for its summaries: %d written "
                     "by the model, %d kept the offline summary", due.key, community.key,
                     publication.llm.calls, publication.llm.written,
                     publication.llm.calls - publication.llm.written)
        return due.key, str(publication.outcome)

    async def next_wakeup(self, now: datetime | None = None) -> float:
        """Seconds until the next community's weekly time (at most MAX_SLEEP)."""
        now = now or self._clock()
        ends = []
        for community in await self._store.communities():
            try:
                ends.append(period_containing(now, community.settings).end)
            except DigestifError:
                continue  # a broken setting is logged by tick
        soonest = min(ends, default=now + timedelta(seconds=MAX_SLEEP))
        return max(1.0, min(MAX_SLEEP, (soonest - now).total_seconds() + 1))

    async def tick_alone(self, now: datetime | None = None
                         ) -> list[tuple[str, str, str]] | None:
        """``tick`` while holding the scheduler lock; None when another process holds it."""
        now = now or self._clock()
        if not await self._store.try_lease(LOCK, self.owner, now, self._lock_until(now)):
            return None
        try:
            async with heartbeat(self._keep_lock, self._lease, name="scheduler-lock"):
                return await self.tick(now)
        finally:
            await self._store.drop_lease(LOCK, self.owner)

    def _lock_until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self._lease)

    async def _keep_lock(self) -> None:
        now = self._clock()
        if not await self._store.try_lease(LOCK, self.owner, now, self._lock_until(now)):
            log.warning("the scheduler lock was taken over while this process ticked "
                        "(it stalled past the lease); the per-period claim still posts once")

    async def run(self) -> None:
        """Tick at every weekly time until cancelled; while another process holds the lock,
        look again after one lease."""
        failures = 0
        while True:
            pause: float | None = None
            try:
                if await self.tick_alone() is None:
                    pause = self._lease
                failures = 0
            except StorageError as err:
                # A lock held a while by another process passes: said when it happens twice.
                failures += 1
                log.log(logging.ERROR if failures > 1 else logging.INFO,
                        "the digest scheduler could not use the database (%s); "
                        "trying again later", err)
                pause = self._lease
            except Exception:
                log.exception("the digest scheduler failed; trying again later")
            wakeup = await self.next_wakeup()
            await asyncio.sleep(wakeup if pause is None else min(pause, wakeup))
