"""The offline summarizer: extractive, unsupervised, standard library only.

Each sentence is scored by how central its words are to the document, a prior for early
position, and a bonus for contribution phrases ("we propose", "this paper"); sentences that
lean on context (a leading pronoun), web boilerplate, or quotations are penalized. The best
sentence always leads; more follow while the budget allows, in document order, and the
budget is filled from the next sentence. Summaries of short texts are shorter.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from bot.cpu import CpuPool
from bot.models import Article, BriefItem, Summary, SummaryPrefs, SummarySource
from bot.summarize.brief import brief_emoji, offline_brief
from bot.summarize.sanitize import strip_unsafe
from bot.summarize.sentences import (
    count_words,
    first_words,
    join_sentences,
    split_sentences,
    tokens,
)

__all__ = ["OfflineSummarizer", "brief_emoji", "offline_brief", "summarize_text"]

_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is
it its itself just me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself said says
say one two new may might must shall us
"""
_STOP = frozenset(_STOPWORDS.split())
# "We propose X" states the contribution; "we show that" more often reports an experiment.
_STRONG_CONTRIBUTION = re.compile(
    r"\b(we (propose|present|introduce|develop|design|release)|this (paper|work)|"
    r"in this (paper|work))\b", re.IGNORECASE)
_CONTRIBUTION = re.compile(
    r"\b(we (propose|present|introduce|develop|show|demonstrate|describe|design|provide|"
    r"release|find|study|investigate|analy[sz]e)|this (paper|work|article|study)|"
    r"in this (paper|work)|our (method|approach|model|framework|results?)|"
    r"(we|our) (novel|new))\b", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"^(share this|scroll down|click here|follow us|image (copyright|caption)|media playback|"
    r"updates on this|more (stories|on this)|read more|sign up|subscribe|advertisement|"
    r"watch:|video:|photo:|listen)", re.IGNORECASE)
# Share widgets and player notices that extraction can leave glued to the first sentence.
_CHROME = re.compile(r"^(?:share this with.{0,120}?copy this link|media playback is (?:not |un)?"
                     r"supported on (?:this|your) device)\s*", re.IGNORECASE)
_LEANS_ON_CONTEXT = re.compile(r"^(he|she|it|they|his|her|its|their|but|and|also)\b",
                               re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(However|Moreover|Furthermore|In addition|Additionally|Meanwhile|Also|But|And|So|Thus|"
    r"Therefore|Finally|Indeed|Now|In this (paper|work|article)),\s+")
_PARENTHESES = re.compile(r"\s*\([^()]{0,80}\)")
_QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")

SHORT_TEXT_RATIO = 0.15  # a summary is at most this share of a short text...
SHORT_TEXT_FLOOR = 18  # ...but never shorter than this many words
REDUNDANT = 0.7  # share of a sentence's words already said that makes it redundant
MAX_SENTENCES = 40
MAX_CHARS = 20_000


def summarize_text(text: str, max_words: int) -> str:
    """The summary of ``text`` in at most ``max_words`` words."""
    if max_words <= 0:
        return ""
    budget = min(max_words,
                 max(SHORT_TEXT_FLOOR, int(count_words(text[:MAX_CHARS]) * SHORT_TEXT_RATIO)))
    # The opening of an article carries its summary; a huge page must not cost more.
    text = _CHROME.sub("", text[:MAX_CHARS].lstrip())
    sentences = [s for s in (_compress(s) for s in split_sentences(text)) if s]
    sentences = sentences[:MAX_SENTENCES]
    if not sentences:
        return ""
    content = [_content(s) for s in sentences]
    scores = _scores(sentences, content)
    ranked = sorted(range(len(sentences)), key=lambda i: -scores[i])
    best = ranked[0]
    if _count(sentences[best]) > budget:
        return _cut(sentences[best], budget)
    chosen: list[int] = []
    said: set[str] = set()
    used = 0
    for i in ranked:
        size = _count(sentences[i])
        if scores[i] < -0.5 or used + size > budget:
            continue
        words = set(content[i])
        if chosen and words and len(words & said) / len(words) > REDUNDANT:
            continue
        chosen.append(i)
        said |= words
        used += size
        if used >= budget - 3:
            break
    chosen = [best, *sorted(i for i in chosen if i != best)]
    summary = join_sentences(sentences[i] for i in chosen)
    following = [i for i in range(max(chosen) + 1, len(sentences)) if scores[i] > -0.5]
    if used < budget and following:
        fill, cut = first_words(sentences[following[0]], budget - used)
        if _count(fill) >= 4:
            summary = join_sentences((summary, _ellipsis(fill) if cut else fill))
    return summary


def _scores(sentences: list[str], content: list[list[str]]) -> list[float]:
    frequency = Counter(w for words in content for w in words)
    scores = []
    for i, (sentence, words) in enumerate(zip(sentences, content, strict=True)):
        unique = set(words)
        if not unique:
            scores.append(-1.0)
            continue
        size = _count(sentence)
        centrality = sum(math.log1p(frequency[w]) for w in unique) / (math.sqrt(len(unique)) + 1)
        score = centrality + 1.5 / (1 + i) ** 0.6
        if _STRONG_CONTRIBUTION.search(sentence):
            score += 3.0
        elif _CONTRIBUTION.search(sentence):
            score += 1.5
        if _BOILERPLATE.search(sentence):
            score -= 5.0
        if size < 5:
            score -= 2.0
        if size > 60:
            score -= 1.0
        if sentence.endswith("?"):
            score -= 1.0
        if sentence.startswith(("\"", "“", "'")):
            score -= 0.5
        if _LEANS_ON_CONTEXT.match(sentence):
            score -= 1.0
        scores.append(score)
    return scores


def _compress(sentence: str) -> str:
    """Drop what a summary does not need: asides in parentheses, lead-in connectives, and
    the preamble before a contribution phrase ("To fix this, we propose X" -> "We propose X")."""
    sentence = _LEAD_IN.sub("", _PARENTHESES.sub("", sentence)).strip()
    match = _CONTRIBUTION.search(sentence)
    if match and match.start() > 0 and len(sentence[:match.start()].split()) <= 40:
        sentence = sentence[match.start():]
    return sentence[:1].upper() + sentence[1:]


def _content(sentence: str) -> list[str]:
    return [w for w in tokens(sentence) if w not in _STOP and not w.isdigit()]


def _count(sentence: str) -> int:
    return count_words(sentence)


def _cut(sentence: str, max_words: int) -> str:
    kept, cut = first_words(sentence, max_words)
    return _ellipsis(kept) if cut else kept


def _ellipsis(kept: str) -> str:
    return kept.rstrip(",;:–-— ") + "…"


class OfflineSummarizer:
    """Implements bot.ports.Summarizer without any network."""

    def __init__(self, cpu: CpuPool | None = None) -> None:
        # Without a pool the work runs inline: it is bounded (MAX_CHARS of text, about a
        # millisecond), less than handing it to a thread would cost.
        self._cpu = cpu

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        if article.flag is not None or not article.text.strip():
            return Summary("", SummarySource.NONE)
        if self._cpu is None:
            text = summarize_text(article.text, prefs.max_words)
        else:
            text = await self._cpu.run(summarize_text, article.text, prefs.max_words)
        # Page text is as untrusted as model output: it may carry mentions and links.
        return Summary(strip_unsafe(text), SummarySource.OFFLINE)

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        return offline_brief(picks)

    async def aclose(self) -> None:
        return None
