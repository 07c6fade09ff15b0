"""RSS 2.0 and Atom feeds of a community's published digests, one entry per digest."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from feedgen.feed import FeedGenerator

from bot.digest import Digest, DigestItem
from bot.digest_snapshot import from_snapshot, has_snapshot
from bot.render.text import http_url, plain


def render_feed(community: str, name: str, digests: Sequence[tuple[str, str, datetime]],
                base_url: str = "", atom: bool = False,
                page: Callable[[str], str] | None = None) -> str:
    """``name`` is the newsletter's name ("AI Club digest"); ``digests`` are (period, JSON
    content, posted_at), newest first, as stored. ``page`` gives a period's archive page
    (the web archive is public); without it entries link to ``base_url#period``."""
    feed = FeedGenerator()
    home = http_url(base_url) or f"https://digestif.invalid/{community}"
    feed.id(f"tag:digestif,2026:{community}")
    feed.title(plain(name, 200))
    feed.link(href=home, rel="alternate")
    feed.description(plain(f"{name}: each digest's best links, chosen by votes", 300))
    feed.language("en")
    for period, content, posted_at in reversed(digests):  # feedgen prepends entries
        data = json.loads(content or "{}")
        entry = feed.add_entry()
        entry.id(f"tag:digestif,2026:{community}:{period}")
        entry.title(plain(str(data.get("title") or f"Digest {period}"), 200))
        entry.link(href=http_url(page(period)) if page else f"{home}#{period}")
        entry.published(posted_at)
        entry.updated(posted_at)
        # A digest stored as posted (a snapshot) shows whole; older rows show what they kept.
        body = _digest_html(from_snapshot(data)) if has_snapshot(data) else _entry_html(data)
        entry.content(body, type="html")
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


def _item_html(item: DigestItem, summary: bool) -> str:
    title = escape(plain(item.title, 200))
    href = http_url(item.url)
    head = f'<a href="{escape(href, quote=True)}">{title}</a>' if href else title
    byline = escape(plain(item.byline, 200))
    head += f" <small>{byline}</small>" if byline else ""
    if not summary:
        return f"<li>{head}</li>"
    text = escape(plain(item.summary, 600))
    shared = escape(plain("shared by " + ", ".join(item.submitters), 200)) \
        if item.submitters else ""
    return f"<h3>{head}</h3><p>{text}</p>" + (f"<p><small>{shared}</small></p>" if shared else "")


def _digest_html(digest: Digest) -> str:
    parts = []
    if digest.intro:
        parts.append(f"<p>{escape(plain(digest.intro, 2000))}</p>")
    if digest.tldr:
        parts.append("<ul>" + "".join(f"<li>{escape(plain(b, 300))}</li>"
                                      for b in digest.tldr) + "</ul>")
    parts.extend(_item_html(item, summary=True) for item in digest.ranked_picks)
    if digest.also_shared:
        parts.append("<h3>Also shared</h3><ul>" + "".join(
            _item_html(item, summary=False) for item in digest.also_shared) + "</ul>")
    return "".join(parts) or "<p>No picks.</p>"
