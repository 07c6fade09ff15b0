"""The second opinion: readability-lxml's reading of the page, as lines of plain text.

readability scores blocks by text and punctuation density, a different method from
trafilatura's tree rules, so the two rarely fail on the same page.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from readability import Document

from bot.extract.body import norm

# readability warns on every page it finds little text in; that is the normal case here
logging.getLogger("readability.readability").setLevel(logging.ERROR)
_BLOCK = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "figure", "figcaption", "br", "hr", "body",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "figcaption"})


def readable_text(tree: Any, url: str) -> str:
    """readability's main text of ``tree`` (left unchanged), one block a line; "" on failure."""
    try:
        # readability drops hidden nodes from the tree it is given, so it gets a copy
        summary = Document(copy.deepcopy(tree), url=url or None).summary(html_partial=True)
        # a whole document at times, not the fragment asked for: parse it as one either way
        root = lxml_html.document_fromstring(summary)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError,
            RecursionError, etree.LxmlError):
        # readability raises its own Unparseable (a ValueError) and stumbles on odd trees
        return ""
    parts: list[str] = []
    _walk(root, parts)
    return "\n".join(line for line in (norm(part) for part in "".join(parts).split("\n")) if line)


def _walk(el: Any, parts: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        return
    block = tag in _BLOCK
    if block:
        parts.append("\n")
    if el.text and tag:
        parts.append(el.text)
    for child in el:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")
