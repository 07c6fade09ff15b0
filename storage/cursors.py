"""The last message seen per chat channel (bot.state_ports.ChannelCursors)."""

from __future__ import annotations

from datetime import datetime

from storage.connection import SqlConnection, iso


class SqlChannelCursors(SqlConnection):
    """Implements bot.state_ports.ChannelCursors."""

    async def last_seen(self, community: str, channel: str) -> str | None:
        rows = await self._fetch(
            "SELECT last_seen FROM channel_cursors WHERE community = ? AND channel = ?",
            (community, channel))
        return str(rows[0]["last_seen"]) if rows else None

    async def mark_seen(self, community: str, channel: str, cursor: str,
                        now: datetime) -> None:
        await self._write(
            "INSERT INTO channel_cursors (community, channel, last_seen, seen_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (community, channel) DO UPDATE SET "
            "last_seen = excluded.last_seen, seen_at = excluded.seen_at "
            "WHERE excluded.last_seen > channel_cursors.last_seen",
            (community, channel, cursor, iso(now)))

    async def seen_channels(self, community: str) -> list[str]:
        rows = await self._fetch(
            "SELECT channel FROM channel_cursors WHERE community = ? ORDER BY channel",
            (community,))
        return [str(row["channel"]) for row in rows]
