"""The named rules around the extractors, and which of them are on.

A rule earns its place only with broad evidence: on the dev set it must improve at least 3 pages
from at least 2 sites and lower no page by more than 0.1 F1 (benchmarks/extraction.py prints
that ablation for every rule). Rules that are off stay listed so the ablation can show why.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    "no_comments": "parse without HTML comments and processing instructions",
    "popups": "drop hover cards and hidden inline nodes inside paragraphs",
    "embeds": "keep embedded posts (tweets, Instagram) as text",
    "nested_articles": "drop <article> teasers nested inside the main <article>",
    "link_lists": "drop lists whose items are short links",
    "include_links": "let trafilatura weigh link text (include_links=True)",
    "precision": "primary trafilatura pass in favor_precision mode (else balanced)",
    "title_line": "drop a first line that repeats the headline",
    "ld_body": "JSON-LD articleBody stands in for a much shorter markup text",
    "boilerplate_lines": "drop short lines like 'Advertisement' or 'Read more'",
    "tail_trim": "trim contact, newsletter and 'follow us' lines off the end",
}
ON: frozenset[str] = frozenset(RULES)
