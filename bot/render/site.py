"""The web archive's pages, in the one template (bot.render.layout): the list of public
communities, a community's archive, one digest with previous and next links. Every text is
escaped; links back to the chat never appear (a digest renders without ``chat_links``).
Links between pages are paths of ours, built from validated slugs and period keys."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.archive import ArchivedDigest
from bot.community import Community
from bot.render.html import digest_rows
from bot.render.layout import LINK, MUTED, document, link
from bot.render.text import plain

SITE_TITLE = "Digest archives"


def _e(text: str, limit: int = 200) -> str:
    return escape(plain(text, limit), quote=True)


def community_path(community: Community) -> str:
    return f"/c/{community.slug}/"


def digest_path(community: Community, period: str) -> str:
    return f"/c/{community.slug}/{period}"


def feed_links(community: Community) -> str:
    """Feed autodiscovery for the <head>."""
    name = escape(plain(community.newsletter_name, 200), quote=True)
    base = community_path(community)
    return (f'<link rel="alternate" type="application/rss+xml" title="{name} (RSS)" '
            f'href="{base}feed.xml">'
            f'<link rel="alternate" type="application/atom+xml" title="{name} (Atom)" '
            f'href="{base}atom.xml">')


def _subscribe(community: Community) -> str:
    base = community_path(community)
    return (f'<tr><td class="m" style="padding-top:16px;{MUTED}">Follow: '
            f'{link(base + "feed.xml", "RSS")} · {link(base + "atom.xml", "Atom")}</td></tr>')


def index_page(communities: Sequence[Community]) -> str:
    rows = [f'<tr><td><h1 style="margin:0 0 8px;font-size:24px">{SITE_TITLE}</h1></td></tr>']
    if communities:
        items = "".join(f'<li style="margin:6px 0">'
                        f"{link(community_path(c), _e(c.newsletter_name))}</li>"
                        for c in communities)
        rows.append(f'<tr><td><ul style="padding-left:20px">{items}</ul></td></tr>')
    else:
        rows.append("<tr><td><p>No community publishes its digests here yet.</p></td></tr>")
    return document(SITE_TITLE, "\n".join(rows))


def archive_page(community: Community, digests: Sequence[ArchivedDigest]) -> str:
    """The community's digests, newest first."""
    name = plain(community.newsletter_name, 200)
    rows = [f'<tr><td><nav class="m" style="{MUTED}">{link("/", SITE_TITLE)}</nav>'
            f'<h1 style="margin:4px 0 8px;font-size:24px">{escape(name)}</h1></td></tr>']
    if digests:
        items = "".join(
            f'<li style="margin:6px 0">{link(digest_path(community, d.period), _label(d))}'
            f' <span class="m" style="{MUTED}">· {len(d.digest.picks)} '
            f'{"pick" if len(d.digest.picks) == 1 else "picks"}</span></li>'
            for d in digests)
        rows.append(f'<tr><td><ul style="padding-left:20px">{items}</ul></td></tr>')
    else:
        rows.append("<tr><td><p>No digest has been posted yet.</p></td></tr>")
    rows.append(_subscribe(community))
    return document(name, "\n".join(rows), head=feed_links(community))


def _label(archived: ArchivedDigest) -> str:
    return _e(archived.digest.date_range or archived.period, 80)


def digest_page(community: Community, archived: ArchivedDigest,
                previous: ArchivedDigest | None, following: ArchivedDigest | None) -> str:
    """One digest as posted, between links to the one before and the one after."""
    parts = []
    if previous is not None:
        parts.append(f'<a rel="prev" href="{digest_path(community, previous.period)}" '
                     f'style="{LINK}">'
                     f"← Previous: {_label(previous)}</a>")
    parts.append(link(community_path(community), "All digests"))
    if following is not None:
        parts.append(f'<a rel="next" href="{digest_path(community, following.period)}" '
                     f'style="{LINK}">'
                     f"Next: {_label(following)} →</a>")
    nav = (f'<tr><td><nav class="m" style="{MUTED}padding:8px 0">'
           + " · ".join(parts) + "</nav></td></tr>")
    rows = "\n".join([nav, digest_rows(archived.digest), nav,
                      _subscribe(community)])
    return document(plain(archived.digest.title, 300), rows, head=feed_links(community))
