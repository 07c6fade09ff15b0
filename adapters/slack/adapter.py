"""The Slack adapter: bolt listeners that filter, translate and make one core call, and the
core's Notifier, DigestPublisher and VoteRecounter on the Slack Web API."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.commands import CommandDesk
from adapters.slack.translate import (
    api_error,
    community_key,
    emoji,
    reacted_message,
    submitted_message,
)
from bot.app import App
from bot.community import Community
from bot.digest import Digest
from bot.errors import PublishError
from bot.events import LinkPosted, MessageRef, ReactionChanged
from bot.models import Member, Submission
from bot.ports import SeenReaction

log = logging.getLogger(__name__)

SEEN_EVENTS = 2000  # event ids remembered, so Slack's retries change nothing
ACK = "eyes"  # the reaction that says "got it"


class SlackAdapter:
    def __init__(self, app: App, client: AsyncWebClient, signing_secret: str | None) -> None:
        self.app = app
        self.client = client
        self.bolt = AsyncApp(client=client, signing_secret=signing_secret or "unused",
                             request_verification_enabled=signing_secret is not None)
        self._members: dict[tuple[str, str], Member] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.commands = CommandDesk(self)
        self._listen()
        app.register_platform("slack", self, publisher=self, recounter=self)

    def _listen(self) -> None:
        bolt = self.bolt
        bolt.event("message")(self._on_message)
        bolt.event("reaction_added")(self._on_reaction)
        bolt.event("reaction_removed")(self._on_reaction)
        bolt.event("app_home_opened")(self.commands.publish_home)
        bolt.command("/digest")(self.commands.on_command)
        bolt.shortcut("submit_to_digest")(self.commands.on_shortcut)
        bolt.action("vote")(self.commands.on_vote_button)

    # translating events -----------------------------------------------------------------

    def _first_time(self, body: dict[str, Any]) -> bool:
        """False for an event we already handled (Slack retries with the same event_id)."""
        event_id = str(body.get("event_id") or "")
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        return True

    async def community(self, team_id: str) -> Community:
        return await self.app.curator.community(community_key(team_id), "slack", team_id)

    async def member(self, team_id: str, user_id: str) -> Member:
        """Name, bot flag and moderator flag from users.info, cached."""
        key = (team_id, user_id)
        if key not in self._members:
            community = await self.community(team_id)
            try:
                user = (await self.client.users_info(user=user_id)).get("user") or {}
            except SlackApiError as err:
                log.warning("users.info failed for %s: %s", user_id, api_error(err))
                user = {}
            profile = user.get("profile") or {}
            name = profile.get("display_name") or user.get("real_name") or user.get("name")
            self._members[key] = Member(
                user_id, str(name or user_id), is_bot=bool(user.get("is_bot")),
                is_moderator=bool(user.get("is_admin") or user.get("is_owner")
                                  or user_id in community.settings.moderators),
            )
        return self._members[key]

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        found = submitted_message(event)
        if found is None or not self._first_time(body):
            return
        team = str(body.get("team_id") or event.get("team") or "")
        await self.community(team)
        author = await self.member(team, found[0])
        outcomes = await self.app.curator.post_link(
            LinkPosted(community_key(team), author, str(event["text"]), found[1]))
        if any(o.created or o.submission for o in outcomes):
            await self._react(found[1], ACK)

    async def _on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        found = reacted_message(event)
        if found is None or not self._first_time(body):
            return
        team = str(body.get("team_id") or "")
        user, message, reaction = found
        member = await self.member(team, user)
        await self.community(team)
        await self.app.curator.react(ReactionChanged(
            community_key(team), message, member, reaction,
            event.get("type") == "reaction_added"))

    # the core's ports -----------------------------------------------------------------

    async def _react(self, ref: MessageRef, name: str) -> None:
        channel, _, ts = ref.message_id.partition(":")
        try:
            await self.client.reactions_add(channel=channel, timestamp=ts, name=name)
        except SlackApiError as err:
            log.warning("reactions.add failed: %s", api_error(err))

    async def post(self, channel: str, text: str, blocks: list[render.Block] | None = None,
                   thread_ts: str | None = None) -> str | None:
        """chat.postMessage with unfurls off; returns the new message's ts."""
        try:
            response = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False)
        except SlackApiError as err:
            log.warning("chat.postMessage to %s failed: %s", channel, api_error(err))
            return None
        return str(response.get("ts") or "") or None

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        if origin is None:
            return None
        text, blocks = render.card(submission)
        thread = origin.message_id.partition(":")[2]
        ts = await self.post(origin.channel, text, blocks, thread_ts=thread)
        if ts is None:
            return None
        card = MessageRef(origin.channel, f"{origin.channel}:{ts}")
        await self._react(card, "+1")
        return card

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        if origin is not None:
            await self.post(origin.channel, f"Couldn't read that link: "
                            f"{render.escape(submission.failure_reason)}",
                            thread_ts=origin.message_id.partition(":")[2])

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        if origin is not None:
            await self.post(origin.channel, f"Already queued as #{existing.number}: you are "
                            "credited too.", thread_ts=origin.message_id.partition(":")[2])

    async def tell_moderators(self, community: Community, text: str) -> None:
        log.warning("hint for the moderators of %s: %s", community.key, text)

    async def publish_digest(self, community: Community, channel: str, digest: Digest) -> None:
        for text, blocks in render.digest_messages(digest):
            try:
                await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                                   unfurl_links=False, unfurl_media=False)
            except SlackApiError as err:
                raise PublishError(f"Slack refused the digest: "
                                   f"{api_error(err)}") from err

    async def reactions(self, community: Community,
                        messages: Sequence[MessageRef]) -> list[SeenReaction] | None:
        team = community.key.removeprefix("slack:")
        seen: list[SeenReaction] = []
        for ref in messages:
            channel, _, ts = ref.message_id.partition(":")
            data = await self._reactions_get(channel, ts)
            if data is None:
                return None
            for reaction in (data.get("message") or {}).get("reactions") or []:
                for user in reaction.get("users") or []:
                    seen.append(SeenReaction(await self.member(team, str(user)),
                                             emoji(str(reaction.get("name")))))
        return seen

    async def _reactions_get(self, channel: str, ts: str) -> dict[str, Any] | None:
        for _ in range(3):
            try:
                return dict((await self.client.reactions_get(
                    channel=channel, timestamp=ts, full=True)).data)  # type: ignore[arg-type]
            except SlackApiError as err:
                if err.response.status_code != 429:
                    log.warning("reactions.get failed: %s", api_error(err))
                    return None
                delay = float(err.response.headers.get("Retry-After", "1"))
                await asyncio.sleep(min(delay, 30.0))
        return None


async def serve(app: App) -> None:
    """Run the Slack adapter until cancelled: Socket Mode with SLACK_APP_TOKEN, else HTTP."""
    from adapters.slack.server import run

    await run(app)
