"""The `/digest` slash command family and the "Submit to digest" message context menu.

Every reply is ephemeral except the public note a `/digest submit` leaves in the channel (so
the link's card has a message to answer and members something to react to)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.outbox import Outbox
from adapters.discord.translate import community_key, member, plain_text, ref, setting_value
from bot import desk
from bot.app import App
from bot.community import Community
from bot.errors import PublishError, UserError
from bot.events import MessageRef
from bot.links import find_urls
from bot.models import Member
from bot.service_desk import (
    IntroSet,
    Locked,
    Moderated,
    Posted,
    Previewed,
    QueueShown,
    Result,
    ServiceDesk,
    SettingsShown,
    Submitted,
    Unvoted,
    Voted,
)

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
NUMBERED = ("pick", "unpick", "drop", "restore", "reject")

Handler = Callable[..., Coroutine[Any, Any, None]]
# The community of a guild (raw events and interactions may carry only its id).
Communities = Callable[[discord.Guild | None, int | None], Awaitable[Community]]


class SlashCommands:
    """The command handlers: translate the interaction, make one core call, reply."""

    def __init__(self, app: App, outbox: Outbox, community: Communities) -> None:
        self.app = app
        self.outbox = outbox
        self.community = community
        self.desk = ServiceDesk(app)

    async def reply(self, interaction: discord.Interaction, text: str) -> None:
        """An ephemeral reply; ``text`` is already safe Discord markdown."""
        content = render.bounded(text)
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(content, ephemeral=True,
                                                    allowed_mentions=NONE)

    async def who(self, interaction: discord.Interaction) -> tuple[str, Member]:
        community = await self.community(interaction.guild, interaction.guild_id)
        return community.key, member(interaction.user, community.settings.moderators)

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, UserError | PublishError):
            text = render.escape(str(original), 1500)
        else:
            log.error("/digest failed", exc_info=original)
            text = desk.FAILED
        if interaction.type is discord.InteractionType.autocomplete:
            return
        try:
            await self.reply(interaction, text)
        except discord.HTTPException as err:
            log.warning("could not tell the member about an error: %s", err)

    async def run(self, interaction: discord.Interaction, command: desk.Command,
                  origin: MessageRef | None = None) -> Result:
        """One command for the interaction's member, through the core's ServiceDesk."""
        key, someone = await self.who(interaction)
        return await self.desk.run(key, someone, command, str(interaction.channel_id), origin)

    async def submit(self, interaction: discord.Interaction, url: str, note: str = "") -> None:
        _, someone = await self.who(interaction)
        url = plain_text(url).strip()
        if not find_urls(url, 1) or interaction.channel_id is None:
            await self.reply(interaction, desk.NOT_A_LINK)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel_id
        posted = await self.outbox.send(channel, content=render.submitted(someone.name, url,
                                                                           note))
        result = await self.run(interaction, desk.Command("submit", text=url),
                                ref(channel, posted))
        assert isinstance(result, Submitted)
        if not any(o.created for o in result.outcomes):
            await self.outbox.delete(channel, posted)  # no card will answer it
        await self.reply(interaction, render.escape(" ".join(o.message for o in result.outcomes)
                                                    or desk.NO_SUBMISSIONS_HERE))

    async def submit_message(self, interaction: discord.Interaction,
                             message: discord.Message) -> None:
        key, invoker = await self.who(interaction)
        community = await self.community(interaction.guild, interaction.guild_id)
        result = await self.desk.run(
            key, invoker, desk.Command("submit", text=plain_text(message.content)),
            origin=ref(message.channel.id, message.id),
            credited_to=member(message.author, community.settings.moderators))
        assert isinstance(result, Submitted)
        await self.reply(interaction, render.escape(" ".join(o.message for o in result.outcomes)
                                                    or desk.MESSAGE_WITHOUT_LINK))

    async def queue(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, desk.Command("queue"))

    async def preview(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.run(interaction, desk.Command("preview"))
        assert isinstance(result, Previewed)
        for embeds in render.digest_messages(result.digest):
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NONE)

    async def post(self, interaction: discord.Interaction, now: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.answer(interaction, desk.Command("post", period="now" if now else "this"))

    async def lock(self, interaction: discord.Interaction, locked: bool) -> None:
        await self.answer(interaction, desk.Command("lock" if locked else "unlock"))

    async def intro(self, interaction: discord.Interaction, text: str = "") -> None:
        await self.answer(interaction, desk.Command("intro", text=text))

    async def moderate(self, interaction: discord.Interaction, action: str, number: int,
                       reason: str = "") -> None:
        await self.answer(interaction, desk.numbered(action, number, reason))

    async def config(self, interaction: discord.Interaction, setting: str | None,
                     value: str | None = None) -> None:
        if setting is None and value is not None:
            raise UserError("Pick the setting to change.")
        if setting is not None and value is not None:  # Discord's <#1> and <@&2> markup
            value = setting_value(setting, value)
        await self.answer(interaction, desk.Command("config", setting=setting or "",
                                                    value=value))

    async def answer(self, interaction: discord.Interaction, command: desk.Command) -> None:
        """Run a command whose result is one ephemeral text."""
        await self.reply(interaction, _text(await self.run(interaction, command)))

    async def numbers(self, interaction: discord.Interaction,
                      current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        entries = await self.app.curator.queue(community_key(interaction.guild_id))
        wanted = current.strip().lstrip("#").lower()
        return [app_commands.Choice(name=render.choice(e), value=e.submission.number)
                for e in entries if wanted in str(e.submission.number)
                or wanted in (e.submission.title or e.submission.url).lower()][:25]


def register_commands(tree: app_commands.CommandTree[Any], app: App, outbox: Outbox,
                      community: Communities) -> None:
    handlers = SlashCommands(app, outbox, community)
    tree.error(handlers.on_error)
    group = app_commands.Group(name="digest", description="The weekly digest of shared links",
                               guild_only=True)
    add = group.command

    @add(name="submit", description=desk.summary("submit") + ", with an optional note")
    @app_commands.describe(url="The link", note="Why it is worth reading")
    async def submit(interaction: discord.Interaction, url: str, note: str = "") -> None:
        await handlers.submit(interaction, url, note)

    @add(name="queue", description=desk.summary("queue"))
    async def queue(interaction: discord.Interaction) -> None:
        await handlers.queue(interaction)

    @add(name="preview", description=desk.summary("preview"))
    async def preview(interaction: discord.Interaction) -> None:
        await handlers.preview(interaction)

    @add(name="post", description=desk.summary("post"))
    @app_commands.describe(now="Post at once, without the links still being read")
    async def post(interaction: discord.Interaction, now: bool = False) -> None:
        await handlers.post(interaction, now)

    @add(name="lock", description=desk.summary("lock"))
    async def lock(interaction: discord.Interaction) -> None:
        await handlers.lock(interaction, True)

    @add(name="unlock", description=desk.summary("unlock"))
    async def unlock(interaction: discord.Interaction) -> None:
        await handlers.lock(interaction, False)

    @add(name="intro", description=desk.summary("intro"))
    @app_commands.describe(text="A short paragraph shown above the picks")
    async def intro(interaction: discord.Interaction, text: str = "") -> None:
        await handlers.intro(interaction, text)

    async def numbers(interaction: discord.Interaction,
                      current: str) -> list[app_commands.Choice[int]]:
        return await handlers.numbers(interaction, current)

    for name in NUMBERED:
        command: app_commands.Command[Any, ..., None] = add(
            name=name, description=desk.summary(name))(_numbered(handlers, name))
        command.autocomplete("number")(numbers)

    @add(name="config", description=desk.summary("config"))
    @app_commands.describe(setting="Which setting; leave out to list them all",
                           value="The new value; leave out to show")
    @app_commands.choices(setting=[app_commands.Choice(name=label, value=name)
                                   for name, label in desk.SETTING_LABELS.items()])
    async def config(interaction: discord.Interaction, setting: str | None = None,
                     value: str | None = None) -> None:
        await handlers.config(interaction, setting, value)

    @app_commands.context_menu(name="Submit to digest")
    @app_commands.guild_only()
    async def submit_message(interaction: discord.Interaction,
                             message: discord.Message) -> None:
        await handlers.submit_message(interaction, message)

    del submit, queue, preview, post, lock, unlock, intro, config
    tree.add_command(group)
    tree.add_command(submit_message)


def _numbered(handlers: SlashCommands, action: str) -> Handler:
    if action == "reject":
        @app_commands.describe(number="The submission's number", reason="Told to its submitter")
        async def reject(interaction: discord.Interaction, number: int,
                         reason: str = "") -> None:
            await handlers.moderate(interaction, action, number, reason)
        return reject

    @app_commands.describe(number="The submission's number")
    async def command(interaction: discord.Interaction, number: int) -> None:
        await handlers.moderate(interaction, action, number)
    return command


def _text(result: Result) -> str:
    """Discord's wording of a command's result, as safe Discord markdown."""
    match result:
        case QueueShown(entries, _):
            return render.queue(list(entries))
        case Posted(digest, _):
            return desk.posted_reply(digest)
        case Locked(locked, period):
            return desk.lock_reply(locked, render.escape(period, 40))
        case IntroSet(intro):
            return desk.intro_reply(intro)
        case Moderated(action, done):
            reason = render.escape(done.reject_reason, 300) if action == "reject" else ""
            return desk.moderated_reply(done.number, action, reason)
        case SettingsShown(settings, ""):
            return render.settings(settings)
        case SettingsShown(settings, name):
            return render.setting(settings, name)
        case Voted(number, outcome):
            return desk.vote_reply(outcome, number)
        case Unvoted(number, removed):
            return desk.unvote_reply(removed, number)
    raise AssertionError(result)  # submit and preview are answered by their handlers
