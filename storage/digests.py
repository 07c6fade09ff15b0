"""Digest records, what digests are built from, and period notes (bot.state_ports.DigestStore and
PeriodNotes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.digest import DigestTotals
from bot.records import (
    Candidate,
    DigestLink,
    DigestPlan,
    DigestRecord,
    PeriodClaim,
    PeriodNote,
    PostedDigest,
    Tally,
)
from storage.connection import SqlConnection, iso
from storage.votes import both_ways


class SqlDigests(SqlConnection):
    """Implements bot.state_ports.DigestStore."""

    # claims and records ------------------------------------------------------------------

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
        async with self._tx() as tx:
            await tx.execute(
                "UPDATE digests SET state = 'posted', posted_at = ?, content = ?, url = ?, "
                "picks = ? WHERE community = ? AND period = ?",
                (iso(now), content, url, json.dumps(list(published)), community, period),
            )
            await tx.executemany(
                "UPDATE submissions SET status = 'published' WHERE id = ?",
                [(sid,) for sid in published],
            )

    async def abandon_digest(self, community: str, period: str) -> None:
        await self._write(
            "DELETE FROM digests WHERE community = ? AND period = ? AND state = 'posting'",
            (community, period),
        )

    async def digest_plan(self, community: str, period: str) -> DigestPlan | None:
        rows = await self._fetch(
            "SELECT content, picks FROM digests "
            "WHERE community = ? AND period = ? AND state = 'posting'",
            (community, period),
        )
        if not rows:
            return None
        picks = [int(i) for i in json.loads(rows[0]["picks"] or "[]")]
        return DigestPlan(rows[0]["content"], picks)

    async def digest_record(self, community: str, period: str) -> DigestRecord | None:
        rows = await self._fetch(
            "SELECT state, content FROM digests WHERE community = ? AND period = ?",
            (community, period),
        )
        return DigestRecord(rows[0]["state"], rows[0]["content"]) if rows else None

    async def previous_digest(self, community: str, period: str) -> DigestLink | None:
        # Period keys are zero-padded ISO weeks, so text order is time order.
        rows = await self._fetch(
            "SELECT period, url FROM digests WHERE community = ? AND state = 'posted' "
            "AND period < ? ORDER BY period DESC LIMIT 1",
            (community, period),
        )
        return DigestLink(rows[0]["period"], rows[0]["url"]) if rows else None

    async def posted_digests(self, community: str) -> list[PostedDigest]:
        rows = await self._fetch(
            "SELECT period, content, posted_at FROM digests "
            "WHERE community = ? AND state = 'posted' ORDER BY posted_at DESC",
            (community,),
        )
        return [PostedDigest(r["period"], r["content"], datetime.fromisoformat(r["posted_at"]))
                for r in rows]

    async def stale_postings(self, before: datetime) -> list[PeriodClaim]:
        rows = await self._fetch(
            "SELECT community, period FROM digests WHERE state = 'posting' AND started_at < ?",
            (iso(before),),
        )
        return [PeriodClaim(r["community"], r["period"]) for r in rows]

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
            "AND s.status = 'queued' AND s.ready_at >= ?3 AND s.ready_at < ?4) AS c "
            "WHERE NOT carried OR pinned = 1 OR up + down > 0",
            (iso(start), community, iso(since), iso(end)),
        )
        return [Candidate(r["id"], r["number"], datetime.fromisoformat(r["submitted_at"]),
                          bool(r["pinned"]),
                          Tally(up=r["up"], down=r["down"], both=r["both_ways"]),
                          carried_over=bool(r["carried"]))
                for r in rows]

    async def period_totals(self, community: str, start: datetime,
                            end: datetime) -> DigestTotals:
        span = (community, iso(start), iso(end))
        rows = await self._fetch(
            "SELECT count(*) AS links, (SELECT count(DISTINCT t.member_id) FROM submissions s "
            "  JOIN submitters t ON t.submission_id = s.id "
            "  WHERE s.community = ? AND s.submitted_at >= ? AND s.submitted_at < ?) "
            "  AS sharers, "
            "(SELECT count(*) FROM votes v JOIN submissions s ON s.id = v.submission_id "
            "  WHERE s.community = ? AND v.created_at >= ? AND v.created_at < ?) AS votes "
            "FROM submissions WHERE community = ? AND submitted_at >= ? AND submitted_at < ?",
            span * 3,
        )
        row = rows[0]
        return DigestTotals(links=row["links"], sharers=row["sharers"], votes=row["votes"])


class SqlPeriodNotes(SqlConnection):
    """Implements bot.state_ports.PeriodNotes."""

    async def period_note(self, community: str, period: str) -> PeriodNote:
        rows = await self._fetch(
            "SELECT intro, locked FROM period_notes WHERE community = ? AND period = ?",
            (community, period),
        )
        return PeriodNote(rows[0]["intro"], bool(rows[0]["locked"])) if rows else PeriodNote()

    async def set_period_note(self, community: str, period: str, *, intro: str | None = None,
                              locked: bool | None = None) -> None:
        async with self._tx() as tx:
            await tx.execute(
                "INSERT INTO period_notes (community, period, intro, locked) "
                "VALUES (?, ?, coalesce(?, ''), coalesce(?, 0)) ON CONFLICT (community, period) "
                "DO UPDATE SET intro = coalesce(?, period_notes.intro), "
                "locked = coalesce(?, period_notes.locked)",
                (community, period, intro, None if locked is None else int(locked), intro,
                 None if locked is None else int(locked)),
            )
            if locked is not None:  # processes cache the voting lock
                await self._announce_settings(tx)
