"""The summary cache on SQLite (bot.summarize.cache.SummaryCache, bot.ports re-exports it)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Summary, SummarySource
from storage.connection import SqliteConnection, iso


class SqliteSummaryCache(SqliteConnection):
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
            "INSERT OR REPLACE INTO summary_cache (key, text, source, model, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, summary.text, str(summary.source), summary.model, iso(datetime.now(UTC))),
        )
