"""Slack payloads to core values. Pure functions: filter and translate, no I/O."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.events import MessageRef

# Slack reports reactions by name; the core's default vote emoji are Unicode.
EMOJI = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "arrow_up": "⬆️",
    "arrow_down": "⬇️", "heart": "❤️", "fire": "🔥", "star": "⭐", "tada": "🎉",
    "rocket": "🚀", "eyes": "👀", "100": "💯",
}
# Message subtypes that are a member saying something; edits, joins, bots and unfurls are not.
MEMBER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def community_key(team_id: str) -> str:
    return f"slack:{team_id}"


def emoji(name: str) -> str:
    """A reaction name as the core sees it: skin tones dropped, known names as Unicode,
    custom emoji as :name:."""
    base = name.split("::", 1)[0]
    return EMOJI.get(base, f":{base}:")


def message_id(channel: str, ts: str) -> str:
    """A ts is unique only within its channel."""
    return f"{channel}:{ts}"


def submitted_message(event: dict[str, Any]) -> tuple[str, MessageRef] | None:
    """(author id, message) of a member's new message, or None for anything else: edits
    (message_changed, which is how link unfurls arrive), deletions, joins, bot posts."""
    if event.get("subtype") not in MEMBER_SUBTYPES or event.get("bot_id"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (user and channel and ts and event.get("text")):
        return None
    return str(user), MessageRef(str(channel), message_id(str(channel), str(ts)))


def reacted_message(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(user id, message id, emoji) of a reaction on a message, or None."""
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("user") or not event.get("reaction"):
        return None
    return (str(event["user"]), message_id(str(item.get("channel")), str(item.get("ts"))),
            emoji(str(event["reaction"])))


def api_error(err: SlackApiError) -> str:
    """Slack's error code for a log line (the body is not always JSON)."""
    data = err.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {err.response.status_code}"
