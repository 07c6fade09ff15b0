"""The digest as JSON. The schema is documented in docs/digest.md; field names are a contract
(consumers outside the repository read them): add fields, never rename or remove one.

``chat_links``: each item's ``chat_url`` (the message that shared it) is for members only.
The export a member or the operator asks for carries it; JSON served to the public (an
archive page) leaves the field out.
"""

from __future__ import annotations

import json
from typing import Any

from bot.digest import Digest, DigestItem
from bot.render.text import http_url, plain, previous_shown

SCHEMA = "digestif.digest/1"


def item_json(item: DigestItem, chat_links: bool = False) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "rank": item.rank,
        "number": item.number,
        "url": http_url(item.url),
        "title": plain(item.title, 300),
        "author": plain(item.author, 200),
        "authors": [plain(a, 100) for a in item.authors],
        "site": plain(item.site, 100),
        "summary": plain(item.summary, 1200),
        "summary_source": str(item.summary_source),
        "score": item.score,
        "voters": item.voters,
        "submitters": [plain(s, 80) for s in item.submitters],
        "kind": str(item.kind),
        "flags": [str(item.flag)] if item.flag else [],
        "pinned": item.pinned,
    }
    if chat_links:
        fields["chat_url"] = http_url(item.chat_url) or None
    return fields


def digest_json(digest: Digest, *, chat_links: bool = False) -> dict[str, Any]:
    """``chat_links``: the reader is a member, so links back to the chat (each item's message,
    the platform's permalink of the previous digest) are kept; public outputs leave them out."""
    return {
        "schema": SCHEMA,
        "community": digest.community,
        "title": plain(digest.title, 300),
        "period": {
            "key": digest.period.key,
            "start": digest.period.start.isoformat(),
            "end": digest.period.end.isoformat(),
            "label": digest.date_range,
        },
        "intro": plain(digest.intro, 2000),
        "tldr": [plain(b, 400) for b in digest.tldr],
        "sections": [
            {"title": s.title, "numbers": [i.number for i in s.items]} for s in digest.sections
        ],
        "picks": [item_json(i, chat_links) for i in digest.ranked_picks],
        "also_shared": [item_json(i, chat_links) for i in digest.also_shared],
        "totals": {
            "links": digest.totals.links,
            "sharers": digest.totals.sharers,
            "votes": digest.totals.votes,
        },
        "previous_period": digest.previous_period or None,
        "previous_url": (http_url(digest.previous_url) or None)
        if previous_shown(digest, chat_links) else None,
        "previous_label": plain(digest.previous_label, 80) or None,
        "community_name": plain(digest.community_name, 200),
    }


def render_json(digest: Digest, *, chat_links: bool = False) -> str:
    return json.dumps(digest_json(digest, chat_links=chat_links), ensure_ascii=False, indent=2)
