"""The storage boundary: every driver error leaves the store as a StorageError that names the
file and the reason (chained to the driver's error), and lock waits are retried."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.models import Member
from storage.sqlite import SqliteStore

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADA = Member("u1", "Ada")


async def _seeded(path: Path) -> None:
    async with SqliteStore(path) as store:
        await store.ensure_community("c1", "console", "One")
        await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)


async def test_a_read_only_database_refuses_writes_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    await _seeded(path)
    # Root ignores file modes; SQLite's own read-only mode fails the same way a read-only file
    # or mount does (SQLITE_READONLY).
    async with SqliteStore(f"file:{path}?mode=ro") as store:
        assert [s.url for s in await store.list_submissions("c1")] == ["https://x.test/a"]
        with pytest.raises(StorageError) as caught:
            await store.add_submission("c1", "https://x.test/b", "b", ADA, NOW)
        assert str(caught.value).startswith(f"database {path} is read-only")
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        with pytest.raises(StorageError, match="read-only"):
            await store.upsert_member("c1", ADA)  # a single-statement write, too
    async with SqliteStore(path) as store:
        assert len(await store.list_submissions("c1")) == 1


async def test_a_parent_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    path = tmp_path / "afile" / "sub" / "d.sqlite3"
    with pytest.raises(StorageError) as caught:
        async with SqliteStore(path):
            pass
    assert str(caught.value) == (
        f"cannot open database {path}: {tmp_path / 'afile'} is a file, not a folder")
    assert isinstance(caught.value.__cause__, OSError)


async def test_a_database_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        async with SqliteStore(tmp_path):
            pass
    assert str(caught.value) == f"cannot open database {tmp_path}: it is a folder"
    assert isinstance(caught.value.__cause__, sqlite3.Error)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a Linux /proc")
async def test_a_path_under_proc(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        async with SqliteStore("/proc/digestif-test.sqlite3"):
            pass
    assert str(caught.value).startswith("cannot open database /proc/digestif-test.sqlite3: ")
    assert isinstance(caught.value.__cause__, sqlite3.Error)


async def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(StorageError, match=f"database {path} is damaged or not a digestif"):
        async with SqliteStore(path):
            pass
    assert path.read_bytes().startswith(b"these are my notes")


async def test_a_driver_error_inside_a_transaction_rolls_it_back(tmp_path: Path) -> None:
    path = tmp_path / "tx.sqlite3"
    async with SqliteStore(path) as store:
        await store.ensure_community("c1", "console", "One")
        dup, _ = await store.add_submission("c1", "https://x.test/dup", "dup", ADA, NOW)
        await store.add_vote(dup.id, "u2", "👍", 1, NOW)
        # Merging into a submission that does not exist breaks a foreign key mid-transaction.
        with pytest.raises(StorageError) as caught:
            await store.merge_into(dup.id, 999_999)
        assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
        assert "FOREIGN KEY" in str(caught.value)
        kept = await store.get_submission_by_id(dup.id)
        assert kept is not None and kept.submitters == ("u1",)
        assert (await store.tallies([dup.id]))[dup.id].up == 1
        # The connection is usable afterwards: the failed transaction did not stay open.
        assert await store.add_vote(dup.id, "u3", "👍", 1, NOW)


@pytest.fixture
def locker(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection (as another process would) holding the write lock."""
    path = tmp_path / "locked.sqlite3"
    asyncio.run(_seeded(path))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.close()


async def test_a_lock_held_past_the_wait_is_a_clear_error(
        tmp_path: Path, locker: sqlite3.Connection) -> None:
    path = tmp_path / "locked.sqlite3"
    async with SqliteStore(path, lock_timeout=0.3) as store:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(StorageError) as caught:
            await store.add_submission("c1", "https://x.test/b", "b", ADA, NOW)
        assert loop.time() - started >= 0.3
        assert str(caught.value) == (
            f"database is locked by another process (waited 0.3 s): {path}")
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        with pytest.raises(StorageError, match="locked by another process"):
            await store.upsert_member("c1", ADA)
        assert [s.url for s in await store.list_submissions("c1")] == ["https://x.test/a"]


class _Retried(logging.Handler):
    """Sets an event when the store logs that it is waiting for another process's lock."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(logging.DEBUG)
        self.event = asyncio.Event()
        self._loop = loop

    def emit(self, record: logging.LogRecord) -> None:
        if "locked by another process; retrying" in record.getMessage():
            self._loop.call_soon_threadsafe(self.event.set)


async def test_a_write_waits_past_the_busy_timeout_until_the_lock_is_released(
        tmp_path: Path, locker: sqlite3.Connection) -> None:
    path = tmp_path / "locked.sqlite3"
    logger = logging.getLogger("storage.errors")
    handler = _Retried(asyncio.get_running_loop())
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        # Lock wait 8 s: SQLite's busy timeout inside each try is a quarter of it (2 s).
        async with SqliteStore(path, lock_timeout=8) as store:
            write = asyncio.create_task(
                store.add_submission("c1", "https://x.test/b", "b", ADA, NOW))
            await asyncio.wait_for(handler.event.wait(), timeout=30)
            assert not write.done()  # a busy timeout has passed and it is still waiting
            locker.execute("COMMIT")
            submission, created = await asyncio.wait_for(write, timeout=30)
            assert created and submission.number == 2
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


async def test_a_full_database_is_reported_and_keeps_what_it_had(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    async with SqliteStore(path) as store:
        await store.ensure_community("c1", "console", "One")
        # A size cap makes SQLite fail exactly as a full disk does (SQLITE_FULL).
        pages = next(iter(await store.db.execute_fetchall("PRAGMA page_count")))[0]
        await store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        added = 0
        with pytest.raises(StorageError) as caught:
            for n in range(1000):
                await store.add_submission("c1", f"https://x.test/{n}/{'x' * 1500}", "raw",
                                           ADA, NOW)
                added += 1
        assert str(caught.value) == f"the disk is full: cannot write database {path}"
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        assert 0 < added < 1000
        assert len(await store.list_submissions("c1")) == added
