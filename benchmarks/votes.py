"""Reaction throughput: the core's reaction use case on SQLite vs a plain aiosqlite loop.

20,000 events (adds, removes, replays, bots, submitters) over 500 submissions. Prints events/s
for both, their ratio, and the core's p50/p99 latency per event. Goal: ratio >= 0.5,
p99 <= 20 ms.   Run: .venv/bin/python benchmarks/votes.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.clock import system_clock
from bot.config import Settings
from bot.events import MessageRef, ReactionChanged
from bot.models import Article, Member, Summary, SummaryPrefs, SummarySource
from bot.ports import Store
from digestif.bootstrap import open_app
from storage.sqlite import SqliteStore

EVENTS, SUBMISSIONS, MEMBERS = 20_000, 500, 300
COMMUNITY = "bench"


class _Unused:
    """The benchmark never ingests; these stand in for the reader and summarizer ports."""

    async def read(self, url: str) -> Article:
        raise NotImplementedError

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        return Summary("", SummarySource.NONE)

    async def brief(self, picks: object, prefs: SummaryPrefs) -> tuple[str, ...]:
        del picks
        return ()


def _events(rng: random.Random) -> list[ReactionChanged]:
    members = [Member(f"u{i}", f"user{i}", is_bot=i % 60 == 0) for i in range(MEMBERS)]
    events: list[ReactionChanged] = []
    for _ in range(EVENTS):
        roll = rng.random()
        if events and roll < 0.1:
            events.append(rng.choice(events))  # a replayed delivery
            continue
        sub = rng.randrange(SUBMISSIONS)
        member = members[sub % MEMBERS] if roll < 0.15 else rng.choice(members)  # submitter
        emoji = "🎉" if rng.random() < 0.05 else "👍"
        events.append(ReactionChanged(COMMUNITY, f"m{sub}", member, emoji, roll > 0.3))
    return events


async def _setup(store: Store) -> None:
    await store.ensure_community(COMMUNITY, "console", COMMUNITY)
    now = datetime.now(UTC)
    for i in range(SUBMISSIONS):
        submitter = Member(f"u{i % MEMBERS}", f"user{i % MEMBERS}")
        sub, _ = await store.add_submission(COMMUNITY, f"https://x.test/{i}", "x", submitter, now)
        await store.link_message(COMMUNITY, MessageRef("c", f"m{i}"), sub.id, "origin")


def plain_writes(events: list[ReactionChanged]) -> Iterator[tuple[bool, int, str, str]]:
    """What the raw loops write for each event: (added, submission id, member id, emoji);
    events whose rows the core never writes (bots' reactions, other emoji) are left out."""
    for event in events:
        if event.added and (event.member.is_bot or event.emoji != "👍"):
            continue
        yield event.added, int(event.message_id[1:]) + 1, event.member.id, event.emoji


async def core_run(settings: Settings, events: list[ReactionChanged]
                   ) -> tuple[float, list[float]]:
    unused = _Unused()
    # The app as `digestif run` builds it (its store from the settings), minus ingest.
    async with open_app(settings, system_clock, ingest=False, reader=unused,
                        summarizer=unused) as app:
        await _setup(app.store)
        curator = app.curator
        await curator.known_community(COMMUNITY)
        latencies = []
        start = time.perf_counter()
        for event in events:
            t0 = time.perf_counter()
            await curator.react(event)
            latencies.append(time.perf_counter() - t0)
        return time.perf_counter() - start, latencies


async def plain_run(path: Path, events: list[ReactionChanged]) -> float:
    """The floor: one statement per event in its own transaction, same pragmas."""
    async with SqliteStore(path) as store:  # same schema and migrations
        await _setup(store)
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await db.execute("PRAGMA busy_timeout = 5000")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        now = datetime.now(UTC).isoformat()
        start = time.perf_counter()
        for added, sub_id, member_id, emoji in plain_writes(events):
            if added:
                await db.execute(
                    "INSERT INTO votes (submission_id, member_id, emoji, direction, created_at) "
                    "VALUES (?, ?, ?, 1, ?) ON CONFLICT DO NOTHING",
                    (sub_id, member_id, emoji, now),
                )
            else:
                await db.execute(
                    "DELETE FROM votes WHERE submission_id = ? AND member_id = ? AND emoji = ?",
                    (sub_id, member_id, emoji),
                )
        return time.perf_counter() - start


async def main() -> None:
    events = _events(random.Random(7))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "core.sqlite3", cpu_workers=0)
        core_time, latencies = await core_run(settings, events)
        plain_time = await plain_run(Path(tmp) / "plain.sqlite3", events)
    report(len(events), core_time, plain_time, latencies, "", "plain aiosqlite:")


def report(events: int, core_time: float, plain_time: float, latencies: list[float],
           engine: str, plain: str) -> None:
    """The figures, worded alike for every engine (``engine``: "" or ", PostgreSQL")."""
    core_rate, plain_rate = events / core_time, events / plain_time
    cuts = statistics.quantiles(latencies, n=100)
    print(f"events:            {events} over {SUBMISSIONS} submissions{engine}")
    print(f"core:              {core_rate:,.0f} events/s")
    print(f"{plain:<19}{plain_rate:,.0f} events/s")
    print(f"ratio core/plain:  {core_rate / plain_rate:.2f}   (goal >= 0.5)")
    print(f"core latency p50:  {cuts[49] * 1000:.2f} ms")
    print(f"core latency p99:  {cuts[98] * 1000:.2f} ms   (goal <= 20 ms)")


if __name__ == "__main__":
    asyncio.run(main())
