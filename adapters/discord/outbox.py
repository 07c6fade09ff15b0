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
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
SILENT = 1 << 12  # SUPPRESS_NOTIFICATIONS: no push or desktop notification


class Outbox:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send(self, channel_id: int, *, content: str | None = None,
                   embeds: Sequence[discord.Embed] = (), reply_to: int | None = None,
                   silent: bool = False) -> int:
        """Post with no mentions parsed and a nonce Discord enforces, so a retried request
        cannot post twice; ``silent``: with SUPPRESS_NOTIFICATIONS (cards and the answers
        around them notify nobody). Returns the message id."""
        payload: dict[str, Any] = {"content": content, "embeds": [e.to_dict() for e in embeds],
                   "allowed_mentions": NONE.to_dict(), "nonce": secrets.token_hex(12),
                   "enforce_nonce": True}
        if silent:
            payload["flags"] = SILENT
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
        """An answer to a member's message, silent, best effort (a failure is already
        logged)."""
        if origin is not None:
            with contextlib.suppress(PublishError):
                await self.send(int(origin.channel), content=text,
                                reply_to=int(origin.message_id), silent=True)

    async def open_thread(self, origin: MessageRef, name: str) -> int | None:
        """A public thread on a member's message (its id is the message's); the one already
        there when there is one. None when Discord refuses (e.g. in a thread already)."""
        try:
            data = await self._client.http.start_thread_with_message(
                int(origin.channel), int(origin.message_id), name=name,
                auto_archive_duration=1440)
        except discord.HTTPException as err:
            if err.code == THREAD_EXISTS:
                return int(origin.message_id)
            log.warning("opening a thread on %s failed: %s", origin.message_id, err)
            return None
        return int(data["id"])

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
