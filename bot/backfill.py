"""Links posted while the bot was offline: on start and on each reconnect, an adapter asks
for every submission channel's history since the last message seen, and each link found is
submitted as if it had been posted live (same curator call, so the core's dedup makes a
replay harmless). Bounded: at most MAX_AGE back and MAX_MESSAGES per channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock
from bot.curator import Curator
from bot.events import MessageRef
from bot.platform_ports import ChannelHistory
from bot.state_ports import ChannelCursors

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=7)
MAX_MESSAGES = 500


@dataclass(slots=True)
class CaughtUp:
    """What a catch-up did: messages read back, and the ones that queued a link (the
    adapter acknowledges those as it does live ones)."""

    read: int = 0
    submitted: list[MessageRef] = field(default_factory=list)


class Backfill:
    def __init__(self, curator: Curator, cursors: ChannelCursors, clock: Clock,
                 max_age: timedelta = MAX_AGE, max_messages: int = MAX_MESSAGES) -> None:
        self._curator = curator
        self._cursors = cursors
        self._clock = clock
        self._max_age = max_age
        self._max_messages = max_messages

    async def seen(self, community: str, channel: str, cursor: str) -> None:
        """A live message: the channel's history up to it needs no reading back."""
        await self._cursors.mark_seen(community, channel, cursor, self._clock())

    async def channels(self, community: str) -> list[str]:
        """The channels to read back: the submission channels, or (when every channel is
        one) those the bot has seen a message in."""
        settings = await self._curator.settings_for(community)
        return list(settings.submission_channels) or await self._cursors.seen_channels(
            community)

    async def catch_up(self, community: str, history: ChannelHistory) -> CaughtUp:
        """Read each channel back from its last message seen (a channel never seen: the whole
        window), oldest first, submitting each message's links credited to its author."""
        known = await self._curator.known_community(community)
        since = self._clock() - self._max_age
        done = CaughtUp()
        for channel in await self.channels(community):
            after = await self._cursors.last_seen(community, channel)
            missed = await history.missed(known, channel, after, since, self._max_messages)
            # The bounds hold whatever the platform answered.
            kept = sorted((m for m in missed if m.at >= since
                           and (after is None or m.cursor > after)),
                          key=lambda m: m.cursor)[:self._max_messages]
            for message in kept:
                outcomes = await self._curator.post_link(message.posted)
                if any(o.submission for o in outcomes) and message.posted.origin:
                    done.submitted.append(message.posted.origin)
                await self._cursors.mark_seen(community, channel, message.cursor,
                                              self._clock())
            done.read += len(kept)
        if done.read:
            log.info("read back %d messages in %s: %d with links queued", done.read,
                     community, len(done.submitted))
        return done
