"""Posting each community's digest at its weekly time.

At a community's weekly time the week that just ended is posted to its digest channel. After
downtime a missed digest is still posted if it is at most the grace period late, and skipped
with a log line otherwise. A period is never posted twice: the store's claim is unique per
community and period, and a claim left 'posting' by a crash is settled as posted on start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from bot.community import Community
from bot.digests import DigestService
from bot.editor import Editor
from bot.errors import DigestifError
from bot.period import period_containing, previous_period
from bot.ports import Store

log = logging.getLogger(__name__)

Hint = Callable[[str, str], Awaitable[None]]
NO_CHANNEL_HINT = ("No digest channel is set, so the weekly digest is not posted "
                   "automatically. Set one with the digest_channel setting, or post it with "
                   "the digest post command.")
STALE_CLAIM = timedelta(minutes=10)
MAX_SLEEP = 3600.0


class Scheduler:
    def __init__(self, store: Store, editor: Editor, digests: DigestService, clock: Clock,
                 grace: timedelta, hint: Hint | None = None) -> None:
        self._store = store
        self._hint = hint
        self._editor = editor
        self._digests = digests
        self._clock = clock
        self._grace = grace
        self._told: set[tuple[str, str]] = set()  # (community, what) already logged once

    async def reconcile(self) -> list[tuple[str, str]]:
        """Settle claims a crash left in 'posting' as posted (they may have gone out)."""
        stale = await self._store.stale_postings(self._clock() - STALE_CLAIM)
        for community, period in stale:
            log.warning("digest %s of %s was being posted when the bot stopped; treating it as "
                        "posted so it is never posted twice", period, community)
            await self._store.finish_digest(community, period, "", self._clock(), [])
        return stale

    async def tick(self) -> list[tuple[str, str, str]]:
        """Do what is due now. Returns (community, period, outcome) for what it looked at."""
        outcomes = []
        for community in await self._store.communities():
            outcome = await self._due(community)
            if outcome is not None:
                outcomes.append((community.key, *outcome))
        return outcomes

    async def _due(self, community: Community) -> tuple[str, str] | None:
        settings = community.settings
        now = self._clock()
        due = previous_period(period_containing(now, settings), settings)
        if await self._store.digest_record(community.key, due.key) is not None:
            return None
        if not settings.digest_channel:
            if self._once(community.key, "no-channel", "community %s has no digest channel: "
                          "no scheduled digest", community.key) and self._hint is not None:
                await self._hint(community.key, NO_CHANNEL_HINT)
            return due.key, "no channel"
        if now - due.end > self._grace:
            self._once(community.key, f"late:{due.key}", "skipping the digest %s of %s: it is "
                       "%s late, beyond the grace period", due.key, community.key, now - due.end)
            return due.key, "too late"
        if (await self._digests.build(community, due)).empty:
            return due.key, "empty"
        try:
            posted = await self._editor.publish(community, due, settings.digest_channel)
        except DigestifError as err:
            log.error("posting the digest %s of %s failed: %s", due.key, community.key, err)
            return due.key, "failed"
        return due.key, "posted" if posted is not None else "already posted"

    def _once(self, community: str, what: str, message: str, *args: object) -> bool:
        """Log a warning once per community and subject; True the first time."""
        if (community, what) in self._told:
            return False
        self._told.add((community, what))
        log.warning(message, *args)
        return True

    async def next_wakeup(self) -> float:
        """Seconds until the next community's weekly time (at most an hour)."""
        now = self._clock()
        ends = [period_containing(now, c.settings).end for c in await self._store.communities()]
        soonest = min(ends, default=now + timedelta(seconds=MAX_SLEEP))
        return max(1.0, min(MAX_SLEEP, (soonest - now).total_seconds() + 1))

    async def run(self) -> None:
        """Reconcile, then tick at every weekly time until cancelled."""
        await self.reconcile()
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the digest scheduler failed; trying again later")
            await asyncio.sleep(await self.next_wakeup())
