"""The embedded database: one aiosqlite connection in WAL mode, per-connection pragmas, the
numbered migrations tracked in ``PRAGMA user_version``; implements storage.db.Database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StorageError
from storage.db import Dialect, Params, Row, Transaction
from storage.errors import display, driver_errors, retry_locked
from storage.migrations import migrations

log = logging.getLogger(__name__)

# How long a command waits for another process's lock before it gives up (seconds), and the
# most SQLite itself waits inside each try.
DEFAULT_LOCK_TIMEOUT = 30.0
_INNER_BUSY_SECONDS = 5.0


class SqliteDatabase:
    """One aiosqlite connection; a lock keeps each transaction whole.

    Every call waits out another process's lock (see storage.errors.retry_locked) and turns
    driver errors into StorageError. ``path`` may be a ``file:`` URI (e.g. ``?mode=ro``).
    """

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self._path = str(path)
        self._lock_timeout = max(lock_timeout, 0.0)
        # SQLite's own wait inside each try; the retry loop around it covers the rest.
        self._busy_ms = int(min(_INNER_BUSY_SECONDS, self._lock_timeout / 4) * 1000)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    @property
    def where(self) -> str:
        return display(self._path)

    @property
    def path(self) -> str:
        return self._path

    @property
    def connection(self) -> aiosqlite.Connection:
        """The driver's connection, for SQLite-only work (tests, benchmarks)."""
        if self._db is None:
            raise StorageError("the store is not open")
        return self._db

    async def open(self) -> None:
        uri = self._path.startswith("file:")
        try:
            with self._errors():
                if self._path != ":memory:" and not uri:
                    Path(self._path).parent.mkdir(parents=True, exist_ok=True)
                # Opened here, not in aiosqlite's thread: a file that cannot be opened then
                # fails before that thread starts, so no thread outlives the event loop.
                raw = await asyncio.to_thread(sqlite3.connect, self._path, isolation_level=None,
                                              uri=uri, check_same_thread=False)
                self._db = await aiosqlite.Connection(lambda: raw, iter_chunk_size=64)
                self._db.row_factory = aiosqlite.Row
                # busy_timeout first so switching to WAL waits for other processes' locks.
                await self._db.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
                db = self._db
                await retry_locked(lambda: db.execute("PRAGMA journal_mode = WAL"),
                                   self._lock_timeout, self._path)
                await db.execute("PRAGMA synchronous = NORMAL")
                await db.execute("PRAGMA foreign_keys = ON")
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            with contextlib.suppress(sqlite3.Error, ValueError):
                await db.close()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return driver_errors(self._path, self._lock_timeout)

    async def _migrate(self) -> None:
        known = migrations("sqlite")
        # Fast path without the write lock: an up-to-date database is only read.
        if await self.version() >= known[-1][0]:
            return
        for version, sql in known:
            # Several processes may open a fresh database at once: the write lock is taken
            # before the applied version is read, so each migration runs exactly once, and
            # a migration and its version number commit together.
            async with self.tx() as tx:
                row = await tx.fetchone("PRAGMA user_version")
                if row is None or version <= row["user_version"]:
                    continue
                for statement in statements(sql):
                    await tx.execute(statement)
                await tx.execute(f"PRAGMA user_version = {version}")
            log.info("database migrated to version %d", version)

    async def version(self) -> int:
        rows = await self.fetch("PRAGMA user_version")
        return int(rows[0]["user_version"])

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Transaction]:
        """One write transaction; the write lock is taken up front (BEGIN IMMEDIATE), so
        statements inside do not wait on other processes."""
        async with self._lock:
            db = self.connection
            with self._errors():
                await retry_locked(lambda: db.execute("BEGIN IMMEDIATE"),
                                   self._lock_timeout, self._path)
                try:
                    yield _SqliteTransaction(db)
                    await db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        # The first error is the one worth reporting.
                        with contextlib.suppress(sqlite3.Error):
                            await db.execute("ROLLBACK")
                    raise

    async def wait(self, channel: str, pause: float) -> None:
        await asyncio.sleep(pause)  # no notifications: callers poll

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        args = tuple(params)
        async with self._lock:
            db = self.connection
            with self._errors():
                return list(await retry_locked(lambda: db.execute_fetchall(sql, args),
                                               self._lock_timeout, self._path))

    async def write(self, sql: str, params: Params = ()) -> int:
        args = tuple(params)
        async with self._lock:
            db = self.connection

            async def run() -> int:
                cursor = await db.execute(sql, args)
                return cursor.rowcount

            with self._errors():
                return await retry_locked(run, self._lock_timeout, self._path)


class _SqliteTransaction:
    """Implements storage.db.Transaction on the connection holding the write lock."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._db.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        # One trip to the connection's thread (a cursor's execute, fetch and close are three).
        rows = await self._db.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._db.execute(sql, tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._db.executemany(sql, rows)

    async def notify(self, channel: str) -> None:
        pass  # nobody listens: processes on SQLite poll


def statements(sql: str) -> list[str]:
    """A migration script split into statements (executescript would commit first)."""
    found, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            found.append(buffer.strip())
            buffer = ""
    return [s for s in found if s]
