"""A posted digest, stored as posted: a lossless, versioned JSON form of ``bot.digest.Digest``.

A digest is stored with its period when it is posted, so every later export, preview or feed
of that period shows exactly what went out, whatever the settings or the votes say since.
The form is ``{"version": 1, "digest": {...}}``; a reader meeting a newer version refuses it
with a clear error rather than guessing. Fields added later within a version are optional
(``chat_url``, ``previous_public``): a snapshot written before them loads with their empty
value, and an older reader drops them. The version changes only when an older reader would
misread a snapshot.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.digest import Digest, DigestItem, DigestSection, DigestTotals, Untrusted
from bot.errors import StorageError
from bot.models import PageFlag, SourceKind, SummarySource
from bot.period import Period
from bot.render.json import digest_json

SNAPSHOT_VERSION = 1


class SnapshotError(StorageError):
    """A stored digest that this version cannot read."""


def _item(item: DigestItem) -> dict[str, Any]:
    return {
        "rank": item.rank, "number": item.number, "url": item.url, "title": item.title,
        "authors": list(item.authors), "site": item.site, "summary": item.summary,
        "summary_source": str(item.summary_source), "score": item.score,
        "voters": item.voters, "submitters": list(item.submitters), "kind": str(item.kind),
        "flag": str(item.flag) if item.flag is not None else None, "pinned": item.pinned,
        "submission_id": item.submission_id, "chat_url": item.chat_url,
    }


def to_snapshot(digest: Digest) -> dict[str, Any]:
    """Everything the digest holds, as JSON-ready values (nothing escaped or trimmed:
    renderers do that when they show it)."""
    return {
        "version": SNAPSHOT_VERSION,
        "digest": {
            "community": digest.community,
            "community_name": digest.community_name,
            "period": {"key": digest.period.key, "start": digest.period.start.isoformat(),
                       "end": digest.period.end.isoformat()},
            "title": digest.title,
            "intro": digest.intro,
            "tldr": list(digest.tldr),
            "sections": [{"title": s.title, "items": [_item(i) for i in s.items]}
                         for s in digest.sections],
            "also_shared": [_item(i) for i in digest.also_shared],
            "totals": {"links": digest.totals.links, "sharers": digest.totals.sharers,
                       "votes": digest.totals.votes},
            "previous_period": digest.previous_period,
            "previous_url": digest.previous_url,
            "previous_public": digest.previous_public,
            "previous_label": digest.previous_label,
            "date_range": digest.date_range,
            "top_sharer": digest.top_sharer,
            "top_sharer_picks": digest.top_sharer_picks,
        },
    }


def has_snapshot(data: object) -> bool:
    """Whether stored JSON carries a snapshot (rows stored before snapshots do not)."""
    return isinstance(data, dict) and "version" in data and "digest" in data


def from_snapshot(data: object) -> Digest:
    """The digest a snapshot holds. Raises SnapshotError for a version this code does not
    know or a snapshot that is not whole."""
    if not isinstance(data, dict) or "version" not in data:
        raise SnapshotError("The stored digest has no snapshot version.")
    version = data["version"]
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(f"The stored digest is snapshot version {version!r}; this "
                            f"digestif reads version {SNAPSHOT_VERSION}. Upgrade digestif.")
    try:
        return _digest(data["digest"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise SnapshotError(f"The stored digest snapshot is damaged: {error!r}.") from error


def _text(value: Any) -> Untrusted:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return Untrusted(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    return value


def _items(values: Any) -> tuple[DigestItem, ...]:
    return tuple(_load_item(v) for v in values)


def _load_item(d: dict[str, Any]) -> DigestItem:
    flag = d["flag"]
    return DigestItem(
        rank=_int(d["rank"]), number=_int(d["number"]), url=_text(d["url"]),
        title=_text(d["title"]), authors=tuple(_text(a) for a in d["authors"]),
        site=_text(d["site"]), summary=_text(d["summary"]),
        summary_source=SummarySource(d["summary_source"]), score=_int(d["score"]),
        voters=_int(d["voters"]), submitters=tuple(_text(s) for s in d["submitters"]),
        kind=SourceKind(d["kind"]), flag=PageFlag(flag) if flag is not None else None,
        pinned=bool(d["pinned"]), submission_id=_int(d["submission_id"]),
        chat_url=str(_text(d.get("chat_url", ""))),
    )


def _digest(d: dict[str, Any]) -> Digest:
    period = d["period"]
    totals = d["totals"]
    return Digest(
        community=str(_text(d["community"])),
        community_name=_text(d["community_name"]),
        period=Period(str(_text(period["key"])), _moment(period["start"]),
                      _moment(period["end"])),
        title=str(_text(d["title"])),
        intro=_text(d["intro"]),
        tldr=tuple(_text(b) for b in d["tldr"]),
        sections=tuple(DigestSection(str(_text(s["title"])), _items(s["items"]))
                       for s in d["sections"]),
        also_shared=_items(d["also_shared"]),
        totals=DigestTotals(_int(totals["links"]), _int(totals["sharers"]),
                            _int(totals["votes"])),
        previous_period=str(_text(d["previous_period"])),
        previous_url=str(_text(d["previous_url"])),
        previous_public=d.get("previous_public") is True,
        previous_label=str(_text(d["previous_label"])),
        date_range=str(_text(d["date_range"])),
        # Snapshots stored before the footer named a top sharer have none.
        top_sharer=_text(d.get("top_sharer", "")),
        top_sharer_picks=_int(d.get("top_sharer_picks", 0)),
    )


def _moment(text: Any) -> datetime:
    moment = datetime.fromisoformat(_text(text))
    if moment.tzinfo is None:
        raise ValueError("a period bound without a time zone")
    return moment


def posted_content(digest: Digest) -> str:
    """What is stored for a posted digest: the export JSON (bot.render.json, which feeds and
    the Slack App Home read) with the snapshot beside it, as ``version`` and ``digest``."""

    return json.dumps({**digest_json(digest), **to_snapshot(digest)}, ensure_ascii=False)


def stored_digest(content: str) -> Digest | None:
    """The digest stored as posted; None for a row stored before snapshots (or with no
    content), which is then rebuilt as before. A newer or damaged snapshot raises
    SnapshotError."""
    try:
        data = json.loads(content) if content else None
    except ValueError:
        return None
    return from_snapshot(data) if has_snapshot(data) else None
