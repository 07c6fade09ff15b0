"""The composition root: builds everything from one Settings object and closes it all on exit.

This is the one place that names concrete stores, readers, summarizers and chat adapters, in
two explicit registries (STORES, PLATFORMS). Each entry imports its module only when used, so
that a one-shot command never loads a chat SDK it does not need. Every dependency of
``open_app`` can be passed in (tests, benchmarks); what is passed in is not closed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import timedelta

from bot.app import App
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.cpu import CpuPool
from bot.curator import Curator
from bot.editor import Editor
from bot.ingest import IngestWorker
from bot.ports import PageReader, Store, Summarizer
from bot.publishing import PENDING_WAIT, Publishing
from bot.scheduler import Scheduler

Serve = Callable[[App], Awaitable[None]]


def _sqlite(settings: Settings) -> AbstractAsyncContextManager[Store]:
    from storage.sqlite import SqliteStore

    return SqliteStore(settings.database, lock_timeout=settings.db_lock_timeout)


def _discord() -> Serve:
    from adapters.discord.adapter import serve

    return serve


def _slack() -> Serve:
    from adapters.slack.adapter import serve

    return serve


STORES: dict[str, Callable[[Settings], AbstractAsyncContextManager[Store]]] = {
    "sqlite": _sqlite,
}
PLATFORMS: dict[str, Callable[[], Serve]] = {"discord": _discord, "slack": _slack}


def configured_platforms(settings: Settings) -> list[str]:
    """Chat platforms whose tokens are set, in PLATFORMS order."""
    tokens = {"discord": settings.discord_token, "slack": settings.slack_bot_token}
    return [name for name in PLATFORMS if tokens[name] is not None]


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock = system_clock, *, schedule: bool = False,
                   store: Store | None = None, reader: PageReader | None = None,
                   summarizer: Summarizer | None = None,
                   pending_wait: float = PENDING_WAIT) -> AsyncIterator[App]:
    """Everything, opened; ``schedule`` also runs the weekly digest scheduler (for `run` and
    `console`, not for one-shot commands). ``pending_wait``: seconds `/digest post` waits for
    the week's links still being read."""
    async with AsyncExitStack() as stack:
        # First: the workers' forkserver starts on another core while the rest is imported
        # and opened here.
        cpu = CpuPool(settings.cpu_workers)
        stack.push_async_callback(cpu.aclose)
        await cpu.start()
        from bot.reader import build_reader
        from bot.summarize import build_summarizer

        if store is None:
            store = await stack.enter_async_context(STORES["sqlite"](settings))
        if reader is None:
            built_reader = build_reader(settings, cpu=cpu)
            stack.push_async_callback(built_reader.aclose)
            reader = built_reader
        if summarizer is None:
            built_summarizer = build_summarizer(settings, cache=store, cpu=cpu)
            stack.push_async_callback(built_summarizer.aclose)
            summarizer = built_summarizer
        worker = IngestWorker(store, reader, summarizer, clock,
                              concurrency=settings.ingest_concurrency)
        curator = Curator(store, worker, clock, settings.max_links_per_message)
        await worker.start()
        stack.push_async_callback(worker.close)
        publishing = Publishing(store, summarizer, clock, worker, pending_wait)
        editor = Editor(curator, store, clock)
        scheduler = Scheduler(store, publishing, clock,
                              timedelta(hours=settings.schedule_grace_hours),
                              hint=curator.tell_moderators)
        if schedule:
            task = asyncio.create_task(scheduler.run(), name="digest-scheduler")
            stack.push_async_callback(_cancel, task)
        # What is loaded by now (modules, classes, settings) lives as long as the process: out
        # of the garbage collector's sight, its collections no longer walk it again and again
        # while links are read (~0.2 s of CPU in a `digestif submit` of 200 links). Once per
        # process: a later app (tests open many) would freeze its predecessors' garbage.
        if not gc.get_freeze_count():
            gc.freeze()
        yield App(settings, store, reader, summarizer, worker, curator, publishing, editor,
                  scheduler)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
