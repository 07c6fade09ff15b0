"""Running long-lived commands (`run`, `console`) until they end or are told to stop.

SIGTERM (a service manager stopping the bot) cancels the work, lets every adapter and the
app close, and the command returns 0. Ctrl-C stays asyncio's: it cancels the main task the
same way and `digestif` exits with 130.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Coroutine, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


async def until_stopped(work: Coroutine[Any, Any, T], *, stopped: int = 0) -> T | int:
    """``work``'s result, or ``stopped`` once SIGTERM arrived and ``work`` was unwound."""
    loop = asyncio.get_running_loop()
    term = asyncio.Event()
    # Not available off the main thread (some tests): SIGTERM then keeps its default.
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGTERM, term.set)
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(term.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # Ctrl-C, or our caller gave up: unwind the work first
        await _cancel(task)
        raise
    finally:
        waiter.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGTERM)
    if task.done():
        return task.result()
    log.info("stopping (SIGTERM)")
    await _cancel(task)
    return stopped


async def all_of(work: Sequence[Awaitable[None]]) -> None:
    """Run every adapter; the first one to fail stops the others and its error propagates
    (as itself, for the one-line message, not wrapped in an ExceptionGroup)."""
    tasks: list[asyncio.Future[None]] = [asyncio.ensure_future(w) for w in work]
    done: set[asyncio.Future[None]] = set()
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            if not task.done():
                await _cancel(task)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


async def _cancel(task: asyncio.Future[Any]) -> None:
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # we are being cancelled ourselves: that must not be swallowed
