"""arXiv papers: title, authors and abstract from the abs page (abs, pdf and versioned links
are one submission already: they share a canonical URL)."""

from __future__ import annotations

import re

from bot.models import Article, SourceKind
from bot.sources.html_meta import first, meta, parse, text_of

ABS_PATH = re.compile(r"^/abs/(?P<id>[\w.\-/]+)$")


def parse_abs(html: str, url: str) -> Article:
    tree = parse(html)
    title = first(tree, "citation_title", "og:title") or text_of(tree.find(".//title"))
    title = re.sub(r"^\[[\w.\-/]+\]\s*", "", title)
    authors = tuple(_first_last(a) for a in meta(tree, "citation_author"))
    blocks = tree.xpath('//blockquote[contains(@class, "abstract")]')
    abstract = text_of(blocks[0]) if blocks else first(tree, "citation_abstract",
                                                       "og:description")
    abstract = re.sub(r"^Abstract:\s*", "", abstract)
    published = first(tree, "citation_date", "citation_online_date").replace("/", "-")
    return Article(url=url, title=title, text=abstract, authors=authors, site_name="arXiv",
                   published=published[:10], language="en", description=abstract[:300],
                   canonical_url=url, kind=SourceKind.PAPER)


def _first_last(name: str) -> str:
    last, _, given = name.partition(",")
    return f"{given.strip()} {last.strip()}".strip() if given else name.strip()
