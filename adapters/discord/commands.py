"""The `/digest` slash command family and the "Submit to digest" message context menu."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.translate import community_key, member, ref
from bot.errors import UserError
from bot.events import LinkPosted
from bot.models import Member

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


def register_commands(adapter: DiscordAdapter) -> None:
    group = app_commands.Group(name="digest", description="The weekly digest of shared links",
                               guild_only=True)

    async def reply(interaction: discord.Interaction, text: str) -> None:
        content = render.escape(text, 1900)
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(content, ephemeral=True,
                                                    allowed_mentions=NONE)

    async def who(interaction: discord.Interaction) -> tuple[str, Member]:
        community = await adapter.community(interaction.guild, interaction.guild_id)
        return community.key, member(interaction.user, community.settings.moderators)

    async def run(interaction: discord.Interaction, action: str, number: int | None = None,
                  text: str = "") -> None:
        key, someone = await who(interaction)
        editor, curator = adapter.app.editor, adapter.app.curator
        try:
            if action == "preview":
                await interaction.response.defer(ephemeral=True, thinking=True)
                digest = await editor.preview(key, someone)
                for embeds in render.digest_messages(digest):
                    await interaction.followup.send(embeds=embeds, ephemeral=True,
                                                    allowed_mentions=NONE)
                return
            if action == "post":
                await interaction.response.defer(ephemeral=True, thinking=True)
                posted = await editor.post(key, someone, str(interaction.channel_id))
                await reply(interaction, "Digest posted." if posted
                            else "This week's digest was already posted.")
                return
            if action == "queue":
                entries = await curator.queue(key)
                await reply(interaction, "\n".join(
                    f"#{e.submission.number} {e.tally.score:+d} "
                    f"{e.submission.title or e.submission.url}" for e in entries[:30])
                    or "The queue is empty.")
                return
            if action in ("lock", "unlock"):
                period = await editor.lock(key, someone, action == "lock")
                await reply(interaction, f"Voting {action}ed for {period}.")
                return
            if action == "intro":
                intro = await editor.set_intro(key, someone, text)
                await reply(interaction, "Intro set." if intro else "Intro cleared.")
                return
            if action == "config":
                name, _, value = text.partition(" ")
                updated = await editor.configure(key, someone, name, value)
                await reply(interaction, f"{name} = {getattr(updated, name)}")
                return
            assert number is not None
            done = await editor.moderate(key, someone, number, action, text)
            await reply(interaction, f"#{done.number}: {action} done.")
        except UserError as err:
            await reply(interaction, str(err))

    async def numbers(interaction: discord.Interaction,
                      current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        entries = await adapter.app.curator.queue(community_key(interaction.guild_id))
        return [app_commands.Choice(
            name=f"#{e.submission.number} {(e.submission.title or e.submission.url)[:80]}",
            value=e.submission.number) for e in entries
            if current in str(e.submission.number) or current.lower() in
            (e.submission.title or "").lower()][:25]

    @group.command(name="submit", description="Submit a link")
    async def submit(interaction: discord.Interaction, url: str, note: str = "") -> None:
        key, someone = await who(interaction)
        outcomes = await adapter.app.curator.post_link(LinkPosted(key, someone, url))
        await reply(interaction, " ".join(o.message for o in outcomes) or "No link found.")

    for name, description in (("queue", "Show the queue"),
                              ("preview", "Preview this week's digest (only you see it)"),
                              ("post", "Post this week's digest (moderators)"),
                              ("lock", "Lock voting for this week (moderators)"),
                              ("unlock", "Unlock voting for this week (moderators)")):
        group.command(name=name, description=description)(_simple(run, name))

    for name, description in (("pick", "Make a submission an editor's pick"),
                              ("drop", "Take a submission out of the digest"),
                              ("reject", "Reject a submission, telling its submitter why")):
        command: app_commands.Command[app_commands.Group, ..., None] = group.command(
            name=name, description=description)(_numbered(run, name))
        command.autocomplete("number")(numbers)

    @group.command(name="intro", description="Set this week's intro (moderators)")
    async def intro(interaction: discord.Interaction, text: str = "") -> None:
        await run(interaction, "intro", text=text)

    @group.command(name="config", description="Change a setting (moderators)")
    async def config(interaction: discord.Interaction, name: str, value: str) -> None:
        await run(interaction, "config", text=f"{name} {value}")

    @app_commands.context_menu(name="Submit to digest")
    async def submit_message(interaction: discord.Interaction,
                             message: discord.Message) -> None:
        key, invoker = await who(interaction)
        community = await adapter.community(interaction.guild, interaction.guild_id)
        outcomes = await adapter.app.curator.post_link(LinkPosted(
            key, invoker, message.content, ref(message.channel.id, message.id),
            credited_to=member(message.author, community.settings.moderators)))
        await reply(interaction, " ".join(o.message for o in outcomes)
                    or "That message has no link.")

    del submit, intro, config
    adapter.tree.add_command(group)
    adapter.tree.add_command(submit_message)


Run = Callable[..., Awaitable[None]]


def _simple(run: Run, action: str) -> Callable[[discord.Interaction],
                                               Coroutine[Any, Any, None]]:
    async def command(interaction: discord.Interaction) -> None:
        await run(interaction, action)
    return command


def _numbered(run: Run, action: str) -> Callable[[discord.Interaction, int, str],
                                                  Coroutine[Any, Any, None]]:
    async def command(interaction: discord.Interaction, number: int, reason: str = "") -> None:
        await run(interaction, action, number, reason)
    return command
