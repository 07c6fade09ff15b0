"""The main text: trafilatura on the cleaned tree, serialized line by line."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import trafilatura

# "discarding data" on every short page, once per reading: the reader logs its own one line
logging.getLogger("trafilatura.core").setLevel(logging.ERROR)

Focus = Literal["precision", "balanced", "recall"]
_SPACE = re.compile(r"\s+")
# soft hyphens and zero-width characters would split words in two
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCKS = frozenset({"p", "head", "item", "quote", "code", "row", "list", "table"})


def main_text(tree: Any, url: str, *, focus: Focus = "balanced", fast: bool = True) -> str:
    """trafilatura's main text of ``tree`` (which it copies, never changes), one block a line.

    fast: without trafilatura's own fallback extractors (its bundled readability and justext),
    which cost as much as the main pass; the agreement check in article.py replaces them.
    """
    # output_format "txt": bare_extraction then hands back the body tree without also
    # serializing it to text ("python" does), which this module does its own way below.
    doc = trafilatura.bare_extraction(
        tree, url=url or None, output_format="txt", with_metadata=False, include_comments=False,
        include_tables=True, include_links=False,
        favor_precision=focus == "precision", favor_recall=focus == "recall",
        deduplicate=False, fast=fast,
    )
    body = getattr(doc, "body", None)
    if body is None:
        return ""
    return "\n".join(_lines(body))


def _lines(node: Any) -> list[str]:
    """A container's own text, each child's lines, and the text after each child."""
    out: list[str] = []
    lead = norm(node.text or "")
    if lead:
        out.append(lead)
    for child in node:
        out.extend(_block_lines(child))
        tail = norm(child.tail or "")
        if tail:
            out.append(tail)
    return out


def _block_lines(el: Any) -> list[str]:
    tag = el.tag
    if tag in ("list", "table", "quote", "div") and any(c.tag in _BLOCKS for c in el):
        return _lines(el)
    if tag == "row":
        cells = [norm(_text(c)) for c in el]
        line = " | ".join(c for c in cells if c)
        return [line] if line else []
    text = _text(el)
    return [line for line in (norm(part) for part in text.split("\n")) if line]


def _text(el: Any) -> str:
    parts: list[str] = []
    for node in el.iter():
        if node.tag == "lb":
            parts.append("\n")
        elif node is not el:
            if node.tag in _BLOCKS or node.tag == "cell":
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        elif node is el and el.text:
            parts.append(el.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def norm(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()
