"""LLM summary upgrades (bot.ports.SummaryUpgrades)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.models import Summary
from storage.connection import SqlConnection, iso


class SqlSummaryUpgrades(SqlConnection):
    """Implements SummaryUpgrades: the kept article text and each upgrade's state."""

    async def keep_article(self, submission_id: int, text: str, requested: bool,
                           now: datetime) -> bool:
        async with self._tx() as tx:
            row = await tx.fetchone(
                "INSERT INTO summary_upgrades (submission_id, state, article_text, changed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (submission_id) DO UPDATE SET "
                "state = CASE WHEN summary_upgrades.state = 'pending' THEN 'pending' "
                "ELSE excluded.state END, "
                "article_text = excluded.article_text, changed_at = excluded.changed_at "
                "RETURNING state",
                (submission_id, "pending" if requested else "kept", text, iso(now)),
            )
        return row is not None and row["state"] == "pending"

    async def request_upgrade(self, submission_id: int, now: datetime) -> bool:
        async with self._tx() as tx:
            return await tx.execute(
                "INSERT INTO summary_upgrades (submission_id, state, article_text, changed_at) "
                "VALUES (?, 'pending', '', ?) ON CONFLICT (submission_id) DO UPDATE SET "
                "state = 'pending', changed_at = excluded.changed_at "
                "WHERE summary_upgrades.state = 'kept'",
                (submission_id, iso(now)),
            ) > 0

    async def pending_upgrades(self) -> list[int]:
        rows = await self._fetch(
            "SELECT u.submission_id FROM summary_upgrades u "
            "JOIN submissions s ON s.id = u.submission_id "
            "WHERE u.state = 'pending' AND s.state = 'ready' ORDER BY u.submission_id")
        return [row["submission_id"] for row in rows]

    async def upgrade_text(self, submission_id: int) -> str | None:
        rows = await self._fetch(
            "SELECT article_text FROM summary_upgrades "
            "WHERE submission_id = ? AND state <> 'done'", (submission_id,))
        return rows[0]["article_text"] if rows else None

    async def upgradable(self, ids: Sequence[int]) -> list[int]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._fetch(
            f"SELECT submission_id FROM summary_upgrades WHERE state <> 'done' "
            f"AND submission_id IN ({marks})", list(ids))
        found = {row["submission_id"] for row in rows}
        return [i for i in ids if i in found]

    async def finish_upgrade(self, submission_id: int, summary: Summary,
                             now: datetime) -> None:
        async with self._tx() as tx:
            await tx.execute(
                "UPDATE submissions SET summary = ?, summary_source = ? WHERE id = ?",
                (summary.text, str(summary.source), submission_id),
            )
            await tx.execute(
                "UPDATE summary_upgrades SET state = 'done', article_text = '', "
                "changed_at = ? WHERE submission_id = ?",
                (iso(now), submission_id),
            )
