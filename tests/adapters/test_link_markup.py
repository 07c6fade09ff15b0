"""Each platform's link markup, undone in its adapter: the core reads plain text."""

from __future__ import annotations

import pytest

from adapters.discord.translate import plain_text as discord_text
from adapters.slack.translate import plain_text as slack_text
from adapters.slack.translate import submitted_message
from bot.links import find_urls


@pytest.mark.parametrize(("text", "expected"), [
    ("<https://a.test/x|a label>", ["https://a.test/x"]),
    ("<https://a.test/x|https://b.test/y>", ["https://a.test/x"]),  # the label is text
    ("<https://a.test/?a=1&amp;b=2>", ["https://a.test/?a=1&b=2"]),  # Slack escapes &
    ("<mailto:me@a.test|me>", []),
    ("<@U1> <!channel> see<https://a.test/1>and <https://b.test/2|two>.",
     ["https://a.test/1", "https://b.test/2"]),
    ("dup <https://a.test/x> <https://A.test/x/|again>", ["https://a.test/x"]),
])
def test_slack_markup(text: str, expected: list[str]) -> None:
    assert find_urls(slack_text(text)) == expected


def test_a_slack_message_event_carries_plain_text() -> None:
    posted = submitted_message({"type": "message", "user": "U1", "channel": "C1",
                                "ts": "1.2", "text": "<https://a.test/?a=1&amp;b=2|read>"})
    assert posted is not None and find_urls(posted.text) == ["https://a.test/?a=1&b=2"]


@pytest.mark.parametrize(("text", "expected"), [
    ("<https://a.test/x>", ["https://a.test/x"]),  # embed suppressed
    ("[label](https://a.test/x)", ["https://a.test/x"]),
    ("[https://a.test/shown](https://b.test/real)", ["https://b.test/real"]),
    ("[w](https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("[l](<https://a.test/x>)", ["https://a.test/x"]),
    ("mixed <https://b.test/1> then https://a.test/2 and [l](https://c.test/3)",
     ["https://b.test/1", "https://a.test/2", "https://c.test/3"]),
    ("<@1> <#2> <:name:3> nothing", []),
])
def test_discord_markup(text: str, expected: list[str]) -> None:
    assert find_urls(discord_text(text)) == expected
