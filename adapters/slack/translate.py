"""Slack payloads to core values. Pure functions: filter and translate, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.events import MessageRef
from bot.models import Member

# Slack reports reactions by name; the core's default vote emoji are Unicode.
EMOJI = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "arrow_up": "⬆️",
    "arrow_down": "⬇️", "heart": "❤️", "fire": "🔥", "star": "⭐", "tada": "🎉",
    "rocket": "🚀", "eyes": "👀", "100": "💯",
}
# The name to react with for each Unicode emoji above (the first name wins).
NAMES = {char: name for name, char in reversed(EMOJI.items())}
# Message subtypes that are a member saying something; edits, joins, bots and unfurls are not.
MEMBER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
VOTE_SETTINGS = frozenset({"up_emoji", "down_emoji"})
_NAME = re.compile(r"[a-z0-9_+'-]{1,100}")
_SHORTCODE = re.compile(r":([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):")
# Slack writes every link as <url> or <url|label>; the label is shown text, not a link.
_LINK = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
_MAILTO = re.compile(r"<mailto:([^>|\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
# Slack escapes these three in message text, inside links too.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def community_key(team_id: str) -> str:
    return f"slack:{team_id}"


def emoji(name: str) -> str:
    """A reaction name as the core sees it: skin tones dropped, known names as Unicode,
    custom emoji as :name:."""
    base = name.strip(":").split("::", 1)[0]
    return EMOJI.get(base, f":{base}:")


def reaction_key(name: str) -> str:
    """A reaction as Slack keeps it apart from others: by name, aliases as one (:thumbsup:
    is :+1:), skin tones apart (:+1: and :+1::skin-tone-2: are two reactions)."""
    base, _, tone = name.strip(":").partition("::")
    base = NAMES.get(EMOJI.get(base, ""), base)
    return f"{base}::{tone}" if tone else base


def reaction_name(value: str) -> str | None:
    """The Slack name to react with for a core emoji, or None when Slack would not know it."""
    if value in NAMES:
        return NAMES[value]
    name = value[1:-1] if len(value) > 2 and value[0] == value[-1] == ":" else ""
    return name if _NAME.fullmatch(name) else None


def setting_value(name: str, value: str) -> str:
    """A `/digest config` value as the core stores it: Slack sends emoji as :shortcodes:,
    which become the same values reactions translate to (so :+1: configures 👍), may send
    addresses as <mailto:a@b.org|a@b.org> links, which become the bare addresses, and sites,
    which Slack may have turned into links, as typed."""
    if name == "email_to":
        return _MAILTO.sub(lambda m: f" {_unescape(m.group(1))} ", value)
    if name in ("allow_domains", "deny_domains"):
        return plain_text(value)
    if name not in VOTE_SETTINGS:
        return value
    return " ".join(_SHORTCODE.sub(lambda m: f" {emoji(m.group(1))} ", value).split())


def plain_text(text: str) -> str:
    """Message text as the core reads it: each <url|label> or <url> becomes the bare link,
    unescaped, set apart by spaces so it stays one word."""
    return _LINK.sub(lambda m: f" {_unescape(m.group(1))} ", text)


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def message_id(channel: str, ts: str) -> str:
    """A ts is unique only within its channel."""
    return f"{channel}:{ts}"


def ts_of(ref: MessageRef) -> str:
    return ref.message_id.partition(":")[2]


def valid_timestamp(value: str) -> bool:
    """X-Slack-Request-Timestamp as bolt can read it (bolt answers anything else with 500)."""
    return 0 < len(value) <= 12 and value.isascii() and value.isdigit()


@dataclass(frozen=True, slots=True)
class Posted:
    """A member's new message: who, where, the thread to answer in, and its plain text."""

    user: str
    ref: MessageRef
    thread_ts: str
    text: str


def submitted_message(event: dict[str, Any]) -> Posted | None:
    """A member's new message, or None for anything else: edits (message_changed, which is
    how link unfurls arrive), deletions, joins, bot posts, messages without text."""
    if event.get("subtype") not in MEMBER_SUBTYPES or event.get("bot_id"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (user and channel and ts and event.get("text")):
        return None
    return Posted(str(user), MessageRef(str(channel), message_id(str(channel), str(ts))),
                  str(event.get("thread_ts") or ts), plain_text(str(event["text"])))


def deleted_message(event: dict[str, Any]) -> str | None:
    """The message id of a member's deleted message (subtype message_deleted), or None."""
    if event.get("subtype") != "message_deleted":
        return None
    channel = event.get("channel")
    ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
    return message_id(str(channel), str(ts)) if channel and ts else None


def reacted_message(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(user id, message id, reaction name as Slack sends it) of a reaction on a message,
    or None. ``emoji`` turns the name into the vote emoji it counts as."""
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("user") or not event.get("reaction"):
        return None
    if not item.get("channel") or not item.get("ts"):
        return None
    return (str(event["user"]), message_id(str(item["channel"]), str(item["ts"])),
            str(event["reaction"]))


@dataclass(frozen=True, slots=True)
class Profile:
    """What users.info says about a member, as far as the core cares."""

    name: str
    is_bot: bool
    is_admin: bool

    def member(self, user_id: str, moderators: tuple[str, ...]) -> Member:
        """Moderators: workspace admins and owners, or ids in the community's list."""
        return Member(user_id, self.name, is_bot=self.is_bot,
                      is_moderator=self.is_admin or user_id in moderators)


def profile(user_id: str, user: dict[str, Any]) -> Profile:
    """users.info's user: display name, else real name, else handle, else the id."""
    details = user.get("profile") or {}
    name = (details.get("display_name") or details.get("real_name") or user.get("real_name")
            or user.get("name") or user_id)
    return Profile(str(name), is_bot=bool(user.get("is_bot") or user_id == "USLACKBOT"),
                   is_admin=bool(user.get("is_admin") or user.get("is_owner")
                                 or user.get("is_primary_owner")))


def api_error(err: SlackApiError) -> str:
    """Slack's error code for a log line (the body is not always JSON)."""
    data = err.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {err.response.status_code}"


def error_code(err: SlackApiError) -> str:
    data = err.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""
