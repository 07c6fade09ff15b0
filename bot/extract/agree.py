"""Agreement between extractors: when two ways of reading a page give the same text, the page
is easy and the primary is trusted; when they disagree, a second opinion settles it.

Agreement is measured like the article-extraction benchmark scores text: the F1 of the
multisets of 4-word shingles. That needs no tuning to any site.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
SHINGLE = 4
AGREE = 0.9  # from the issue; leave-one-site-out in benchmarks/extraction.py checks it


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    if not words:
        return Counter()
    if len(words) < SHINGLE:
        return Counter([tuple(words)])
    return Counter(zip(*(words[i:] for i in range(SHINGLE)), strict=False))


def overlap(a: str, b: str) -> float:
    """Shingle F1 of two texts: 1.0 for the same words in the same order, 0.0 for nothing shared
    (and for one empty text); two empty texts agree."""
    if a == b:
        return 1.0  # most pages: both readings give the very same text; no shingles needed
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    shared = sum((sa & sb).values())
    if not shared:
        return 0.0
    return 2 * shared / (sum(sa.values()) + sum(sb.values()))


@dataclass(frozen=True, slots=True)
class Verdict:
    text: str
    source: str  # "primary" or "fallback": which extractor's text was kept


def choose(primary: str, recall: str, fallback: str) -> Verdict:
    """The text that agrees better with the recall-mode reading of the page.

    The recall reading errs towards too much text, so it is a referee for what the page's story
    is, not a candidate: its extra chrome would cost precision. Ties go to the primary.
    """
    if overlap(fallback, recall) > overlap(primary, recall):
        return Verdict(fallback, "fallback")
    return Verdict(primary, "primary")
