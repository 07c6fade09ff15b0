"""Reading back what was posted in Discord while the bot was away (the core's ChannelHistory
port), and the thread-to-parent lookup that says which channel's settings apply to a
message. One catch-up per shard runs in the background on each gateway ready or resume:
each of the shard's servers' submission channels is read forward with
GET /channels/{id}/messages?after= (discord.py waits out 429s, honouring retry_after and
the per-route buckets), and 👀 goes on the messages that queued a link."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import discord

from adapters.discord.outbox import Outbox
from adapters.discord.translate import (
    cursor,
    guild_id,
    home_channel,
    home_of,
    member,
    plain_text,
    ref,
)
from bot.backfill import Backfill
from bot.community import Community
from bot.events import LinkPosted, MissedMessage

log = logging.getLogger(__name__)

ACK = "👀"
HOMES = 5000  # threads whose parent channel was looked up, remembered
PAGE = 100  # the most messages GET /channels/{id}/messages returns at once

CommunityOf = Callable[[discord.Guild], Awaitable[Community]]


class DiscordHistory:
    def __init__(self, client: discord.Client, backfill: Backfill, outbox: Outbox,
                 community: CommunityOf) -> None:
        self._client = client
        self._backfill = backfill
        self._outbox = outbox
        self._community = community
        self._homes: OrderedDict[int, int] = OrderedDict()  # thread id -> parent channel id
        self._catching_up: dict[int, asyncio.Task[None]] = {}  # shard -> its catch-up
        self._closing = False

    async def home(self, channel: object, channel_id: int) -> int:
        """The channel whose settings apply to a message in ``channel_id``: a thread's (or
        forum post's) parent. A thread discord.py was never told of (a private one, one
        opened while the bot was away) is looked up once with GET /channels/{id}."""
        known = home_channel(channel)
        if known is not None:
            return known
        if channel_id not in self._homes:
            try:
                self._homes[channel_id] = home_of(
                    dict(await self._client.http.get_channel(channel_id)))
            except discord.HTTPException as err:
                log.warning("looking up channel %s failed: %s", channel_id, err)
                return channel_id
            while len(self._homes) > HOMES:
                self._homes.popitem(last=False)
        return self._homes[channel_id]

    def catch_up(self, shard_id: int) -> None:
        """Read back the shard's servers' submission channels, in the background (one
        catch-up per shard at a time: a reconnect during one waits for it to end)."""
        if self._closing:
            return
        running = self._catching_up.get(shard_id)
        self._catching_up[shard_id] = asyncio.create_task(
            self._catch_up_shard(shard_id, running), name=f"discord-catch-up-{shard_id}")

    async def _catch_up_shard(self, shard_id: int, previous: asyncio.Task[None] | None
                              ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        for guild in [g for g in self._client.guilds if g.shard_id == shard_id]:
            try:
                community = await self._community(guild)
                done = await self._backfill.catch_up(community.key, self)
            except Exception:
                log.exception("reading back %s failed", guild.id)
                continue
            for origin in done.submitted:
                await self._outbox.react(int(origin.channel), int(origin.message_id), ACK)

    async def stop_catching_up(self) -> None:
        self._closing = True
        tasks = set(self._catching_up.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def missed(self, community: Community, channel: str, after: str | None,
                     since: datetime, limit: int) -> list[MissedMessage]:
        """Messages after ``after`` (and not before ``since``), oldest first, read forward
        100 at a time with GET /channels/{id}/messages?after= (discord.py waits out 429s,
        honouring retry_after and the per-route buckets)."""
        if isinstance(self._client.get_channel(int(channel)), discord.ForumChannel):
            return []  # a forum holds posts (threads), not messages
        position = max(int(after) if after else 0, discord.utils.time_snowflake(since))
        guild = self._client.get_guild(int(guild_id(community.key) or 0))
        found: list[MissedMessage] = []
        while len(found) < limit:
            asked = min(PAGE, limit - len(found))
            try:
                page = await self._client.http.logs_from(int(channel), asked, after=position)
            except discord.HTTPException as err:
                log.warning("reading the history of %s failed: %s", channel, err)
                break
            page = sorted(page, key=lambda m: int(m["id"]))
            found.extend(self._missed(community, guild, channel, dict(m)) for m in page)
            if len(page) < asked:
                break
            position = int(page[-1]["id"])
        return found

    def _missed(self, community: Community, guild: discord.Guild | None, channel: str,
                data: dict[str, Any]) -> MissedMessage:
        author = data["author"]
        known = guild.get_member(int(author["id"])) if guild is not None else None
        user = known or discord.User(state=self._client._connection, data=author)
        message_id = int(data["id"])
        return MissedMessage(
            LinkPosted(community.key, member(user, community.settings.moderators),
                       plain_text(str(data.get("content") or "")), ref(int(channel), message_id)),
            cursor(message_id), discord.utils.snowflake_time(message_id))
