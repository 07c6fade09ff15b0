"""The SQLite connection: WAL mode, per-connection pragmas, numbered SQL migrations, and the
transaction helpers the store is written with."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.errors import StorageError
from storage.errors import driver_errors, retry_locked

log = logging.getLogger(__name__)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def migrations() -> list[tuple[int, str]]:
    """(version, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.startswith("V") and name.endswith(".sql"):
            found.append((int(name[1:].split("__", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


# How long a command waits for another process's lock before it gives up (seconds), and the
# most SQLite itself waits inside each try.
DEFAULT_LOCK_TIMEOUT = 30.0
_INNER_BUSY_SECONDS = 5.0


class SqliteConnection:
    """One aiosqlite connection; a lock keeps each transaction whole.

    Every driver call goes through ``_fetch``, ``_write`` or ``_tx``, which wait out another
    process's lock (see storage.errors.retry_locked) and turn driver errors into StorageError.
    ``path`` may be a ``file:`` URI (e.g. ``?mode=ro``).
    """

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self._path = str(path)
        self._lock_timeout = max(lock_timeout, 0.0)
        # SQLite's own wait inside each try; the retry loop around it covers the rest.
        self._busy_ms = int(min(_INNER_BUSY_SECONDS, self._lock_timeout / 4) * 1000)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.close()

    @property
    def path(self) -> str:
        return self._path

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

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("the store is not open")
        return self._db

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return driver_errors(self._path, self._lock_timeout)

    async def _migrate(self) -> None:
        known = migrations()
        # Fast path without the write lock: an up-to-date database is only read.
        if await self._user_version() >= known[-1][0]:
            return
        for version, sql in known:
            # Several processes may open a fresh database at once: the write lock is taken
            # before the applied version is read, so each migration runs exactly once, and
            # a migration and its version number commit together.
            async with self._tx() as db:
                rows = await db.execute_fetchall("PRAGMA user_version")
                if version <= next(iter(rows))["user_version"]:
                    continue
                await _apply(db, sql, version)
            log.info("database migrated to version %d", version)

    async def _user_version(self) -> int:
        rows = await self._fetch("PRAGMA user_version")
        return int(rows[0]["user_version"])

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; the write lock is taken up front (BEGIN IMMEDIATE), so
        statements inside do not wait on other processes."""
        async with self._lock:
            db = self.db
            with self._errors():
                await retry_locked(lambda: db.execute("BEGIN IMMEDIATE"),
                                   self._lock_timeout, self._path)
                try:
                    yield db
                    await db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        # The first error is the one worth reporting.
                        with contextlib.suppress(sqlite3.Error):
                            await db.execute("ROLLBACK")
                    raise

    async def _announce_settings(self, db: aiosqlite.Connection) -> None:
        """Inside a transaction that changed shared settings (a community's settings, a
        period's voting lock): tell every process, so each drops its cached copy. SQLite: a
        counter they poll (``settings_version``); PostgreSQL can NOTIFY as well."""
        await db.execute(
            "UPDATE change_counters SET version = version + 1 WHERE name = 'settings'")

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        args = tuple(params)
        async with self._lock:
            db = self.db
            with self._errors():
                return list(await retry_locked(lambda: db.execute_fetchall(sql, args),
                                               self._lock_timeout, self._path))

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction; returns the changed row count."""
        args = tuple(params)
        async with self._lock:
            db = self.db

            async def run() -> int:
                cursor = await db.execute(sql, args)
                return cursor.rowcount

            with self._errors():
                return await retry_locked(run, self._lock_timeout, self._path)


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
