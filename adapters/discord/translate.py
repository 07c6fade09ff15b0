"""discord.py objects to core values. Pure functions: filter and translate."""

from __future__ import annotations

import re
from collections.abc import Iterable

import discord

from bot.events import MessageRef
from bot.models import Member

_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF]")
# A custom emoji as Discord's client writes it in text (slash options included), animated or not.
_CUSTOM = re.compile(r"<a?:(\w{1,32}):(\d{1,20})>")
# Channel, role and member mentions: settings store the bare ids.
_MENTION = re.compile(r"<(?:#|@&|@!?)(\d{1,20})>")
# Discord's link markup: <url> (embed suppressed) and [label](url), a masked link whose
# label is shown text, not a link.
_ANGLE = re.compile(r"<(https?://[^>\s]+)>", re.IGNORECASE)
_MASKED = re.compile(r"\[[^\]]*\]\((https?://(?:[^()\s]|\([^()\s]*\))+)\)", re.IGNORECASE)
VOTE_SETTINGS = frozenset({"up_emoji", "down_emoji"})
ID_SETTINGS = frozenset({"submission_channels", "digest_channel", "moderators"})
# Slash options cannot be empty: these words clear a list or a text setting.
CLEARABLE = ID_SETTINGS | {"summary_language", "summary_instructions", "name"}
CLEAR_WORDS = frozenset({"none", "-", "off", "all"})


def community_key(guild_id: int) -> str:
    return f"discord:{guild_id}"


def guild_id(community_key: str) -> str:
    return community_key.partition(":")[2]


def plain_text(text: str) -> str:
    """Message text as the core reads it: each <url> or [label](url) becomes the bare link,
    set apart by spaces so it stays one word."""
    bare = _ANGLE.sub(lambda m: f" {m.group(1)} ", text)
    return _MASKED.sub(lambda m: f" {m.group(1)} ", bare)


def emoji(value: discord.PartialEmoji | discord.Emoji | str,
          configured: Iterable[str] = ()) -> str:
    """A reaction as the core sees it: Unicode without skin tones, custom as <:name:id>.
    A custom emoji is matched to the configured ones by id, so renaming it on the server
    (or Discord leaving its name out) keeps the votes counting."""
    if isinstance(value, str):
        custom = _CUSTOM.fullmatch(value.strip())
        if custom is None:
            return _SKIN_TONES.sub("", value.strip())
        name, emoji_id = custom.groups()
    elif value.id is not None:
        name, emoji_id = value.name or "_", str(value.id)
    else:
        return _SKIN_TONES.sub("", value.name or "")
    for known in configured:
        match = _CUSTOM.fullmatch(known)
        if match is not None and match.group(2) == emoji_id:
            return known
    return f"<:{name}:{emoji_id}>"


def reaction_key(value: discord.PartialEmoji) -> str:
    """A reaction as Discord keeps it apart from others: Unicode with its skin tone (👍 and
    👍🏽 are two reactions), a custom emoji by id (its name may change)."""
    return str(value.id) if value.id is not None else (value.name or "")


def route_emoji(core: str) -> str:
    """A core emoji as the reactions endpoints take it: Unicode as is, custom as name:id."""
    custom = _CUSTOM.fullmatch(core)
    return f"{custom.group(1)}:{custom.group(2)}" if custom else core


def setting_value(name: str, value: str) -> str:
    """A `/digest config` value as the core stores it: emoji as reactions translate to (any
    skin tone, animated or not), channels, roles and members as bare ids; "none" clears."""
    if name in CLEARABLE and value.strip().lower() in CLEAR_WORDS:
        return ""
    if name in VOTE_SETTINGS:
        spaced = _CUSTOM.sub(lambda m: f" <:{m.group(1)}:{m.group(2)}> ", value)
        return " ".join(emoji(part) for part in spaced.replace(",", " ").split())
    if name in ID_SETTINGS:
        return " ".join(_MENTION.sub(r" \1 ", value).replace(",", " ").split())
    return value


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


THREAD_TYPES = frozenset({10, 11, 12})  # announcement, public and private threads


def home_channel(channel: object) -> int | None:
    """The channel whose settings apply to a message posted in ``channel``: a thread's (or
    forum post's) parent, a channel itself; None when discord.py does not know the channel
    (a thread it was never told of), so the adapter asks Discord."""
    if isinstance(channel, discord.Thread):
        return channel.parent_id
    if isinstance(channel, discord.abc.GuildChannel):
        return channel.id
    return None


def home_of(data: dict[str, object]) -> int:
    """The same, from a channel object as GET /channels/{id} returns it."""
    parent = data.get("parent_id")
    if data.get("type") in THREAD_TYPES and parent:
        return int(str(parent))
    return int(str(data["id"]))


def cursor(message_id: int) -> str:
    """A message's position as channel cursors store it: snowflakes grow with time, and
    padded to 20 digits they sort as text too."""
    return f"{message_id:020d}"


def ref(channel_id: int, message_id: int) -> MessageRef:
    return MessageRef(str(channel_id), str(message_id))


def message_link(community_key: str, channel: str, message_id: str) -> str:
    return f"https://discord.com/channels/{guild_id(community_key)}/{channel}/{message_id}"
