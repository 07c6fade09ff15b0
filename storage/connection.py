"""The SQLite connection: WAL mode, per-connection pragmas, numbered SQL migrations, and the
transaction helpers the store is written with."""

from __future__ import annotations

import asyncio
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



class SqliteConnection:
    """One aiosqlite connection; a lock keeps each transaction whole."""

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.close()

    async def open(self) -> None:
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = await aiosqlite.connect(self._path, isolation_level=None)
            # busy_timeout first so switching to WAL waits for other processes' locks.
            await self._db.execute("PRAGMA busy_timeout = 5000")
            await self._db.execute("PRAGMA journal_mode = WAL")
            await self._db.execute("PRAGMA synchronous = NORMAL")
            await self._db.execute("PRAGMA foreign_keys = ON")
            await self._migrate()
        except sqlite3.Error as err:
            await self.close()
            raise StorageError(f"cannot open database {self._path}: {err}") from err

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError("the store is not open")
        return self._db

    async def _migrate(self) -> None:
        rows = await self.db.execute_fetchall("PRAGMA user_version")
        current = next(iter(rows))[0]
        for version, sql in migrations():
            if version <= current:
                continue
            async with self._tx() as db:
                await _apply(db, sql, version)
            log.info("database migrated to version %d", version)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            db = self.db
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                return list(await self.db.execute_fetchall(sql, tuple(params)))
            except sqlite3.Error as err:
                raise StorageError(str(err)) from err

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction; returns the changed row count."""
        async with self._lock:
            try:
                cursor = await self.db.execute(sql, tuple(params))
                return cursor.rowcount
            except sqlite3.Error as err:
                raise StorageError(str(err)) from err


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
