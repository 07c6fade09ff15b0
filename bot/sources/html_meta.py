"""Small helpers to read meta tags and text from parsed HTML."""

from __future__ import annotations

from typing import Any

from lxml import html as lxml_html


def parse(text: str) -> Any:
    return lxml_html.document_fromstring(text if text.strip() else "<html></html>")


def meta(tree: Any, *names: str) -> list[str]:
    """Content of <meta name=...> or <meta property=...> tags, in order, for the first name
    that has any."""
    for name in names:
        found = tree.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content')
        values = [" ".join(str(v).split()) for v in found if str(v).strip()]
        if values:
            return values
    return []


def first(tree: Any, *names: str) -> str:
    values = meta(tree, *names)
    return values[0] if values else ""


def text_of(node: Any) -> str:
    return " ".join(str(node.text_content()).split())
