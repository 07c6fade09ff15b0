"""Reaction throughput on PostgreSQL: the core's reaction use case vs a plain asyncpg loop.

The same 20,000 events as benchmarks/votes.py (adds, removes, replays, bots, submitters) over
500 submissions, each run in a scratch schema of its own. Prints events/s for both, their
ratio, and the core's p50/p99 latency per event. Goal: ratio >= 0.5, p99 <= 20 ms.
Run: .venv/bin/python benchmarks/votes_pg.py  (DIGESTIF_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/test)
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.votes import _events, _setup, core_run, plain_writes, report
from bot.config import Settings
from bot.events import ReactionChanged
from storage.postgres import PostgresStore

SERVER = os.environ.get("DIGESTIF_BENCH_DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def scratch_schema() -> AsyncIterator[str]:
    """A URL whose connections work in a new schema, dropped afterwards."""
    name = f"digestif_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(SERVER)
    try:
        await admin.execute(f'CREATE SCHEMA "{name}"')
        joiner = "&" if "?" in SERVER else "?"
        yield f"{SERVER}{joiner}search_path={name}"
    finally:
        await admin.execute(f'DROP SCHEMA "{name}" CASCADE')
        await admin.close()


async def plain_run(url: str, events: list[ReactionChanged]) -> float:
    """The floor: one statement per event on one connection, each its own transaction."""
    async with PostgresStore(url) as store:  # same schema and migrations
        await _setup(store)
    db = await asyncpg.connect(url)
    try:
        now = datetime.now(UTC).isoformat()
        start = time.perf_counter()
        for added, sub_id, member_id, emoji in plain_writes(events):
            if added:
                await db.execute(
                    "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
                    "VALUES ($1, $2, $3, 1, $4) ON CONFLICT DO NOTHING",
                    sub_id, member_id, emoji, now)
            else:
                await db.execute(
                    "DELETE FROM votes WHERE submission_id = $1 AND member_id = $2 "
                    "AND emoji = $3", sub_id, member_id, emoji)
        return time.perf_counter() - start
    finally:
        await db.close()


async def main() -> None:
    events = _events(random.Random(7))
    async with scratch_schema() as url:
        settings = Settings(database_url=url, cpu_workers=0)
        core_time, latencies = await core_run(settings, events)
    async with scratch_schema() as url:
        plain_time = await plain_run(url, events)
    report(len(events), core_time, plain_time, latencies, ", PostgreSQL", "plain asyncpg:")


if __name__ == "__main__":
    asyncio.run(main())
