"""Digest records, period notes and the summary cache, on the SQLite connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.digest import DigestTotals
from bot.models import Summary, SummarySource
from bot.ports import Candidate, Tally
from storage.connection import SqliteConnection, iso


def both_ways(submission: str) -> str:
    """SQL: how many members voted both up and down on ``submission`` (a column); they
    count once among its distinct voters."""
    return ("(SELECT count(DISTINCT w.member_id) FROM votes w WHERE w.submission_id = "
            f"{submission} AND w.direction = 1 AND EXISTS (SELECT 1 FROM votes d WHERE "
            f"d.submission_id = {submission} AND d.member_id = w.member_id AND "
            "d.direction = -1))")


class DigestRecords(SqliteConnection):
    # digests ---------------------------------------------------------------------------

    async def begin_digest(self, community: str, period: str, now: datetime,
                           content: str = "", picks: Sequence[int] = ()) -> bool:
        changed = await self._write(
            "INSERT INTO digests (community, period, state, started_at, content, picks) "
            "VALUES (?, ?, 'posting', ?, ?, ?) ON CONFLICT DO NOTHING",
            (community, period, iso(now), content, json.dumps(list(picks))),
        )
        return changed > 0

    async def finish_digest(self, community: str, period: str, content: str, now: datetime,
                            published: Sequence[int], url: str = "") -> None:
        async with self._tx() as db:
            await db.execute(
                "UPDATE digests SET state = 'posted', posted_at = ?, content = ?, url = ?, "
                "picks = ? WHERE community = ? AND period = ?",
                (iso(now), content, url, json.dumps(list(published)), community, period),
            )
            await db.executemany(
                "UPDATE submissions SET status = 'published' WHERE id = ?",
                [(sid,) for sid in published],
            )

    async def digest_plan(self, community: str, period: str) -> tuple[str, list[int]] | None:
        rows = await self._fetch(
            "SELECT content, picks FROM digests "
            "WHERE community = ? AND period = ? AND state = 'posting'",
            (community, period),
        )
        return (rows[0][0], [int(i) for i in json.loads(rows[0][1] or "[]")]) if rows else None

    async def previous_digest(self, community: str, period: str) -> tuple[str, str] | None:
        # Period keys are zero-padded ISO weeks, so text order is time order.
        rows = await self._fetch(
            "SELECT period, url FROM digests WHERE community = ? AND state = 'posted' "
            "AND period < ? ORDER BY period DESC LIMIT 1",
            (community, period),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    async def first_notice(self, community: str, notice: str, now: datetime) -> bool:
        changed = await self._write(
            "INSERT INTO notices (community, notice, sent_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (community, notice, iso(now)),
        )
        return changed > 0

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

    # candidates and the week's numbers -------------------------------------------------

    async def digest_candidates(self, community: str, since: datetime, start: datetime,
                                end: datetime) -> list[Candidate]:
        # One aggregate query: a busy week has thousands of candidates, and only the few
        # chosen ones need their full rows.
        rows = await self._fetch(
            "SELECT * FROM (SELECT s.id, s.number, s.submitted_at, s.pinned, "
            "s.ready_at < ?1 AS carried, "
            "(SELECT count(DISTINCT member_id) FROM votes "
            "  WHERE submission_id = s.id AND direction = 1) AS up, "
            "(SELECT count(DISTINCT member_id) FROM votes "
            "  WHERE submission_id = s.id AND direction = -1) AS down, "
            f"{both_ways('s.id')} AS both_ways "
            "FROM submissions s WHERE s.community = ?2 AND s.state = 'ready' "
            "AND s.status = 'queued' AND s.ready_at >= ?3 AND s.ready_at < ?4) "
            "WHERE NOT carried OR pinned OR up + down > 0",
            (iso(start), community, iso(since), iso(end)),
        )
        return [Candidate(r[0], r[1], datetime.fromisoformat(r[2]), bool(r[3]),
                          Tally(up=r[5], down=r[6], both=r[7]), carried_over=bool(r[4]))
                for r in rows]

    async def period_totals(self, community: str, start: datetime,
                            end: datetime) -> DigestTotals:
        span = (community, iso(start), iso(end))
        rows = await self._fetch(
            "SELECT count(*), (SELECT count(DISTINCT t.member_id) FROM submissions s "
            "  JOIN submitters t ON t.submission_id = s.id "
            "  WHERE s.community = ? AND s.submitted_at >= ? AND s.submitted_at < ?), "
            "(SELECT count(*) FROM votes v JOIN submissions s ON s.id = v.submission_id "
            "  WHERE s.community = ? AND v.created_at >= ? AND v.created_at < ?) "
            "FROM submissions WHERE community = ? AND submitted_at >= ? AND submitted_at < ?",
            span * 3,
        )
        return DigestTotals(links=rows[0][0], sharers=rows[0][1], votes=rows[0][2])

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
