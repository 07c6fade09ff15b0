"""CPU-heavy pure functions (HTML parsing, extraction, offline summaries) run in worker
processes: they use every core instead of sharing one GIL with the event loop, so chat
events and fetches stay responsive while pages are parsed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import signal
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
WORKER_NICENESS = 5
PRELOAD = ["bot.preload"]  # the parsers and the language model, shared by every worker


class CpuPool:
    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._warming: asyncio.Task[None] | None = None
        self._creating = asyncio.Lock()

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self._workers, mp_context=_context(), initializer=_worker_setup)
        return self._pool

    async def start(self) -> None:
        """Start the forkserver now and the workers in the background: the first fetch need
        not wait for them. The forkserver's preload (~0.45 s of CPU) then runs on another
        core while this process is still importing and opening the store, so the workers are
        ready about when the first pages arrive."""
        if self._workers > 0 and self._warming is None:
            start_forkserver()
            self._warming = asyncio.create_task(self._warm(), name="cpu-pool-start")

    async def _ensure(self) -> concurrent.futures.ProcessPoolExecutor:
        async with self._creating:  # one executor, however many callers arrive at once
            if self._pool is None:
                await asyncio.to_thread(self._executor)  # imports and pipes: off the loop
        return self._executor()

    async def _warm(self) -> None:
        executor = await self._ensure()
        # The executor starts a worker process inside submit(), which waits for the
        # forkserver: that happens in a thread here, never on the event loop.
        started = await asyncio.to_thread(_start_workers, executor, self._workers)
        await asyncio.gather(*(asyncio.wrap_future(f) for f in started))

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._workers <= 0:
            return await asyncio.to_thread(fn, *args)
        if self._warming is None:
            await self.start()  # lazily, when the caller did not start the pool
        if self._warming is not None and not self._warming.done():
            # So submit() below starts no process; if starting failed, submit says why.
            with contextlib.suppress(Exception):
                await asyncio.shield(self._warming)
        executor = self._pool or await self._ensure()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, fn, *args)

    async def aclose(self) -> None:
        if self._warming is not None:
            warming, self._warming = self._warming, None
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warming
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)


def start_forkserver() -> None:
    """Start the workers' forkserver, which preloads the parsers (~0.45 s of CPU) on another
    core; no wait for it. A command that reads pages calls this as early as it can (the
    preload then overlaps the rest of its start-up); CpuPool.start calls it too, and a
    second call does nothing."""
    # The resource tracker first: starting it unblocks the signals in this thread, which
    # the forkserver would then inherit.
    multiprocessing.resource_tracker.ensure_running()
    with _signals_blocked():
        _context()
        multiprocessing.forkserver.ensure_running()  # a spawn, no wait for the preload


def _context() -> multiprocessing.context.ForkServerContext:
    """forkserver: children fork from a clean, preloaded server, never from this process with
    its threads and open connections."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while processes are started: the mask is inherited
    through fork and exec, so a signal arriving while the forkserver is still importing
    (before it can ignore it) cannot kill it mid-start with a traceback. A held-back signal
    is delivered as soon as the mask is restored."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_workers(executor: concurrent.futures.ProcessPoolExecutor, count: int
                   ) -> list[concurrent.futures.Future[bool]]:
    """Start the workers (and the forkserver, if it is not running) with signals held back."""
    with _signals_blocked():
        return [executor.submit(_ready) for _ in range(count)]


def _worker_setup() -> None:
    """Workers run a little below the bot's own priority: when cores are short, the event
    loop (chat events, fetches in flight) goes first and parsing takes what is left, so
    the network stays busy while pages queue for a parser.

    Workers share the terminal's process group (and a service's cgroup), so Ctrl-C and a
    group-wide SIGTERM reach them too. They ignore both (no KeyboardInterrupt traceback per
    worker, no pool broken under a task): the parent shuts them down on its way out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.nice(WORKER_NICENESS)


def _ready() -> bool:
    return True
