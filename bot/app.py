"""The core's services, as one handle for adapters. digestif.bootstrap builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.archive import Archive
from bot.backfill import Backfill
from bot.config import Settings
from bot.curator import Curator
from bot.editor import Editor
from bot.ingest import IngestWorker
from bot.mailing import Mailing
from bot.platform_ports import (
    DigestPublisher,
    MessageLinker,
    Notifier,
    PageReader,
    Summarizer,
    VoteRecounter,
)
from bot.platform_state import PlatformState
from bot.ports import Store
from bot.publishing import Publishing
from bot.scheduler import Scheduler
from bot.state_ports import Installations
from bot.upgrades import SummaryUpgrader


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
    archive: Archive
    mailing: Mailing
    platform_state: PlatformState
    installations: Installations  # where a distributed chat app is installed
    upgrader: SummaryUpgrader | None = None  # the model's summaries, with an LLM configured

    def register_platform(self, platform: str, notifier: Notifier,
                          publisher: DigestPublisher | None = None,
                          recounter: VoteRecounter | None = None,
                          linker: MessageLinker | None = None) -> None:
        """How an adapter plugs in: where cards go, where digests go, who recounts votes,
        who links a digest item back to the message that shared it."""
        self.curator.add_notifier(platform, notifier)
        self.publishing.register(platform, publisher, recounter, linker)
