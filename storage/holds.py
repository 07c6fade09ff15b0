"""Links held over a member's daily limit, on SQLite (bot.ports.HoldStore)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.events import MessageRef
from bot.models import Member
from bot.records import HeldLink
from storage.connection import SqliteConnection, iso

_HELD = ("SELECT community, member_id, member_name, url, original_url, channel, message_id, "
         "held_at, release_at FROM held_links")


def _held(row: sqlite3.Row) -> HeldLink:
    origin = (MessageRef(row["channel"], row["message_id"]) if row["message_id"] else None)
    return HeldLink(row["community"], Member(row["member_id"], row["member_name"]), row["url"],
                    row["original_url"], origin, datetime.fromisoformat(row["held_at"]),
                    datetime.fromisoformat(row["release_at"]))


class SqliteHolds(SqliteConnection):
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
        async with self._tx() as db:
            cursor = await db.execute(
                "INSERT INTO held_links (community, member_id, member_name, url, original_url, "
                "channel, message_id, held_at, release_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING url",
                (held.community, held.member.id, held.member.name, held.url, held.original_url,
                 origin.channel, origin.message_id, iso(held.held_at), iso(held.release_at)),
            )
            return bool(await cursor.fetchall())

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
        async with self._tx() as db:
            cursor = await db.execute(
                "DELETE FROM held_links WHERE community = ? AND member_id = ? AND url = ? "
                "RETURNING url",
                (community, member_id, url),
            )
            return bool(await cursor.fetchall())
