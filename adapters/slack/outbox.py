"""Sending to Slack: messages with unfurls and @-names off, reactions, replies only one
member sees, and the threads replies belong in. The Web API client waits out 429s itself
(server.build gives it the retry handlers)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.translate import api_error, error_code, ts_of
from bot.events import MessageRef

log = logging.getLogger(__name__)
THREADS = 2000  # origin messages whose thread we remember, to answer in the right thread
Respond = Any  # bolt's AsyncRespond: posts to the request's response_url
# chat.postEphemeral errors that mean "not a channel the bot is in".
NOT_HERE = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel",
                      "is_archived", "cannot_dm_bot"})


class Outbox:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._threads: OrderedDict[str, str] = OrderedDict()

    def remember_thread(self, ref: MessageRef, thread_ts: str) -> None:
        """A link posted in a thread is answered in that thread (Slack wants the parent ts)."""
        if thread_ts != ts_of(ref):
            self._threads[ref.message_id] = thread_ts
            while len(self._threads) > THREADS:
                self._threads.popitem(last=False)

    def thread_of(self, ref: MessageRef) -> str:
        return self._threads.get(ref.message_id) or ts_of(ref)

    async def react(self, ref: MessageRef, name: str) -> None:
        try:
            await self.client.reactions_add(channel=ref.channel, timestamp=ts_of(ref), name=name)
        except SlackApiError as err:
            if error_code(err) != "already_reacted":
                log.warning("reactions.add failed: %s", api_error(err))

    async def post(self, channel: str, text: str, blocks: list[render.Block] | None = None,
                   thread_ts: str | None = None) -> str | None:
        """chat.postMessage with unfurls off; returns the new message's ts."""
        try:
            response = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False, link_names=False)
        except SlackApiError as err:
            log.warning("chat.postMessage to %s failed: %s", channel, api_error(err))
            return None
        return str(response.get("ts") or "") or None

    async def update(self, ref: MessageRef, text: str,
                     blocks: list[render.Block] | None = None) -> None:
        """chat.update of one of the bot's messages, best effort (a failure is logged)."""
        try:
            await self.client.chat_update(channel=ref.channel, ts=ts_of(ref), text=text,
                                          blocks=blocks, link_names=False)
        except SlackApiError as err:
            log.warning("chat.update in %s failed: %s", ref.channel, api_error(err))

    async def answer(self, origin: MessageRef | None, text: str) -> None:
        """In the thread of a member's message (``text`` is already safe mrkdwn)."""
        if origin is not None:
            await self.post(origin.channel, text, thread_ts=self.thread_of(origin))

    async def whisper(self, channel: str, user: str, text: str,
                      blocks: list[render.Block] | None = None,
                      respond: Respond | None = None) -> None:
        """A reply only the member sees. ``text`` is already safe mrkdwn. Where the bot is not
        in the channel (a DM, a private channel), the request's response_url still works."""
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=text,
                                                 blocks=blocks)
            return
        except SlackApiError as err:
            if respond is None or error_code(err) not in NOT_HERE:
                log.warning("chat.postEphemeral failed: %s", api_error(err))
                return
        try:
            await respond(text=text, blocks=blocks, response_type="ephemeral",
                          replace_original=False)
        except (SlackApiError, OSError, ValueError) as err:
            log.warning("response_url reply failed: %s", err)
