"""The digest's TL;DR ("this week in brief"): three to five bullets, each led by an emoji.

Offline, one bullet per top pick (the summary's first sentence when short, else the title);
past five picks the last bullet names the rest, so the bullets still cover the week. The
emoji is deterministic: by the pick's kind, else by keywords, else a newspaper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.models import BriefItem, SourceKind
from bot.summarize.sanitize import (
    clean_summary,
    fit_words,
    is_refusal,
    strip_preamble,
    strip_unsafe,
)
from bot.summarize.sentences import split_sentences

MAX_BULLETS = 5
MIN_BULLETS = 3
BRIEF_WORDS = 24  # a bullet is read at a glance
ALSO_EMOJI = "➕"

_KIND_EMOJI = {SourceKind.PAPER: "📄", SourceKind.CODE: "🛠️", SourceKind.VIDEO: "🎬"}
_TOPIC_EMOJI = (
    (re.compile(r"\b(releas|launch|open[- ]weights?|announc)", re.I), "🚀"),
    (re.compile(r"\b(gpu|chip|hardware|data[- ]cent|memory|compute)", re.I), "🖥️"),
    (re.compile(r"\b(law|act|regulat|policy|court|ban|govern)", re.I), "⚖️"),
    (re.compile(r"\b(costs?|pric\w*|cheap\w*|budgets?)\b|[$€£]", re.I), "💸"),
    (re.compile(r"\b(secur|vulnerab|breach|attack|privacy)", re.I), "🔒"),
    (re.compile(r"\b(paper|research|study|benchmark|eval)", re.I), "🔬"),
    (re.compile(r"\b(tutorial|guide|how to|walkthrough|fine-tun)", re.I), "🧑‍🏫"),
)
_BULLET_MARK = re.compile(r"^\s*(?:[-*+•·]|\d{1,2}[.)])\s*")


def brief_emoji(pick: BriefItem) -> str:
    if pick.kind in _KIND_EMOJI:
        return _KIND_EMOJI[pick.kind]
    text = f"{pick.title} {pick.summary}"
    return next((emoji for pattern, emoji in _TOPIC_EMOJI if pattern.search(text)), "📰")


def offline_brief(picks: Sequence[BriefItem], limit: int = MAX_BULLETS) -> tuple[str, ...]:
    """One bullet per pick, best first; the last bullet names the picks that did not fit."""
    picks = [p for p in picks if _label(p)]
    if len(picks) <= limit:
        return tuple(_bullet(p) for p in picks)
    head, rest = picks[: limit - 1], picks[limit - 1:]
    names = [strip_unsafe(p.title) or _label(p) for p in rest]
    also = fit_words("Also: " + "; ".join(names[:3]), BRIEF_WORDS)
    if len(names) > 3:
        also += f" and {len(names) - 3} more"
    return (*(_bullet(p) for p in head), f"{ALSO_EMOJI} {also}")


def _label(pick: BriefItem) -> str:
    return strip_unsafe(pick.title) or strip_unsafe(pick.summary) or strip_unsafe(pick.site)


def _bullet(pick: BriefItem) -> str:
    sentences = split_sentences(strip_unsafe(pick.summary))
    lead = sentences[0] if sentences and len(sentences[0].split()) <= BRIEF_WORDS else ""
    return f"{brief_emoji(pick)} {fit_words(lead or _label(pick), BRIEF_WORDS)}"


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
        bullets.append(f"{emoji or brief_emoji(pick)} {text}")
    if len(bullets) < min(MIN_BULLETS, len(picks)):
        return None
    return tuple(bullets[:MAX_BULLETS])


def _leading_emoji(line: str) -> tuple[str, str]:
    """Split a leading emoji sequence (with its joiners, selectors and skin tones) off."""
    end = 0
    while end < len(line) and (_is_pictograph(line[end]) or line[end] in "\u200d\ufe0f"
                               or 0x1F3FB <= ord(line[end]) <= 0x1F3FF):
        end += 1
    emoji = line[:end].replace("\u200d\u200d", "\u200d").strip("\u200d")
    if not emoji or not any(_is_pictograph(ch) for ch in emoji):
        return "", line
    return emoji, line[end:].strip()


def _is_pictograph(ch: str) -> bool:
    return unicodedata.category(ch) == "So" and ord(ch) >= 0x2190
