"""The base of every store class: a storage.db.Database, opened and closed with the store, and
the three helpers store methods are written with (``_fetch``, ``_write``, ``_tx``)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from storage.db import Database, Dialect, Params, Row, Transaction


def iso(moment: datetime) -> str:
    """How times are stored: ISO 8601 text in UTC, so text order is time order."""
    return moment.astimezone(UTC).isoformat()


class SqlConnection:
    """One Database shared by the store classes composed on it (storage.store.SqlStore).

    Methods use ``self._fetch`` (rows of one query), ``self._write`` (one statement in its own
    transaction, returns the changed row count) and ``async with self._tx() as tx`` (several
    statements at once: ``tx.fetch``, ``tx.fetchone``, ``tx.execute`` -> row count,
    ``tx.executemany``). The same SQL text runs on SQLite and PostgreSQL.
    """

    def __init__(self, database: Database) -> None:
        self._database = database

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.close()

    @property
    def database(self) -> Database:
        return self._database

    @property
    def _dialect(self) -> Dialect:
        return self._database.dialect

    async def open(self) -> None:
        await self._database.open()

    async def close(self) -> None:
        await self._database.close()

    async def _fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._database.fetch(sql, params)

    async def _write(self, sql: str, params: Params = ()) -> int:
        return await self._database.write(sql, params)

    def _tx(self) -> AbstractAsyncContextManager[Transaction]:
        return self._database.tx()

    async def _announce_settings(self, tx: Transaction) -> None:
        """Inside a transaction that changed shared settings (a community's settings, a
        period's voting lock): tell every process, so each drops its cached copy: a counter
        they poll (``settings_version``), the same on every engine."""
        await tx.execute(
            "UPDATE change_counters SET version = version + 1 WHERE name = 'settings'")
