"""The offline summarizer: extractive, unsupervised, standard library only.

A summary is one to three whole sentences of the article, in the article's order, each quoted
word for word but for the two edits of bot.summarize.edits (a leading connective clause, short
asides in parentheses). Nothing is cut to fit: the sentences are chosen so that together they
fit the word budget. Only when no sentence of the article fits does a single sentence run
over, by at most half the budget; when not even that exists the summary is empty, because a
sentence cut mid-way misleads a reader more than no summary does.

Each sentence is scored by how central its words are to the document, a prior for early
position, and a bonus for contribution phrases ("we propose", "this paper"); web boilerplate,
quotations and sentences that lean on context are penalized. The chosen set is the best-scoring
combination of the top sentences that fits, that does not open with a sentence referring back
to something left out, and that does not repeat itself; it also earns how closely its words
match, in kind and in number, what a summary drawn from the article's own word use would say
(see _overlap). Summaries of short texts are shorter.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from bot.cpu import CpuPool
from bot.models import Article, BriefItem, Summary, SummaryPrefs, SummarySource
from bot.summarize.brief import brief_emoji, offline_brief
from bot.summarize.edits import edit, refers_back
from bot.summarize.sanitize import strip_unsafe
from bot.summarize.sentences import count_words, join_sentences, split_sentences, tokens

__all__ = ["OfflineSummarizer", "brief_emoji", "central_sentence", "offline_brief",
           "summarize_text"]

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
    r"watch:|video:|photo:|listen|by \.|published:|updated:|last updated)", re.IGNORECASE)
# Share widgets and player notices that extraction can leave glued to the first sentence.
_CHROME = re.compile(r"^(?:share this with.{0,120}?copy this link|media playback is (?:not |un)?"
                     r"supported on (?:this|your) device)\s*", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|(?i:me|my|you|your))\b")
_QUOTE_END = re.compile(r"[\"'”’]$")
# A sentence a summary can end on: final punctuation, then closing quotes or brackets.
_ENDS = re.compile(r"[.!?。！？][\"'”’)\]»]*$")

SHORT_TEXT_RATIO = 0.35  # a summary aims at this share of a short text...
SHORT_TEXT_FLOOR = 18  # ...but never at fewer than this many words
OVERRUN = 1.5  # a lone sentence may reach this multiple of the budget when none fits
MAX_PICKS = 3  # sentences in a summary
TOP = 8  # the best-scoring sentences whose combinations are tried
MIN_WORDS = 5  # a shorter "sentence" is a caption, a by-line or a heading
DANGLING = 4.0  # cost of a sentence leaning on one that is not in the summary
MAX_SENTENCES = 40
LEAD = 1.5  # bonus of the first sentence; the n-th gets LEAD / n ** LEAD_DECAY
LEAD_DECAY = 0.6
STRONG = 3.0  # bonus of a sentence stating the contribution ("we propose", "this paper")
CONTRIB = 1.5  # ... or reporting one ("we show", "our method")
SPEECH = 1.0  # cost of a sentence in the first person: a quote, not the report
QUOTE = 0.5  # cost of a quotation: someone's words, not the article's point
# The set's value: COVER x the sum over the distinct words it covers of log(count) ** WEXP.
# Chosen on the dev sources; benchmarks/summaries.py re-chooses them leaving each source out.
COVER = 0.5
WEXP = 1.0
QUOTED_SHARE = 0.3  # past this share of quoted sentences a text speaks in the first person
PICK_COST = 1.0  # each sentence must earn its place: a reader prefers fewer
# A reference summary tends to use the article's words as often as the article does: the set
# also earns FIT x the ROUGE-1-like F1 (in %) between its words, stopwords included, and the
# counts that a summary of REF_SHARE x the budget drawn from the article's words would have.
# A short text tells too little of its word use: the term counts total / (total + SHRINK).
# FIT, like COVER and WEXP, is re-chosen leaving each source out by benchmarks/summaries.py.
FIT = 0.8
REF_SHARE = 0.75
SHRINK = 1000
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class _Unit:
    """One sentence of the article as a summary would quote it."""

    index: int
    text: str
    words: int
    score: float
    bonus: float  # the score's part that is not centrality: position, contribution, form
    content: frozenset[str]
    bag: tuple[str, ...]  # every word, stemmed, stopwords included
    leans: bool  # opens with a word that refers back
    first: bool  # the article's first sentence: nothing comes before it


def summarize_text(text: str, max_words: int) -> str:
    """The summary of ``text``: whole sentences within ``max_words`` words (one sentence may
    reach 1.5 x ``max_words`` when no sentence fits), or "" when none can be quoted whole."""
    if max_words <= 0:
        return ""
    units = _units(text)
    if not units:
        return ""
    target = min(max_words, max(SHORT_TEXT_FLOOR,
                                int(count_words(text[:MAX_CHARS]) * SHORT_TEXT_RATIO)))
    whole = [u for u in units if _stands_alone(u)]
    # In a report, a sentence in the first person is a quote: an editor would not make it the
    # summary, and a longer sentence of the report's own is better. A blog written in the
    # first person keeps its sentences.
    told = [u for u in whole if not _quoted(u)]
    # Text without sentence punctuation (a list, a transcript) still has lines to quote.
    pool = (told if len(told) >= (1 - QUOTED_SHARE) * len(whole) else whole) or whole or units
    # A page that repeats a sentence (a pull quote, a caption) must not have it quoted twice.
    first: dict[str, _Unit] = {}
    for unit in pool:
        first.setdefault(unit.text, unit)
    pool = list(first.values())
    usage = Counter(w for u in units for w in u.bag)
    total = sum(usage.values()) or 1
    fit = _Fit(usage, total, REF_SHARE * max_words)
    chosen = (_best_set(pool, target, fit) or _best_set(pool, max_words, fit)
              or _best_set(pool, int(max_words * OVERRUN), fit, picks=1))
    return join_sentences(u.text for u in chosen)


def _stands_alone(unit: _Unit) -> bool:
    """Whether a sentence can be a summary's sentence: it ends, and is no caption or heading."""
    return bool(_ENDS.search(unit.text)) and unit.words >= MIN_WORDS


