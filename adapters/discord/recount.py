"""Reading votes back from Discord (the core's VoteRecounter port), so reactions added or
removed while the bot was offline count: each message's reactions with GET
/channels/{id}/messages/{id}, then everyone behind each vote reaction, page by page, with
GET .../reactions/{emoji}. discord.py waits out 429s itself, honouring retry_after and the
per-route buckets."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from adapters.discord.translate import emoji, member, reaction_key
from bot.community import Community
from bot.events import MessageRef
from bot.platform_ports import SeenReaction

log = logging.getLogger(__name__)


class DiscordRecounter:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def reactions(self, community: Community,
                        messages: Sequence[MessageRef]) -> list[SeenReaction] | None:
        """Every vote reaction on the messages, read back from Discord (discord.py waits out
        429s itself, honouring retry_after and the per-route buckets). Skin-tone variants are
        separate reactions there, so each one present is listed and normalized."""
        settings = community.settings
        configured = settings.up_emoji + settings.down_emoji
        seen: list[SeenReaction] = []
        for message in messages:
            channel, message_id = int(message.channel), int(message.message_id)
            try:
                data = await self._client.http.get_message(channel, message_id)
                for reaction in data.get("reactions") or []:
                    raw = discord.PartialEmoji.from_dict(reaction["emoji"])
                    core = emoji(raw, configured)
                    if settings.vote_direction(core) == 0:
                        continue
                    seen.extend(SeenReaction(member(user, settings.moderators), core,
                                             message.message_id, reaction_key(raw))
                                for user in await self._reactors(channel, message_id, raw))
            except discord.NotFound:
                continue  # the message is gone: its reactions are too
            except discord.HTTPException as err:
                log.warning("recount failed: %s", err)
                return None
        return seen

    async def _reactors(self, channel: int, message_id: int,
                        raw: discord.PartialEmoji) -> list[discord.User]:
        """Everyone who reacted with ``raw``, page by page (100 is the most per request)."""
        users: list[discord.User] = []
        after: int | None = None
        while True:
            page = await self._client.http.get_reaction_users(
                channel, message_id, _route_emoji(raw), 100, after=after)
            users.extend(discord.User(state=self._client._connection, data=u) for u in page)
            if len(page) < 100:
                return users
            after = int(page[-1]["id"])


def _route_emoji(value: discord.PartialEmoji) -> str:
    return f"{value.name}:{value.id}" if value.id else value.name
