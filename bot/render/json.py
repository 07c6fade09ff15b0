"""The digest as JSON. The schema is documented in the README; field names are a contract."""

from __future__ import annotations

import json
from typing import Any

from bot.digest import Digest, DigestItem


def item_json(item: DigestItem) -> dict[str, Any]:
    return {
        "rank": item.rank,
        "number": item.number,
        "url": item.url,
        "title": item.title,
        "author": ", ".join(item.authors),
        "authors": list(item.authors),
        "site": item.site,
        "summary": item.summary,
        "summary_source": str(item.summary_source),
        "score": item.score,
        "voters": item.voters,
        "submitters": list(item.submitters),
        "kind": str(item.kind),
        "flags": [str(item.flag)] if item.flag else [],
        "pinned": item.pinned,
    }


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "community": digest.community,
        "title": digest.title,
        "period": {
            "key": digest.period.key,
            "start": digest.period.start.isoformat(),
            "end": digest.period.end.isoformat(),
        },
        "intro": digest.intro,
        "tldr": list(digest.tldr),
        "sections": [
            {"title": s.title, "numbers": [i.number for i in s.items]} for s in digest.sections
        ],
        "picks": [item_json(i) for i in digest.picks],
        "also_shared": [item_json(i) for i in digest.also_shared],
        "totals": {
            "links": digest.totals.links,
            "sharers": digest.totals.sharers,
            "votes": digest.totals.votes,
        },
        "previous_period": digest.previous_period or None,
    }


def render_json(digest: Digest) -> str:
    return json.dumps(digest_json(digest), ensure_ascii=False, indent=2)
