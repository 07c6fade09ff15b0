"""The member daily limit (``member_limit``): when a member's link may be queued, holding
the ones over it, and queueing held links when they fall due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from bot.clock import Clock
from bot.community import Community
from bot.errors import StorageError
from bot.models import Member
from bot.ports import HoldStore, SubmissionStore
from bot.records import HeldLink

log = logging.getLogger(__name__)

# The member_limit window: links a member queued in the last 24 hours count.
LIMIT_WINDOW = timedelta(hours=24)
MAX_HOLD_SLEEP = 3600.0  # the release loop looks at the store at least hourly

T = TypeVar("T")


class HoldsStore(HoldStore, SubmissionStore, Protocol):
    """The stores the daily limit reads: held links, and whether a link is already shared."""


class Holds(Generic[T]):
    """Links held over the member's daily limit. ``release`` queues a held link that is due,
    as if its member shared it now (the curator's submit, the limit not applied again)."""

    def __init__(self, store: HoldsStore, clock: Clock,
                 release: Callable[[HeldLink], Awaitable[T]]) -> None:
        self._store = store
        self._clock = clock
        self._release = release
        self._new_hold = asyncio.Event()

    async def release_time(self, community: Community, member: Member,
                           canonical: str) -> datetime | None:
        """None when the link may be queued now; else when it may, under member_limit links
        per rolling 24 hours, after the member's links already held. Moderators, and links
        already shared (sharing one again only credits the member), are never held."""
        limit = community.settings.member_limit
        if not limit or member.is_moderator:
            return None
        held_links = await self._store.held_links(community.key, member.id)
        for link in held_links:
            if link.url == canonical:
                return link.release_at
        if await self._store.find_by_url(community.key, canonical) is not None:
            return None
        now = self._clock()
        queued = await self._store.submitted_since(community.key, member.id, now - LIMIT_WINDOW)
        waiting = [link.release_at for link in held_links]
        slots = sorted([*queued, *waiting])
        if len(slots) < limit and not waiting:
            return None
        # The window ending then holds fewer than `limit` links: the oldest that still
        # counts has left it.
        free_at = slots[len(slots) - limit] + LIMIT_WINDOW if len(slots) >= limit else now
        return max(now, free_at, *waiting)

    async def hold(self, link: HeldLink) -> bool:
        """Store a held link and wake the release loop. False when the member already has
        that link held (nothing changes)."""
        if not await self._store.hold_link(link):
            return False
        log.info("held link %r of %s in %s until %s (member_limit)", link.url,
                 link.member.id, link.community, link.release_at.isoformat())
        self._new_hold.set()
        return True

    async def release_due(self) -> list[T]:
        """Queue every held link that is due, as if its member shared it now. Queued first,
        forgotten after: a crash in between only credits the member again, never loses it."""
        outcomes = []
        for link in await self._store.due_held_links(self._clock()):
            outcomes.append(await self._release(link))
            await self._store.release_held_link(link.community, link.member.id, link.url)
        return outcomes

    async def run(self) -> None:
        """Queue held links when they are due, until cancelled. After a restart, links that
        fell due while the bot was down are queued at once."""
        while True:
            self._new_hold.clear()
            wait = MAX_HOLD_SLEEP
            try:
                await self.release_due()
                soonest = await self._store.next_release()
                if soonest is not None:
                    wait = (soonest - self._clock()).total_seconds()
            except StorageError as err:
                log.error("held links could not be released (%s); trying again later", err)
            except Exception:
                log.exception("releasing held links failed; trying again later")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(MAX_HOLD_SLEEP, max(0.0, wait))):
                    await self._new_hold.wait()
