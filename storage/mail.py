"""The e-mail log (bot.state_ports.MailLog): one row per community and period."""

from __future__ import annotations

from datetime import datetime

from bot.records import MailRecord, PeriodClaim
from storage.connection import SqlConnection, iso
from storage.db import Row

MAX_ERROR = 500  # characters of a failure kept for moderators and the operator


class SqlMailLog(SqlConnection):
    """Implements bot.state_ports.MailLog."""

    async def begin_mail(self, community: str, period: str, now: datetime, *,
                         again: bool = False, stale_before: datetime | None = None
                         ) -> int | None:
        if not again:
            rows = await self._claim(
                "INSERT INTO mail_log (community, period, state, attempt, started_at) "
                "VALUES (?, ?, 'sending', 1, ?) ON CONFLICT (community, period) DO NOTHING "
                "RETURNING attempt",
                (community, period, iso(now)))
        else:
            # Another send under way keeps its claim; a finished (or stale) one is taken over.
            stale = iso(stale_before) if stale_before is not None else ""
            rows = await self._claim(
                "INSERT INTO mail_log (community, period, state, attempt, started_at) "
                "VALUES (?, ?, 'sending', 1, ?) ON CONFLICT (community, period) DO UPDATE SET "
                "state = 'sending', attempt = mail_log.attempt + 1, "
                "started_at = excluded.started_at, finished_at = '', recipients = 0, "
                "error = '' WHERE mail_log.state <> 'sending' OR mail_log.started_at < ? "
                "RETURNING attempt",
                (community, period, iso(now), stale))
        return int(rows[0]["attempt"]) if rows else None

    async def _claim(self, sql: str, params: tuple[str, ...]) -> list[Row]:
        async with self._tx() as tx:
            return await tx.fetch(sql, params)

    async def finish_mail(self, community: str, period: str, attempt: int, now: datetime, *,
                          sent: bool, recipients: int = 0, error: str = "") -> None:
        await self._write(
            "UPDATE mail_log SET state = ?, finished_at = ?, recipients = ?, error = ? "
            "WHERE community = ? AND period = ? AND attempt = ?",
            ("sent" if sent else "failed", iso(now), recipients, error[:MAX_ERROR], community,
             period, attempt))

    async def mail_record(self, community: str, period: str) -> MailRecord | None:
        rows = await self._fetch(
            "SELECT state, attempt, started_at, finished_at, recipients, error FROM mail_log "
            "WHERE community = ? AND period = ?",
            (community, period))
        if not rows:
            return None
        row = rows[0]
        finished = row["finished_at"]
        return MailRecord(row["state"], row["attempt"], datetime.fromisoformat(row["started_at"]),
                          datetime.fromisoformat(finished) if finished else None,
                          row["recipients"], row["error"])

    async def stale_mailings(self, before: datetime) -> list[PeriodClaim]:
        rows = await self._fetch(
            "SELECT community, period FROM mail_log WHERE state = 'sending' AND started_at < ?",
            (iso(before),))
        return [PeriodClaim(r["community"], r["period"]) for r in rows]
