from __future__ import annotations

import pytest

from bot.summarize.sanitize import clean_summary, fit_words, strip_unsafe


@pytest.mark.parametrize("mention", [
    "@everyone", "@here", "<@123>", "<@!123>", "<@&123>", "<#123>", "<!channel>", "<!here>",
    "<!everyone>", "<!subteam^S123|@team>", "<@U123|bob>", "<!date^1392734382^x|y>",
])
def test_every_mention_syntax_is_neutralized(mention: str) -> None:
    out = strip_unsafe(f"Hello {mention} there")
    assert "<" not in out and "@" not in out and out.startswith("Hello")


@pytest.mark.parametrize(("raw", "expected"), [
    ("See [the docs](https://x.test/a) now", "See the docs now"),
    ("See <https://x.test|the docs> now", "See the docs now"),
    ("Go to https://x.test/a?b=1 or www.x.test today", "Go to or today"),
    ("**Bold** and __under__ and `code` and ~~gone~~", "Bold and under and code and gone"),
    ("# Heading\n> quote\n- item", "Heading quote item"),
    ("a\u202eb\u200bc\u2066d\u0000e\ufeff", "abcde"),
    ("<img src=x onerror=alert(1)>text<br/>", "text"),
])
def test_unsafe_parts_are_removed(raw: str, expected: str) -> None:
    assert strip_unsafe(raw) == expected


def test_refusals_preambles_and_non_summaries() -> None:
    assert clean_summary("I'm sorry, I can't do that.", 55) == ""
    assert clean_summary("As an AI, I cannot browse.", 55) == ""
    assert clean_summary("Sure! Here's a short summary: Models got cheaper this year.", 55) == (
        "Models got cheaper this year.")
    assert clean_summary("TL;DR: Models got cheaper this year.", 55) == (
        "Models got cheaper this year.")
    assert clean_summary("Too short.", 55) == ""


def test_fit_words_prefers_whole_sentences_then_a_word_cut() -> None:
    text = "One two three. Four five six seven. Eight."
    assert fit_words(text, 5) == "One two three."
    assert fit_words("a b c d e f g", 3) == "a b c…"
    assert fit_words(text, 50) == text


def test_grapheme_safe_cut_of_a_giant_word() -> None:
    word = "e\u0301" * 100  # e + combining acute, 200 code points
    out = fit_words(word, 10)
    assert out.endswith("…")
    assert not out[:-1].endswith("e"), "the combining mark stays with its letter"
