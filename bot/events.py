"""Inbound events, translated from platform payloads by the adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Member


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where a chat message lives. IDs are opaque platform strings."""

    channel: str
    message_id: str


@dataclass(frozen=True, slots=True)
class LinkPosted:
    """A member's message that may contain links.

    ``credited_to`` is set when someone submits another member's message: the links are
    credited to that member and ``author`` is who asked. ``channel`` is the channel whose
    settings apply, when it is not the origin's: a thread's (or forum post's) parent.
    """

    community: str
    author: Member
    text: str
    origin: MessageRef | None = None
    credited_to: Member | None = None
    channel: str = ""

    @property
    def home_channel(self) -> str:
        """The channel `submission_channels` is checked against ("" when unknown)."""
        return self.channel or (self.origin.channel if self.origin else "")


@dataclass(frozen=True, slots=True)
class MissedMessage:
    """A message read back from a channel's history (posted while the bot was away): the
    LinkPosted the live path would have made, its cursor (sorts as text in posting order)
    and when it was posted."""

    posted: LinkPosted
    cursor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReactionChanged:
    """One reaction added or removed by one member on one message."""

    community: str
    message_id: str
    member: Member
    emoji: str  # as the core compares it: skin tones dropped, aliases resolved
    added: bool
    reaction: str = ""  # the platform's own reaction ("👍🏽"), when it differs from ``emoji``


@dataclass(frozen=True, slots=True)
class ReactionsCleared:
    """All reactions (or all of one emoji) removed from a message."""

    community: str
    message_id: str
    emoji: str | None = None
    reaction: str | None = None  # the platform's own reaction, when only that one went
