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
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator, Sequence
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


# Network faults: one line each, retried with growing, capped pauses --------------------

Sleep = Callable[[float], Awaitable[None]]
RESET_AFTER = 300.0  # seconds connected after which a failure starts the pauses over


def backoff(first: float = 1.0, cap: float = 60.0, factor: float = 2.0) -> Iterator[float]:
    """Pauses between reconnection attempts: 1, 2, 4 ... seconds, then ``cap`` for ever (a
    bot outlives a network outage; it should neither hammer the service nor give up)."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= factor


def describe(err: BaseException, limit: int = 200) -> str:
    """An exception as one short line for the operator (no traceback, no newlines)."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def retrying(what: str, attempt: Callable[[], Awaitable[T]],
                   transient: tuple[type[BaseException], ...], *,
                   delays: Iterable[float] | None = None, sleep: Sleep | None = None,
                   explain: Callable[[BaseException], str] = describe) -> T:
    """``attempt()`` until it does not fail with a ``transient`` error; each failure is one
    warning line, then a pause from ``delays`` (default: backoff())."""
    def schedule() -> Iterator[float]:
        return iter(delays if delays is not None else backoff())

    pauses = schedule()
    pause = sleep or asyncio.sleep
    loop = asyncio.get_running_loop()
    while True:
        began = loop.time()
        try:
            return await attempt()
        except transient as err:
            if loop.time() - began > RESET_AFTER:
                pauses = schedule()  # it ran for a while: a new outage starts over at 1 s
            delay = next(pauses)
            log.warning("%s: %s; retrying in %gs", what, explain(err), delay)
            await pause(delay)


class OneLine(logging.Filter):
    """Chat SDKs log their own reconnection attempts with a full traceback each time; this
    keeps the record and its reason on one line (attach to the SDK's logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            reason = describe(record.exc_info[1])
            record.msg = f"{record.getMessage()} ({reason})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_logs(*names: str) -> None:
    """Attach OneLine to the named loggers, once."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in logger.filters):
            logger.addFilter(OneLine())
