"""Communities, one-time notices and members (bot.ports.CommunityStore and MemberStore)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.community import Community, CommunitySettings
from bot.models import Member
from storage.connection import SqlConnection, iso
from storage.db import Row

_COMMUNITY = "SELECT key, platform, name, settings FROM communities"
# Every table that holds a community's rows, children first; rows that hang off submissions
# (submitters, votes, reactions) go with them by ON DELETE CASCADE. A test checks that every
# table with a `community` column is named here.
COMMUNITY_TABLES = ("messages", "notices", "period_notes", "mail_log", "held_links",
                    "channel_cursors", "digests", "submissions", "members")


def _community(row: Row) -> Community:
    return Community(row["key"], row["platform"], row["name"],
                     CommunitySettings.from_json(row["settings"]))


class SqlCommunities(SqlConnection):
    """Implements bot.ports.CommunityStore."""

    async def ensure_community(self, key: str, platform: str, name: str) -> Community:
        await self._write(
            "INSERT INTO communities (key, platform, name) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (key, platform, name),
        )
        community = await self.get_community(key)
        assert community is not None
        return community

    async def get_community(self, key: str) -> Community | None:
        rows = await self._fetch(f"{_COMMUNITY} WHERE key = ?", (key,))
        return _community(rows[0]) if rows else None

    async def communities(self) -> list[Community]:
        return [_community(row) for row in await self._fetch(_COMMUNITY)]

    async def save_settings(self, key: str, settings: CommunitySettings) -> None:
        async with self._tx() as tx:
            if await tx.execute(
                    "UPDATE communities SET settings = ? WHERE key = ?", (settings.to_json(), key)):
                await self._announce_settings(tx)

    async def settings_version(self) -> int:
        rows = await self._fetch("SELECT version FROM change_counters WHERE name = 'settings'")
        return int(rows[0]["version"]) if rows else 0

    async def first_notice(self, community: str, notice: str, now: datetime) -> bool:
        changed = await self._write(
            "INSERT INTO notices (community, notice, sent_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (community, notice, iso(now)),
        )
        return changed > 0

    async def purge_community(self, key: str) -> int:
        deleted = 0
        async with self._tx() as tx:
            for table in COMMUNITY_TABLES:
                deleted += max(await tx.execute(f"DELETE FROM {table} WHERE community = ?",
                                                (key,)), 0)
            deleted += max(await tx.execute("DELETE FROM communities WHERE key = ?", (key,)), 0)
        return deleted


class SqlMembers(SqlConnection):
    """Implements bot.ports.MemberStore."""

    async def upsert_member(self, community: str, member: Member) -> None:
        await self._write(
            "INSERT INTO members (community, id, name, is_bot) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (community, id) DO UPDATE SET name = excluded.name, "
            "is_bot = excluded.is_bot WHERE members.name <> excluded.name "
            "OR members.is_bot <> excluded.is_bot",
            (community, member.id, member.name, int(member.is_bot)),
        )

    async def member_names(self, community: str, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self._fetch(
            f"SELECT id, name FROM members WHERE community = ? AND id IN ({marks})",
            (community, *ids),
        )
        return {row["id"]: row["name"] for row in rows}
