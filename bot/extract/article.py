"""extract_article: parse once, read metadata, extract the main text by agreement, flag stubs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from bot.errors import ExtractError
from bot.extract.agree import AGREE, choose, overlap
from bot.extract.body import BIG_TREE, Focus, main_text
from bot.extract.boilerplate import drop_boilerplate
from bot.extract.clean import clean_tree
from bot.extract.flags import detect_flag
from bot.extract.language import guess_language
from bot.extract.metadata import Metadata, one_line, read_metadata
from bot.extract.readable import readable_text
from bot.extract.rules import ON
from bot.models import Article, PageFlag

_PARSER = lxml_html.HTMLParser(collect_ids=False, default_doctype=False)
_PARSER_NO_COMMENTS = lxml_html.HTMLParser(collect_ids=False, default_doctype=False,
                                           remove_comments=True, remove_pis=True)
LD_BODY_MIN_WORDS = 80
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
    tree = parse(html, no_comments="no_comments" in config.rules)
    if tree is None:
        return Article(url=url, title="", text="", flag=PageFlag.EMPTY)
    md = read_metadata(tree, url)
    elements = clean_tree(tree, config.rules)
    text = _finish(_body(tree, url, config, elements), md, config.rules)
    return Article(
        url=url,
        title=md.title,
        text=text,
        authors=md.authors,
        site_name=md.site_name,
        published=md.published,
        language=md.language or guess_language(text),
        description=md.description,
        image=md.image,
        canonical_url=md.canonical_url,
        flag=detect_flag(tree, html, text, not_free=md.not_free),
    )


def _body(tree: Any, url: str, config: Config, elements: int) -> str:
    """The primary reading, unless a recall-mode reading disagrees with it; then whichever of
    the primary and readability's reading agrees better with the recall one."""
    focus: Focus = "precision" if "precision" in config.rules else "balanced"
    links = "include_links" in config.rules
    primary = _safe_text(tree, url, focus, links, elements)
    if not config.agreement or elements > BIG_TREE:
        return primary  # on huge pages a second and third pass cost more than they can add
    recall = _safe_text(tree, url, "recall", links, elements)
    if overlap(primary, recall) >= config.threshold:
        return primary
    return choose(primary, recall, readable_text(tree, url)).text


def _safe_text(tree: Any, url: str, focus: Focus, links: bool, elements: int) -> str:
    try:
        return main_text(tree, url, focus=focus, include_links=links, elements=elements)
    except (ValueError, TypeError, etree.LxmlError):
        # trafilatura gives up on some degenerate trees; that reading is then empty
        return ""


def _finish(text: str, md: Metadata, rules: frozenset[str]) -> str:
    if "title_line" in rules:
        text = _drop_title_line(text, md.title)
    # Pages rendered by JavaScript often ship the whole story in JSON-LD while the markup holds
    # a shell; the publisher's articleBody is then the best text there is.
    ld_words = len(md.body.split())
    if "ld_body" in rules and ld_words >= LD_BODY_MIN_WORDS and len(text.split()) * 2 < ld_words:
        text = "\n".join(" ".join(line.split()) for line in md.body.splitlines() if line.strip())
    return drop_boilerplate(text, rules)


def parse(html: str, *, no_comments: bool = True) -> Any:
    """The document tree, or None when the markup holds no elements at all (a lone comment)."""
    parser = _PARSER_NO_COMMENTS if no_comments else _PARSER
    try:
        return lxml_html.document_fromstring(_XML_DECL.sub("", html, count=1), parser=parser)
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
