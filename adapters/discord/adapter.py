"""The Discord adapter: raw gateway events translated into one core call each, slash
commands, and the core's Notifier and DigestPublisher on the REST API. Reading back what was
posted while the bot was away (and a thread's parent channel) is history.py's
DiscordHistory; recounting votes (the VoteRecounter) is recount.py's DiscordRecounter."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any

import aiohttp
import discord
import yarl

from adapters.discord import render
from adapters.discord.commands import register_commands
from adapters.discord.history import ACK, DiscordHistory
from adapters.discord.outbox import Outbox
from adapters.discord.recount import DiscordRecounter
from adapters.discord.translate import (
    community_key,
    cursor,
    emoji,
    guild_id,
    member,
    message_link,
    plain_text,
    reaction_key,
    ref,
)
from bot import replies
from bot.app import App
from bot.community import Community
from bot.digest import Digest
from bot.errors import ConfigError, PublishError
from bot.events import LinkPosted, MessageRef, ReactionChanged, ReactionsCleared
from bot.lifecycle import Sleep, one_line_logs, retrying
from bot.models import Member, Submission
from bot.records import HeldLink

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
STOP_SECONDS = 5.0  # for the client to close on shutdown
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True,
    add_reactions=True, read_message_history=True)


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.message_content = True
    chosen.guild_reactions = True
    return chosen


class _Client(discord.AutoShardedClient):
    """The auto-sharded client, with the start-up work done once per login. With
    DISCORD_SHARD_COUNT (and DISCORD_SHARD_IDS), this process runs only its shards."""

    def __init__(self, adapter: DiscordAdapter, guild_ready_timeout: float) -> None:
        settings = adapter.app.settings
        shards: dict[str, Any] = {}
        if settings.discord_shard_count is not None:
            shards["shard_count"] = settings.discord_shard_count
        if settings.discord_shard_ids is not None:
            shards["shard_ids"] = list(settings.discord_shard_ids)
        super().__init__(intents=intents(), allowed_mentions=NONE,
                         guild_ready_timeout=guild_ready_timeout, **shards)
        self.adapter = adapter

    async def setup_hook(self) -> None:
        log.info("Discord: invite the bot with %s", invite_url(self.application_id or 0))
        await self.adapter.sync_commands()


def command_hash(tree: discord.app_commands.CommandTree[discord.Client]) -> str:
    """A hash of the global command payload `tree.sync()` sends (names, options, types)."""
    payload = sorted((command.to_dict(tree) for command in tree.get_commands()),
                     key=lambda c: (c.get("type", 1), c["name"]))
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def invite_url(application_id: int) -> str:
    """Exactly the permissions the bot uses, and the bot + slash commands scopes."""
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS,
                                   scopes=("bot", "applications.commands"))


class DiscordAdapter:
    def __init__(self, app: App, guild_ready_timeout: float = 2.0) -> None:
        self.app = app
        self.client = _Client(self, guild_ready_timeout)
        self.tree = discord.app_commands.CommandTree(self.client)
        self.outbox = Outbox(self.client)
        self.history = DiscordHistory(self.client, app.backfill, self.outbox, self.community)
        self.recounter = DiscordRecounter(self.client)
        register_commands(self.tree, app, self.outbox, self.community)
        client = self.client
        for listener in (self.on_guild_available, self.on_guild_join, self.on_message,
                         self.on_raw_reaction_add, self.on_raw_reaction_remove,
                         self.on_raw_reaction_clear, self.on_raw_reaction_clear_emoji,
                         self.on_raw_message_delete, self.on_raw_message_edit,
                         self.on_shard_ready, self.on_shard_resumed):
            client.event(listener)
        app.register_platform("discord", self, publisher=self, recounter=self.recounter,
                              linker=self)

    async def sync_commands(self) -> bool:
        """Register the slash commands with Discord only when they changed since the last
        sync by any process (their hash is kept in the store). True when synced."""
        application = f"discord:{self.client.application_id or 0}"
        digest = command_hash(self.tree)
        state = self.app.platform_state
        if not await state.commands_changed(application, digest):
            log.info("Discord: slash commands unchanged, not synced")
            return False
        await self.tree.sync()
        await state.commands_synced(application, digest)
        return True

    async def community(self, guild: discord.Guild | None, guild_id: int | None = None
                        ) -> Community:
        gid = guild.id if guild is not None else guild_id or 0
        guild = guild or self.client.get_guild(gid)  # raw events carry only the id
        name = guild.name if guild is not None else str(gid)
        return await self.app.curator.community(community_key(gid), "discord", name)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.community(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.community(guild)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None:
            return
        community = await self.community(message.guild)
        channel = message.channel.id
        home = await self.history.home(message.channel, channel)
        outcomes = await self.app.curator.post_link(LinkPosted(
            community.key, member(message.author, community.settings.moderators),
            plain_text(message.content), ref(channel, message.id), channel=str(home)))
        if any(o.submission for o in outcomes):
            await self.outbox.react(channel, message.id, ACK)
        allowed = community.settings.submission_channels
        if home == channel and (not allowed or str(channel) in allowed):
            await self.app.backfill.seen(community.key, str(channel), cursor(message.id))

    # links posted while the bot was away ----------------------------------------------

    async def on_shard_ready(self, shard_id: int) -> None:
        self.history.catch_up(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self.history.catch_up(shard_id)

    async def _reaction(self, payload: discord.RawReactionActionEvent, added: bool) -> None:
        if payload.guild_id is None or (self.client.user and
                                        payload.user_id == self.client.user.id):
            return
        # The member's turn is taken before the first await: discord.py runs each event as
        # its own task, and an add must not land after the removal that followed it.
        async with self.app.curator.turn(community_key(payload.guild_id),
                                         str(payload.user_id)):
            community = await self.community(None, payload.guild_id)
            settings = community.settings
            # Discord sends the member with an add only (and not before the server is ready,
            # at a cold start); a removal needs no more than the id. A name not known stays
            # empty, so it never replaces the member's stored name with their id.
            user = payload.member or self.client.get_user(payload.user_id)
            who = (member(user, settings.moderators) if user is not None
                   else Member(str(payload.user_id), ""))
            await self.app.curator.react(ReactionChanged(
                community.key, str(payload.message_id), who,
                emoji(payload.emoji, settings.up_emoji + settings.down_emoji), added,
                reaction_key(payload.emoji)))

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, False)

    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        if payload.guild_id is not None:
            await self.app.curator.clear_reactions(ReactionsCleared(
                community_key(payload.guild_id), str(payload.message_id)))

    async def on_raw_reaction_clear_emoji(self,
                                          payload: discord.RawReactionClearEmojiEvent) -> None:
        if payload.guild_id is not None:
            settings = (await self.community(None, payload.guild_id)).settings
            await self.app.curator.clear_reactions(ReactionsCleared(
                community_key(payload.guild_id), str(payload.message_id),
                emoji(payload.emoji, settings.up_emoji + settings.down_emoji),
                reaction_key(payload.emoji)))

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit that adds a link submits it; links already queued are left as they are
        (the edit of a link already submitted changes nothing). Updates without an edit
        time are Discord's own (link previews unfurling), not the member's."""
        message = payload.message
        if (payload.guild_id is None or message.author.bot
                or not payload.data.get("edited_timestamp")):
            return
        community = await self.community(None, payload.guild_id)
        await self.app.curator.post_link(LinkPosted(
            community.key, member(message.author, community.settings.moderators),
            plain_text(message.content), ref(payload.channel_id, payload.message_id),
            channel=str(await self.history.home(message.channel, payload.channel_id))))

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self.app.curator.message_deleted(community_key(payload.guild_id),
                                                   str(payload.message_id))

    # the core's ports -----------------------------------------------------------------

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        if origin is None:
            return None
        if community.settings.card == "react":
            await self.outbox.react(int(origin.channel), int(origin.message_id), replies.READ_OK)
            return None
        channel, reply_to = await self._where(community, submission, origin)
        try:
            card_id = await self.outbox.send(channel, embeds=[render.card(submission)],
                                             reply_to=reply_to, silent=True)
        except PublishError:
            return None
        settings = community.settings
        for vote in settings.up_emoji[:1] + (settings.down_emoji[:1] if settings.downvotes
                                             else ()):
            await self.outbox.react(channel, card_id, vote)
        return ref(channel, card_id)

    async def summary_updated(self, community: Community, submission: Submission,
                              card: MessageRef | None) -> None:
        """The card's embed is edited in place to carry the model's summary."""
        if card is not None:
            await self.outbox.edit(int(card.channel), int(card.message_id),
                                   embeds=[render.card(submission)])

    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        """A reply to the message that shared the link (not a DM: members may refuse those)."""
        await self.outbox.reply(origin, render.rejected(submission))

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        await self._answer(community, submission, origin, replies.READ_FAILED,
                           replies.unreadable(render.escape(submission.failure_reason)))

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        await self._answer(community, existing, origin, replies.READ_OK,
                           replies.credited(existing.number))

    async def _answer(self, community: Community, submission: Submission,
                      origin: MessageRef | None, reaction: str, text: str) -> None:
        """What became of a link, told as the community's `card` setting says: a reaction
        on the member's message, or a silent message where its card would go."""
        if origin is None:
            return
        if community.settings.card == "react":
            await self.outbox.react(int(origin.channel), int(origin.message_id), reaction)
            return
        channel, reply_to = await self._where(community, submission, origin)
        with contextlib.suppress(PublishError):  # already logged
            await self.outbox.send(channel, content=text, reply_to=reply_to, silent=True)

    async def _where(self, community: Community, submission: Submission, origin: MessageRef
                     ) -> tuple[int, int | None]:
        """Where a card goes: (channel, message to reply to). `card = thread`: the first
        message of a thread opened on the member's message (a message already in a thread,
        or a thread Discord refuses, gets a reply instead)."""
        channel = int(origin.channel)
        if community.settings.card == "thread" and await self.history.home(
                self.client.get_channel(channel), channel) == channel:
            thread = await self.outbox.open_thread(origin, replies.thread_name(
                submission.number, submission.title or submission.url))
            if thread is not None:
                return thread, None
        return channel, int(origin.message_id)

    async def link_refused(self, community: Community, url: str, reason: str,
                           origin: MessageRef) -> None:
        await self.outbox.reply(origin, replies.refused(render.escape(reason)))

    async def link_held(self, community: Community, held: HeldLink) -> None:
        await self.outbox.reply(held.origin, replies.held(held, community.settings))

    async def tell_moderators(self, community: Community, text: str) -> None:
        """In the server's moderators-only channel (Community servers have one), else the
        log for the operator."""
        guild = self.client.get_guild(int(guild_id(community.key) or 0))
        channel = guild.public_updates_channel if guild is not None else None
        if channel is None:
            log.warning("hint for the moderators of %s: %s", community.key, text)
            return
        with contextlib.suppress(PublishError):  # already logged
            await self.outbox.send(channel.id, content=render.escape(text, 1900))

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        """Posts the digest's messages in order; returns the link to the first one."""
        first: int | None = None
        for embeds in render.digest_messages(digest):
            posted = await self.outbox.send(int(channel), embeds=embeds)
            first = first or posted
        return message_link(community.key, channel, str(first)) if first else None

    async def message_url(self, community: Community, ref: MessageRef) -> str | None:
        """The message's jump link (no request: Discord's links are made of the ids)."""
        return message_link(community.key, ref.channel, ref.message_id)

