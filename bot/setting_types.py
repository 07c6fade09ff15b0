"""The type of every community setting: how a moderator's text is parsed, which values are
allowed, and how a value reads back. One table, so /config on every platform, the stored
JSON and the display agree, and a bad value is refused before it is ever stored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import InvalidSetting

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# Custom emoji: Discord's <:name:id> (as reactions translate to) and Slack's :name:.
_CUSTOM = re.compile(r"<:\w{1,32}:\d{1,20}>|:[a-z0-9_+'-]{1,100}:")
# Joiners and modifiers that appear inside a Unicode emoji sequence.
_EMOJI_PARTS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}
# Channel, role and member ids as platforms write them (Discord snowflakes, Slack C…/U…/S…,
# console channel names): one word, nothing that is a mention or markup.
_ID = re.compile(r"[^\s<>@`*|\\]{1,80}")
# Characters that would be markup or a mention on some platform.
_MARKUP = set("<>@`*_~|[]\\")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}
MAX_EMOJI = 10
MAX_IDS = 50


def is_emoji(token: str) -> bool:
    """A single emoji: Unicode (with skin tones, joiners, keycaps, flags) or a custom one."""
    if _CUSTOM.fullmatch(token):
        return True
    if not token or len(token) > 32:
        return False
    pictographic = False
    for char in token:
        if char in _EMOJI_PARTS or "\U0001f3fb" <= char <= "\U0001f3ff":
            continue
        if "\U000e0020" <= char <= "\U000e007f":  # tag characters (subdivision flags)
            continue
        category = unicodedata.category(char)
        if category == "So" or "\U0001f1e6" <= char <= "\U0001f1ff":
            pictographic = True
        elif not (char in "#*0123456789" and "\u20e3" in token):  # keycaps: 1️⃣, #️⃣
            return False
    return pictographic or "\u20e3" in token


def _words(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _emoji_list(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _check_emoji(value: tuple[str, ...]) -> None:
    if not value:
        raise InvalidSetting("Give at least one emoji, like 👍 (separate several with spaces).")
    if len(value) > MAX_EMOJI:
        raise InvalidSetting(f"At most {MAX_EMOJI} emoji.")
    for token in value:
        if not is_emoji(token):
            shown = _CONTROL.sub("", token)[:40]
            raise InvalidSetting(f"{shown!r} is not an emoji.")
    if len(set(value)) != len(value):
        raise InvalidSetting("An emoji is listed twice.")


def _id_list(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _check_ids(value: tuple[str, ...]) -> None:
    if len(value) > MAX_IDS:
        raise InvalidSetting(f"At most {MAX_IDS} entries.")
    for token in value:
        if not _ID.fullmatch(token):
            raise InvalidSetting(f"{_CONTROL.sub('', token)[:40]!r} is not a channel, role "
                                 "or member id.")


def _check_id(value: str) -> None:
    if value and not _ID.fullmatch(value):
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not a channel id.")


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidSetting(f"{_CONTROL.sub('', text)[:40]!r} is not on or off.")


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidSetting(f"{_CONTROL.sub('', text)[:40]!r} is not a whole number.") from None


def _between(low: int, high: int) -> Callable[[int], None]:
    def check(value: int) -> None:
        if not low <= value <= high:
            raise InvalidSetting(f"Use a number between {low} and {high}.")
    return check


def weekday(text: str) -> int:
    """0 (Monday) to 6 (Sunday), from a number or a day name ("mon", "Monday")."""
    word = text.strip().lower()
    if word.isdigit() and 0 <= int(word) <= 6:
        return int(word)
    for number, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise InvalidSetting(f"{_CONTROL.sub('', text)[:40]!r} is not a weekday: use 0 (Monday) "
                         "to 6, or a day name.")


def _check_time(value: str) -> None:
    if not _TIME.fullmatch(value):
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not a time of day: use "
                             "HH:MM, like 09:00.")


def _clock(text: str) -> str:
    value = text.strip()
    _check_time(value)
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"  # "9:00" is stored as "09:00"


def _check_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:60]!r} is not a time zone: use an "
                             "IANA name like Europe/Berlin.") from None


def _line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _text(limit: int, plain: bool) -> Callable[[str], None]:
    def check(value: str) -> None:
        if len(value) > limit:
            raise InvalidSetting(f"At most {limit} characters.")
        if _CONTROL.search(value) or value != _line(value):
            raise InvalidSetting("Use one line of text.")
        if plain and _MARKUP & set(value):
            raise InvalidSetting("Use plain text: no mentions or markup ("
                                 + " ".join(sorted(_MARKUP)) + ").")
    return check


def _shown_list(value: tuple[str, ...]) -> str:
    return ", ".join(value)


@dataclass(frozen=True, slots=True)
class SettingType:
    """``parse``: a moderator's text to a value; ``check``: raises InvalidSetting for a value
    that is not allowed (also run on stored values); ``show``: the value for people."""

    kind: type
    parse: Callable[[str], Any]
    check: Callable[[Any], None]
    show: Callable[[Any], str] = str

    def valid(self, value: Any) -> Any:
        """A stored value, checked: lists become tuples; a wrong type raises."""
        if self.kind is tuple and isinstance(value, list | tuple):
            value = tuple(value)
            if not all(isinstance(v, str) for v in value):
                raise InvalidSetting("not a list of text")
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            raise InvalidSetting(f"not a {self.kind.__name__}")
        self.check(value)
        return value


def _one_of(*allowed: str) -> SettingType:
    """A word from a fixed list (any case), stored in lower case."""
    def check(value: str) -> None:
        if value not in allowed:
            raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not allowed: use "
                                 + " or ".join(allowed) + ".")
    return SettingType(str, lambda text: text.strip().lower(), check)


# How the bot answers a link once it is read: a reply with the card, only reactions on the
# member's message (👀 then ✅ or ⚠️), or the card in a thread on the message.
CARD_MODES = ("reply", "react", "thread")


def _nothing(value: Any) -> None:
    return None


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def _day(value: int) -> str:
    return WEEKDAYS[value].capitalize()


EMOJI = SettingType(tuple, _emoji_list, _check_emoji, _shown_list)
IDS = SettingType(tuple, _id_list, _check_ids, _shown_list)
BOOL = SettingType(bool, _boolean, _nothing, _on_off)


def _int(low: int, high: int) -> SettingType:
    return SettingType(int, _integer, _between(low, high))


TYPES: dict[str, SettingType] = {
    "name": SettingType(str, _line, _text(80, plain=True)),
    "up_emoji": EMOJI,
    "down_emoji": EMOJI,
    "downvotes": BOOL,
    "self_votes": BOOL,
    "picks": _int(1, 50),
    "min_score": _int(-1000, 1000),
    "also_shared_cap": _int(0, 100),
    "carry_over_weeks": _int(0, 12),
    "digest_weekday": SettingType(int, weekday, _between(0, 6), _day),
    "digest_time": SettingType(str, _clock, _check_time),
    "timezone": SettingType(str, str.strip, _check_zone),
    "digest_channel": SettingType(str, str.strip, _check_id),
    "submission_channels": IDS,
    "moderators": IDS,
    "summary_words": _int(10, 200),
    "summary_language": SettingType(str, _line, _text(40, plain=True)),
    "summary_instructions": SettingType(str, _line, _text(500, plain=False)),
    "group_by_kind": BOOL,
    "card": _one_of(*CARD_MODES),
}
