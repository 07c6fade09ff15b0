"""Per-community settings, stored as JSON in the database and changed by moderators."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import InvalidSetting
from bot.models import SummaryPrefs
from bot.setting_types import TYPES

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    name: str = ""  # the newsletter's name; "" means the server or workspace name + " digest"
    up_emoji: tuple[str, ...] = ("👍",)
    down_emoji: tuple[str, ...] = ("👎",)
    downvotes: bool = False
    self_votes: bool = False
    picks: int = 10
    min_score: int = 1
    also_shared_cap: int = 15
    carry_over_weeks: int = 2
    cadence: str = "weekly"  # daily | weekly | biweekly | monthly: how long a period is
    digest_weekday: int = 0  # Monday
    digest_time: str = "09:00"
    timezone: str = "UTC"
    digest_channel: str = ""
    submission_channels: tuple[str, ...] = ()
    moderators: tuple[str, ...] = ()  # member ids, or role ids on platforms with roles
    summary_words: int = 55
    summary_language: str = ""
    summary_instructions: str = ""
    group_by_kind: bool = False
    archive: str = "off"  # "public": posted digests are served on the web (bot.archive)
    slug: str = ""  # the archive's address, /c/<slug>/; "" means derived from the key
    # Addresses each posted digest is e-mailed to (bot.addresses: checked, at most 50).
    email_to: tuple[str, ...] = ()
    llm_summaries: str = "all"  # all | voted | picked: which links the LLM summarizes
    footer_top_sharer: bool = True  # the digest's footer names the period's top sharer
    member_limit: int = 10  # links a member may queue per rolling 24 hours; 0: no limit
    allow_domains: tuple[str, ...] = ()  # sites, subdomains included; empty: every site
    deny_domains: tuple[str, ...] = ()  # sites refused, subdomains included
    card: str = "reply"  # reply | react | thread (bot/setting_types.py CARD_MODES)

    @property
    def summary_prefs(self) -> SummaryPrefs:
        return SummaryPrefs(
            max_words=self.summary_words,
            language=self.summary_language,
            instructions=self.summary_instructions,
        )

    def redacted(self) -> CommunitySettings:
        """The settings as every member may list them: the e-mail addresses, which are
        personal, as a count (moderators see them). For showing only, never stored."""
        count = len(self.email_to)
        if not count:
            return self
        return dataclasses.replace(self, email_to=(
            f"{count} address{'es' if count != 1 else ''}, shown to moderators",))

    def vote_direction(self, emoji: str) -> int:
        """+1, -1, or 0 for an emoji that is not a vote in this community."""
        if emoji in self.up_emoji:
            return 1
        if self.downvotes and emoji in self.down_emoji:
            return -1
        return 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> CommunitySettings:
        """Stored settings. A value that is not valid (stored by an older version, or edited
        by hand) falls back to its default, logged once, so it can never break votes."""
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            _warn_once("settings", raw)
            return cls()
        values: dict[str, Any] = {}
        for name, kind in TYPES.items():
            if name not in data:
                continue
            try:
                values[name] = kind.valid(data[name])
            except InvalidSetting as err:
                _warn_once(name, data[name], str(err))
        settings = cls(**values)
        if set(settings.up_emoji) & set(settings.down_emoji):
            _warn_once("down_emoji", data.get("down_emoji"), "overlaps up_emoji")
            settings = dataclasses.replace(settings, down_emoji=cls().down_emoji)
        return settings

    def updated(self, name: str, value: str) -> CommunitySettings:
        """A copy with one setting parsed from text, as a moderator typed it. Raises
        InvalidSetting, with a message for the moderator, for a value that is not allowed."""
        kind = TYPES.get(name)
        if kind is None:
            close = difflib.get_close_matches(name, TYPES, n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise InvalidSetting(f"Unknown setting {name!r}.{hint} /config lists them all.")
        try:
            parsed = kind.parse(value)
            kind.check(parsed)
        except InvalidSetting as err:
            raise InvalidSetting(f"{name} not changed: {err}") from None
        updated = dataclasses.replace(self, **{name: parsed})
        shared = [e for e in updated.up_emoji if e in updated.down_emoji]
        if shared:
            raise InvalidSetting(f"{name} not changed: {shared[0]} would be both an up-vote "
                                 "and a down-vote.")
        return updated

    def shown(self, name: str, channel: Callable[[str], str] = str) -> str:
        """One setting as people read it ("👍, ⭐", "on", "Monday", "(none)"); ``channel``
        renders channel ids where the platform can link them."""
        value = getattr(self, name)
        if name in ("digest_channel", "submission_channels") and value:
            ids = (value,) if isinstance(value, str) else value
            return ", ".join(channel(v) for v in ids)
        text = TYPES[name].show(value)
        return text if text else "(none)"

    def lines(self, channel: Callable[[str], str] = str) -> list[str]:
        """Every setting, one line each, in name order: what /config shows."""
        return [f"{name} = {self.shown(name, channel)}" for name in sorted(TYPES)]


_warned: set[tuple[str, str]] = set()


def _warn_once(name: str, value: object, why: str = "unreadable") -> None:
    key = (name, repr(value)[:200])
    if key not in _warned:
        _warned.add(key)
        log.warning("stored setting %s=%s is not valid (%s): using the default", name, key[1],
                    why)


@dataclass(frozen=True, slots=True)
class Community:
    key: str
    platform: str
    name: str
    settings: CommunitySettings = field(default_factory=CommunitySettings)

    @property
    def display_name(self) -> str:
        """The community as members call it: the server or workspace name; for a community
        known only by its key (the console's "local"), the key made to look like a name."""
        name = " ".join(self.name.split())
        if name and name != self.key:
            return name
        words = self.key.replace("_", " ").replace("-", " ").split()
        return " ".join(w.capitalize() if w.islower() else w for w in words) or "Community"

    @property
    def public(self) -> bool:
        """Whether its posted digests are served on the web archive."""
        return self.settings.archive == "public"

    @property
    def slug(self) -> str:
        """The archive's address, /c/<slug>/: the `slug` setting, else one derived from the
        key (stable: a renamed server keeps its links)."""
        return self.settings.slug or default_slug(self.key)

    @property
    def newsletter_name(self) -> str:
        """The digest's title: the `name` setting, else the display name + " digest"."""
        return " ".join(self.settings.name.split()) or f"{self.display_name} digest"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def default_slug(key: str) -> str:
    """A community key as a slug: lowercase letters, digits and hyphens, at most 40
    characters ("T0123ABC" -> "t0123abc"); a key with none of those gets a short hash."""
    slug = _NOT_SLUG.sub("-", key.lower()).strip("-")[:40].strip("-")
    return slug or "c-" + hashlib.sha256(key.encode()).hexdigest()[:12]
