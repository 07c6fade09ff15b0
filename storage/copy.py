"""Copying every table of a SQLite database into a PostgreSQL one (`digestif db copy`).

Both are migrated to the same version first. The copy is one PostgreSQL transaction: it lands
whole or not at all. Each table's rows go to a temporary table (binary COPY), then into the
target with the same ids; the target's identity sequences then continue after them. Running it
again is safe: rows already there are left alone, and a target holding anything the source does
not (another community's data, a changed row) is refused before anything is written. Triggers
are off during the copy: what they derive is already in the source. Counts are checked per table
at the end.

The source is read inside its write lock, so nothing changes it during the copy; stop the bots
that use either database first.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from asyncpg.pool import PoolConnectionProxy

from bot.errors import StorageError
from storage.db import Transaction
from storage.postgres_db import PostgresDatabase, changed
from storage.sqlite_db import SqliteDatabase

log = logging.getLogger(__name__)

_BATCH = 2000
# Bookkeeping of each database, never copied: the applied migrations (PostgreSQL's), and the
# change counters, which processes compare only with what they read from the same database.
_SKIP = {"digestif_schema_version", "change_counters"}


@dataclass(frozen=True)
class Copied:
    """One table: rows in the source, rows in the target after the copy, rows added now."""

    table: str
    source: int
    target: int
    added: int


async def copy_database(source: SqliteDatabase, target: PostgresDatabase) -> list[Copied]:
    """Copies every row of ``source`` into ``target`` (both open); returns the counts, in the
    order the tables were copied. Raises StorageError when the target cannot take the copy."""
    if await source.version() != await target.version():
        raise StorageError(
            f"{source.where} is at version {await source.version()} and {target.where} at "
            f"{await target.version()}: run the same digestif on both")
    async with source.tx() as reading, target.acquire() as conn, conn.transaction():
        tables = await _target_tables(conn)
        await _same_tables(reading, source.where, target.where, set(tables))
        for table in tables:
            await conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        copied = [await _copy_table(reading, source, target.where, conn, table)
                  for table in tables]
        for table in tables:
            await _continue_ids(conn, table)
            await conn.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        wrong = [c for c in copied if c.source != c.target]
        if wrong:
            raise StorageError("counts differ after the copy; nothing was written: " + ", ".join(
                f"{c.table} has {c.source} in the source, {c.target} in the target"
                for c in wrong))
    return copied


async def _target_tables(conn: PoolConnectionProxy) -> list[str]:
    """The target's tables, each after the tables its foreign keys point to."""
    names = [r["table_name"] for r in await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]
    names = [n for n in names if n not in _SKIP]
    edges = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent "
        "FROM pg_constraint c WHERE c.contype = 'f' "
        "AND c.connamespace = current_schema()::regnamespace")
    parents: dict[str, set[str]] = {n: set() for n in names}
    for edge in edges:
        child, parent = edge["child"].strip('"'), edge["parent"].strip('"')
        if child in parents and parent != child:
            parents[child].add(parent)
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise StorageError(
                f"foreign keys form a cycle among {sorted(set(names) - set(ordered))}")
        ordered.extend(ready)
    return ordered


async def _same_tables(reading: Transaction, source: str, target: str,
                       tables: set[str]) -> None:
    rows = await reading.fetch(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    found = {r["name"] for r in rows} - _SKIP
    if found != tables:
        raise StorageError(
            f"{source} and {target} have different tables: only in the source "
            f"{sorted(found - tables) or 'none'}, only in the target "
            f"{sorted(tables - found) or 'none'}")


async def _copy_table(reading: Transaction, source: SqliteDatabase, target: str,
                      conn: PoolConnectionProxy, table: str) -> Copied:
    columns = [r["column_name"] for r in await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 ORDER BY ordinal_position", table)]
    known = {r["name"] for r in await reading.fetch(f'PRAGMA table_info("{table}")')}
    # A PostgreSQL rowid column holds what SQLite keeps in its implicit rowid.
    missing = [c for c in columns if c not in known and c != "rowid"]
    extra = sorted(known - set(columns))
    if missing or extra:
        raise StorageError(f"table {table} has different columns: only in the source "
                           f"{extra or 'none'}, only in the target {missing or 'none'}")
    stage = f"digestif_copy_{table}"
    await conn.execute(f'CREATE TEMPORARY TABLE "{stage}" (LIKE "{table}") ON COMMIT DROP')
    listed = ", ".join(f'"{c}"' for c in columns)
    count = 0
    async for batch in _batches(source, f'SELECT {listed} FROM "{table}"'):
        await conn.copy_records_to_table(stage, records=batch, columns=columns)
        count += len(batch)
    strangers = await conn.fetchval(
        f'SELECT count(*) FROM (SELECT {listed} FROM "{table}" EXCEPT '
        f'SELECT {listed} FROM "{stage}") AS t')
    if strangers:
        raise StorageError(
            f"{target} already holds other data: {strangers} row(s) of table {table} "
            "are not in the source; nothing was written (copy into an empty database, or "
            "into the one a previous copy of this source filled)")
    # Every row already there is one of the source's, so a row that conflicts is the same row
    # (the source keeps the same unique constraints). Rows go in the source's order.
    status = await conn.execute(
        f'INSERT INTO "{table}" ({listed}) SELECT {listed} FROM "{stage}" ON CONFLICT DO NOTHING')
    added = changed(status)
    total = await conn.fetchval(f'SELECT count(*) FROM "{table}"')
    log.info("copied %s: %d rows, %d new", table, count, added)
    return Copied(table, count, int(total), added)


async def _batches(source: SqliteDatabase, sql: str) -> AsyncIterator[list[Sequence[Any]]]:
    """The rows of ``sql`` on the source, a batch at a time (the transaction is held)."""
    async with source.connection.execute(sql) as cursor:
        while batch := await cursor.fetchmany(_BATCH):
            yield [tuple(row) for row in batch]


async def _continue_ids(conn: PoolConnectionProxy, table: str) -> None:
    """Identity columns continue after the largest id copied."""
    for row in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 AND is_identity = 'YES'", table):
        column = row["column_name"]
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'coalesce(max("{column}"), 0) + 1, false) FROM "{table}"')
