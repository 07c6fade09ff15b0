"""The composition root: builds everything from one Settings object and closes it all on exit.

This is the one place that names concrete stores and readers; they are imported here lazily
so that importing the core never loads a database driver or chat SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.cpu import CpuPool
from bot.curator import Curator
from bot.digests import DigestService
from bot.editor import Editor
from bot.ingest import IngestWorker
from bot.ports import DigestPublisher, Notifier, PageReader, Store, Summarizer, VoteRecounter
from bot.scheduler import Scheduler


@dataclass(slots=True)
class App:
    settings: Settings
    store: Store
    reader: PageReader
    summarizer: Summarizer
    worker: IngestWorker
    curator: Curator
    digests: DigestService
    editor: Editor
    scheduler: Scheduler

    def register_platform(self, platform: str, notifier: Notifier,
                          publisher: DigestPublisher | None = None,
                          recounter: VoteRecounter | None = None) -> None:
        """How an adapter plugs in: where cards go, where digests go, who recounts votes."""
        self.curator.add_notifier(platform, notifier)
        if publisher is not None:
            self.editor.add_publisher(platform, publisher)
        if recounter is not None:
            self.editor.add_recounter(platform, recounter)


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock = system_clock,
                   schedule: bool = False) -> AsyncIterator[App]:
    """Everything, opened; ``schedule`` also runs the weekly digest scheduler (for `run` and
    `console`, not for one-shot commands)."""
    from bot.reader import build_reader
    from bot.summarize import build_summarizer
    from storage.sqlite import SqliteStore

    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(
            SqliteStore(settings.database, lock_timeout=settings.db_lock_timeout))
        cpu = CpuPool(settings.cpu_workers)
        stack.push_async_callback(cpu.aclose)
        await cpu.start()
        reader = build_reader(settings, cpu=cpu)
        stack.push_async_callback(reader.aclose)
        summarizer = build_summarizer(settings, cache=store, cpu=cpu)
        stack.push_async_callback(summarizer.aclose)
        worker = IngestWorker(store, reader, summarizer, clock,
                              concurrency=settings.ingest_concurrency)
        curator = Curator(store, worker, clock, settings.max_links_per_message)
        await worker.start()
        stack.push_async_callback(worker.close)
        digests = DigestService(store, summarizer, clock)
        editor = Editor(curator, digests, worker)
        scheduler = Scheduler(store, editor, digests, clock,
                              timedelta(hours=settings.schedule_grace_hours),
                              hint=curator.tell_moderators)
        if schedule:
            task = asyncio.create_task(scheduler.run(), name="digest-scheduler")
            stack.push_async_callback(_cancel, task)
        yield App(settings, store, reader, summarizer, worker, curator, digests, editor,
                  scheduler)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
