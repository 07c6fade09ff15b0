"""Votes and the reactions behind them (bot.ports.VoteStore)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.records import Tally, VoteRecord
from storage.connection import SqlConnection, iso


def both_ways(submission: str) -> str:
    """SQL: how many members voted both up and down on ``submission`` (a column); they
    count once among its distinct voters."""
    return ("(SELECT count(DISTINCT w.member_id) FROM votes w WHERE w.submission_id = "
            f"{submission} AND w.direction = 1 AND EXISTS (SELECT 1 FROM votes d WHERE "
            f"d.submission_id = {submission} AND d.member_id = w.member_id AND "
            "d.direction = -1))")


class SqlVotes(SqlConnection):
    """Implements bot.ports.VoteStore."""

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
        async with self._tx() as tx:
            # Withdrawn by number: the member means the whole vote, reactions included.
            removed = await tx.execute(
                "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?", key)
            await tx.execute(
                "DELETE FROM reactions WHERE submission_id = ? AND member_id = ? AND emoji = ?",
                key)
        return removed > 0

    async def add_vote_on_message(self, community: str, message_id: str, member_id: str,
                                  emoji: str, direction: int, now: datetime, *,
                                  allow_self: bool, reaction: str = "") -> bool:
        # One statement, so the rule check and the write cannot be split by a moderator.
        changed = await self._write(
            "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
            "direction, created_at) "
            "SELECT s.id, ?, ?, ?, ?, ?, ? FROM messages m "
            "JOIN submissions s ON s.id = m.submission_id "
            "WHERE m.community = ? AND m.message_id = ? AND s.status = 'queued' AND (? = 1 OR "
            "NOT EXISTS (SELECT 1 FROM submitters WHERE submission_id = s.id AND member_id = ?)) "
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
        count = f"SELECT count(*) AS votes FROM votes WHERE {where}"
        async with self._tx() as tx:
            before = (await tx.fetch(count, params))[0]["votes"]
            if message_id is None:
                await tx.execute(f"DELETE FROM reactions WHERE {where}", params)
                await tx.execute(f"DELETE FROM votes WHERE {where}", params)
            else:
                only = "" if reaction is None else " AND reaction = ?"
                await tx.execute(
                    f"DELETE FROM reactions WHERE {where} AND ((message_id = ?{only}) OR "
                    "message_id = '')",
                    (*params, message_id) + (() if reaction is None else (reaction,)))
            after = (await tx.fetch(count, params))[0]["votes"]
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
        async with self._tx() as tx:
            # Votes that stay keep their time, so a recount does not move them into this
            # week; the reactions become exactly those seen. Votes cast by number stay.
            await tx.executemany(insert_votes, vote_rows)
            await tx.executemany(
                "INSERT INTO reactions (submission_id, member_id, emoji, message_id, reaction, "
                "direction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(submission_id, *row, iso(now)) for row in rows])
            # A reaction added after ``now`` (while the platform was being read) is newer
            # than what the recount saw: it stays.
            stored_keys = [
                (r["member_id"], r["emoji"], r["message_id"], r["reaction"])
                for r in await tx.fetch(
                    "SELECT member_id, emoji, message_id, reaction FROM reactions "
                    "WHERE submission_id = ? AND created_at <= ?", (submission_id, iso(now)))]
            await tx.executemany(
                "DELETE FROM reactions WHERE submission_id = ? AND member_id = ? AND emoji = ? "
                "AND message_id = ? AND reaction = ?",
                [(submission_id, *key) for key in stored_keys if key not in seen])
            orphans = await tx.fetch(
                "SELECT member_id, emoji FROM votes v WHERE submission_id = ? AND direct = 0 "
                "AND NOT EXISTS (SELECT 1 FROM reactions r WHERE r.submission_id = "
                "v.submission_id AND r.member_id = v.member_id AND r.emoji = v.emoji)",
                (submission_id,))
            await tx.executemany(
                "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?",
                [(submission_id, r["member_id"], r["emoji"]) for r in orphans
                 if (r["member_id"], r["emoji"]) not in keep],
            )

    async def tallies(self, submission_ids: Sequence[int]) -> dict[int, Tally]:
        if not submission_ids:
            return {}
        marks = ",".join("?" * len(submission_ids))
        rows = await self._fetch(
            "SELECT submission_id, "
            "count(DISTINCT CASE WHEN direction = 1 THEN member_id END) AS up, "
            "count(DISTINCT CASE WHEN direction = -1 THEN member_id END) AS down, "
            f"{both_ways('v.submission_id')} AS both_ways FROM votes v "
            f"WHERE submission_id IN ({marks}) GROUP BY submission_id",
            submission_ids,
        )
        return {row["submission_id"]: Tally(up=row["up"], down=row["down"],
                                            both=row["both_ways"]) for row in rows}
