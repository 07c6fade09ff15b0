"""Digest records, period notes and the summary cache, on the SQLite connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.models import Summary, SummarySource
from storage.connection import SqliteConnection, iso


class DigestRecords(SqliteConnection):
    # digests ---------------------------------------------------------------------------

    async def begin_digest(self, community: str, period: str, now: datetime) -> bool:
        changed = await self._write(
            "INSERT INTO digests (community, period, state, started_at) "
            "VALUES (?, ?, 'posting', ?) ON CONFLICT DO NOTHING",
            (community, period, iso(now)),
        )
        return changed > 0

    async def finish_digest(self, community: str, period: str, content: str, now: datetime,
                            published: Sequence[int]) -> None:
        async with self._tx() as db:
            await db.execute(
                "UPDATE digests SET state = 'posted', posted_at = ?, content = ? "
                "WHERE community = ? AND period = ?",
                (iso(now), content, community, period),
            )
            await db.executemany(
                "UPDATE submissions SET status = 'published' WHERE id = ?",
                [(sid,) for sid in published],
            )

    async def digest_record(self, community: str, period: str) -> tuple[str, str] | None:
        rows = await self._fetch(
            "SELECT state, content FROM digests WHERE community = ? AND period = ?",
            (community, period),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    async def posted_digests(self, community: str) -> list[tuple[str, str, datetime]]:
        rows = await self._fetch(
            "SELECT period, content, posted_at FROM digests "
            "WHERE community = ? AND state = 'posted' ORDER BY posted_at DESC",
            (community,),
        )
        return [(r[0], r[1], datetime.fromisoformat(r[2])) for r in rows]

    async def abandon_digest(self, community: str, period: str) -> None:
        await self._write(
            "DELETE FROM digests WHERE community = ? AND period = ? AND state = 'posting'",
            (community, period),
        )

    async def stale_postings(self, before: datetime) -> list[tuple[str, str]]:
        rows = await self._fetch(
            "SELECT community, period FROM digests WHERE state = 'posting' AND started_at < ?",
            (iso(before),),
        )
        return [(r[0], r[1]) for r in rows]

    async def period_note(self, community: str, period: str) -> tuple[str, bool]:
        rows = await self._fetch(
            "SELECT intro, locked FROM period_notes WHERE community = ? AND period = ?",
            (community, period),
        )
        return (rows[0][0], bool(rows[0][1])) if rows else ("", False)

    async def set_period_note(self, community: str, period: str, *, intro: str | None = None,
                              locked: bool | None = None) -> None:
        await self._write(
            "INSERT INTO period_notes (community, period, intro, locked) "
            "VALUES (?, ?, coalesce(?, ''), coalesce(?, 0)) ON CONFLICT (community, period) "
            "DO UPDATE SET intro = coalesce(?, intro), locked = coalesce(?, locked)",
            (community, period, intro, None if locked is None else int(locked), intro,
             None if locked is None else int(locked)),
        )

    # summary cache (bot.summarize's SummaryCache) ---------------------------------------

    async def get(self, key: str) -> Summary | None:
        rows = await self._fetch("SELECT text, source, model FROM summary_cache WHERE key = ?",
                                 (key,))
        return Summary(rows[0][0], SummarySource(rows[0][1]), rows[0][2]) if rows else None

    async def put(self, key: str, summary: Summary) -> None:
        await self._write(
            "INSERT OR REPLACE INTO summary_cache (key, text, source, model, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, summary.text, str(summary.source), summary.model, iso(datetime.now(UTC))),
        )
