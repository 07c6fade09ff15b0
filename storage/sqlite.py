"""The embedded store: SQLite through aiosqlite, WAL mode, numbered SQL migrations."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

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
from storage.rows import submission_from_row

log = logging.getLogger(__name__)

_SUBMISSION_COLUMNS = """
    s.id, s.community, s.number, s.url, s.original_url, s.state, s.status, s.submitted_by,
    s.submitted_at, s.title, s.authors, s.site_name, s.published, s.language, s.description,
    s.kind, s.flag, s.summary, s.summary_source, s.failure_reason, s.final_url, s.ready_at,
    s.pinned, s.reject_reason, s.attempts,
    (SELECT group_concat(member_id, char(31)) FROM
        (SELECT member_id FROM submitters WHERE submission_id = s.id ORDER BY position))
"""
_SELECT = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions s"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def migrations() -> list[tuple[int, str]]:
    """(version, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.startswith("V") and name.endswith(".sql"):
            found.append((int(name[1:].split("__", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class SqliteStore:
    """Implements bot.ports.Store. One connection; a lock keeps transactions whole."""

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> SqliteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.close()

    async def open(self) -> None:
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = await aiosqlite.connect(self._path, isolation_level=None)
            # busy_timeout first so switching to WAL waits for other processes' locks.
            await self._db.execute("PRAGMA busy_timeout = 5000")
            await self._db.execute("PRAGMA journal_mode = WAL")
            await self._db.execute("PRAGMA synchronous = NORMAL")
            await self._db.execute("PRAGMA foreign_keys = ON")
            await self._migrate()
        except sqlite3.Error as err:
            await self.close()
            raise StorageError(f"cannot open database {self._path}: {err}") from err

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("the store is not open")
        return self._db

    async def _migrate(self) -> None:
        rows = await self.db.execute_fetchall("PRAGMA user_version")
        current = next(iter(rows))[0]
        for version, sql in migrations():
            if version <= current:
                continue
            async with self._tx() as db:
                await _apply(db, sql, version)
            log.info("database migrated to version %d", version)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            db = self.db
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                return list(await self.db.execute_fetchall(sql, tuple(params)))
            except sqlite3.Error as err:
                raise StorageError(str(err)) from err

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction; returns the changed row count."""
        async with self._lock:
            try:
                cursor = await self.db.execute(sql, tuple(params))
                return cursor.rowcount
            except sqlite3.Error as err:
                raise StorageError(str(err)) from err

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
                    (community, number_row[0], url, original_url, member.id, _iso(now)),
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
                str(summary.source), article.url, _iso(now), submission_id,
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
                "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
                "SELECT ?, member_id, emoji, direction, created_at FROM votes "
                "WHERE submission_id = ? ON CONFLICT DO NOTHING",
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

    async def add_vote(self, submission_id: int, member_id: str, emoji: str, direction: int,
                       now: datetime) -> bool:
        changed = await self._write(
            "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (submission_id, member_id, emoji, direction, _iso(now)),
        )
        return changed > 0

    async def remove_vote(self, submission_id: int, member_id: str, emoji: str) -> bool:
        changed = await self._write(
            "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?",
            (submission_id, member_id, emoji),
        )
        return changed > 0

    async def add_vote_on_message(self, community: str, message_id: str, member_id: str,
                                  emoji: str, direction: int, now: datetime, *,
                                  allow_self: bool) -> bool:
        # One statement, so the rule check and the write cannot be split by a moderator.
        changed = await self._write(
            "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
            "SELECT s.id, ?, ?, ?, ? FROM messages m JOIN submissions s ON s.id = m.submission_id "
            "WHERE m.community = ? AND m.message_id = ? AND s.status = 'queued' AND (? OR NOT "
            "EXISTS (SELECT 1 FROM submitters WHERE submission_id = s.id AND member_id = ?)) "
            "ON CONFLICT DO NOTHING",
            (member_id, emoji, direction, _iso(now), community, message_id, int(allow_self),
             member_id),
        )
        return changed > 0

    async def remove_vote_on_message(self, community: str, message_id: str, member_id: str,
                                     emoji: str) -> bool:
        changed = await self._write(
            "DELETE FROM votes WHERE member_id = ? AND emoji = ? AND submission_id = "
            "(SELECT submission_id FROM messages WHERE community = ? AND message_id = ?)",
            (member_id, emoji, community, message_id),
        )
        return changed > 0

    async def clear_votes(self, submission_id: int, emoji: str | None = None) -> int:
        if emoji is None:
            return await self._write("DELETE FROM votes WHERE submission_id = ?", (submission_id,))
        return await self._write(
            "DELETE FROM votes WHERE submission_id = ? AND emoji = ?", (submission_id, emoji)
        )

    async def replace_votes(self, submission_id: int, votes: Sequence[VoteRecord],
                            now: datetime) -> None:
        async with self._tx() as db:
            await db.execute("DELETE FROM votes WHERE submission_id = ?", (submission_id,))
            await db.executemany(
                "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(submission_id, v.member_id, v.emoji, v.direction, _iso(now)) for v in votes],
            )

    async def tallies(self, submission_ids: Sequence[int]) -> dict[int, Tally]:
        if not submission_ids:
            return {}
        marks = ",".join("?" * len(submission_ids))
        rows = await self._fetch(
            "SELECT submission_id, "
            "count(DISTINCT CASE WHEN direction = 1 THEN member_id END), "
            "count(DISTINCT CASE WHEN direction = -1 THEN member_id END) "
            f"FROM votes WHERE submission_id IN ({marks}) GROUP BY submission_id",
            submission_ids,
        )
        return {row[0]: Tally(up=row[1], down=row[2]) for row in rows}

    # digests ---------------------------------------------------------------------------

    async def begin_digest(self, community: str, period: str, now: datetime) -> bool:
        changed = await self._write(
            "INSERT INTO digests (community, period, state, started_at) "
            "VALUES (?, ?, 'posting', ?) ON CONFLICT DO NOTHING",
            (community, period, _iso(now)),
        )
        return changed > 0

    async def finish_digest(self, community: str, period: str, content: str, now: datetime,
                            published: Sequence[int]) -> None:
        async with self._tx() as db:
            await db.execute(
                "UPDATE digests SET state = 'posted', posted_at = ?, content = ? "
                "WHERE community = ? AND period = ?",
                (_iso(now), content, community, period),
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
            (_iso(before),),
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
        from bot.models import SummarySource

        rows = await self._fetch("SELECT text, source, model FROM summary_cache WHERE key = ?",
                                 (key,))
        return Summary(rows[0][0], SummarySource(rows[0][1]), rows[0][2]) if rows else None

    async def put(self, key: str, summary: Summary) -> None:
        await self._write(
            "INSERT OR REPLACE INTO summary_cache (key, text, source, model, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, summary.text, str(summary.source), summary.model, _iso(datetime.now(UTC))),
        )


async def _apply(db: aiosqlite.Connection, sql: str, version: int) -> None:
    # executescript commits first, so run the statements inside our transaction one by one.
    for statement in _statements(sql):
        await db.execute(statement)
    await db.execute(f"PRAGMA user_version = {version}")


def _statements(sql: str) -> list[str]:
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]
