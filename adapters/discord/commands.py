"""The `/digest` slash command family and the "Submit to digest" message context menu.

Every reply is ephemeral except the public note a `/digest submit` leaves in the channel (so
the link's card has a message to answer and members something to react to)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.outbox import Outbox
from adapters.discord.translate import community_key, member, plain_text, ref, setting_value
from bot import desk, replies
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
    StatsShown,
    Submitted,
    Unvoted,
    Voted,
)

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()

# The community of a guild (raw events and interactions may carry only its id).
Communities = Callable[[discord.Guild | None, int | None], Awaitable[Community]]


class DigestCommands(app_commands.Group, name="digest",
                     description="The digest of shared links", guild_only=True):
    """`/digest`: each subcommand translates the interaction, makes one core call, replies.

    discord.py copies the class's commands onto each instance and calls them bound to it, so
    they reach the app, outbox and community lookup through ``self``. Helper names must not
    shadow `Group`'s own (``on_error``, ``command``, ``commands``...), hence ``report_error``."""

    def __init__(self, app: App, outbox: Outbox, community: Communities) -> None:
        super().__init__()
        self.app = app
        self.outbox = outbox
        self.community = community
        self.desk = ServiceDesk(app)

    # -- the subcommands, in the order Discord lists them ------------------------------------

    @app_commands.command(name="submit", description=desk.summary("submit")
                          + ", with an optional note")
    @app_commands.describe(url="The link", note="Why it is worth reading")
    async def submit(self, interaction: discord.Interaction, url: str, note: str = "") -> None:
        _, someone = await self.who(interaction)
        url = plain_text(url).strip()
        if not find_urls(url, 1) or interaction.channel_id is None:
            await self.reply(interaction, replies.NOT_A_LINK)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel_id
        posted = await self.outbox.send(channel, content=render.submitted(someone.name, url,
                                                                           note))
        result = await self.run(interaction, desk.Command("submit", text=url),
                                ref(channel, posted))
        assert isinstance(result, Submitted)
        if not any(o.created or o.held for o in result.outcomes):
            await self.outbox.delete(channel, posted)  # no card will answer it (a held
            # link's card will, once it is queued)
        await self.reply(interaction, render.escape(" ".join(o.message for o in result.outcomes)
                                                    or replies.NO_SUBMISSIONS_HERE))

    @app_commands.command(name="queue", description=desk.summary("queue"))
    async def queue(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, desk.Command("queue"))

    @app_commands.command(name="preview", description=desk.summary("preview"))
    @app_commands.describe(period="this (default), last, or a period like 2026-12-03, "
                                  "2026-W49, 2026-W49+W50 or 2026-12")
    async def preview(self, interaction: discord.Interaction, period: str = "this") -> None:
        command = desk.Command("preview", period=desk.period(period, "/digest preview "
                                                                     "[this|last|PERIOD]"))
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.run(interaction, command)
        assert isinstance(result, Previewed)
        for embeds in render.digest_messages(result.digest):
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NONE)
        if result.note:
            await interaction.followup.send(result.note, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="post", description=desk.summary("post"))
    @app_commands.describe(now="Post at once, without the links still being read")
    async def post(self, interaction: discord.Interaction, now: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.answer(interaction, desk.Command("post", period="now" if now else "this"))

    @app_commands.command(name="stats", description=desk.summary("stats"))
    async def stats(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, desk.Command("stats"))

    @app_commands.command(name="lock", description=desk.summary("lock"))
    async def lock(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, desk.Command("lock"))

    @app_commands.command(name="unlock", description=desk.summary("unlock"))
    async def unlock(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, desk.Command("unlock"))

    @app_commands.command(name="intro", description=desk.summary("intro"))
    @app_commands.describe(text="A short paragraph shown above the picks")
    async def intro(self, interaction: discord.Interaction, text: str = "") -> None:
        await self.answer(interaction, desk.Command("intro", text=text))

    async def numbers(self, interaction: discord.Interaction,
                      current: str) -> list[app_commands.Choice[int]]:
        """Autocomplete for a submission number: the queue, matched by number or title."""
        if interaction.guild_id is None:
            return []
        entries = await self.app.curator.queue(community_key(interaction.guild_id))
        wanted = current.strip().lstrip("#").lower()
        return [app_commands.Choice(name=render.choice(e), value=e.submission.number)
                for e in entries if wanted in str(e.submission.number)
                or wanted in (e.submission.title or e.submission.url).lower()][:25]

    @app_commands.command(name="pick", description=desk.summary("pick"))
    @app_commands.describe(number="The submission's number")
    @app_commands.autocomplete(number=numbers)
    async def pick(self, interaction: discord.Interaction, number: int) -> None:
        await self.answer(interaction, desk.numbered("pick", number, ""))

    @app_commands.command(name="unpick", description=desk.summary("unpick"))
    @app_commands.describe(number="The submission's number")
    @app_commands.autocomplete(number=numbers)
    async def unpick(self, interaction: discord.Interaction, number: int) -> None:
        await self.answer(interaction, desk.numbered("unpick", number, ""))

    @app_commands.command(name="drop", description=desk.summary("drop"))
    @app_commands.describe(number="The submission's number")
    @app_commands.autocomplete(number=numbers)
    async def drop(self, interaction: discord.Interaction, number: int) -> None:
        await self.answer(interaction, desk.numbered("drop", number, ""))

    @app_commands.command(name="restore", description=desk.summary("restore"))
    @app_commands.describe(number="The submission's number")
    @app_commands.autocomplete(number=numbers)
    async def restore(self, interaction: discord.Interaction, number: int) -> None:
        await self.answer(interaction, desk.numbered("restore", number, ""))

    @app_commands.command(name="reject", description=desk.summary("reject"))
    @app_commands.describe(number="The submission's number", reason="Told to its submitter")
    @app_commands.autocomplete(number=numbers)
    async def reject(self, interaction: discord.Interaction, number: int,
                     reason: str = "") -> None:
        await self.answer(interaction, desk.numbered("reject", number, reason))

    async def settings(self, interaction: discord.Interaction,
                       current: str) -> list[app_commands.Choice[str]]:
        """Autocomplete for a setting: those whose label or name holds what was typed (more
        settings than the 25 fixed choices Discord allows an option)."""
        return [app_commands.Choice(name=desk.SETTING_LABELS[name], value=name)
                for name in desk.setting_suggestions(current)]

    @app_commands.command(name="config", description=desk.summary("config"))
    @app_commands.describe(setting="Which setting; leave out to list them all",
                           value="The new value; leave out to show")
    @app_commands.autocomplete(setting=settings)
    async def config(self, interaction: discord.Interaction, setting: str | None = None,
                     value: str | None = None) -> None:
        if setting is None and value is not None:
            raise UserError("Pick the setting to change.")
        if setting is not None:  # a suggestion's name; a member may type anything
            setting = desk.setting_named(setting)
        if setting is not None and value is not None:  # Discord's <#1> and <@&2> markup
            value = setting_value(setting, value)
        await self.answer(interaction, desk.Command("config", setting=setting or "",
                                                    value=value))

    # -- the "Submit to digest" context menu's handler (menus cannot live in a group) --------

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
                                                    or replies.MESSAGE_WITHOUT_LINK))

    # -- helpers ------------------------------------------------------------------------------

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

    async def run(self, interaction: discord.Interaction, command: desk.Command,
                  origin: MessageRef | None = None) -> Result:
        """One command for the interaction's member, through the core's ServiceDesk."""
        key, someone = await self.who(interaction)
        return await self.desk.run(key, someone, command, str(interaction.channel_id), origin)

    async def answer(self, interaction: discord.Interaction, command: desk.Command) -> None:
        """Run a command whose result is one ephemeral text."""
        await self.reply(interaction, _text(await self.run(interaction, command)))

    async def report_error(self, interaction: discord.Interaction,
                           error: app_commands.AppCommandError) -> None:
        """The tree's error handler, for the group and the context menu alike. (Not
        `Group.on_error`: the tree's handler runs after it, and the member would hear twice.)"""
        original = getattr(error, "original", error)
        if isinstance(original, UserError | PublishError):
            text = render.escape(str(original), 1500)
        else:
            log.error("/digest failed", exc_info=original)
            text = replies.FAILED
        if interaction.type is discord.InteractionType.autocomplete:
            return
        try:
            await self.reply(interaction, text)
        except discord.HTTPException as err:
            log.warning("could not tell the member about an error: %s", err)


