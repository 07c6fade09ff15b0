"""RSS 2.0 and Atom feeds of a community's published digests, one entry per digest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape

from feedgen.feed import FeedGenerator

from bot.render.text import http_url, plain


def render_feed(community: str, name: str, digests: Sequence[tuple[str, str, datetime]],
                base_url: str = "", atom: bool = False) -> str:
    """``name`` is the newsletter's name ("AI Club digest"); ``digests`` are (period, JSON
    content, posted_at), newest first, as stored."""
    feed = FeedGenerator()
    home = http_url(base_url) or f"https://digestif.invalid/{community}"
    feed.id(f"tag:digestif,2026:{community}")
    feed.title(plain(name, 200))
    feed.link(href=home, rel="alternate")
    feed.description(plain(f"{name}: the week's best links, chosen by votes", 300))
    feed.language("en")
    for period, content, posted_at in reversed(digests):  # feedgen prepends entries
        data = json.loads(content or "{}")
        entry = feed.add_entry()
        entry.id(f"tag:digestif,2026:{community}:{period}")
        entry.title(plain(str(data.get("title") or f"Digest {period}"), 200))
        entry.link(href=f"{home}#{period}")
        entry.published(posted_at)
        entry.updated(posted_at)
        entry.content(_entry_html(data), type="html")
    raw: bytes = feed.atom_str(pretty=True) if atom else feed.rss_str(pretty=True)
    return raw.decode("utf-8")


def _entry_html(data: dict[str, object]) -> str:
    parts = []
    tldr = data.get("tldr") or []
    if isinstance(tldr, list) and tldr:
        parts.append("<ul>" + "".join(f"<li>{escape(plain(str(b), 300))}</li>"
                                      for b in tldr) + "</ul>")
    picks = data.get("picks") or []
    for pick in picks if isinstance(picks, list) else []:
        title = escape(plain(str(pick.get("title", "")), 200))
        href = http_url(str(pick.get("url", "")))
        head = f'<a href="{escape(href, quote=True)}">{title}</a>' if href else title
        summary = escape(plain(str(pick.get("summary", "")), 600))
        parts.append(f"<h3>{head}</h3><p>{summary}</p>")
    return "".join(parts) or "<p>No picks.</p>"
