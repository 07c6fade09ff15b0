"""The web archive's content: which communities are public, and their posted digests as
stored when they went out (bot.digest_snapshot). Never the queue, never a rebuilt digest.

The HTTP side is adapters/web; the pages are bot/render/site.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.community import Community
from bot.digest import Digest
from bot.digest_snapshot import SnapshotError, stored_digest
from bot.records import PostedDigest

log = logging.getLogger(__name__)


class ArchiveStore(Protocol):
    async def communities(self) -> list[Community]: ...

    async def posted_digests(self, community: str) -> list[PostedDigest]: ...


@dataclass(frozen=True, slots=True)
class ArchivedDigest:
    period: str
    posted_at: datetime
    digest: Digest


def archive_url(public_url: str, slug: str, period: str = "") -> str:
    """A page of the archive under ``DIGESTIF_PUBLIC_URL``: <public>/c/<slug>/[<YYYY-Www>]."""
    return f"{public_url.rstrip('/')}/c/{slug}/{period}"


class Archive:
    """Reads only: the public communities and what they posted."""

    def __init__(self, store: ArchiveStore) -> None:
        self._store = store

    async def communities(self) -> list[Community]:
        """The public communities, by name."""
        found = [c for c in await self._store.communities() if c.public]
        return sorted(found, key=lambda c: (c.newsletter_name.lower(), c.key))

    async def community(self, slug: str) -> Community | None:
        """The public community at ``slug``; None for an unknown or private one (both read
        as "not found": a private archive is not revealed)."""
        matches = [c for c in await self.communities() if c.slug == slug]
        # A slug set on purpose wins over one derived from another community's key.
        matches.sort(key=lambda c: (not c.settings.slug, c.key))
        return matches[0] if matches else None

    async def posted(self, community: Community) -> list[PostedDigest]:
        """The stored rows of ``digests``, as the feeds read them: every entry has a page."""
        kept = {d.period for d in await self.digests(community)}
        return [row for row in await self._rows(community) if row.period in kept]

    async def digests(self, community: Community) -> list[ArchivedDigest]:
        """Every digest stored as posted, newest period first. Rows stored before snapshots
        (or that cannot be read) are left out, logged."""
        archived = []
        for row in await self._rows(community):
            try:
                digest = stored_digest(row.content)
            except SnapshotError as err:
                log.warning("archive of %s: %s %s", community.key, row.period, err)
                continue
            if digest is not None:
                archived.append(ArchivedDigest(row.period, row.posted_at, digest))
        return archived

    async def _rows(self, community: Community) -> list[PostedDigest]:
        rows = await self._store.posted_digests(community.key)
        return sorted(rows, key=lambda r: r.period, reverse=True)
