"""Several processes on one database (SQLite, PostgreSQL), each with its own connection and
owner: ingest claims never double, a dead owner's job is taken over once its lease lapses
(injected clock), and settings changed by one process reach the others' caches."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.community import CommunitySettings
from bot.curator import Curator
from bot.ingest import IngestResult, IngestWorker, per_member
from bot.models import Article, Member, SubmissionState
from storage.store import SqlStore
from tests.fakes.pipeline import FakeClock, FakeSummarizer
from tests.stores import KINDS, OpenDatabase, fresh_database

C = "club"
ADA = Member("ada", "Ada")
LEASE = 30.0
FAST_POLL = (0.005, 0.02)  # real seconds between looks for work; lease time is the clock's


class HeldReader:
    """Reads every page, once ``open`` is set; counts the reads begun, per URL."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.reads: list[str] = []
        self._changed = asyncio.Condition()

    async def read(self, url: str) -> Article:
        async with self._changed:
            self.reads.append(url)
            self._changed.notify_all()
        await self.open.wait()
        return Article(url=url, title=url, text="Some text.")

    async def until_reading(self, count: int) -> None:
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: len(self.reads) >= count)


class Done:
    """Results from every worker, awaited by count."""

    def __init__(self) -> None:
        self.results: list[IngestResult] = []
        self._changed = asyncio.Condition()

    async def __call__(self, result: IngestResult) -> None:
        async with self._changed:
            self.results.append(result)
            self._changed.notify_all()

    async def until(self, count: int) -> None:
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: len(self.results) >= count)


@pytest.fixture(params=KINDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path
                   ) -> AsyncIterator[OpenDatabase]:
    """One shared database of each kind, which each process opens on its own."""
    async with fresh_database(request.param, tmp_path, "shared") as opener:
        yield opener


@asynccontextmanager
async def process(database: OpenDatabase, reader: HeldReader, clock: FakeClock, done: Done,
                  owner: str) -> AsyncIterator[IngestWorker]:
    """One worker process: its own connection to the database, its own owner name."""
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(SqlStore(database()))
        worker = IngestWorker(store, reader, FakeSummarizer(), clock, concurrency=2,
                              lease=LEASE, owner=owner, poll=FAST_POLL)
        worker.subscribe(done)
        await worker.start()
        stack.push_async_callback(worker.close)
        yield worker


async def queue_links(database: OpenDatabase, count: int, clock: FakeClock) -> list[int]:
    """A gateway queues ``count`` links (it reads none itself)."""
    async with SqlStore(database()) as store:
        await store.ensure_community(C, "console", "Club")
        return [(await store.add_submission(C, f"https://news.test/{i}", "x", ADA,
                                            clock()))[0].id for i in range(count)]


async def test_three_workers_never_claim_the_same_link(
        database: OpenDatabase) -> None:
    clock, reader, done = FakeClock(), HeldReader(), Done()
    ids = await queue_links(database, 60, clock)
    async with process(database, reader, clock, done, "w1"), \
            process(database, reader, clock, done, "w2"), \
            process(database, reader, clock, done, "w3"):
        # Each worker claims 8 links (its capacity) and reads per_member(2) of one member's
        # links at a time; every claimed link is held by exactly one worker.
        reading = 3 * per_member(2)
        await reader.until_reading(reading)
        async with SqlStore(database()) as store:
            held = [s for s in await store.list_submissions(C)
                    if s.state is SubmissionState.FETCHING]
        assert len(held) == 24 and len(set(reader.reads)) == len(reader.reads) == reading
        reader.open.set()
        await done.until(60)
    assert sorted(reader.reads) == sorted(f"https://news.test/{i}" for i in range(60))
    async with SqlStore(database()) as store:
        finished = await store.submissions_by_ids(ids)
    assert {(s.state, s.attempts) for s in finished} == {(SubmissionState.READY, 1)}
    assert len(done.results) == 60, "each announced once"


async def test_a_dead_owners_job_is_taken_over_once_its_lease_lapses(
        database: OpenDatabase) -> None:
    clock, reader, done = FakeClock(), HeldReader(), Done()
    reader.open.set()
    abandoned, later = await queue_links(database, 2, clock)
    async with SqlStore(database()) as store:
        # A worker claimed it, then its process was killed: the lease stays behind.
        assert await store.claim(abandoned, "dead", clock(), clock() + timedelta(seconds=LEASE))
    async with process(database, reader, clock, done, "alive"):
        await done.until(1)  # the live worker has looked, and read what was free
        assert [r.submission.id for r in done.results] == [later]
        clock.advance(seconds=LEASE + 1)
        await done.until(2)
    assert [r.submission.id for r in done.results] == [later, abandoned]
    async with SqlStore(database()) as store:
        [taken] = await store.submissions_by_ids([abandoned])
    assert (taken.state, taken.attempts) == (SubmissionState.READY, 2)


async def test_a_stopping_worker_hands_its_jobs_to_another_at_once(
        database: OpenDatabase) -> None:
    clock, done = FakeClock(), Done()
    stuck, reader = HeldReader(), HeldReader()
    reader.open.set()
    [link] = await queue_links(database, 1, clock)
    async with process(database, stuck, clock, done, "leaving"):
        await stuck.until_reading(1)
    async with process(database, reader, clock, done, "staying"):  # the clock has not moved
        await done.until(1)
    assert [r.submission.id for r in done.results] == [link]


async def test_settings_changed_in_one_process_reach_the_others(
        database: OpenDatabase) -> None:
    clock = FakeClock()
    async with SqlStore(database()) as one, SqlStore(database()) as two:
        curators = [Curator(store, IngestWorker(store, HeldReader(), FakeSummarizer(), clock),
                            clock, settings_check=0) for store in (one, two)]
        first, second = curators
        await first.community(C)
        assert (await second.settings_for(C)).picks == CommunitySettings().picks  # cached
        await first.update_settings(C, dataclasses.replace(CommunitySettings(), picks=3))
        assert (await second.settings_for(C)).picks == 3
        period = "2026-W48"
        assert not await second._voting_locked(C, CommunitySettings())  # cached too
        await first.set_voting_lock(C, period, True)
        assert await second._voting_locked(C, CommunitySettings())
