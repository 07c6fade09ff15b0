"""Reading back what was posted in a Slack channel while the bot was away (the core's
ChannelHistory port): conversations.history from the last message seen, newest first, page
by page with the cursor Slack returns. The Web API client waits out 429s itself (Retry-After;
server.build gives it the retry handlers). Top-level messages only: a thread's replies are
not in a channel's history (conversations.replies per thread would cost a call each)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.members import Members
from adapters.slack.outbox import Outbox
from adapters.slack.translate import api_error, submitted_message
from bot.community import Community
from bot.events import LinkPosted, MissedMessage

log = logging.getLogger(__name__)
PAGE = 200  # Slack's advice for conversations.history (it allows up to 999)


def cursor(ts: str) -> str:
    """A message's ts as channel cursors store it: seconds padded to 12 digits and the
    fraction to 6, so later messages sort after earlier ones as text."""
    whole, _, fraction = ts.partition(".")
    return f"{whole:0>12}.{fraction:0<6}"


def _seconds(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        return Decimal(0)


class SlackHistory:
    def __init__(self, client: AsyncWebClient, members: Members, outbox: Outbox) -> None:
        self._client = client
        self._members = members
        self._outbox = outbox

    async def missed(self, community: Community, channel: str, after: str | None,
                     since: datetime, limit: int) -> list[MissedMessage]:
        """Members' top-level messages after ``after`` and not before ``since``: the newest
        ``limit`` of them (Slack lists newest first), returned oldest first."""
        oldest = max(_seconds(after or "0"), Decimal(f"{since.timestamp():.6f}"))
        team = community.key.removeprefix("slack:")
        raw: list[dict[str, object]] = []
        page: str | None = None
        while len(raw) < limit:
            try:
                response = await self._client.conversations_history(
                    channel=channel, oldest=f"{oldest:f}", limit=min(PAGE, limit - len(raw)),
                    cursor=page)
            except SlackApiError as err:
                log.warning("conversations.history of %s failed: %s", channel, api_error(err))
                break
            raw.extend(response.get("messages") or [])
            page = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or page is None:
                break
        found: list[MissedMessage] = []
        for message in reversed(raw[:limit]):
            posted = submitted_message({**message, "channel": channel})
            if posted is None:
                continue  # not a member's message: a bot's, a join, an edit
            self._outbox.remember_thread(posted.ref, posted.thread_ts)
            author = await self._members.member(team, posted.user)
            ts = str(message.get("ts"))
            found.append(MissedMessage(
                LinkPosted(community.key, author, posted.text, posted.ref),
                cursor(ts), datetime.fromtimestamp(float(ts), since.tzinfo)))
        return found
