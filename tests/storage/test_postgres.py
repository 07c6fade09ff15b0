"""What only the PostgreSQL store has to get right: ``?`` placeholders on asyncpg, migrations
raced by several processes, transactions side by side, the pool, and its errors as
StorageError. (Behaviour shared with SQLite is in the contract suites, run on both.)"""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.errors import StorageError
from bot.models import Member
from storage.migrations import migrations
from storage.pg_errors import display_url, retry_conflicts
from storage.postgres import PostgresStore
from storage.postgres_db import PostgresDatabase, numbered
from tests.stores import SKIPPED, fresh_schema, server_url

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADA = Member("u1", "Ada")


def test_placeholders_are_numbered_outside_quotes_and_comments() -> None:
    assert numbered("SELECT ? , '?' , \"a?\" FROM t WHERE x = ? -- why?\nAND y = ?") == (
        "SELECT $1 , '?' , \"a?\" FROM t WHERE x = $2 -- why?\nAND y = $3")
    assert numbered("SELECT 'it''s ?', ? /* ? */") == "SELECT 'it''s ?', $1 /* ? */"
    assert numbered("WHERE a < ?1 AND b = ?2 OR c = ?1") == "WHERE a < $1 AND b = $2 OR c = $1"
    with pytest.raises(ValueError, match="mixed"):
        numbered("WHERE a = ?1 AND b = ?")


def test_urls_are_shown_without_their_password() -> None:
    assert display_url("postgresql://bot:s3cret@db.example:5433/digest?sslmode=require") == (
        "postgresql://bot@db.example:5433/digest")
    assert display_url("postgresql:///digest") == "postgresql://localhost/digest"


async def test_conflicts_are_tried_again_then_reported() -> None:
    tries = []

    async def loses_twice() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise asyncpg.SerializationError("could not serialize access")
        return "done"

    assert await retry_conflicts(loses_twice, "db") == "done"
    assert len(tries) == 3

    async def always_loses() -> str:
        raise asyncpg.DeadlockDetectedError("deadlock detected")

    with pytest.raises(asyncpg.DeadlockDetectedError):
        await retry_conflicts(always_loses, "db")


async def test_stores_opening_a_fresh_database_at_once_migrate_it_once() -> None:
    async with fresh_schema() as url:
        stores = [PostgresStore(url, pool_size=2) for _ in range(6)]
        await asyncio.gather(*(s.open() for s in stores))
        try:
            rows = await stores[0].database.fetch(
                "SELECT version FROM digestif_schema_version ORDER BY version")
            assert [r["version"] for r in rows] == [v for v, _ in migrations("postgresql")]
            last = migrations("postgresql")[-1][0]
            assert [await s.database.version() for s in stores] == [last] * len(stores)
        finally:
            await asyncio.gather(*(s.close() for s in stores))


async def test_two_processes_adding_the_same_link_credit_both() -> None:
    async with fresh_schema() as url, PostgresStore(url) as one, PostgresStore(url) as two:
        await one.ensure_community("c1", "console", "One")
        added = await asyncio.gather(*(
            store.add_submission("c1", f"https://x.test/{n % 5}", "raw",
                                 Member(f"m{n}", f"M{n}"), NOW)
            for n, store in enumerate([one, two] * 10)))
        assert sum(a.created for a in added) == 5
        subs = await one.list_submissions("c1")
        assert [s.number for s in subs] == [1, 2, 3, 4, 5]
        assert sorted(len(s.submitters) for s in subs) == [4] * 5


async def test_an_idle_worker_wakes_when_another_process_queues_a_job() -> None:
    """Workers on PostgreSQL LISTEN: a link queued or handed back by another process wakes
    them, where the pause (600 s here) would have kept them waiting."""
    async with fresh_schema() as url, PostgresStore(url) as worker, \
            PostgresStore(url) as gateway:
        await gateway.ensure_community("c1", "console", "One")
        await worker.wait_for_jobs(0)  # listening from here on
        async with asyncio.timeout(30):
            waiting = asyncio.create_task(worker.wait_for_jobs(600))
            added = await gateway.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
            await waiting
            [job] = await worker.claim_next("w1", NOW, NOW + timedelta(seconds=30), 5)
            assert job.id == added.submission.id
            waiting = asyncio.create_task(worker.wait_for_jobs(600))
            await worker.release("w1", [job.id])
            await waiting


async def test_the_pool_holds_at_most_its_size() -> None:
    async with fresh_schema() as url, PostgresStore(url, pool_size=2) as store:
        await store.ensure_community("c1", "console", "One")
        await asyncio.gather(*(store.add_submission("c1", f"https://x.test/{n}", "raw", ADA,
                                                    NOW) for n in range(20)))
        database = store.database
        assert isinstance(database, PostgresDatabase)
        assert database.pool.get_size() <= 2
        assert len(await store.list_submissions("c1")) == 20


async def test_an_error_inside_a_transaction_rolls_it_back_and_says_why() -> None:
    async with fresh_schema() as url, PostgresStore(url) as store:
        await store.ensure_community("c1", "console", "One")
        dup, _ = await store.add_submission("c1", "https://x.test/dup", "dup", ADA, NOW)
        await store.add_vote(dup.id, "u2", "👍", 1, NOW)
        with pytest.raises(StorageError) as caught:
            await store.merge_into(dup.id, 999_999)
        assert isinstance(caught.value.__cause__, asyncpg.ForeignKeyViolationError)
        assert "foreign key" in str(caught.value)
        assert str(caught.value).startswith("database error on postgresql://")
        kept = await store.get_submission_by_id(dup.id)
        assert kept is not None and kept.submitters == ("u1",)
        assert (await store.tallies([dup.id]))[dup.id].up == 1
        assert await store.add_vote(dup.id, "u3", "👍", 1, NOW)


async def test_an_identity_continues_after_ids_given_by_hand() -> None:
    async with fresh_schema() as url, PostgresStore(url) as store:
        await store.ensure_community("c1", "console", "One")
        first, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
        again, _ = await store.add_submission("c1", "https://x.test/b", "b", ADA, NOW)
        assert again.id == first.id + 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_no_server_is_a_clear_error() -> None:
    url = f"postgresql://postgres:pw@127.0.0.1:{_free_port()}/test"
    with pytest.raises(StorageError) as caught:
        async with PostgresStore(url):
            pass
    message = str(caught.value)
    assert message.startswith("cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:")
    assert "refused" in message and "pw" not in message


def _server_or_skip() -> str:
    url = server_url()
    if url is None:
        pytest.skip(SKIPPED)
    return url


async def test_an_unknown_user_or_database_is_a_clear_error() -> None:
    url = _server_or_skip()
    for wrong, expected in [
        (url.replace("//postgres@", "//digestif_nobody@", 1), "refused to log in"),
        (url.replace("/test", "/digestif_no_such_db", 1), "does not exist"),
    ]:
        if wrong == url:
            continue  # the server's URL is not the usual one
        with pytest.raises(StorageError) as caught:
            async with PostgresStore(wrong):
                pass
        assert expected in str(caught.value)
        assert isinstance(caught.value.__cause__, asyncpg.PostgresError)
