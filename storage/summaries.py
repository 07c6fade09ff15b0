"""The summary cache (bot.summarize.cache.SummaryCache, part of bot.ports.Store)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Summary, SummarySource
from storage.connection import SqlConnection, iso


class SqlSummaryCache(SqlConnection):
    """Implements SummaryCache: summaries kept across restarts, so an article is never paid
    for twice."""

    async def get(self, key: str) -> Summary | None:
        rows = await self._fetch(
            "SELECT text, source, model FROM summary_cache WHERE key = ?", (key,))
        if not rows:
            return None
        row = rows[0]
        return Summary(row["text"], SummarySource(row["source"]), row["model"])

    async def put(self, key: str, summary: Summary) -> None:
        await self._write(
            "INSERT INTO summary_cache (key, text, source, model, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET text = excluded.text, "
            "source = excluded.source, model = excluded.model, created_at = excluded.created_at",
            (key, summary.text, str(summary.source), summary.model, iso(datetime.now(UTC))),
        )
