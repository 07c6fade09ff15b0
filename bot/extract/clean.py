"""DOM rules applied before trafilatura sees the page.

Each rule fixes a pattern that trafilatura's scoring gets wrong on many sites, not on one:
hover cards hidden inside paragraphs, embedded posts whose link density gets them pruned,
teaser <article>s of related posts, and lists of short links.
"""

from __future__ import annotations

import re
from typing import Any

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Hover cards and tooltips sit inside paragraphs, hidden by CSS we do not run; their text would
# be glued into the sentence around them.
_POPUP_CLASS = re.compile(r"(?:^|[\s_-])(?:tooltip|popover|rollover|hovercard|popup)(?:$|[\s_-])",
                          re.IGNORECASE)
_EMBED_CLASS = re.compile(r"\b(?:twitter-tweet|instagram-media|tiktok-embed)\b")
MAIN_ARTICLE_MIN_WORDS = 100
LINK_LIST_MIN_ITEMS = 2
LINK_ITEM_MAX_WORDS = 25
LINK_RATIO = 0.8
_WRAPPER_NAME = re.compile(r"social|embed|tweet|twitter|instagram", re.IGNORECASE)
_INLINE = frozenset({"span", "a", "em", "strong", "b", "i", "u", "small", "sup", "sub", "font"})


def clean_tree(tree: Any, rules: frozenset[str]) -> int:
    """Prepare ``tree`` in place for the extractors; returns how many elements it had.

    ``rules`` names the rules (bot.extract.rules) to apply."""
    doomed: list[Any] = []
    embeds: list[Any] = []
    count = 0
    for el in tree.iter("*"):
        count += 1
        tag = el.tag
        if not isinstance(tag, str):
            continue
        cls = el.get("class") or ""
        if "popups" in rules and tag in _INLINE and _is_popup(el, cls) and _inside_paragraph(el):
            doomed.append(el)
        elif "embeds" in rules and tag == "blockquote" and _EMBED_CLASS.search(cls):
            embeds.append(el)
    # the tree is only changed after the walk: lxml iterators do not survive moves
    for el in doomed:
        _drop(el)
    for el in embeds:
        _flatten_links(el)
    if "nested_articles" in rules:
        _drop_nested_articles(tree)
    if "link_lists" in rules:
        for lst in tree.xpath("//ul | //ol"):
            if _is_link_list(lst):
                _drop(lst)
    return count


def _drop_nested_articles(tree: Any) -> None:
    """An <article> inside another is a teaser of a related post (HTML's own meaning), and is
    only noise when the page has a main article of its own outside such teasers."""
    nested = tree.xpath("//article[ancestor::article]")
    if not nested:
        return
    total = sum(len(a.text_content().split())
                for a in tree.xpath("//article[not(ancestor::article)]"))
    teasers = sum(len(a.text_content().split()) for a in tree.xpath(
        "//article[ancestor::article and not(ancestor::article[ancestor::article])]"))
    if total - teasers >= MAIN_ARTICLE_MIN_WORDS:
        for el in nested:
            if el.getparent() is not None:
                _drop(el)


def _is_link_list(lst: Any) -> bool:
    """A list of short links ("related", "don't miss", "more on this") is navigation."""
    items = [li for li in lst if li.tag == "li"]
    if len(items) < LINK_LIST_MIN_ITEMS:
        return False
    for li in items:
        words = len(li.text_content().split())
        linked = sum(len(a.text_content().split()) for a in li.iter("a"))
        if words == 0 or words > LINK_ITEM_MAX_WORDS or linked < LINK_RATIO * words:
            return False
    return True


def _is_popup(el: Any, cls: str) -> bool:
    # Hidden blocks elsewhere are left alone: "read more" bodies are often hidden until a click.
    style = el.get("style") or ""
    return bool(_POPUP_CLASS.search(cls) or _HIDDEN_STYLE.search(style)
                or el.get("hidden") is not None)


def _inside_paragraph(el: Any) -> bool:
    parent = el.getparent()
    depth = 0
    while parent is not None and depth < 6:
        if parent.tag == "p":
            return True
        parent = parent.getparent()
        depth += 1
    return False


def _flatten_links(el: Any) -> None:
    """An embedded post is content, but its links make it look like a link list."""
    for link in el.xpath(".//a"):
        link.drop_tag()
    for attr in ("class", "id", "style"):
        el.attrib.pop(attr, None)
    # Wrappers named "social-media-embed" and the like are discarded wholesale by trafilatura's
    # boilerplate rules, so the post takes its wrapper's place.
    for _ in range(3):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "article", "main"):
            break
        names = f"{parent.get('class', '')} {parent.get('id', '')}"
        if not _WRAPPER_NAME.search(names) or any(
                c is not el and c.tag != "script" for c in parent):
            break
        el.tail = (el.tail or "") + (parent.tail or "")
        parent.addprevious(el)
        parent.getparent().remove(parent)


def _drop(el: Any) -> None:
    # drop_tree keeps the tail text, which belongs to the surrounding sentence
    if el.getparent() is not None:
        el.drop_tree()
