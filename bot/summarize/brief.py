"""The digest's TL;DR ("this week in brief"): one bullet per top pick, each led by an emoji.

A bullet says what happened or why it matters in one sentence; it never repeats the pick's
title, which the reader sees a few lines below. Offline, it is the pick's most central
sentence trimmed at a clause (bot.summarize.lead); with a model, one call writes them all.
Picks past the fifth, or with nothing to say beyond their title, are named on a last "Also:"
line by whole titles or by count. The emoji is deterministic: by the pick's kind, else by
topic keywords, else a newspaper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.models import BriefItem, SourceKind
from bot.summarize.lead import lead_sentence, repeats_title
from bot.summarize.sanitize import clean_summary, is_refusal, strip_preamble, strip_unsafe

MAX_BULLETS = 5
MIN_BULLETS = 3
BRIEF_WORDS = 24  # a bullet is read at a glance
ALSO_EMOJI = "➕"
ALSO_WORDS = 24  # whole titles named on the "Also:" line, at most this many words
ALSO_TITLES = 3

_KIND_EMOJI = {SourceKind.PAPER: "📄", SourceKind.CODE: "🛠️", SourceKind.VIDEO: "🎬"}
_TOPIC_EMOJI = (
    (re.compile(r"\b(releas|launch|open[- ]weights?|announc)", re.I), "🚀"),
    (re.compile(r"\b(gpu|chip|hardware|data[- ]cent|memory|compute)", re.I), "🖥️"),
    (re.compile(r"\b(laws?|acts?|regulat\w*|polic(y|ies)|courts?|bans?|govern\w*|"
                r"lawsuits?|antitrust)\b", re.I), "⚖️"),
    (re.compile(r"\b(costs?|pric\w*|cheap\w*|budgets?)\b|[$€£]", re.I), "💸"),
    (re.compile(r"\b(secur|vulnerab|breach|attack|privacy)", re.I), "🔒"),
    (re.compile(r"\b(paper|research|study|benchmark|eval)", re.I), "🔬"),
    (re.compile(r"\b(tutorial|guide|how to|walkthrough|fine-tun|course|lesson)", re.I), "🧑‍🏫"),
    (re.compile(r"\b(health|medic\w*|patients?|clinic\w*|drugs?|disease)", re.I), "🩺"),
    (re.compile(r"\b(climate|energy|power grid|solar|emissions?|electricity)", re.I), "⚡"),
    (re.compile(r"\b(robot\w*|self-driving|autonomous|drones?)", re.I), "🤖"),
    (re.compile(r"\b(space|satellites?|rockets?|nasa|orbit\w*)\b", re.I), "🛰️"),
    (re.compile(r"\b(funding|raises?|acqui\w*|valuation|startups?|ipo)\b", re.I), "💰"),
)
_BULLET_MARK = re.compile(r"^\s*(?:[-*+•·]|\d{1,2}[.)])\s*")


def brief_emoji(pick: BriefItem) -> str:
    if pick.kind in _KIND_EMOJI:
        return _KIND_EMOJI[pick.kind]
    text = f"{pick.title} {pick.summary}"
    return next((emoji for pattern, emoji in _TOPIC_EMOJI if pattern.search(text)), "📰")


def offline_brief(picks: Sequence[BriefItem], limit: int = MAX_BULLETS) -> tuple[str, ...]:
    """One bullet per top pick (up to ``limit``), each its most central sentence trimmed at a
    clause; then one "Also:" line naming the rest by whole titles or by count. A pick with no
    sentence that says more than its title gets no bullet and is named in "Also:" instead."""
    bullets: list[str] = []
    others: list[BriefItem] = []
    for pick in picks:
        line = lead_sentence(pick) if len(bullets) < limit else ""
        if line:
            bullets.append(f"{brief_emoji(pick)} {line}")
        elif _label(pick):
            others.append(pick)
    if others and bullets:  # an "Also:" line alone would only read the titles back
        bullets.append(f"{ALSO_EMOJI} {also_line(others, picked=bool(bullets))}")
    return tuple(bullets)


def also_line(picks: Sequence[BriefItem], picked: bool = True) -> str:
    """'Also: A; B; C.' with whole titles while they fit, then 'and N more'; titles are never
    cut, so one too long for the line is counted instead."""
    names: list[str] = []
    words = 0
    for pick in picks:
        title = strip_unsafe(pick.title)
        size = len(title.split())
        if not title or words + size > ALSO_WORDS or len(names) == ALSO_TITLES:
            break
        names.append(title.rstrip(".;:, "))
        words += size
    rest = len(picks) - len(names)
    more = "more pick" if picked else "pick"
    if not names:
        return f"Also: {rest} {more}{'s' if rest > 1 else ''} below."
    tail = f"; and {rest} {more}{'s' if rest > 1 else ''}" if rest else ""
    return "Also: " + "; ".join(names) + tail + "."


def _label(pick: BriefItem) -> str:
    return strip_unsafe(pick.title) or strip_unsafe(pick.summary) or strip_unsafe(pick.site)


def bullets_from_answer(answer: str, picks: Sequence[BriefItem]) -> tuple[str, ...] | None:
    """A model's TL;DR as safe bullets, each led by an emoji; None when it is not usable
    (a refusal, too few bullets for the picks)."""
    answer = strip_preamble(answer.strip())
    if not answer or is_refusal(answer):
        return None
    bullets: list[str] = []
    for line in answer.splitlines():
        line = _BULLET_MARK.sub("", line)
        emoji, rest = _leading_emoji(line.strip())
        text = clean_summary(rest, BRIEF_WORDS, max_sentences=2, min_words=3)
        if not text or text.endswith(":"):
            continue
        pick = picks[min(len(bullets), len(picks) - 1)]
        if any(repeats_title(text, p.title) for p in picks):
            continue  # a title read back says nothing the digest does not show anyway
        bullets.append(f"{emoji or brief_emoji(pick)} {text}")
    if len(bullets) < min(MIN_BULLETS, len(picks)):
        return None
    return tuple(bullets[:MAX_BULLETS])


def _leading_emoji(line: str) -> tuple[str, str]:
    """Split a leading emoji sequence (with its joiners, selectors and skin tones) off."""
    end = 0
    while end < len(line) and (_is_pictograph(line[end]) or line[end] in "\u200d\ufe0f"
                               or 0x1F3FB <= ord(line[end]) <= 0x1F3FF  # skin tones
                               or 0xE0020 <= ord(line[end]) <= 0xE007F):  # flag tags
        end += 1
    # The sequence goes through the same sanitizer as the text (tag letters survive only
    # as a whole subdivision flag).
    emoji = strip_unsafe(line[:end].replace("\u200d\u200d", "\u200d").strip("\u200d"))
    if not emoji or not any(_is_pictograph(ch) for ch in emoji):
        return "", line
    return emoji, line[end:].strip()


def _is_pictograph(ch: str) -> bool:
    return unicodedata.category(ch) == "So" and ord(ch) >= 0x2190
