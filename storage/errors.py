"""The storage boundary's one error map: every driver error (sqlite3, and OSError while opening)
leaves the store as a StorageError whose message an operator can act on, and waits on another
process's lock are retried with backoff before giving up."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from bot.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

# The longest pause between two tries: short enough to notice a released lock quickly.
_MAX_PAUSE = 1.0


@contextmanager
def driver_errors(path: str, lock_wait: float) -> Iterator[None]:
    """Turns any driver error raised inside into a StorageError naming ``path``, chained to the
    original. ``lock_wait`` is how long a lock is waited for, for the "locked" message."""
    try:
        yield
    except sqlite3.Error as err:
        raise StorageError(explain(err, path, lock_wait)) from err
    except OSError as err:
        raise StorageError(explain_os(err, path)) from err


def is_busy(err: BaseException) -> bool:
    """Another connection holds a lock we need (SQLITE_BUSY and its variants). SQLITE_LOCKED is
    left out: without a shared cache it is a conflict inside our own connection, which waiting
    does not resolve."""
    if not isinstance(err, sqlite3.OperationalError):
        return False
    name = getattr(err, "sqlite_errorname", "") or ""
    if name:
        return name.startswith("SQLITE_BUSY")
    return "database is locked" in str(err)


async def retry_locked(op: Callable[[], Awaitable[T]], lock_wait: float, path: str) -> T:
    """Runs ``op`` again while it fails only because another process holds the lock.

    Each try already waits the connection's busy_timeout inside SQLite; this outer loop keeps
    trying, with growing pauses, until ``lock_wait`` seconds have passed, then lets the last
    busy error through (driver_errors names it). ``op`` must be safe to repeat: a busy error
    means the statement did nothing.
    """
    clock = asyncio.get_running_loop().time
    started = clock()
    pause = 0.05
    while True:
        try:
            return await op()
        except sqlite3.OperationalError as err:
            waited = clock() - started
            if not is_busy(err) or waited >= lock_wait:
                raise
            log.debug("database %s is locked by another process; retrying (waited %.1f s)",
                      path, waited)
            await asyncio.sleep(min(pause, max(lock_wait - waited, 0.0)))
            pause = min(pause * 2, _MAX_PAUSE)


def explain(err: sqlite3.Error, path: str, lock_wait: float) -> str:
    name = getattr(err, "sqlite_errorname", "") or ""
    where = display(path)
    if is_busy(err):
        return f"database is locked by another process (waited {lock_wait:g} s): {where}"
    if name.startswith("SQLITE_READONLY"):
        return f"database {where} is read-only"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot open database {where}: {_why_cannot_open(path) or err}"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"database {where} is damaged or not a digestif database ({err})"
    if name.startswith("SQLITE_FULL"):
        return f"the disk is full: cannot write database {where}"
    if name.startswith("SQLITE_IOERR"):
        return f"disk I/O error on database {where} ({err})"
    if name.startswith(("SQLITE_PERM", "SQLITE_AUTH")):
        return f"no permission to use database {where} ({err})"
    return f"database error on {where}: {err}"


def explain_os(err: OSError, path: str) -> str:
    where = display(path)
    culprit = err.filename if isinstance(err.filename, str) else path
    if err.errno in (errno.EEXIST, errno.ENOTDIR):
        blocker = _first_non_folder(Path(path).parent)
        if blocker is not None:
            return f"cannot open database {where}: {blocker} is a file, not a folder"
    if err.errno == errno.EROFS:
        return f"cannot open database {where}: {culprit} is on a read-only file system"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"cannot open database {where}: no permission to create {culprit}"
    if err.errno == errno.ENOSPC:
        return f"cannot open database {where}: the disk is full"
    reason = err.strerror or str(err)
    return f"cannot open database {where}: cannot create {culprit} ({reason.lower()})"


def display(path: str) -> str:
    """The path as an operator would type it (a URI's file part)."""
    if path.startswith("file:"):
        return path[len("file:"):].split("?", 1)[0]
    return path


def _why_cannot_open(path: str) -> str:
    """SQLite says only "unable to open database file"; the file system tells us why."""
    target = Path(display(path))
    if target.is_dir():
        return "it is a folder"
    blocker = _first_non_folder(target.parent)
    if blocker is not None:
        return f"{blocker} is a file, not a folder"
    folder = target.parent
    if not folder.exists():
        return f"folder {folder} does not exist"
    if not target.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return f"no permission to create files in {folder}"
    if target.exists() and not os.access(target, os.R_OK):
        return "no permission to read it"
    if not target.exists():
        return f"folder {folder} does not accept new files"
    return "unable to open the file"


def _first_non_folder(folder: Path) -> Path | None:
    """The nearest existing ancestor of ``folder`` (or itself) when it is not a folder."""
    for candidate in (folder, *folder.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
