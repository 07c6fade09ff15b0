"""The core's services, as one handle for adapters. digestif.bootstrap builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.backfill import Backfill
from bot.config import Settings
from bot.curator import Curator
from bot.editor import Editor
from bot.ingest import IngestWorker
from bot.ports import DigestPublisher, Notifier, PageReader, Store, Summarizer, VoteRecounter
from bot.publishing import Publishing
from bot.scheduler import Scheduler


@dataclass(slots=True)
class App:
    settings: Settings
    store: Store
    reader: PageReader
    summarizer: Summarizer
    worker: IngestWorker
    curator: Curator
    publishing: Publishing
    editor: Editor
    scheduler: Scheduler
    backfill: Backfill

    def register_platform(self, platform: str, notifier: Notifier,
                          publisher: DigestPublisher | None = None,
                          recounter: VoteRecounter | None = None) -> None:
        """How an adapter plugs in: where cards go, where digests go, who recounts votes."""
        self.curator.add_notifier(platform, notifier)
        self.publishing.register(platform, publisher, recounter)
