"""The offline summarizer: extractive, unsupervised, standard library only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.models import Article, BriefItem, SourceKind, Summary, SummaryPrefs, SummarySource

_SENTENCE = re.compile(r"(?<=[.!?。！？])[\"')\]»”’]*\s+(?=[\"'(\[«“‘]?[A-Z0-9À-ÖØ-Þ\u0400-\u04ff])"
                       r"|(?<=[。！？])")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = " ".join(paragraph.split())
        if paragraph:
            sentences.extend(s.strip() for s in _SENTENCE.split(paragraph) if s.strip())
    return sentences


def _words(sentence: str) -> int:
    return len(sentence.split())


def summarize_text(text: str, max_words: int) -> str:
    """Leading sentences of the article that fit in ``max_words`` words."""
    chosen: list[str] = []
    used = 0
    for sentence in split_sentences(text):
        n = _words(sentence)
        if used + n > max_words:
            if not chosen:
                return _cut(sentence, max_words)
            break
        chosen.append(sentence)
        used += n
    return " ".join(chosen)


def _cut(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[: max(max_words - 1, 1)]).rstrip(",;:") + " …"


_KIND_EMOJI = {SourceKind.PAPER: "📄", SourceKind.CODE: "🛠️", SourceKind.VIDEO: "🎬"}


def offline_brief(picks: Sequence[BriefItem], limit: int = 5) -> tuple[str, ...]:
    """TL;DR bullets from the top picks: each led by an emoji, one per pick."""
    bullets = []
    for pick in picks[:limit]:
        lead = summarize_text(pick.summary, 20) if pick.summary else ""
        emoji = _KIND_EMOJI.get(pick.kind, "📰")
        bullets.append(f"{emoji} {pick.title}" + (f": {lead}" if lead else ""))
    return tuple(bullets)


class OfflineSummarizer:
    """Implements bot.ports.Summarizer without any network."""

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        if article.flag is not None or not article.text.strip():
            return Summary("", SummarySource.NONE)
        return Summary(summarize_text(article.text, prefs.max_words), SummarySource.OFFLINE)

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        return offline_brief(picks)

    async def aclose(self) -> None:
        return None
