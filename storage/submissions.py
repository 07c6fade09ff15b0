"""Submissions, the messages that stand for them, and their fetch state
(bot.ports.SubmissionStore, MessageStore and IngestQueue)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.errors import StorageError
from bot.events import MessageRef
from bot.models import (
    Article,
    Member,
    ModerationStatus,
    Submission,
    SubmissionState,
    Summary,
)
from bot.records import AddedSubmission, LinkedMessage
from storage.connection import SqlConnection, iso
from storage.rows import SELECT_SUBMISSIONS, submission_from_row

# Notified where jobs become pending (a new link, one handed back), so idle workers of every
# process look at once (PostgreSQL; workers on SQLite poll).
JOBS_CHANNEL = "digestif_jobs"


class SqlSubmissions(SqlConnection):
    """Implements bot.ports.SubmissionStore."""

    async def add_submission(
        self, community: str, url: str, original_url: str, member: Member, now: datetime
    ) -> AddedSubmission:
        async with self._tx() as tx:
            # The community's row is locked first, so two processes adding the same link
            # (PostgreSQL runs them side by side) take turns: the second one finds the first's.
            if not await tx.execute(
                    "UPDATE communities SET next_number = next_number WHERE key = ?",
                    (community,)):
                raise StorageError(f"unknown community {community!r}")
            existing = await tx.fetchone(
                "SELECT id FROM submissions WHERE community = ? AND (url = ? OR final_url = ?)",
                (community, url, url),
            )
            created = existing is None
            if existing is None:
                number = await tx.fetchone(
                    "UPDATE communities SET next_number = next_number + 1 WHERE key = ? "
                    "RETURNING next_number - 1 AS number",
                    (community,),
                )
                assert number is not None  # the row is locked above
                added = await tx.fetchone(
                    "INSERT INTO submissions (community, number, url, original_url, submitted_by,"
                    " submitted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (community, number["number"], url, original_url, member.id, iso(now)),
                )
                assert added is not None
                submission_id = added["id"]
                await tx.notify(JOBS_CHANNEL)
            else:
                submission_id = existing["id"]
            await tx.execute(
                "INSERT INTO submitters (submission_id, member_id, position) VALUES (?, ?, "
                "(SELECT count(*) FROM submitters WHERE submission_id = ?)) "
                "ON CONFLICT DO NOTHING",
                (submission_id, member.id, submission_id),
            )
            found = await tx.fetchone(f"{SELECT_SUBMISSIONS} WHERE s.id = ?", (submission_id,))
        assert found is not None
        return AddedSubmission(submission_from_row(found), created)

    async def get_submission(self, community: str, number: int) -> Submission | None:
        rows = await self._fetch(
            f"{SELECT_SUBMISSIONS} WHERE s.community = ? AND s.number = ?", (community, number)
        )
        return submission_from_row(rows[0]) if rows else None

    async def get_submission_by_id(self, submission_id: int) -> Submission | None:
        rows = await self._fetch(f"{SELECT_SUBMISSIONS} WHERE s.id = ?", (submission_id,))
        return submission_from_row(rows[0]) if rows else None

    async def submissions_by_ids(self, ids: Sequence[int]) -> list[Submission]:
        if not ids:
            return []
        rows = await self._fetch(
            f"{SELECT_SUBMISSIONS} WHERE s.id IN ({','.join('?' * len(ids))})", ids)
        found = {row["id"]: submission_from_row(row) for row in rows}
        return [found[i] for i in ids if i in found]

    async def find_by_url(self, community: str, url: str) -> Submission | None:
        rows = await self._fetch(
            f"{SELECT_SUBMISSIONS} WHERE s.community = ? AND (s.url = ? OR s.final_url = ?) "
            "ORDER BY s.number LIMIT 1",
            (community, url, url),
        )
        return submission_from_row(rows[0]) if rows else None

    async def list_submissions(
        self,
        community: str,
        *,
        states: Sequence[SubmissionState] = (),
        statuses: Sequence[ModerationStatus] = (),
    ) -> list[Submission]:
        sql = f"{SELECT_SUBMISSIONS} WHERE s.community = ?"
        params: list[Any] = [community]
        for column, values in (("state", states), ("status", statuses)):
            if values:
                sql += f" AND s.{column} IN ({','.join('?' * len(values))})"
                params.extend(str(v) for v in values)
        rows = await self._fetch(sql + " ORDER BY s.number", params)
        return [submission_from_row(r) for r in rows]

    async def set_moderation(self, submission_id: int, status: ModerationStatus, *,
                             pinned: bool | None = None, reason: str = "") -> None:
        await self._write(
            "UPDATE submissions SET status = ?, pinned = coalesce(?, pinned), reject_reason = ? "
            "WHERE id = ?",
            (str(status), None if pinned is None else int(pinned), reason, submission_id),
        )


class SqlMessages(SqlConnection):
    """Implements bot.ports.MessageStore."""

    async def link_message(self, community: str, ref: MessageRef, submission_id: int,
                           role: str) -> None:
        await self._write(
            "INSERT INTO messages (community, channel, message_id, submission_id, role) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (community, ref.channel, ref.message_id, submission_id, role),
        )

    async def submission_for_message(self, community: str, message_id: str) -> Submission | None:
        rows = await self._fetch(
            f"{SELECT_SUBMISSIONS} JOIN messages m ON m.submission_id = s.id "
            "WHERE m.community = ? AND m.message_id = ?",
            (community, message_id),
        )
        return submission_from_row(rows[0]) if rows else None

    async def messages_for(self, submission_id: int) -> list[LinkedMessage]:
        rows = await self._fetch(
            "SELECT channel, message_id, role FROM messages WHERE submission_id = ? "
            "ORDER BY role DESC, rowid",  # rowid: insertion order, a column on PostgreSQL
            (submission_id,),
        )
        return [LinkedMessage(MessageRef(r["channel"], r["message_id"]), r["role"])
                for r in rows]


# A job another worker may claim: waiting, or held under a lease that lapsed (``?``: now), on
# the rows of submissions named ``{s}``. Rows left 'fetching' by a version without leases have
# no lease and are claimable at once.
_CLAIMABLE = ("({s}state = 'pending' OR ({s}state = 'fetching' AND "
              "({s}lease_until IS NULL OR {s}lease_until < ?)))")
_CLAIM = ("UPDATE submissions SET state = 'fetching', attempts = attempts + 1, "
          "lease_owner = ?, lease_until = ?")
# Finishing a job ends its lease; with an owner, only while that owner still holds it.
_HELD = "state = 'fetching' AND lease_owner = ?"


class SqlIngestQueue(SqlConnection):
    """Implements bot.ports.IngestQueue: leases are claimed by conditional updates, atomic
    across processes (SQLite has one writer; on PostgreSQL the update locks the row and
    re-checks its condition, and ``claim_next`` skips rows another claimer holds)."""

    async def set_state(self, submission_id: int, state: SubmissionState,
                        reason: str = "", *, owner: str | None = None) -> bool:
        sql = ("UPDATE submissions SET state = ?, failure_reason = ?, lease_owner = NULL, "
               "lease_until = NULL WHERE id = ?")
        params: list[Any] = [str(state), reason, submission_id]
        if owner is not None:
            sql += f" AND {_HELD}"
            params.append(owner)
        if state is not SubmissionState.PENDING:
            return await self._write(sql, params) > 0
        async with self._tx() as tx:
            changed = await tx.execute(sql, params) > 0
            if changed:
                await tx.notify(JOBS_CHANNEL)
        return changed

    async def claim(self, submission_id: int, owner: str, now: datetime,
                    until: datetime) -> Submission | None:
        async with self._tx() as tx:
            # The condition is on the updated row itself (no subquery), so PostgreSQL
            # re-checks it after waiting for a concurrent claimer: one of them wins.
            if not await tx.execute(
                    f"{_CLAIM} WHERE id = ? AND {_CLAIMABLE.format(s='')}",
                    (owner, iso(until), submission_id, iso(now))):
                return None
            row = await tx.fetchone(f"{SELECT_SUBMISSIONS} WHERE s.id = ?", (submission_id,))
        assert row is not None
        return submission_from_row(row)

    async def claim_next(self, owner: str, now: datetime, until: datetime,
                         limit: int) -> list[Submission]:
        if limit <= 0:
            return []
        async with self._tx() as tx:
            claimed = await tx.fetch(
                f"{_CLAIM} WHERE id IN ({self._claimable_ids_sql()}) RETURNING id",
                (owner, iso(until), iso(now), limit),
            )
            ids = [row["id"] for row in claimed]
            if not ids:
                return []
            rows = await tx.fetch(
                f"{SELECT_SUBMISSIONS} WHERE s.id IN ({','.join('?' * len(ids))}) "
                "ORDER BY s.id", ids)
        return [submission_from_row(row) for row in rows]

    def _claimable_ids_sql(self) -> str:
        """The ids ``claim_next`` takes (parameters: now, limit). SQLite's one writer makes
        the update atomic; PostgreSQL appends ``FOR UPDATE SKIP LOCKED`` so concurrent
        claimers pass each other's rows by."""
        sql = (f"SELECT s.id FROM submissions s WHERE {_CLAIMABLE.format(s='s.')} "
               "ORDER BY s.id LIMIT ?")
        return sql + " FOR UPDATE SKIP LOCKED" if self._dialect == "postgresql" else sql

    async def renew(self, owner: str, ids: Sequence[int], until: datetime) -> list[int]:
        if not ids:
            return []
        async with self._tx() as tx:
            rows = await tx.fetch(
                f"UPDATE submissions SET lease_until = ? WHERE {_HELD} "
                f"AND id IN ({','.join('?' * len(ids))}) RETURNING id",
                (iso(until), owner, *ids),
            )
        return sorted(row["id"] for row in rows)

    async def release(self, owner: str, ids: Sequence[int]) -> None:
        if not ids:
            return
        async with self._tx() as tx:
            if await tx.execute(
                    "UPDATE submissions SET state = 'pending', lease_owner = NULL, "
                    f"lease_until = NULL WHERE {_HELD} AND id IN ({','.join('?' * len(ids))})",
                    (owner, *ids)):
                await tx.notify(JOBS_CHANNEL)

    async def wait_for_jobs(self, pause: float) -> None:
        # A lease that lapses is not notified: the pause bounds how long that waits.
        await self._database.wait(JOBS_CHANNEL, pause)

    async def mark_ready(self, submission_id: int, article: Article, summary: Summary,
                         now: datetime, *, owner: str | None = None) -> bool:
        sql = ("UPDATE submissions SET state = 'ready', title = ?, authors = ?, site_name = ?, "
               "published = ?, language = ?, description = ?, kind = ?, flag = ?, summary = ?, "
               "summary_source = ?, final_url = ?, ready_at = ?, failure_reason = '', "
               "lease_owner = NULL, lease_until = NULL WHERE id = ?")
        params: list[Any] = [
            article.title, json.dumps(list(article.authors), ensure_ascii=False),
            article.site_name, article.published, article.language, article.description,
            str(article.kind), str(article.flag) if article.flag else None, summary.text,
            str(summary.source), article.url, iso(now), submission_id,
        ]
        if owner is not None:
            sql += f" AND {_HELD}"
            params.append(owner)
        return await self._write(sql, params) > 0

    async def merge_into(self, duplicate_id: int, existing_id: int, *,
                         owner: str | None = None) -> bool:
        async with self._tx() as tx:
            # An update that changes nothing, to lock the duplicate's row while it is merged.
            if owner is not None and not await tx.execute(
                    f"UPDATE submissions SET state = state WHERE id = ? AND {_HELD}",
                    (duplicate_id, owner)):
                return False
            await tx.execute(
                "INSERT INTO submitters (submission_id, member_id, position) "
                "SELECT ?, member_id, position + 1000 FROM submitters "
                "WHERE submission_id = ? ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            await tx.execute(
                "UPDATE messages SET submission_id = ? WHERE submission_id = ?",
                (existing_id, duplicate_id),
            )
            await tx.execute(
                "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at, "
                "direct) SELECT ?, member_id, emoji, direction, created_at, "
                "direct FROM votes WHERE submission_id = ? ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            await tx.execute(
                "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
                "direction, created_at) SELECT ?, member_id, emoji, message_id, "
                "reaction, direction, created_at FROM reactions WHERE submission_id = ? "
                "ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            return await tx.execute("DELETE FROM submissions WHERE id = ?", (duplicate_id,)) > 0
