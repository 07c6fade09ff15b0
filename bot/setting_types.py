"""The type of every community setting: how a moderator's text is parsed, which values are
allowed, and how a value reads back. One table, so /config on every platform, the stored
JSON and the display agree, and a bad value is refused before it is ever stored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.addresses import address_list, check_addresses
from bot.errors import InvalidLink, InvalidSetting
from bot.links import host_name, shown_host

CADENCES = ("daily", "weekly", "biweekly", "monthly")
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
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
MAX_SLUG = 40
ARCHIVE_MODES = ("off", "public")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}
MAX_EMOJI = 10
MAX_IDS = 50
MAX_DOMAINS = 200


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


def _domain(token: str) -> str:
    """A site as a moderator types it ("Example.com", "*.example.com", "bücher.example"), in
    the form canonical links use (punycode, lower case)."""
    bare = token.strip()
    if "://" in bare:  # a pasted link ("https://example.com/page") names its site
        try:
            bare = urlsplit(bare).hostname or ""
        except ValueError:
            bare = ""
    bare = bare.removeprefix("*.").removeprefix(".")
    try:
        return host_name(bare)
    except InvalidLink:
        raise InvalidSetting(f"{_CONTROL.sub('', token)[:40]!r} is not a site name like "
                             "example.com.") from None


def _domain_list(text: str) -> tuple[str, ...]:
    """Sites separated by spaces or commas, each once; "none" (or "-") alone clears."""
    words = _words(text)
    if [w.lower() for w in words] in (["none"], ["-"]):
        return ()
    return tuple(dict.fromkeys(_domain(token) for token in words))


def _check_domains(value: tuple[str, ...]) -> None:
    if len(value) > MAX_DOMAINS:
        raise InvalidSetting(f"At most {MAX_DOMAINS} sites.")
    for token in value:
        if _domain(token) != token:
            raise InvalidSetting(f"{_CONTROL.sub('', token)[:40]!r} is not a site name like "
                                 "example.com.")


def _shown_domains(value: tuple[str, ...]) -> str:
    """Sites as people write them: internationalized names in their own script."""
    return ", ".join(shown_host(domain) for domain in value)


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


def _cadence(text: str) -> str:
    return text.strip().lower()


def _check_cadence(value: str) -> None:
    if value not in CADENCES:
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not a cadence: use "
                             f"{', '.join(CADENCES)}.")


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


def _check_archive(value: str) -> None:
    if value not in ARCHIVE_MODES:
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not an archive mode: use "
                             "off or public.")


def _check_slug(value: str) -> None:
    """"" means the default (bot.community.Community.slug); else the web address's name."""
    if value and not _SLUG.fullmatch(value):
        raise InvalidSetting(f"{_CONTROL.sub('', value)[:50]!r} is not a slug: use 1 to "
                             f"{MAX_SLUG} lowercase letters, digits and inner hyphens, like "
                             "ai-club.")


def _lower(text: str) -> str:
    return text.strip().lower()


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
DOMAINS = SettingType(tuple, _domain_list, _check_domains, _shown_domains)


def _int(low: int, high: int) -> SettingType:
    return SettingType(int, _integer, _between(low, high))


def _choice(*allowed: str) -> SettingType:
    """One word out of ``allowed`` (any case)."""
    def check(value: str) -> None:
        if value not in allowed:
            raise InvalidSetting(f"{_CONTROL.sub('', value)[:40]!r} is not one of "
                                 f"{', '.join(allowed)}.")
    return SettingType(str, lambda text: text.strip().lower(), check)


# When the model writes a link's summary (bot.upgrades): every link, links with a vote, or
# the digest's picks only. Every link has the offline summary until then.
LLM_SUMMARIES = ("all", "voted", "picked")

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
    "cadence": SettingType(str, _cadence, _check_cadence),
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
    "archive": SettingType(str, _lower, _check_archive),
    "slug": SettingType(str, _lower, _check_slug),
    "email_to": SettingType(tuple, address_list, check_addresses, _shown_list),
    "llm_summaries": _choice(*LLM_SUMMARIES),
    "footer_top_sharer": BOOL,
    "member_limit": _int(0, 1000),
    "allow_domains": DOMAINS,
    "deny_domains": DOMAINS,
    "card": _one_of(*CARD_MODES),
}
