"""Community settings: every value a moderator types is parsed into a bounded type, a bad one
is refused with a clear message, and a bad stored one falls back to its default."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from bot.community import CommunitySettings
from bot.errors import InvalidSetting
from bot.setting_types import TYPES, is_emoji

DEFAULT = CommunitySettings()


@pytest.mark.parametrize(("name", "value", "error"), [
    ("up_emoji", ",", "at least one emoji"),
    ("up_emoji", "", "at least one emoji"),
    ("down_emoji", ", ,", "at least one emoji"),
    ("up_emoji", "like", "not an emoji"),
    ("up_emoji", "👍 @everyone", "not an emoji"),
    ("up_emoji", "👍 👍", "twice"),
    ("up_emoji", " ".join(["⭐"] * 11), "At most 10"),
    ("down_emoji", "👍", "both an up-vote and a down-vote"),
    ("summary_words", "-5", "between 10 and 200"),
    ("summary_words", "0", "between 10 and 200"),
    ("summary_words", "many", "not a whole number"),
    ("picks", "0", "between 1 and 50"),
    ("min_score", "99999", "between"),
    ("carry_over_weeks", "-1", "between 0 and 12"),
    ("also_shared_cap", "101", "between 0 and 100"),
    ("digest_weekday", "7", "not a weekday"),
    ("digest_weekday", "someday", "not a weekday"),
    ("digest_time", "24:00", "time of day"),
    ("digest_time", "9am", "time of day"),
    ("timezone", "Mars/Olympus", "time zone"),
    ("timezone", "../../etc/passwd", "time zone"),
    ("downvotes", "maybe", "not on or off"),
    ("name", "x" * 81, "At most 80"),
    ("name", "<@&123> news", "no mentions or markup"),
    ("name", "@everyone weekly", "no mentions or markup"),
    ("submission_channels", "general <#1>", "not a channel"),
    ("nonsense", "1", "Unknown setting"),
    # e-mail addresses: only a bare name@domain, nothing a header or SMTP command could
    # be split or widened with
    ("email_to", "ada", "not an e-mail address"),
    ("email_to", "@example.org", "not an e-mail address"),
    ("email_to", "ada@", "not an e-mail address"),
    ("email_to", "Ada <ada@example.org>", "not an e-mail address"),
    ("email_to", '"ada"@example.org', "only the plain"),
    ("email_to", "ada@example.org\r\nBcc: eve@evil.test", "not an e-mail address"),
    ("email_to", "ada@example.org\nBcc:eve@evil.test", "not an e-mail address"),
    ("email_to", "ada@example.org%0d%0aBcc:eve@evil.test", "only the plain"),
    ("email_to", "ada(comment)@example.org", "only the plain"),
    ("email_to", "ada..b@example.org", "only the plain"),
    ("email_to", ".ada@example.org", "only the plain"),
    ("email_to", "ada@localhost", "valid domain"),
    ("email_to", "ada@[127.0.0.1]", "valid domain"),
    ("email_to", "ada@-example.org", "valid domain"),
    ("email_to", "ada@example.123", "valid domain"),
    ("email_to", "ada@exa_mple.org", "valid domain"),
    ("email_to", "ada@example.org>", "valid domain"),
    ("email_to", "<ada@example.org>", "only the plain"),
    ("email_to", "adé@example.org", "ASCII"),
    ("email_to", "ada@exämple.org", "ASCII"),
    ("email_to", "ada\u202e@example.org", "ASCII"),
    ("email_to", "a" * 65 + "@example.org", "too long"),
    ("email_to", "a@" + "b" * 250 + ".org", "too long"),
    ("email_to", " ".join(f"m{i}@example.org" for i in range(51)), "At most 50"),
    ("llm_summaries", "some", "not one of all, voted, picked"),
    ("llm_summaries", "", "not one of"),
])
def test_bad_values_are_refused_with_a_clear_message(name: str, value: str,
                                                     error: str) -> None:
    with pytest.raises(InvalidSetting, match=error) as raised:
        DEFAULT.updated(name, value)
    assert len(str(raised.value)) < 400


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("up_emoji", "👍, ⭐", ("👍", "⭐")),
    ("up_emoji", "👍🏽 ❤️ 1️⃣ 🇫🇷 👩‍💻", ("👍🏽", "❤️", "1️⃣", "🇫🇷", "👩‍💻")),
    ("up_emoji", "<:partyparrot:4242> :shipit:", ("<:partyparrot:4242>", ":shipit:")),
    ("down_emoji", "👎", ("👎",)),
    ("summary_words", "10", 10),
    ("summary_words", " 200 ", 200),
    ("min_score", "-3", -3),
    ("digest_weekday", "fri", 4),
    ("digest_weekday", "6", 6),
    ("digest_time", "9:30", "09:30"),
    ("timezone", "Europe/Paris", "Europe/Paris"),
    ("downvotes", "ON", True),
    ("self_votes", "off", False),
    ("name", "  The   Friday  read ", "The Friday read"),
    ("submission_channels", "C1, 3999", ("C1", "3999")),
    ("submission_channels", "#links", ("#links",)),
    ("moderators", "", ()),
    ("summary_language", "", ""),
    ("summary_language", "English\u202e\n", "English"),
    ("email_to", "ada@Example.ORG, Bob.B+news@mail.example.org;ada@example.org",
     ("ada@example.org", "Bob.B+news@mail.example.org")),
    ("email_to", "x@xn--exmple-cua.org", ("x@xn--exmple-cua.org",)),
    ("email_to", " ".join(f"m{i}@example.org" for i in range(50)),
     tuple(f"m{i}@example.org" for i in range(50))),
    ("email_to", "none", ()),
    ("llm_summaries", " Voted ", "voted"),
    ("llm_summaries", "picked", "picked"),
])
def test_good_values_are_parsed(name: str, value: str, expected: object) -> None:
    assert getattr(DEFAULT.updated(name, value), name) == expected


def test_every_setting_has_a_type() -> None:
    assert set(TYPES) == {f.name for f in dataclasses.fields(CommunitySettings)}
    for name, kind in TYPES.items():
        kind.valid(getattr(DEFAULT, name))  # every default is itself valid


def test_emoji_tokens() -> None:
    assert all(is_emoji(e) for e in ("👍", "⬆️", "#️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", ":+1:", "<:a:1>"))
    assert not any(is_emoji(e) for e in ("a", "1", "()", "<@1>", "👍a", ":a b:", "", "™x"))


def test_bad_stored_values_fall_back_to_defaults_with_one_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    # Values no other test stores: the log line is once per process and value.
    stored = json.dumps({"up_emoji": ["()"], "down_emoji": ["", ""], "summary_words": -55,
                         "picks": "10", "downvotes": "yes", "timezone": "Mars/Settings",
                         "self_votes": True, "name": "Friday read", "retired_setting": 1})
    with caplog.at_level(logging.WARNING, logger="bot.community"):
        settings = CommunitySettings.from_json(stored)
        again = CommunitySettings.from_json(stored)
    assert settings == again == CommunitySettings(self_votes=True, name="Friday read")
    assert settings.vote_direction("👍") == 1
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 6, "one line per bad value, not one per load"
    assert any("up_emoji" in line for line in warned)


def test_stored_up_and_down_that_overlap_keep_votes_working() -> None:
    settings = CommunitySettings.from_json(json.dumps(
        {"up_emoji": ["👍"], "down_emoji": ["👍"], "downvotes": True}))
    assert settings.vote_direction("👍") == 1 and settings.down_emoji == ("👎",)


@pytest.mark.parametrize("raw", ["", "{}", "[]", "not json", "null"])
def test_unreadable_stored_settings_are_the_defaults(raw: str) -> None:
    assert CommunitySettings.from_json(raw) == DEFAULT


def test_round_trip_of_every_setting() -> None:
    settings = DEFAULT
    for name, value in [("up_emoji", "👍 ⭐"), ("downvotes", "on"), ("summary_words", "80"),
                        ("digest_weekday", "sunday"), ("moderators", "U1 U2")]:
        settings = settings.updated(name, value)
    assert CommunitySettings.from_json(settings.to_json()) == settings


def test_settings_read_back_as_people_write_them() -> None:
    settings = DEFAULT.updated("up_emoji", "👍, ⭐").updated("downvotes", "on").updated(
        "submission_channels", "C1 C2")
    lines = settings.lines()
    assert len(lines) == len(TYPES) and lines == sorted(lines)
    assert "up_emoji = 👍, ⭐" in lines and "downvotes = on" in lines
    assert "self_votes = off" in lines and "digest_weekday = Monday" in lines
    assert "moderators = (none)" in lines and "submission_channels = C1, C2" in lines
    assert not any("(" in line and "'" in line for line in lines), "no Python tuples"
    assert settings.shown("submission_channels", lambda c: f"<#{c}>") == "<#C1>, <#C2>"
