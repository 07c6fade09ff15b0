"""Links held over a member's daily limit, (bot.ports.HoldStore)."""

from __future__ import annotations

from datetime import datetime

from bot.events import MessageRef
from bot.models import Member
from bot.records import HeldLink
from storage.connection import SqlConnection, iso
from storage.db import Row

_HELD = ("SELECT community, member_id, member_name, url, original_url, channel, message_id, "
         "held_at, release_at FROM held_links")


def _held(row: Row) -> HeldLink:
    origin = (MessageRef(row["channel"], row["message_id"]) if row["message_id"] else None)
    return HeldLink(row["community"], Member(row["member_id"], row["member_name"]), row["url"],
                    row["original_url"], origin, datetime.fromisoformat(row["held_at"]),
                    datetime.fromisoformat(row["release_at"]))


class SqlHolds(SqlConnection):
    """Implements bot.ports.HoldStore."""

    async def submitted_since(self, community: str, member_id: str,
                              since: datetime) -> list[datetime]:
        rows = await self._fetch(
            "SELECT submitted_at FROM submissions WHERE community = ? AND submitted_by = ? "
            "AND submitted_at > ? ORDER BY submitted_at",
            (community, member_id, iso(since)),
        )
        return [datetime.fromisoformat(row["submitted_at"]) for row in rows]

    async def hold_link(self, held: HeldLink) -> bool:
        origin = held.origin or MessageRef("", "")
        return await self._write(
            "INSERT INTO held_links (community, member_id, member_name, url, original_url, "
            "channel, message_id, held_at, release_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (held.community, held.member.id, held.member.name, held.url, held.original_url,
             origin.channel, origin.message_id, iso(held.held_at), iso(held.release_at)),
        ) > 0

    async def held_links(self, community: str, member_id: str) -> list[HeldLink]:
        rows = await self._fetch(
            f"{_HELD} WHERE community = ? AND member_id = ? ORDER BY release_at, held_at",
            (community, member_id))
        return [_held(row) for row in rows]

    async def due_held_links(self, now: datetime) -> list[HeldLink]:
        rows = await self._fetch(f"{_HELD} WHERE release_at <= ? ORDER BY release_at, held_at",
                                 (iso(now),))
        return [_held(row) for row in rows]

    async def next_release(self) -> datetime | None:
        rows = await self._fetch("SELECT min(release_at) AS soonest FROM held_links")
        soonest = rows[0]["soonest"] if rows else None
        return datetime.fromisoformat(soonest) if soonest else None

    async def release_held_link(self, community: str, member_id: str, url: str) -> bool:
        return await self._write(
            "DELETE FROM held_links WHERE community = ? AND member_id = ? AND url = ?",
            (community, member_id, url),
        ) > 0
