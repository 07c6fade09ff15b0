"""The embedded store: every port on one SQLite file (see storage.sqlite_db)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.sqlite_db import DEFAULT_LOCK_TIMEOUT, SqliteDatabase
from storage.store import SqlStore


class SqliteStore(SqlStore):
    """Implements bot.ports.Store on SQLite. ``path`` may be a ``file:`` URI."""

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self._sqlite = SqliteDatabase(path, lock_timeout=lock_timeout)
        super().__init__(self._sqlite)

    @property
    def db(self) -> aiosqlite.Connection:
        """The driver's connection, for SQLite-only work (tests, benchmarks)."""
        return self._sqlite.connection