def _quoted(unit: _Unit) -> bool:
    """Whether a sentence is someone's words: in the first or second person, or in quotes."""
    return bool(_FIRST_PERSON.search(unit.text)) or (
        unit.text.startswith(("\"", "“", "'", "‘")) and bool(_QUOTE_END.search(unit.text)))


def central_sentence(text: str) -> str:
    """The article's most central sentence, as a summary would quote it (see edits.edit), or
    "" for a text without one. For one-line digests and the TL;DR: trim it as you need."""
    units = _units(text)
    if not units:
        return ""
    whole = [u for u in units if _stands_alone(u)] or units
    return max(whole, key=lambda u: u.score - (DANGLING if _dangles(u) else 0)).text


def _units(text: str) -> list[_Unit]:
    # The opening of an article carries its summary; a huge page must not cost more.
    raw = text[:MAX_CHARS].lstrip()
    stripped = _CHROME.sub("", raw)
    sentences = [edit(s) for s in split_sentences(stripped)[:MAX_SENTENCES]]
    kept = [(i, s) for i, s in enumerate(sentences) if s and not _BOILERPLATE.search(s)]
    if not kept:
        return []
    words_of = [tokens(s) for _, s in kept]
    bags = [tuple(_stem(w) for w in words) for words in words_of]
    content = [[stem for w, stem in zip(words, bag, strict=True)
                if w not in _STOP and not w.isdigit()] for words, bag in zip(words_of, bags,
                                                                              strict=True)]
    frequency = Counter(w for words in content for w in words)
    units, rank = [], 0
    for (i, s), words, bag in zip(kept, content, bags, strict=True):
        # The lead prior counts sentences, not the captions and headings between them.
        size, bonus = count_words(s), _bonus(s, rank)
        units.append(_Unit(i, s, size, _score(words, frequency, bonus), bonus,
                           frozenset(words), bag, refers_back(s),
                           i == 0 and len(stripped) == len(raw)))
        rank += _ENDS.search(s) is not None and size >= MIN_WORDS
    return units