def configure_endpoints(api_base: str | None, gateway: str | None) -> None:
    """DISCORD_API_BASE and DISCORD_GATEWAY_URL: for HTTP and gateway proxies (and tests)."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


async def serve(app: App, *, events: bool = True, guild_ready_timeout: float = 2.0,
                delays: Iterable[float] | None = None, sleep: Sleep | None = None) -> None:
    """Run the Discord bot until cancelled; the client is closed on the way out. Discord out
    of reach (no network, DNS, an outage) is one log line per attempt, retried with growing
    pauses (``delays``, default lifecycle.backoff()); a refused token or intent stops.
    ``events=False`` (a worker or scheduler process): logged in to the REST API only, to
    post cards and digests, with no gateway connection."""
    settings = app.settings
    if settings.discord_token is None:
        raise ConfigError("DISCORD_TOKEN is not set.")
    token = settings.discord_token.get_secret_value()
    configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    # discord.py retries gateway connections itself, logging a traceback each time.
    one_line_logs("discord.client", "discord.shard", "discord.gateway", "discord.http")
    _quiet_voice()

    async def attempt() -> None:
        adapter = DiscordAdapter(app, guild_ready_timeout)  # a closed client is not reusable
        client = adapter.client
        async with client:
            start = client.start(token) if events else _rest_only(client, token)
            running = asyncio.ensure_future(start)
            try:
                # shield: a cancel sent into discord.py can be lost there (Python 3.11's
                # wait_for drops one that races a shard connecting); caught here, it cannot.
                await asyncio.shield(running)
            except asyncio.CancelledError:
                await adapter.history.stop_catching_up()
                await _stop(client, running)
                raise
            except discord.LoginFailure as err:
                raise ConfigError("Discord refused DISCORD_TOKEN: copy the bot's token again "
                                  "from the Developer Portal (Bot > Reset Token).") from err
            except discord.PrivilegedIntentsRequired as err:
                raise ConfigError("Discord refused the Message Content intent: turn it on in "
                                  "the Developer Portal (Bot > Privileged Gateway Intents)."
                                  ) from err

    where = yarl.URL(discord.http.Route.BASE).host or "Discord"
    await retrying(f"Discord ({where}) is out of reach", attempt, UNREACHABLE,
                   delays=delays, sleep=sleep)


async def _rest_only(client: discord.Client, token: str) -> None:
    await client.login(token)
    await asyncio.Event().wait()


async def _stop(client: discord.Client, running: asyncio.Future[None]) -> None:
    """Close the client (shards, HTTP session) and end its start() task, within bounds."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(STOP_SECONDS):
            await client.close()
    running.cancel()
    await asyncio.wait({running}, timeout=STOP_SECONDS)
    if running.done() and not running.cancelled():
        running.exception()  # retrieved: a late error here is not worth a log line


def _quiet_voice() -> None:
    """discord.py warns at every client start that voice libraries are missing; the bot
    never uses voice, so that is noise for the operator (and repeats on each reconnect)."""
    logger = logging.getLogger("discord.client")
    if not any(isinstance(f, _NoVoiceWarning) for f in logger.filters):
        logger.addFilter(_NoVoiceWarning())


class _NoVoiceWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in str(record.msg)


# Failures that say "not now" rather than "never": the network, DNS, Discord's own outages.
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError, discord.GatewayNotFound,
               discord.DiscordServerError)
