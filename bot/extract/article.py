"""extract_article: parse once, read metadata, extract the main text by agreement, flag stubs.

The text comes from agreement between extractors rather than from site-shaped rules:
trafilatura reads the page twice (precision and recall focus); when the readings agree, the
precision one is kept; when they do not, readability-lxml gives a second opinion and the text
closer to the recall reading wins. Only rules with broad dev-set evidence remain (rules.py).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from bot.errors import ExtractError
from bot.extract.agree import AGREE, choose, overlap
from bot.extract.body import Focus, main_text
from bot.extract.boilerplate import trim_tail
from bot.extract.flags import detect_flag
from bot.extract.language import article_language
from bot.extract.meta_fallback import fill_gaps
from bot.extract.metadata import Metadata, one_line, read_metadata
from bot.extract.readable import readable_text
from bot.extract.rules import ON
from bot.models import Article, PageFlag

_PARSER = lxml_html.HTMLParser(collect_ids=False, default_doctype=False)
# lxml.html picks each element's class in Python (form fields get their own); extraction never
# uses those, and the C-level default lookup cuts CPU p95 by ~15% with the same output.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
# Past this many elements readability's scoring costs seconds; the 100 dev pages have at most
# ~1,700 elements, so only the primary reading is made.
BIG_TREE = 15_000
# The recall reading referees a primary that may have missed the story. To disagree it must
# find text the primary left out, more than (2 / threshold - 2) of it (a fifth of the primary at
# 0.9), and that is mostly loose text (straight in layout blocks, outside paragraphs: what a
# precision reading drops). So it is skipped when the primary is long and the page holds less
# loose text than that. On
# the 100 dev pages every disagreement came with a primary under 1,100 characters; the length
# cut is about twice that (benchmarks/extraction.py derives it anew for each held-out site).
# The recall reading is skipped on 62 of those pages, saving a third of each one's CPU.
RECALL_BELOW = 2000
_LAYOUT = ("body", "div", "section", "article", "main", "header", "footer", "aside", "nav", "td",
           "center", "form")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Config:
    """How the text is found: which rules are on, and the agreement check. The defaults are
    what the bot runs; benchmarks/extraction.py varies them for its ablation."""

    rules: frozenset[str] = ON
    agreement: bool = True
    threshold: float = AGREE
    recall_below: int = RECALL_BELOW  # characters of primary text from which it may be trusted


DEFAULT = Config()


def extract_article(html: str, url: str) -> Article:
    """Extract an article from HTML. Stubs (paywall, login wall, ...) come back flagged.

    Raises ExtractError only when the input cannot be parsed as HTML at all.
    """
    return extract_with(html, url, DEFAULT)


def extract_with(html: str, url: str, config: Config) -> Article:
    if not html or not html.strip():
        return Article(url=url, title="", text="", flag=detect_flag(None, "", ""))
    tree = parse(html)
    if tree is None:
        return Article(url=url, title="", text="", flag=PageFlag.EMPTY)
    md = read_metadata(tree, url)
    elements = sum(1 for _ in tree.iter())
    text = _finish(_body(tree, url, config, elements), md, config.rules)
    flag = detect_flag(tree, html, text, not_free=md.not_free)
    fill_gaps(md, tree, url)
    return Article(
        url=url,
        title=md.title,
        text=text,
        authors=md.authors,
        site_name=md.site_name,
        published=md.published,
        language=article_language(md.language, text),
        description=md.description,
        image=md.image,
        canonical_url=md.canonical_url,
        flag=flag,
    )


def _body(tree: Any, url: str, config: Config, elements: int) -> str:
    """The primary reading, unless a recall-mode reading disagrees with it; then whichever of
    the primary and readability's reading agrees better with the recall one. A long primary
    is trusted without the recall reading."""
    focus: Focus = "precision" if "precision" in config.rules else "balanced"
    primary = _safe_text(tree, url, focus)
    if not config.agreement or elements > BIG_TREE or primary_trusted(primary, tree, config):
        return primary
    recall = _safe_text(tree, url, "recall")
    if overlap(primary, recall) >= config.threshold:
        return primary
    return choose(primary, recall, readable_text(tree, url)).text


def primary_trusted(primary: str, tree: Any, config: Config) -> bool:
    """A long primary on a page with too little loose text for a recall reading to add
    enough to disagree with it."""
    if len(primary) < config.recall_below:
        return False
    return loose_text(tree) < (2 / config.threshold - 2) * len(primary)


def loose_text(tree: Any) -> int:
    """Characters of text standing straight in the body's layout blocks, not in a paragraph,
    heading, list item or link: the old-CMS story split by <br> that only a recall reading
    (or readability) takes in."""
    body = tree.find("body")
    count = 0
    for block in (body if body is not None else tree).iter(*_LAYOUT):
        count += len((block.text or "").strip())
        count += sum(len((child.tail or "").strip()) for child in block)
    return count


def _safe_text(tree: Any, url: str, focus: Focus) -> str:
    try:
        return main_text(tree, url, focus=focus)
    except (ValueError, TypeError, etree.LxmlError):
        # trafilatura gives up on some degenerate trees; that reading is then empty
        return ""


def _finish(text: str, md: Metadata, rules: frozenset[str]) -> str:
    if "title_line" in rules:
        text = _drop_title_line(text, md.title)
    if "tail_trim" in rules:
        text = trim_tail(text)
    return text


def parse(html: str) -> Any:
    """The document tree, or None when the markup holds no elements at all (a lone comment)."""
    try:
        return lxml_html.document_fromstring(_XML_DECL.sub("", html, count=1), parser=_PARSER)
    except etree.ParserError as err:
        if "empty" in str(err).lower():
            return None
        raise ExtractError("the page could not be parsed") from err
    except (ValueError, etree.LxmlError) as err:
        raise ExtractError("the page could not be parsed") from err


def _drop_title_line(text: str, title: str) -> str:
    """The headline often opens the extracted text, sometimes with the site name around it;
    it is not part of the body."""
    first, _, rest = text.partition("\n")
    head, name = first.strip().casefold(), title.casefold()
    if head and name and len(head.split()) < 25 and (
        head in name or difflib.SequenceMatcher(None, head, name).ratio() > 0.8
    ):
        return rest
    return text


__all__ = ["DEFAULT", "Config", "extract_article", "extract_with", "one_line"]
