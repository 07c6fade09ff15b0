"""desk.parse: the one command grammar the console and Slack share (Discord builds the same
Command values from its typed options)."""

from __future__ import annotations

import pytest

from bot import desk
from bot.desk import Command


@pytest.mark.parametrize(("words", "expected"), [
    ([], Command("help")),
    (["help"], Command("help")),
    (["queue"], Command("queue")),
    (["lock"], Command("lock")),
    (["unlock"], Command("unlock")),
    (["submit", "see", "https://x.test/a"], Command("submit", text="see https://x.test/a")),
    (["preview"], Command("preview")),
    (["preview", "last"], Command("preview", period="last")),
    (["post"], Command("post")),
    (["post", "now"], Command("post", period="now")),
    (["post", "2026-w5"], Command("post", period="2026-W05")),
    (["pick", "3"], Command("pick", 3)),
    (["unpick", "#3"], Command("unpick", 3)),
    (["drop", "3"], Command("drop", 3)),
    (["restore", "3"], Command("restore", 3)),
    (["reject", "3", "off", "topic"], Command("reject", 3, text="off topic")),
    (["intro"], Command("intro")),
    (["intro", "Hello", "all"], Command("intro", text="Hello all")),
    (["config"], Command("config")),
    (["config", "picks"], Command("config", setting="picks")),
    (["config", "name", "The", "Weekly"], Command("config", setting="name", value="The Weekly")),
    (["vote", "4"], Command("vote", 4)),
    (["unvote", "4"], Command("unvote", 4)),
])
def test_every_verb_parses_to_its_command(words: list[str], expected: Command) -> None:
    assert desk.parse(words, prefix="") == expected


@pytest.mark.parametrize(("console", "slack"), [
    (["/queue"], ["queue"]),
    (["/pick", "7"], ["pick", "7"]),
    (["/reject", "7", "spam"], ["reject", "7", "spam"]),
    (["/digest"], ["preview"]),
    (["/digest", "last"], ["preview", "last"]),
    (["/digest", "post"], ["post"]),
    (["/digest", "post", "now"], ["post", "now"]),
    (["/digest", "post", "last"], ["post", "last"]),
    (["/config", "picks", "3"], ["config", "picks", "3"]),
    (["/intro", "Hi"], ["intro", "Hi"]),
    (["/LOCK"], ["lock"]),
    (["+1", "2"], ["vote", "2"]),
    (["/unvote", "2"], ["unvote", "2"]),
    (["/help"], []),
])
def test_console_and_slack_spellings_are_one_command(console: list[str],
                                                     slack: list[str]) -> None:
    assert desk.parse(console) == desk.parse(slack, prefix="")


def test_minus_one_votes_against() -> None:
    assert desk.parse(["-1", "2"]) == Command("vote", 2, up=False)


@pytest.mark.parametrize(("words", "usage"), [
    (["+1"], "+1 N"),
    (["+1", "0"], "+1 N"),
    (["-1", "x"], "-1 N"),
    (["+1", "²"], "+1 N"),
    (["+1", "1", "2"], "+1 N"),
    (["/unvote", str(2**63)], "/unvote N"),
    (["/pick"], "/pick N"),
    (["/pick", "-3"], "/pick N"),
    (["/reject", "three", "why"], "/reject N [REASON]"),
    (["/submit"], "/submit URL"),
    (["/digest", "next"], desk.DIGEST_USAGE),
    (["/digest", "now"], desk.DIGEST_USAGE),
    (["/digest", "post", "last", "this"], desk.DIGEST_USAGE),
    (["/post", "2026-W99"], "/post [now|this|last|PERIOD]"),
])
def test_bad_arguments_answer_with_the_usage_line(words: list[str], usage: str) -> None:
    with pytest.raises(desk.Usage) as raised:
        desk.parse(words)
    assert raised.value.usage.startswith(usage)
    assert str(raised.value).startswith("Usage: " + usage)


def test_an_unknown_verb_answers_with_every_command() -> None:
    with pytest.raises(desk.Usage) as raised:
        desk.parse(["frobnicate"], prefix="")
    assert str(raised.value) == desk.usage("")


def test_is_verb_knows_both_spellings_and_nothing_else() -> None:
    assert desk.is_verb("/queue") and desk.is_verb("queue") and desk.is_verb("+1")
    assert not desk.is_verb("/as") and not desk.is_verb("https://x.test")
