"""Fresh databases of every kind for tests: a SQLite file in the test's folder, or a PostgreSQL
schema of its own (created for the test, dropped after), so tests never see each other's data
and can run side by side.

PostgreSQL tests use the server at DIGESTIF_TEST_DATABASE_URL when it is set (and fail if it
does not answer), else the one on 127.0.0.1:5432 (database ``test``, user ``postgres``) if it
answers, else they are skipped with one reason.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

from storage.db import Database
from storage.postgres_db import PostgresDatabase
from storage.sqlite_db import SqliteDatabase
from storage.store import SqlStore

# Read when the tests are collected: each test then runs without DIGESTIF_* variables.
TEST_URL = os.environ.get("DIGESTIF_TEST_DATABASE_URL", "").strip()
LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/test"
SKIPPED = ("PostgreSQL tests skipped: DIGESTIF_TEST_DATABASE_URL is unset and no server "
           "answers on 127.0.0.1:5432")

KINDS = ["sqlite", "postgres"]
OpenDatabase = Callable[[], Database]


@functools.cache
def server_url() -> str | None:
    """The PostgreSQL server tests use, or None when there is none to use."""
    if TEST_URL:
        return TEST_URL
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_URL


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections work in ``schema`` (a server setting in the query)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    query.append(("search_path", schema))
    return urlunsplit(parts._replace(query=urlencode(query)))


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """The URL of an empty schema of its own on the test server; skips without one."""
    url = server_url()
    if url is None:
        pytest.skip(SKIPPED)
    schema = f"digestif_t_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await admin.close()
    try:
        yield with_search_path(url, schema)
    finally:
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await admin.close()


@asynccontextmanager
async def fresh_database(kind: str, folder: Path, name: str) -> AsyncIterator[OpenDatabase]:
    """A new empty place for a database of ``kind`` ("sqlite" or "postgres"), and how to open
    a Database on it (several may be opened on the same place)."""
    if kind == "sqlite":
        path = folder / f"{name}.sqlite3"
        yield lambda: SqliteDatabase(path)
    elif kind == "postgres":
        async with fresh_schema() as url:
            yield lambda: PostgresDatabase(url, pool_size=4)
    else:
        raise ValueError(kind)


@asynccontextmanager
async def fresh_store(kind: str, folder: Path, name: str = "test") -> AsyncIterator[SqlStore]:
    """An open store of ``kind`` on a new empty database."""
    async with fresh_database(kind, folder, name) as database, SqlStore(database()) as store:
        yield store
