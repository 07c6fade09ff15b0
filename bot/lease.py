"""Who this process is when it holds shared work, and keeping a lease alive while it works.

Jobs and locks shared through the database are held with a lease: an owner and an expiry.
The owner is unique per process start (host, pid and a random part, so a recycled pid is
never mistaken for the process that died). The holder renews the lease every third of its
length; if the process dies, the lease lapses and another process takes the work over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)

DEFAULT_LEASE = 30.0  # seconds


def process_owner() -> str:
    """A name for this process, unique across hosts and restarts."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{secrets.token_hex(4)}"


async def keep_renewing(renew: Callable[[], Awaitable[None]], lease: float) -> None:
    """Call ``renew`` every third of ``lease`` seconds, until cancelled. A renewal that
    fails is logged and tried again at the next beat (the lease has time to spare)."""
    while True:
        await asyncio.sleep(lease / 3)
        try:
            await renew()
        except Exception:
            log.exception("renewing a lease failed; trying again")


@contextlib.asynccontextmanager
async def heartbeat(renew: Callable[[], Awaitable[None]], lease: float,
                    name: str = "lease-heartbeat") -> AsyncIterator[None]:
    """``keep_renewing`` while the block runs."""
    task = asyncio.create_task(keep_renewing(renew, lease), name=name)
    try:
        yield
    finally:
        task.cancel()
        await asyncio.wait({task})
