"""`digestif db`: bringing the configured database to the current schema, and copying a SQLite
database into PostgreSQL."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from bot.config import DATABASE_SCHEMES, Settings
from bot.errors import StorageError, UserError
from digestif.bootstrap import open_store

SQLITE_PREFIX = "sqlite:///"


async def db(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "migrate":
        return await migrate(settings)
    return await copy(args, settings)


async def migrate(settings: Settings) -> int:
    async with open_store(settings) as store:  # opening applies what is missing
        version = await store.database.version()
    print(f"database {store.database.where} is at version {version}")
    return 0


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///relative/path`` or ``sqlite:////absolute/path`` URL."""
    path = url.removeprefix(SQLITE_PREFIX)
    if not url.startswith(SQLITE_PREFIX) or not path:
        raise UserError(f"--from {url[:80]!r} is not a SQLite URL: use sqlite:///relative/path "
                        "or sqlite:////absolute/path")
    return Path(path)


def _target(args: argparse.Namespace, settings: Settings) -> str:
    if args.target is not None:
        if not args.target.startswith(DATABASE_SCHEMES):
            raise UserError("--to must be a PostgreSQL URL: "
                            "postgresql://user:password@host:5432/name")
        return str(args.target)
    if settings.database_url is None:
        raise UserError("digestif db copy needs --to postgresql://... "
                        "(or DIGESTIF_DATABASE_URL)")
    return settings.database_url.get_secret_value()


async def copy(args: argparse.Namespace, settings: Settings) -> int:
    from storage.copy import copy_database
    from storage.postgres_db import PostgresDatabase
    from storage.sqlite_db import SqliteDatabase

    source_path = sqlite_path(args.source) if args.source is not None else settings.database
    target_url = _target(args, settings)
    if not source_path.is_file():
        raise StorageError(f"no SQLite database at {source_path}")
    source = SqliteDatabase(source_path, lock_timeout=settings.db_lock_timeout)
    target = PostgresDatabase(target_url, pool_size=2)
    async with contextlib.AsyncExitStack() as stack:
        for database in (source, target):  # both are migrated to the current schema
            await database.open()
            stack.push_async_callback(database.close)
        copied = await copy_database(source, target)
    width = max(len("table"), *(len(c.table) for c in copied))
    print(f"{'table':<{width}}  {'source':>8}  {'target':>8}  {'added':>8}")
    for c in copied:
        print(f"{c.table:<{width}}  {c.source:>8}  {c.target:>8}  {c.added:>8}")
    print(f"copied {len(copied)} tables from {source.where} to {target.where}: "
          "every count matches")
    return 0
