"""The Slack adapter: bolt listeners that filter, translate and make one core call, and the
core's Notifier, DigestPublisher and VoteRecounter on the Slack Web API (sending through
the outbox)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.commands import CommandDesk
from adapters.slack.history import SlackHistory, cursor
from adapters.slack.members import Inflight, Members
from adapters.slack.middleware import EventDedup
from adapters.slack.outbox import Outbox
from adapters.slack.translate import (
    api_error,
    community_key,
    deleted_message,
    emoji,
    error_code,
    reacted_message,
    reaction_key,
    reaction_name,
    submitted_message,
    ts_of,
)
from adapters.slack.workspaces import current_team, for_community
from bot import replies
from bot.app import App
from bot.community import Community
from bot.digest import Digest
from bot.errors import PublishError
from bot.events import LinkPosted, MessageRef, ReactionChanged
from bot.models import Submission
from bot.platform_ports import SeenReaction
from bot.records import HeldLink

log = logging.getLogger(__name__)

ACK = "eyes"  # the reaction that says "got it"
# `card = react`: a link is answered by reactions only (replies.READ_OK, replies.READ_FAILED).
REACTIONS = {replies.READ_OK: "white_check_mark", replies.READ_FAILED: "warning"}
RECOUNT_TRIES = 4
MAX_RETRY_AFTER = 30.0
MAX_PERMALINKS = 5000  # message permalinks remembered (the oldest is forgotten first)
# reactions.get errors that mean "this message has no reactions to count any more".
GONE = frozenset({"message_not_found", "channel_not_found", "thread_not_found",
                  "not_in_channel", "is_archived"})


class SlackAdapter:
    def __init__(self, app: App, client: AsyncWebClient, signing_secret: str | None,
                 oauth_settings: AsyncOAuthSettings | None = None) -> None:
        """With ``oauth_settings`` the app is installed in many workspaces (server.build)."""
        self.app = app
        self.client = client
        self.bolt = AsyncApp(client=client, signing_secret=signing_secret or "unused",
                             request_verification_enabled=signing_secret is not None,
                             oauth_settings=oauth_settings)
        if oauth_settings is not None:
            # app_uninstalled and tokens_revoked remove the workspace's installation.
            self.bolt.enable_token_revocation_listeners()
        self._quiet_until = 0.0  # after a 429, every recount call waits until then
        self.members = Members(client, app.curator)
        self.outbox = Outbox(client)
        self.inflight = Inflight()
        self.commands = CommandDesk(app, self.members, self.outbox, self.inflight.track)
        self.history = SlackHistory(client, self.members, self.outbox)
        self._catching_up: asyncio.Task[None] | None = None
        self._closing = False
        self._listen()
        self._permalinks: dict[tuple[str, str], str] = {}  # (channel, ts) → permalink
        app.register_platform("slack", self, publisher=self, recounter=self, linker=self)

    def _listen(self) -> None:
        bolt = self.bolt
        # Every listener: a retried event is acked, not run again (by any process).
        bolt.use(EventDedup(self.app.platform_state))
        bolt.use(_speak_for_team)
        bolt.event("message")(self._on_message)
        bolt.event("reaction_added")(self._on_reaction)
        bolt.event("reaction_removed")(self._on_reaction)
        bolt.event("app_home_opened")(self.commands.publish_home)
        bolt.command("/digest")(self.commands.on_command)
        bolt.shortcut("submit_to_digest")(self.commands.on_shortcut)
        bolt.action("vote")(self.commands.on_vote_button)

    async def drain(self) -> None:
        self._closing = True
        if self._catching_up is not None:
            self._catching_up.cancel()
            await asyncio.wait({self._catching_up})
        await self.inflight.drain()

    # links posted while the bot was away ----------------------------------------------

    def catch_up_soon(self) -> None:
        """Read back the workspace's submission channels in the background: at start and on
        each Socket Mode (re)connection. One at a time: a reconnect during one waits."""
        if self._closing:
            return
        self._catching_up = asyncio.create_task(self._catch_up(self._catching_up),
                                                name="slack-catch-up")

    async def _catch_up(self, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            team = str((await self.client.auth_test()).get("team_id") or "")
            community = await self.members.community(team)
            done = await self.app.backfill.catch_up(community.key, self.history)
        except Exception:
            log.exception("reading back the channels failed")
            return
        for origin in done.submitted:
            await self.outbox.react(origin, ACK)

    # translating events -----------------------------------------------------------------

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self.inflight.track()
        team = str(body.get("team_id") or event.get("team") or "")
        deleted = deleted_message(event)
        if deleted is not None:
            await self.app.curator.message_deleted(community_key(team), deleted)
            return
        posted = submitted_message(event)
        if posted is None:
            return
        author = await self.members.member(team, posted.user)
        self.outbox.remember_thread(posted.ref, posted.thread_ts)
        outcomes = await self.app.curator.post_link(
            LinkPosted(community_key(team), author, posted.text, posted.ref))
        if any(o.submission for o in outcomes):
            await self.outbox.react(posted.ref, ACK)
        ts = str(event.get("ts"))
        allowed = (await self.members.community(team)).settings.submission_channels
        if posted.thread_ts == ts and (not allowed or posted.ref.channel in allowed):
            await self.app.backfill.seen(community_key(team), posted.ref.channel, cursor(ts))

    async def _on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self.inflight.track()
        found = reacted_message(event)
        if found is None:
            return
        team = str(body.get("team_id") or "")
        user, message, reaction = found
        # The member's turn, taken before the first await, keeps their events in order.
        async with self.app.curator.turn(community_key(team), user):
            member = await self.members.member(team, user)
            # Slack keeps :+1: and :+1::skin-tone-2: apart: the raw name tells them apart.
            await self.app.curator.react(ReactionChanged(
                community_key(team), message, member, emoji(reaction),
                event.get("type") == "reaction_added", reaction_key(reaction)))

    # the core's ports -----------------------------------------------------------------

    @for_community
    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        if origin is None:
            return None
        if community.settings.card == "react":
            await self.outbox.react(origin, REACTIONS[replies.READ_OK])
            return None
        up = community.settings.up_emoji
        vote = reaction_name(up[0]) if up else None
        text, blocks = render.card(submission, vote)
        ts = await self.outbox.post(origin.channel, text, blocks,
                                    thread_ts=self.outbox.thread_of(origin))
        if ts is None:
            return None
        card = MessageRef(origin.channel, f"{origin.channel}:{ts}")
        if vote is not None:
            await self.outbox.react(card, vote)  # one click to vote
        return card

    @for_community
    async def summary_updated(self, community: Community, submission: Submission,
                              card: MessageRef | None) -> None:
        """The card is updated in place (chat.update) to carry the model's summary."""
        if card is None:
            return
        up = community.settings.up_emoji
        text, blocks = render.card(submission, reaction_name(up[0]) if up else None)
        await self.outbox.update(card, text, blocks)

    @for_community
    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        await self._answer(community, origin, replies.READ_FAILED,
                           replies.unreadable(render.escape(submission.failure_reason)))

    @for_community
    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        await self._answer(community, origin, replies.READ_OK, replies.credited(existing.number))

    async def _answer(self, community: Community, origin: MessageRef | None, reaction: str,
                      text: str) -> None:
        """In the message's thread, or (`card = react`) as a reaction on it. Slack's replies
        are thread replies, so `reply` and `thread` are the same here."""
        if origin is not None and community.settings.card == "react":
            await self.outbox.react(origin, REACTIONS[reaction])
        else:
            await self.outbox.answer(origin, text)

    @for_community
    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        """In the thread of the message that shared the link, where its submitter looks."""
        await self.outbox.answer(origin, replies.rejected(
            submission.number, render.escape(submission.reject_reason, 300)))

    @for_community
    async def link_refused(self, community: Community, url: str, reason: str,
                           origin: MessageRef) -> None:
        await self.outbox.answer(origin, replies.refused(render.escape(reason)))

    @for_community
    async def link_held(self, community: Community, held: HeldLink) -> None:
        await self.outbox.answer(held.origin, replies.held(held, community.settings))

    @for_community
    async def tell_moderators(self, community: Community, text: str) -> None:
        # Slack has no moderators' channel to post in; the operator sees it in the log.
        log.warning("hint for the moderators of %s: %s", community.key, text)

    @for_community
    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        """Every message in order; the first one's permalink for next week's digest."""
        first = ""
        for text, blocks in render.digest_messages(digest):
            try:
                response = await self.client.chat_postMessage(
                    channel=channel, text=text, blocks=blocks, unfurl_links=False,
                    unfurl_media=False, link_names=False)
            except SlackApiError as err:
                if error_code(err) in GONE:
                    raise PublishError("I can't post in that channel: invite me there "
                                       "(/invite @digestif) or set digest_channel") from err
                raise PublishError(f"Slack refused the digest ({api_error(err)})") from err
            first = first or str(response.get("ts") or "")
        return await self._permalink(channel, first) if first else None

    async def message_url(self, community: Community, ref: MessageRef) -> str | None:
        """The message's permalink (chat.getPermalink, remembered: a permalink does not
        change, and previews build the same digest again)."""
        key = (ref.channel, ts_of(ref))
        if key not in self._permalinks:
            link = await self._permalink(*key)
            if link is None:
                return None
            if len(self._permalinks) >= MAX_PERMALINKS:
                self._permalinks.pop(next(iter(self._permalinks)))
            self._permalinks[key] = link
        return self._permalinks[key]

    async def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            link = (await self.client.chat_getPermalink(channel=channel, message_ts=ts)).get(
                "permalink")
        except SlackApiError as err:
            log.info("chat.getPermalink failed: %s", api_error(err))
            return None
        return str(link) if link else None

    @for_community
    async def reactions(self, community: Community,
                        messages: Sequence[MessageRef]) -> list[SeenReaction] | None:
        """Every vote reaction on the messages, read back with reactions.get."""
        team = community.key.removeprefix("slack:")
        seen: list[SeenReaction] = []
        for ref in messages:
            try:
                data = await self._reactions_get(ref)
            except SlackApiError as err:
                if error_code(err) in GONE:
                    continue  # deleted, or somewhere we can no longer read: nothing to count
                log.warning("recount failed: %s", api_error(err))
                return None
            for reaction in (data.get("message") or {}).get("reactions") or []:
                name = str(reaction.get("name"))
                vote = emoji(name)
                if community.settings.vote_direction(vote) == 0:
                    continue
                for user in reaction.get("users") or []:
                    seen.append(SeenReaction(await self.members.member(team, str(user)), vote,
                                             ref.message_id, reaction_key(name)))
        return seen

    async def _reactions_get(self, ref: MessageRef) -> dict[str, Any]:
        """reactions.get, waiting out 429s as Retry-After says (a few times, bounded). The
        client already retries a 429 twice; this covers longer limits during a recount."""
        for attempt in range(RECOUNT_TRIES):
            wait = self._quiet_until - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                response = await self.client.reactions_get(
                    channel=ref.channel, timestamp=ts_of(ref), full=True)
                return response.data if isinstance(response.data, dict) else {}
            except SlackApiError as err:
                if err.response.status_code != 429 or attempt == RECOUNT_TRIES - 1:
                    raise
                # The limit is per method and workspace: the other recounts wait too.
                self._quiet_until = max(self._quiet_until,
                                        time.monotonic() + _retry_after(err))
        raise AssertionError("unreachable")


async def _speak_for_team(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
                          ) -> Any:
    """Every Slack call made while handling a request speaks for the request's workspace."""
    current_team.set(context.team_id or context.enterprise_id)
    return await next()


def _retry_after(err: SlackApiError) -> float:
    try:
        delay = float(err.response.headers.get("Retry-After", "1"))
    except (TypeError, ValueError):
        delay = 1.0
    return min(max(delay, 0.0), MAX_RETRY_AFTER)
