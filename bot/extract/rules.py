"""The named rules around the extractors, and which of them are on.

A rule earns its place only with broad evidence: on the dev set it must improve at least 3 pages
from at least 2 sites and lower no page by more than 0.1 F1 (benchmarks/extraction.py prints
that ablation for every rule here). Rules that failed that test were deleted, not switched off:
DOM clean-ups for pop-ups, embedded posts, nested <article> teasers and link lists, parsing
without comments, trafilatura's include_links, the JSON-LD articleBody stand-in and the short
boilerplate-line filter each helped one or two sites at most.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    "precision": "primary trafilatura reading in favor_precision mode (else balanced)",
    "title_line": "drop a first line that repeats the headline",
    "tail_trim": "trim contact, newsletter and 'follow us' lines off the end",
}
ON: frozenset[str] = frozenset(RULES)
