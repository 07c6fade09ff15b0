"""Installations of a chat app in many workspaces, and OAuth state values,
(bot.state_ports.Installations)."""

from __future__ import annotations

from datetime import datetime

from storage.connection import SqlConnection, iso


class SqlInstallations(SqlConnection):
    """Implements bot.state_ports.Installations."""

    async def save_installation(self, platform: str, team: str, data: str,
                                now: datetime) -> None:
        await self._write(
            "INSERT INTO installations (platform, team, data, installed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, team) DO UPDATE SET data = excluded.data, "
            "installed_at = CASE WHEN installations.removed_at IS NULL "
            "THEN installations.installed_at ELSE excluded.installed_at END, removed_at = NULL",
            (platform, team, data, iso(now)))

    async def find_installation(self, platform: str, team: str) -> str | None:
        rows = await self._fetch(
            "SELECT data FROM installations WHERE platform = ? AND team = ? "
            "AND removed_at IS NULL", (platform, team))
        return str(rows[0]["data"]) if rows else None

    async def remove_installation(self, platform: str, team: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO installations (platform, team, installed_at, removed_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (platform, team) DO UPDATE SET data = '', "
            "removed_at = COALESCE(installations.removed_at, excluded.removed_at)",
            (platform, team, iso(now), iso(now)))

    async def removed_before(self, platform: str, cutoff: datetime) -> list[str]:
        rows = await self._fetch(
            "SELECT team FROM installations WHERE platform = ? AND removed_at IS NOT NULL "
            "AND removed_at < ? ORDER BY team", (platform, iso(cutoff)))
        return [str(row["team"]) for row in rows]

    async def forget_installation(self, platform: str, team: str) -> None:
        await self._write("DELETE FROM installations WHERE platform = ? AND team = ?",
                          (platform, team))

    async def issue_state(self, state: str, expires: datetime) -> None:
        await self._write("INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)",
                          (state, iso(expires)))

    async def consume_state(self, state: str, now: datetime) -> bool:
        async with self._tx() as tx:
            await tx.execute("DELETE FROM oauth_states WHERE expires_at <= ?", (iso(now),))
            return await tx.execute("DELETE FROM oauth_states WHERE state = ?", (state,)) > 0
