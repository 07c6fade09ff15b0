"""Processes that open a fresh database at the same moment: each migration runs once, nobody
fails, and every member keeps the links they added."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

from bot.models import Member
from storage.migrations import migrations
from storage.sqlite import SqliteStore

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PROCESSES = 8


def _member_process(path: str, index: int, start: Barrier) -> None:
    """One process: open (and migrate) the store, then add this member's links."""

    async def work() -> None:
        member = Member(f"m{index}", f"Member {index}")
        async with SqliteStore(path) as store:
            await store.ensure_community("c1", "console", "One")
            for n in range(2):
                await store.add_submission("c1", f"https://x.test/{index}/{n}", "raw", member,
                                           NOW)
            await store.add_submission("c1", "https://x.test/shared", "raw", member, NOW)

    start.wait()  # all processes open the fresh file together
    asyncio.run(work())


def test_processes_opening_a_fresh_database_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    workers = [context.Process(target=_member_process, args=(str(path), i, start))
               for i in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
        rows = db.execute(
            "SELECT s.url, t.member_id FROM submissions s "
            "JOIN submitters t ON t.submission_id = s.id").fetchall()
        numbers = [n for (n,) in db.execute("SELECT number FROM submissions ORDER BY number")]
    finally:
        db.close()
    for i in range(PROCESSES):
        assert {u for u, m in rows if m == f"m{i}"} == {
            f"https://x.test/{i}/0", f"https://x.test/{i}/1", "https://x.test/shared"}
    assert numbers == list(range(1, 2 * PROCESSES + 2))  # no number lost or given twice
