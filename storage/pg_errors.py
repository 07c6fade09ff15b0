"""PostgreSQL's side of the storage boundary's error map: every asyncpg error (and OSError while
connecting) leaves the store as a StorageError naming the server and the reason, chained to the
original; conflicts with concurrent transactions are retried a few times first."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Tries for a statement that lost a conflict (serialization failure, deadlock), and the first
# pause between two tries (it doubles, with jitter).
CONFLICT_TRIES = 5
_FIRST_PAUSE = 0.01


def display_url(url: str) -> str:
    """The URL as an operator may see it in a log: no password, no query string."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@contextmanager
def pg_errors(where: str) -> Iterator[None]:
    """Turns driver errors raised inside into a StorageError naming ``where``."""
    try:
        yield
    except asyncpg.PostgresError as err:
        raise StorageError(explain(err, where)) from err
    except asyncpg.InterfaceError as err:
        raise StorageError(f"database error on {where}: {err}") from err
    except OSError as err:  # refused, unreachable, unknown host, timed out
        raise StorageError(explain_os(err, where)) from err


def is_conflict(err: BaseException) -> bool:
    """Lost to a concurrent transaction: nothing was changed, and trying again may succeed."""
    return isinstance(err, asyncpg.SerializationError | asyncpg.DeadlockDetectedError)


async def retry_conflicts(op: Callable[[], Awaitable[T]], where: str) -> T:
    """Runs ``op`` again (up to CONFLICT_TRIES times) while it loses to a concurrent
    transaction; the last conflict goes through (pg_errors names it)."""
    pause = _FIRST_PAUSE
    for attempt in range(1, CONFLICT_TRIES + 1):
        try:
            return await op()
        except (asyncpg.SerializationError, asyncpg.DeadlockDetectedError) as err:
            if attempt == CONFLICT_TRIES:
                raise
            log.debug("database %s: %s; trying again (%d)", where, err.sqlstate, attempt)
            await asyncio.sleep(pause * (1 + random.random()))
            pause *= 2
    raise AssertionError("unreachable")


def explain(err: asyncpg.PostgresError, where: str) -> str:
    if isinstance(err, asyncpg.InvalidAuthorizationSpecificationError):  # and bad passwords
        return f"PostgreSQL at {where} refused to log in: {err}"
    if isinstance(err, asyncpg.InvalidCatalogNameError):
        return f"PostgreSQL at {where}: {err} (create it first)"
    if is_conflict(err):
        return (f"database {where}: gave up after {CONFLICT_TRIES} conflicts with concurrent "
                f"transactions ({err})")
    if isinstance(err, asyncpg.DiskFullError):
        return f"the disk is full: cannot write database {where}"
    if isinstance(err, asyncpg.ReadOnlySQLTransactionError):
        return f"database {where} is read-only"
    if isinstance(err, asyncpg.InsufficientPrivilegeError):
        return f"no permission to use database {where} ({err})"
    if isinstance(err, asyncpg.TooManyConnectionsError | asyncpg.CannotConnectNowError):
        return f"PostgreSQL at {where} accepts no more connections now ({err})"
    if isinstance(err, asyncpg.PostgresConnectionError | asyncpg.AdminShutdownError):
        return f"lost the connection to PostgreSQL at {where} ({err})"
    if isinstance(err, asyncpg.IntegrityConstraintViolationError):
        return f"database error on {where}: {err} [{err.sqlstate}]"
    return f"database error on {where}: {err}"


def explain_os(err: OSError, where: str) -> str:
    if isinstance(err, ConnectionRefusedError):
        return f"cannot connect to PostgreSQL at {where}: connection refused (is it running?)"
    if isinstance(err, TimeoutError):
        return f"cannot connect to PostgreSQL at {where}: timed out"
    reason = err.strerror or str(err) or type(err).__name__
    return f"cannot connect to PostgreSQL at {where}: {reason}"
