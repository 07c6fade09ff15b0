"""The PostgreSQL store: every port on one asyncpg pool (see storage.postgres_db)."""

from __future__ import annotations

from storage.postgres_db import DEFAULT_POOL_SIZE, PostgresDatabase
from storage.store import SqlStore


class PostgresStore(SqlStore):
    """Implements bot.ports.Store on PostgreSQL, at ``url`` (``postgresql://...``)."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        super().__init__(PostgresDatabase(url, pool_size=pool_size))
