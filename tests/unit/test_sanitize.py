from __future__ import annotations

import pytest

from bot.summarize.breaker import Breaker, retry_after
from bot.summarize.prompts import trim_to_tokens
from bot.summarize.sanitize import clean_summary, fit_words, looks_like_summary, strip_unsafe


@pytest.mark.parametrize("mention", [
    "@everyone", "@here", "<@123>", "<@!123>", "<@&123>", "<#123>", "<!channel>", "<!here>",
    "<!everyone>", "<!subteam^S123|@team>", "<@U123|bob>", "<!date^1392734382^x|y>",
    "</deploy:123>", "<t:1700000000:R>", "<:party:123>", "<a:dance:456>", "<id:customize>",
    "&lt;@123&gt;", "&amp;lt;!here&amp;gt;", "@<b>everyone</b>", "@**here**", "@\u200beveryone",
    "＠everyone",
])
def test_every_mention_syntax_is_neutralized(mention: str) -> None:
    out = strip_unsafe(f"Hello {mention} there")
    assert not any(c in out for c in "<>@＠") and out.startswith("Hello")
    assert "everyone" not in out or "@" not in out


@pytest.mark.parametrize(("raw", "expected"), [
    ("See [the docs](https://x.test/a) now", "See the docs now"),
    ("See <https://x.test|the docs> now", "See the docs now"),
    ("Go to https://x.test/a?b=1 or www.x.test today", "Go to or today"),
    ("**Bold** and __under__ and `code` and ~~gone~~", "Bold and under and code and gone"),
    ("# Heading\n> quote\n- item", "Heading quote item"),
    ("a\u202eb\u200bc\u2066d\u0000e\ufeff", "abcde"),
    ("<img src=x onerror=alert(1)>text<br/>", "text"),
    ("ht**tp://evil.test/x and evil.c__om/y", "and"),
    ("Read [docs](<https://x.test> \"title\") or <https://x.test>", "Read docs or"),
    ("```python\nprint(1)\n```", "print(1)"),
    ("Unclosed <b and [bracket", "Unclosed b and bracket"),
    ("a\u2067b\u2069c\U000e0041d\u00ade", "abcde"),
    ("stray\u200djoiner but 🧑\u200d🏫 stays", "strayjoiner but 🧑\u200d🏫 stays"),
    ("snake_case and *emphasis* and _under_", "snake_case and emphasis and under"),
    ("2024 was big.\n1. first", "2024 was big. first"),
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


def test_non_summaries() -> None:
    assert clean_summary("Would you like me to summarize a different article?", 55) == ""
    assert clean_summary("The provided text does not contain an article.", 55) == ""
    assert clean_summary("<<<ARTICLE>>> repeated back to us here", 55) == ""
    assert clean_summary("{} [] () ;; 12 34 56 78", 55) == ""
    assert not looks_like_summary("word")
    assert clean_summary("Models got much cheaper. Let me know if you want more!", 55) == (
        "Models got much cheaper.")


def test_non_english_summaries_survive() -> None:
    german = "Das Modell ist schneller und kostet weniger als sein Vorgänger."
    assert clean_summary(german, 55) == german
    chinese = "人工智能正在改变世界。许多公司正在投资新的模型。"
    assert clean_summary(chinese, 55) == chinese
    assert fit_words(chinese * 10, 12).endswith("。"), "whole sentences when they fit"
    cut = fit_words("人工智能正在改变世界" * 10, 5)
    assert cut.endswith("…") and len(cut) == 11


@pytest.mark.parametrize("budget", [1, 5, 27, 55])
def test_fit_words_never_exceeds_the_budget(budget: int) -> None:
    text = "Word " * 30 + "x" * 500 + " end. Short one. " + "漢字" * 300
    assert len(fit_words(text, budget).split()) <= budget


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2099 07:28:00 GMT"}) > 3600  # type: ignore[operator]
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


def test_breaker_opens_after_repeated_failures_and_closes_after_the_pause() -> None:
    now = [0.0]
    breaker = Breaker(threshold=3, cooldown=60.0, clock=lambda: now[0])
    assert not breaker.failure("x") and not breaker.failure("x")
    assert breaker.failure("x") and breaker.is_open
    assert not breaker.open(10.0, "again"), "already open: no second log line"
    now[0] = 61.0
    assert not breaker.is_open
    breaker.failure("x")
    breaker.success()
    assert not breaker.failure("x") and not breaker.failure("x")


def test_trim_to_tokens() -> None:
    text = "First paragraph here.\nSecond one is longer than the rest of it. " * 50
    trimmed = trim_to_tokens(text, 100)
    assert len(trimmed) <= 400 and text.startswith(trimmed)
    assert trimmed.endswith((".", "it")), "ends at a boundary"
    assert trim_to_tokens("short", 100) == "short"
    assert len(trim_to_tokens("漢" * 1000, 100)) == 100
