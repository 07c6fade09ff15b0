"""Sending to Discord: messages with no mentions parsed and a nonce (so a retried request
cannot post twice), replies, reactions and deletions. discord.py waits out 429s itself,
honouring retry_after and the per-route buckets."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord.translate import route_emoji
from bot.errors import PublishError
from bot.events import MessageRef

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


class Outbox:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send(self, channel_id: int, *, content: str | None = None,
                   embeds: Sequence[discord.Embed] = (), reply_to: int | None = None
                   ) -> int:
        """Post with no mentions parsed and a nonce Discord enforces, so a retried request
        cannot post twice. Returns the message id."""
        payload: dict[str, Any] = {"content": content, "embeds": [e.to_dict() for e in embeds],
                   "allowed_mentions": NONE.to_dict(), "nonce": secrets.token_hex(12),
                   "enforce_nonce": True}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": reply_to, "fail_if_not_exists": False}
        route = discord.http.Route("POST", "/channels/{channel_id}/messages",
                                   channel_id=channel_id)
        try:
            data = await self._client.http.request(route, json=payload)
        except discord.HTTPException as err:
            log.warning("posting to %s failed: %s", channel_id, err)
            raise PublishError(f"Discord refused the message: {err.text}") from err
        return int(data["id"])

    async def edit(self, channel_id: int, message_id: int, *,
                   embeds: Sequence[discord.Embed]) -> None:
        """Replace the embeds of one of the bot's messages (PATCH, no mentions parsed), best
        effort: a failure is logged."""
        route = discord.http.Route("PATCH", "/channels/{channel_id}/messages/{message_id}",
                                   channel_id=channel_id, message_id=message_id)
        payload = {"embeds": [e.to_dict() for e in embeds],
                   "allowed_mentions": NONE.to_dict()}
        try:
            await self._client.http.request(route, json=payload)
        except discord.HTTPException as err:
            log.warning("editing message %s in %s failed: %s", message_id, channel_id, err)

    async def reply(self, origin: MessageRef | None, text: str) -> None:
        """An answer to a member's message, best effort (a failure is already logged)."""
        if origin is not None:
            with contextlib.suppress(PublishError):
                await self.send(int(origin.channel), content=text,
                                reply_to=int(origin.message_id))

    async def delete(self, channel_id: int, message_id: int) -> None:
        try:
            await self._client.http.delete_message(channel_id, message_id)
        except discord.HTTPException as err:
            log.warning("deleting a message failed: %s", err)

    async def react(self, channel_id: int, message_id: int, core_emoji: str) -> None:
        try:
            await self._client.http.add_reaction(channel_id, message_id,
                                                 route_emoji(core_emoji))
        except discord.HTTPException as err:
            log.warning("adding a reaction failed: %s", err)