def _stem(word: str) -> str:
    """A crude stem, enough to count "layer" and "layers" as one word."""
    if len(word) < 5 or not word.isascii():
        return word
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _score(words: list[str], frequency: Counter[str], bonus: float) -> float:
    unique = set(words)
    if not unique:
        return -1.0
    centrality = sum(math.log1p(frequency[w]) for w in unique) / (math.sqrt(len(unique)) + 1)
    return centrality + bonus


def _bonus(sentence: str, index: int) -> float:
    size = count_words(sentence)
    score: float = LEAD / float((1 + index) ** LEAD_DECAY)
    if _STRONG_CONTRIBUTION.search(sentence):
        score += STRONG
    elif _CONTRIBUTION.search(sentence):
        score += CONTRIB
    if size < 5:
        score -= 2.0
    if size > 60:
        score -= 1.0
    if sentence.endswith("?"):
        score -= 1.0
    if sentence.startswith(("\"", "“", "'")) or _QUOTE_END.search(sentence):
        score -= QUOTE
    if _FIRST_PERSON.search(sentence):
        score -= SPEECH
    return score


@dataclass(frozen=True, slots=True)
class _Fit:
    """What the article predicts of a reference summary: each word's share, and its length."""

    usage: Counter[str]
    total: int
    words: float


def _best_set(units: list[_Unit], budget: int, fit: _Fit,
              picks: int = MAX_PICKS) -> list[_Unit]:
    """The best-scoring combination of up to ``picks`` of the top sentences within ``budget``
    words, in the article's order; [] when no sentence fits."""
    weights: Counter[str] = Counter(w for u in units for w in u.content)
    fitting = [u for u in units if u.words <= budget]
    top = sorted(sorted(fitting, key=lambda u: -u.score)[:TOP], key=lambda u: u.index)
    best: list[_Unit] = []
    best_value = -math.inf
    for n in range(1, min(picks, len(top)) + 1):
        for combo in combinations(top, n):
            if sum(u.words for u in combo) > budget or _dangles(combo[0]):
                continue
            value = _value(combo, weights) + FIT * _overlap(combo, fit)
            if value > best_value:
                best, best_value = list(combo), value
    return best


def _dangles(unit: _Unit) -> bool:
    """Whether ``unit`` refers back to a sentence before it in the article."""
    return unit.leans and not unit.first


def _value(combo: tuple[_Unit, ...], weights: Counter[str]) -> float:
    """How much of the article's recurring vocabulary the sentences cover (a word said twice
    counts once, so a set that repeats itself gains nothing), plus each sentence's bonus."""
    said: set[str] = set()
    value = 0.0
    for k, unit in enumerate(combo):
        value += unit.bonus - PICK_COST
        if k and _dangles(unit) and combo[k - 1].index != unit.index - 1:
            value -= DANGLING  # "It ..." with its "it" left out of the summary
        said |= unit.content
    # A word the article uses once weighs nothing; the weight grows slowly with its count.
    return value + COVER * sum(float(math.log(weights[w]) ** WEXP) for w in said)


def _overlap(combo: tuple[_Unit, ...], fit: _Fit) -> float:
    """The F1 (in %) of the set's words against the counts ``fit`` expects of a reference:
    a word counts up to as often as such a summary would say it, so a set repeating "the"
    or its subject gains little, and a set far shorter or longer than a summary loses."""
    said = Counter(w for u in combo for w in u.bag)
    size = sum(said.values())
    matched = sum(min(n, fit.words * fit.usage[w] / fit.total) for w, n in said.items())
    return 200 * matched / (size + fit.words) * fit.total / (fit.total + SHRINK)


class OfflineSummarizer:
    """Implements bot.platform_ports.Summarizer without any network."""

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
