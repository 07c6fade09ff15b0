"""CPU-heavy pure functions (HTML parsing, extraction, offline summaries) run in worker
processes: they use every core instead of sharing one GIL with the event loop, so chat
events and fetches stay responsive while pages are parsed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
PRELOAD = ["bot.extract", "bot.summarize.offline", "bot.sources.pdf"]


class CpuPool:
    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: children fork from a clean, preloaded server, never from this
            # process with its threads and open connections.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = concurrent.futures.ProcessPoolExecutor(self._workers,
                                                                mp_context=context)
        return self._pool

    async def start(self) -> None:
        """Start the workers off the event loop (starting them blocks for a moment)."""
        if self._workers > 0:
            executor = await asyncio.to_thread(self._executor)
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(executor, _ready)
                                   for _ in range(self._workers)))

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._workers <= 0:
            return await asyncio.to_thread(fn, *args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), fn, *args)

    async def aclose(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)


def _ready() -> bool:
    return True
