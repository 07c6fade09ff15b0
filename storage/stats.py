"""What /digest stats counts, (bot.ports.StatsStore)."""

from __future__ import annotations

from datetime import datetime

from bot.records import SharedLink
from storage.connection import SqlConnection, iso

# Far enough back for "ever": ISO text compares in time order.
_EVER = "0000"


class SqlStats(SqlConnection):
    """Implements bot.ports.StatsStore."""

    async def shared_links(self, community: str, since: datetime | None) -> list[SharedLink]:
        rows = await self._fetch(
            "SELECT url, final_url, submitted_by, status FROM submissions "
            "WHERE community = ? AND submitted_at >= ? ORDER BY id",
            (community, iso(since) if since else _EVER),
        )
        return [SharedLink(row["final_url"] or row["url"], row["submitted_by"],
                           row["status"] == "published") for row in rows]

    async def votes_cast(self, community: str, since: datetime | None) -> int:
        rows = await self._fetch(
            "SELECT count(*) AS n FROM votes v JOIN submissions s ON s.id = v.submission_id "
            "WHERE s.community = ? AND v.created_at >= ?",
            (community, iso(since) if since else _EVER),
        )
        return int(rows[0]["n"]) if rows else 0
