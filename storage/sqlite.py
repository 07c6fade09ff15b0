"""The embedded store: SQLite through aiosqlite (see storage.connection for the setup)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.community import Community, CommunitySettings
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
from bot.ports import Tally, VoteRecord
from storage.connection import iso
from storage.digests import DigestRecords, both_ways
from storage.rows import submission_from_row

log = logging.getLogger(__name__)

_SUBMISSION_COLUMNS = """
    s.id, s.community, s.number, s.url, s.original_url, s.state, s.status, s.submitted_by,
    s.submitted_at, s.title, s.authors, s.site_name, s.published, s.language, s.description,
    s.kind, s.flag, s.summary, s.summary_source, s.failure_reason, s.final_url, s.ready_at,
    s.pinned, s.reject_reason, s.attempts,
    (SELECT group_concat(member_id, char(31)) FROM
        (SELECT member_id FROM submitters WHERE submission_id = s.id ORDER BY position))
        AS submitters
"""
_SELECT = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions s"


class SqliteStore(DigestRecords):
    """Implements bot.ports.Store (and bot.summarize.SummaryCache) on SQLite."""

    # communities and members -----------------------------------------------------------

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
        rows = await self._fetch(
            "SELECT key, platform, name, settings FROM communities WHERE key = ?", (key,)
        )
        if not rows:
            return None
        row = rows[0]
        return Community(row[0], row[1], row[2], CommunitySettings.from_json(row[3]))

    async def communities(self) -> list[Community]:
        rows = await self._fetch("SELECT key, platform, name, settings FROM communities")
        return [Community(r[0], r[1], r[2], CommunitySettings.from_json(r[3])) for r in rows]

    async def save_settings(self, key: str, settings: CommunitySettings) -> None:
        await self._write(
            "UPDATE communities SET settings = ? WHERE key = ?", (settings.to_json(), key)
        )

    async def upsert_member(self, community: str, member: Member) -> None:
        await self._write(
            "INSERT INTO members (community, id, name, is_bot) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (community, id) DO UPDATE SET name = excluded.name, "
            "is_bot = excluded.is_bot WHERE name != excluded.name OR is_bot != excluded.is_bot",
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
        return {row[0]: row[1] for row in rows}

    # submissions -----------------------------------------------------------------------

    async def add_submission(
        self, community: str, url: str, original_url: str, member: Member, now: datetime
    ) -> tuple[Submission, bool]:
        async with self._tx() as db:
            rows = list(await db.execute_fetchall(
                "SELECT id FROM submissions WHERE community = ? AND (url = ? OR final_url = ?)",
                (community, url, url),
            ))
            created = not rows
            if created:
                cursor = await db.execute(
                    "UPDATE communities SET next_number = next_number + 1 WHERE key = ? "
                    "RETURNING next_number - 1",
                    (community,),
                )
                number_row = await cursor.fetchone()
                if number_row is None:
                    raise StorageError(f"unknown community {community!r}")
                cursor = await db.execute(
                    "INSERT INTO submissions (community, number, url, original_url, submitted_by,"
                    " submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (community, number_row[0], url, original_url, member.id, iso(now)),
                )
                submission_id = cursor.lastrowid
            else:
                submission_id = rows[0][0]
            await db.execute(
                "INSERT INTO submitters (submission_id, member_id, position) VALUES (?, ?, "
                "(SELECT count(*) FROM submitters WHERE submission_id = ?)) "
                "ON CONFLICT DO NOTHING",
                (submission_id, member.id, submission_id),
            )
            found = await db.execute_fetchall(f"{_SELECT} WHERE s.id = ?", (submission_id,))
        return submission_from_row(next(iter(found))), created

    async def link_message(self, community: str, ref: MessageRef, submission_id: int,
                           role: str) -> None:
        await self._write(
            "INSERT INTO messages (community, channel, message_id, submission_id, role) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (community, ref.channel, ref.message_id, submission_id, role),
        )

    async def submission_for_message(self, community: str, message_id: str) -> Submission | None:
        rows = await self._fetch(
            f"{_SELECT} JOIN messages m ON m.submission_id = s.id "
            "WHERE m.community = ? AND m.message_id = ?",
            (community, message_id),
        )
        return submission_from_row(rows[0]) if rows else None

    async def messages_for(self, submission_id: int) -> list[tuple[MessageRef, str]]:
        rows = await self._fetch(
            "SELECT channel, message_id, role FROM messages WHERE submission_id = ? "
            "ORDER BY role DESC, rowid",
            (submission_id,),
        )
        return [(MessageRef(r[0], r[1]), r[2]) for r in rows]

    async def get_submission(self, community: str, number: int) -> Submission | None:
        rows = await self._fetch(
            f"{_SELECT} WHERE s.community = ? AND s.number = ?", (community, number)
        )
        return submission_from_row(rows[0]) if rows else None

    async def get_submission_by_id(self, submission_id: int) -> Submission | None:
        rows = await self._fetch(f"{_SELECT} WHERE s.id = ?", (submission_id,))
        return submission_from_row(rows[0]) if rows else None

    async def submissions_by_ids(self, ids: Sequence[int]) -> list[Submission]:
        if not ids:
            return []
        rows = await self._fetch(f"{_SELECT} WHERE s.id IN ({','.join('?' * len(ids))})", ids)
        found = {row[0]: submission_from_row(row) for row in rows}
        return [found[i] for i in ids if i in found]

    async def find_by_url(self, community: str, url: str) -> Submission | None:
        rows = await self._fetch(
            f"{_SELECT} WHERE s.community = ? AND (s.url = ? OR s.final_url = ?) "
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
        sql = f"{_SELECT} WHERE s.community = ?"
        params: list[Any] = [community]
        for column, values in (("state", states), ("status", statuses)):
            if values:
                sql += f" AND s.{column} IN ({','.join('?' * len(values))})"
                params.extend(str(v) for v in values)
        rows = await self._fetch(sql + " ORDER BY s.number", params)
        return [submission_from_row(r) for r in rows]

    async def set_state(self, submission_id: int, state: SubmissionState,
                        reason: str = "") -> None:
        await self._write(
            "UPDATE submissions SET state = ?, failure_reason = ? WHERE id = ?",
            (str(state), reason, submission_id),
        )

    async def claim(self, submission_id: int) -> Submission | None:
        rows = await self._fetch(
            "UPDATE submissions SET state = 'fetching', attempts = attempts + 1 "
            "WHERE id = ? AND state = 'pending' RETURNING id",
            (submission_id,),
        )
        return await self.get_submission_by_id(submission_id) if rows else None

    async def pending_ids(self) -> list[int]:
        async with self._tx() as db:
            await db.execute("UPDATE submissions SET state = 'pending' WHERE state = 'fetching'")
            rows = await db.execute_fetchall(
                "SELECT id FROM submissions WHERE state = 'pending' ORDER BY id"
            )
        return [row[0] for row in rows]

    async def mark_ready(self, submission_id: int, article: Article, summary: Summary,
                         now: datetime) -> None:
        await self._write(
            "UPDATE submissions SET state = 'ready', title = ?, authors = ?, site_name = ?, "
            "published = ?, language = ?, description = ?, kind = ?, flag = ?, summary = ?, "
            "summary_source = ?, final_url = ?, ready_at = ?, failure_reason = '' WHERE id = ?",
            (
                article.title, json.dumps(list(article.authors), ensure_ascii=False),
                article.site_name, article.published, article.language, article.description,
                str(article.kind), str(article.flag) if article.flag else None, summary.text,
                str(summary.source), article.url, iso(now), submission_id,
            ),
        )

    async def merge_into(self, duplicate_id: int, existing_id: int) -> None:
        async with self._tx() as db:
            await db.execute(
                "INSERT INTO submitters (submission_id, member_id, position) "
                "SELECT ?, member_id, position + 1000 FROM submitters WHERE submission_id = ? "
                "ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            await db.execute(
                "UPDATE messages SET submission_id = ? WHERE submission_id = ?",
                (existing_id, duplicate_id),
            )
            await db.execute(
                "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at, "
                "direct) SELECT ?, member_id, emoji, direction, created_at, direct FROM votes "
                "WHERE submission_id = ? ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            await db.execute(
                "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
                "direction, created_at) SELECT ?, member_id, emoji, message_id, reaction, "
                "direction, created_at FROM reactions WHERE submission_id = ? "
                "ON CONFLICT DO NOTHING",
                (existing_id, duplicate_id),
            )
            await db.execute("DELETE FROM submissions WHERE id = ?", (duplicate_id,))

    async def set_moderation(self, submission_id: int, status: ModerationStatus, *,
                             pinned: bool | None = None, reason: str = "") -> None:
        await self._write(
            "UPDATE submissions SET status = ?, pinned = coalesce(?, pinned), reject_reason = ? "
            "WHERE id = ?",
            (str(status), None if pinned is None else int(pinned), reason, submission_id),
        )

    # votes -----------------------------------------------------------------------------
    # A vote row is a member's vote with one emoji; the reactions table holds the live
    # reactions behind it, and its triggers (V4) cast the vote with the first reaction and
    # end it with the last, in the same statement.

    async def add_vote(self, submission_id: int, member_id: str, emoji: str, direction: int,
                       now: datetime, *, direct: bool = False) -> bool:
        if not direct:  # a reaction on a message not known: any matching removal ends it
            return await self._write(
                "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
                "direction, created_at) VALUES (?, ?, ?, '', '', ?, ?) ON CONFLICT DO NOTHING",
                (submission_id, member_id, emoji, direction, iso(now))) > 0
        inserted = await self._write(
            "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at, direct) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
            (submission_id, member_id, emoji, direction, iso(now)),
        )
        if not inserted:
            # Cast by number on top of a reaction: the vote no longer depends on it.
            await self._write(
                "UPDATE votes SET direct = 1 WHERE submission_id = ? AND member_id = ? AND "
                "emoji = ?", (submission_id, member_id, emoji))
        return inserted > 0

    async def remove_vote(self, submission_id: int, member_id: str, emoji: str) -> bool:
        key = (submission_id, member_id, emoji)
        async with self._tx() as db:
            # Withdrawn by number: the member means the whole vote, reactions included.
            cursor = await db.execute(
                "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?", key)
            await db.execute(
                "DELETE FROM reactions WHERE submission_id = ? AND member_id = ? AND emoji = ?",
                key)
        return cursor.rowcount > 0

    async def add_vote_on_message(self, community: str, message_id: str, member_id: str,
                                  emoji: str, direction: int, now: datetime, *,
                                  allow_self: bool, reaction: str = "") -> bool:
        # One statement, so the rule check and the write cannot be split by a moderator.
        changed = await self._write(
            "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
            "direction, created_at) "
            "SELECT s.id, ?, ?, ?, ?, ?, ? FROM messages m "
            "JOIN submissions s ON s.id = m.submission_id "
            "WHERE m.community = ? AND m.message_id = ? AND s.status = 'queued' AND (? OR NOT "
            "EXISTS (SELECT 1 FROM submitters WHERE submission_id = s.id AND member_id = ?)) "
            "ON CONFLICT DO NOTHING",
            (member_id, emoji, message_id, reaction or emoji, direction, iso(now), community,
             message_id, int(allow_self), member_id),
        )
        return changed > 0

    async def remove_vote_on_message(self, community: str, message_id: str, member_id: str,
                                     emoji: str, reaction: str = "") -> bool:
        # The reaction, and one whose message is unknown (an older vote): the trigger ends
        # the vote if no other reaction of the member's holds it.
        removed = await self._write(
            "DELETE FROM reactions WHERE submission_id = (SELECT submission_id FROM messages "
            "WHERE community = ? AND message_id = ?) AND member_id = ? AND emoji = ? AND "
            "((message_id = ? AND reaction = ?) OR message_id = '')",
            (community, message_id, member_id, emoji, message_id, reaction or emoji))
        return removed > 0

    async def clear_votes(self, submission_id: int, emoji: str | None = None, *,
                          message_id: str | None = None, reaction: str | None = None) -> int:
        """Without ``message_id``: every vote (of ``emoji``). With it: the reactions on that
        message (a moderator's "remove all reactions"), and the votes they leave behind."""
        where = "submission_id = ?" + ("" if emoji is None else " AND emoji = ?")
        params: tuple[Any, ...] = (submission_id,) if emoji is None else (submission_id, emoji)
        count = f"SELECT count(*) FROM votes WHERE {where}"
        async with self._tx() as db:
            before = next(iter(await db.execute_fetchall(count, params)))[0]
            if message_id is None:
                await db.execute(f"DELETE FROM reactions WHERE {where}", params)
                await db.execute(f"DELETE FROM votes WHERE {where}", params)
            else:
                only = "" if reaction is None else " AND reaction = ?"
                await db.execute(
                    f"DELETE FROM reactions WHERE {where} AND ((message_id = ?{only}) OR "
                    "message_id = '')",
                    (*params, message_id) + (() if reaction is None else (reaction,)))
            after = next(iter(await db.execute_fetchall(count, params)))[0]
        return int(before - after)

    async def replace_votes(self, submission_id: int, votes: Sequence[VoteRecord],
                            now: datetime) -> None:
        keep = {(v.member_id, v.emoji) for v in votes}
        rows = {(v.member_id, v.emoji, v.message_id, v.message_id and (v.reaction or v.emoji),
                 v.direction) for v in votes}
        seen = {row[:4] for row in rows}
        insert_votes = (
            "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        vote_rows = [(submission_id, v.member_id, v.emoji, v.direction, iso(now))
                     for v in votes]
        async with self._tx() as db:
            # Votes that stay keep their time, so a recount does not move them into this
            # week; the reactions become exactly those seen. Votes cast by number stay.
            await db.executemany(insert_votes, vote_rows)
            await db.executemany(
                "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
                "direction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(submission_id, *row, iso(now)) for row in rows])
            # A reaction added after ``now`` (while the platform was being read) is newer
            # than what the recount saw: it stays.
            stored = await db.execute_fetchall(
                "SELECT member_id, emoji, message_id, reaction FROM reactions "
                "WHERE submission_id = ? AND created_at <= ?", (submission_id, iso(now)))
            await db.executemany(
                "DELETE FROM reactions WHERE submission_id = ? AND member_id = ? AND emoji = ? "
                "AND message_id = ? AND reaction = ?",
                [(submission_id, *row) for row in stored if tuple(row) not in seen])
            stored = await db.execute_fetchall(
                "SELECT member_id, emoji FROM votes v WHERE submission_id = ? AND NOT direct "
                "AND NOT EXISTS (SELECT 1 FROM reactions r WHERE r.submission_id = "
                "v.submission_id AND r.member_id = v.member_id AND r.emoji = v.emoji)",
                (submission_id,))
            await db.executemany(
                "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?",
                [(submission_id, m, e) for m, e in stored if (m, e) not in keep],
            )

    async def tallies(self, submission_ids: Sequence[int]) -> dict[int, Tally]:
        if not submission_ids:
            return {}
        marks = ",".join("?" * len(submission_ids))
        rows = await self._fetch(
            "SELECT submission_id, "
            "count(DISTINCT CASE WHEN direction = 1 THEN member_id END), "
            "count(DISTINCT CASE WHEN direction = -1 THEN member_id END), "
            f"{both_ways('v.submission_id')} FROM votes v "
            f"WHERE submission_id IN ({marks}) GROUP BY submission_id",
            submission_ids,
        )
        return {row[0]: Tally(up=row[1], down=row[2], both=row[3]) for row in rows}