def register_commands(tree: app_commands.CommandTree[Any], app: App, outbox: Outbox,
                      community: Communities) -> None:
    """Put `/digest` and the "Submit to digest" message menu on the tree."""
    digest = DigestCommands(app, outbox, community)
    tree.add_command(digest)
    tree.add_command(app_commands.guild_only(app_commands.ContextMenu(
        name="Submit to digest", callback=digest.submit_message)))
    tree.error(digest.report_error)


def _text(result: Result) -> str:
    """Discord's wording of a command's result, as safe Discord markdown."""
    match result:
        case QueueShown(entries, _):
            return render.queue(list(entries))
        case Posted() as posted:
            return posted.reply
        case Locked(locked, period):
            return replies.lock_reply(locked, render.escape(period, 40))
        case IntroSet(intro):
            return replies.intro_reply(intro)
        case Moderated(action, done):
            reason = render.escape(done.reject_reason, 300) if action == "reject" else ""
            return replies.moderated_reply(done.number, action, reason)
        case SettingsShown(settings, ""):
            return render.settings(settings)
        case SettingsShown(settings, name):
            return render.setting(settings, name)
        case Voted(number, outcome):
            return replies.vote_reply(outcome, number)
        case Unvoted(number, removed):
            return replies.unvote_reply(removed, number)
        case StatsShown(report):
            return "\n".join(replies.stats_lines(report, lambda name: render.escape(name, 100)))
    raise AssertionError(result)  # submit and preview are answered by their handlers
