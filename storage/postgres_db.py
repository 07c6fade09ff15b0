"""The PostgreSQL database: an asyncpg pool, the numbered migrations tracked in a table under an
advisory lock, ``?`` placeholders turned into ``$n``; implements storage.db.Database.

Transactions run at READ COMMITTED, side by side. A transaction that reads and then writes
what another may write at the same time locks a common row first (e.g. the community's), so
the two take turns as they do on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from asyncpg.pool import Pool, PoolConnectionProxy

from bot.errors import StorageError
from storage.db import Dialect, Params, Row, Transaction
from storage.migrations import migrations
from storage.pg_errors import display_url, pg_errors, retry_conflicts

log = logging.getLogger(__name__)

DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT = 10.0
# The advisory lock (pg_advisory_xact_lock) held while migrating: "digesti" in ASCII, then 1.
MIGRATION_LOCK = 0x64696765_73746901
_VERSIONS = "digestif_schema_version"


class PostgresDatabase:
    """An asyncpg pool of up to ``pool_size`` connections to the database at ``url``
    (``postgresql://user:password@host:port/name``; other query parameters are server
    settings, e.g. ``?search_path=...``)."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self._url = url
        self._where = display_url(url)
        self._pool_size = max(1, pool_size)
        self._pool: Pool | None = None
        # The connection that LISTENs (opened on the first wait), and an event per channel.
        self._listener: asyncpg.Connection | None = None
        self._heard: dict[str, asyncio.Event] = {}
        self._listening = asyncio.Lock()

    @property
    def dialect(self) -> Dialect:
        return "postgresql"

    @property
    def where(self) -> str:
        return self._where

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise StorageError("the store is not open")
        return self._pool

    async def open(self) -> None:
        try:
            with pg_errors(self._where):
                self._pool = await asyncpg.create_pool(
                    self._url, min_size=1, max_size=self._pool_size, timeout=CONNECT_TIMEOUT,
                    reset=_keep_session)
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                await listener.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                await pool.close()

    async def _migrate(self) -> None:
        known = migrations("postgresql")
        if await self.version() >= known[-1][0]:
            return
        async with self.acquire() as conn, conn.transaction():
            # Racing processes take turns here; the second finds the work done.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {_VERSIONS} (version INTEGER PRIMARY KEY, "
                "applied_at TEXT NOT NULL DEFAULT now()::text)")
            applied = await conn.fetchval(f"SELECT coalesce(max(version), 0) FROM {_VERSIONS}")
            for version, sql in known:
                if version <= applied:
                    continue
                await conn.execute(sql)  # a script: several statements, no parameters
                await conn.execute(f"INSERT INTO {_VERSIONS} (version) VALUES ($1)", version)
                log.info("database %s migrated to version %d", self._where, version)

    async def version(self) -> int:
        rows = await self.fetch(
            f"SELECT to_regclass('{_VERSIONS}') IS NOT NULL AS known")
        if not rows[0]["known"]:
            return 0
        rows = await self.fetch(f"SELECT coalesce(max(version), 0) AS v FROM {_VERSIONS}")
        return int(rows[0]["v"])

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[PoolConnectionProxy]:
        """A pooled connection, for work with asyncpg itself (`db copy`, LISTEN); driver
        errors inside become StorageError."""
        with pg_errors(self._where):
            async with self.pool.acquire() as conn:
                yield conn

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Transaction]:
        async with self.acquire() as conn, conn.transaction():
            yield _PostgresTransaction(conn)

    async def wait(self, channel: str, pause: float) -> None:
        """Waits for a NOTIFY on ``channel`` (or ``pause`` seconds) on a connection of its own, kept
        open for the next wait; without one (the server is away) it just waits."""
        try:
            heard = await self._listen(channel)
        except StorageError as err:
            log.debug("no notifications from %s: %s", self._where, err)
            await asyncio.sleep(pause)
            return
        try:
            async with asyncio.timeout(pause):
                await heard.wait()
        except TimeoutError:
            pass
        finally:
            heard.clear()

    async def _listen(self, channel: str) -> asyncio.Event:
        async with self._listening:
            if self._listener is None or self._listener.is_closed():
                self._heard = {}  # a new connection listens anew
                with pg_errors(self._where):
                    self._listener = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
            if channel not in self._heard:
                heard = asyncio.Event()
                with pg_errors(self._where):
                    await self._listener.add_listener(channel, lambda *_: heard.set())
                self._heard[channel] = heard
            return self._heard[channel]

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        query, args = numbered(sql), tuple(params)
        pool = self.pool
        with pg_errors(self._where):
            return list(await retry_conflicts(lambda: pool.fetch(query, *args), self._where))

    async def write(self, sql: str, params: Params = ()) -> int:
        query, args = numbered(sql), tuple(params)
        pool = self.pool
        with pg_errors(self._where):
            status = await retry_conflicts(lambda: pool.execute(query, *args), self._where)
            return changed(status)


async def _keep_session(connection: object) -> None:
    """A connection goes back to the pool as it is. The store keeps no session state on pooled
    connections (no session advisory locks, cursors, SET or LISTEN: LISTEN has a connection
    of its own, and every lock is a transaction's), so asyncpg's default reset would only add
    a round trip to every statement (half the throughput of single statements)."""


class _PostgresTransaction:
    """Implements storage.db.Transaction on one pooled connection inside a transaction."""

    def __init__(self, conn: PoolConnectionProxy) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._conn.fetchrow(numbered(sql), *params)
        return row

    async def execute(self, sql: str, params: Params = ()) -> int:
        return changed(await self._conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(numbered(sql), rows)

    async def notify(self, channel: str) -> None:
        await self._conn.execute("SELECT pg_notify($1, '')", channel)


def changed(status: str) -> int:
    """The row count in a command tag ("INSERT 0 3", "UPDATE 2", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


@functools.lru_cache(maxsize=4096)
def numbered(sql: str) -> str:
    """``sql`` with its ``?`` placeholders as ``$1, $2, ...`` (``?N`` becomes ``$N``); quoted
    text, quoted names and comments are left alone. Done once per SQL text."""
    out: list[str] = []
    count, i, n = 0, 0, len(sql)
    explicit = False
    while i < n:
        char = sql[i]
        if char in "'\"":
            end = sql.find(char, i + 1)
            while end != -1 and sql[end + 1:end + 2] == char:  # a doubled quote
                end = sql.find(char, end + 2)
            end = n if end == -1 else end + 1
            out.append(sql[i:end])
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end == -1 else end
            out.append(sql[i:end])
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append(sql[i:end])
            i = end
        elif char == "?":
            digits = i + 1
            while digits < n and sql[digits].isdigit():
                digits += 1
            if digits > i + 1:
                explicit = True
                out.append("$" + sql[i + 1:digits])
            else:
                count += 1
                out.append(f"${count}")
            i = digits
        else:
            out.append(char)
            i += 1
    if explicit and count:
        raise ValueError(f"mixed ? and ?N placeholders in: {sql[:80]}")
    return "".join(out)
