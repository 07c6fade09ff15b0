"""Per-community settings, stored as JSON in the database and changed by moderators."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from bot.errors import InvalidSetting
from bot.models import SummaryPrefs


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

    @property
    def summary_prefs(self) -> SummaryPrefs:
        return SummaryPrefs(
            max_words=self.summary_words,
            language=self.summary_language,
            instructions=self.summary_instructions,
        )

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
        data: dict[str, Any] = json.loads(raw or "{}")
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)

    def updated(self, name: str, value: str) -> CommunitySettings:
        """A copy with one setting parsed from text, as a moderator typed it."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        if name not in fields:
            raise InvalidSetting(f"Unknown setting {name!r}. Known: {', '.join(sorted(fields))}.")
        current = getattr(self, name)
        parsed: Any
        try:
            if isinstance(current, bool):
                if value.lower() not in {"on", "off", "true", "false", "yes", "no", "1", "0"}:
                    raise ValueError(value)
                parsed = value.lower() in {"on", "true", "yes", "1"}
            elif isinstance(current, int):
                parsed = int(value)
            elif isinstance(current, tuple):
                parsed = tuple(part for part in value.replace(",", " ").split() if part)
            else:
                parsed = value.strip()
        except ValueError as err:
            raise InvalidSetting(f"{value!r} is not a valid value for {name}.") from err
        return dataclasses.replace(self, **{name: parsed})


@dataclass(frozen=True, slots=True)
class Community:
    key: str
    platform: str
    name: str
    settings: CommunitySettings = field(default_factory=CommunitySettings)

    @property
    def newsletter_name(self) -> str:
        """The digest's title: the `name` setting, else the server or workspace name + " digest"."""
        return self.settings.name or f"{self.name} digest"
