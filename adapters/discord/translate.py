"""discord.py objects to core values. Pure functions: filter and translate."""

from __future__ import annotations

import re

import discord

from bot.events import MessageRef
from bot.models import Member

_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF]")


def community_key(guild_id: int) -> str:
    return f"discord:{guild_id}"


def emoji(value: discord.PartialEmoji | discord.Emoji | str) -> str:
    """A reaction as the core sees it: Unicode without skin tones, custom as <:name:id>."""
    if isinstance(value, str):
        return _SKIN_TONES.sub("", value)
    if value.id is not None:
        return f"<:{value.name}:{value.id}>"
    return _SKIN_TONES.sub("", value.name or "")


def member(user: discord.abc.User, moderator_roles: tuple[str, ...] = ()) -> Member:
    """Moderators: Manage Server, or a role (or member id) in the community's list."""
    is_moderator = False
    if isinstance(user, discord.Member):
        # Interactions carry the permissions Discord resolved; role caches may be partial.
        permissions = user.resolved_permissions or user.guild_permissions
        is_moderator = permissions.manage_guild or any(
            str(role.id) in moderator_roles for role in user.roles)
    is_moderator = is_moderator or str(user.id) in moderator_roles
    return Member(str(user.id), user.display_name, is_bot=user.bot, is_moderator=is_moderator)


def ref(channel_id: int, message_id: int) -> MessageRef:
    return MessageRef(str(channel_id), str(message_id))
