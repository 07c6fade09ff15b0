"""The numbered schema migrations, ``V<number>__<name>.sql``, applied in order.

The files here are the schema for every engine. A file of the same number under
``postgres/`` replaces one for PostgreSQL, when its SQL cannot be written portably
(SQLite's triggers, ``WITHOUT ROWID``, ``INTEGER PRIMARY KEY`` ids).
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

from storage.db import Dialect

_OVERRIDES: dict[Dialect, str] = {"postgresql": "postgres"}


def migrations(dialect: Dialect = "sqlite") -> list[tuple[int, str]]:
    """(version, sql) of every bundled migration for ``dialect``, in order."""
    here = resources.files("storage.migrations")
    found = _numbered(here)
    if dialect in _OVERRIDES:
        overrides = _numbered(here / _OVERRIDES[dialect])
        unknown = set(overrides) - set(found)
        if unknown:
            raise RuntimeError(f"{dialect} migrations {sorted(unknown)} override nothing")
        found.update(overrides)
    return sorted(found.items())


def _numbered(folder: Traversable) -> dict[int, str]:
    found: dict[int, str] = {}
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith("V") and name.endswith(".sql"):
            number = int(name[1:].split("__", 1)[0])
            if number in found:
                raise RuntimeError(f"two migrations numbered {number} in {folder}")
            found[number] = entry.read_text(encoding="utf-8")
    return found
