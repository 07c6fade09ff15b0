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
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Config:
    """How the text is found: which rules are on, and the agreement check. The defaults are
    what the bot runs; benchmarks/extraction.py varies them for its ablation."""

    rules: frozenset[str] = ON
    agreement: bool = True
    threshold: float = AGREE


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
    the primary and readability's reading agrees better with the recall one."""
    focus: Focus = "precision" if "precision" in config.rules else "balanced"
    primary = _safe_text(tree, url, focus)
    if not config.agreement or elements > BIG_TREE:
        return primary
    recall = _safe_text(tree, url, "recall")
    if overlap(primary, recall) >= config.threshold:
        return primary
    return choose(primary, recall, readable_text(tree, url)).text


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
