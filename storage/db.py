"""The driver-neutral database facade the store classes are written against.

One SQL text serves every engine: ``?`` placeholders (``?1``, ``?2`` to reuse a value), portable
statements (see docs/architecture.md, "Portable SQL"), results read by column name. A
``Database`` runs single statements (``fetch``, ``write``) and transactions (``tx``); the
SQLite one (storage.sqlite_db) and the PostgreSQL one (storage.postgres_db) implement it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
Params = Iterable[Any]


class Row(Protocol):
    """One result row, read by column name (``row["id"]``)."""

    def __getitem__(self, key: str, /) -> Any: ...


class Transaction(Protocol):
    """Statements inside one transaction: it commits when the ``tx()`` block ends, and rolls
    back if the block raises."""

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        """The rows of a query (or of ``... RETURNING``)."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row, or None when there is none."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns how many rows it changed."""

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Runs one statement once per parameter row."""

    async def notify(self, channel: str) -> None:
        """Wakes every process waiting on ``channel`` (Database.wait) once the transaction
        commits. Nothing on SQLite, which has no notifications."""


class Database(Protocol):
    """A connection (SQLite) or a pool (PostgreSQL) that is opened, migrated, used, closed.

    Every driver error leaves it as bot.errors.StorageError; waits on another process's
    locks and conflicts with concurrent transactions are retried inside.
    """

    @property
    def dialect(self) -> Dialect:
        """Which engine, for the rare statement that cannot be written portably."""

    @property
    def where(self) -> str:
        """The database as an operator names it (a path, or a URL without its password)."""

    async def open(self) -> None:
        """Connects and applies the migrations not yet applied."""

    async def close(self) -> None: ...

    async def version(self) -> int:
        """The last migration applied."""

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        """The rows of one query."""

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns how many rows it changed."""

    def tx(self) -> AbstractAsyncContextManager[Transaction]:
        """One write transaction."""

    async def wait(self, channel: str, pause: float) -> None:
        """Returns once ``channel`` may have been notified by any process (Transaction.notify),
        or after ``pause`` seconds. SQLite has no notifications: it just waits."""
