"""The composition root: builds everything from one Settings object and closes it all on exit.

This is the one place that names concrete stores, readers, summarizers, chat adapters and
the mail transport, in explicit registries (STORES, PLATFORMS) and factories (_smtp). Each
entry imports its module only when used, so that a one-shot command never loads a chat SDK
it does not need. Every dependency of
``open_app`` can be passed in (tests, benchmarks); what is passed in is not closed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.app import App
from bot.archive import Archive
from bot.backfill import Backfill
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.cpu import CpuPool
from bot.curator import Curator
from bot.editor import Editor
from bot.ingest import IngestWorker
from bot.lifecycle import Sleep
from bot.mailing import Mailing
from bot.platform_ports import MailTransport, PageReader, Summarizer
from bot.platform_state import PlatformState
from bot.ports import Store
from bot.publishing import PENDING_WAIT, Publishing
from bot.scheduler import Scheduler
from bot.upgrades import SummaryUpgrader

if TYPE_CHECKING:
    from adapters.web.server import WebServer
    from storage.store import SqlStore

# A platform's adapter, run until cancelled; it may add routes to the app's one web server.
class PlatformServe(Protocol):
    """A chat platform, run until cancelled: with ``events``, taking its events (Slack's HTTP
    mode on ``web``, the app's one web server, which it then starts); without, only posting
    (cards, digests, recounts) for a worker or scheduler process."""

    def __call__(self, app: App, web: WebServer, *, events: bool = True) -> Awaitable[None]:
        ...


def _sqlite(settings: Settings) -> SqlStore:
    from storage.sqlite import SqliteStore

    return SqliteStore(settings.database, lock_timeout=settings.db_lock_timeout)


def _postgres(settings: Settings) -> SqlStore:
    from storage.postgres import PostgresStore

    assert settings.database_url is not None
    return PostgresStore(settings.database_url.get_secret_value(),
                         pool_size=settings.db_pool_size)


def _smtp(settings: Settings) -> MailTransport | None:
    """The mail server, when the operator set one up (SMTP_HOST and DIGESTIF_MAIL_FROM)."""
    if not settings.mail_configured:
        return None
    from adapters.smtp.transport import SmtpTransport

    return SmtpTransport.from_settings(settings)


def _discord() -> PlatformServe:
    from adapters.discord.adapter import serve

    async def run(app: App, web: WebServer, *, events: bool = True) -> None:
        await serve(app, events=events)

    return run


def _slack() -> PlatformServe:
    from adapters.slack.adapter import serve

    async def run(app: App, web: WebServer, *, events: bool = True) -> None:
        await serve(app, web_server=web, events=events)

    return run


def slack_http(settings: Settings) -> bool:
    """Slack in HTTP mode: it starts the app's web server, with its routes on it."""
    return "slack" in configured_platforms(settings) and settings.slack_app_token is None


def web_server(app: App) -> WebServer:
    """The app's one web server, with the web archive mounted; Slack's HTTP mode adds its
    routes to it too."""
    from adapters.web.archive import mount_archive
    from adapters.web.server import WebServer

    server = WebServer()
    mount_archive(server, app)
    return server


# Keyed by Settings.database_kind; each store is opened (and migrated) as a context manager.
STORES: dict[str, Callable[[Settings], SqlStore]] = {
    "sqlite": _sqlite,
    "postgresql": _postgres,
}
PLATFORMS: dict[str, Callable[[], PlatformServe]] = {"discord": _discord, "slack": _slack}


@dataclass(frozen=True, slots=True)
class Role:
    """What one `digestif run` process does (README, "Scale out")."""

    events: bool  # take chat events: links in, reactions, commands (Discord's gateway,
    #               Slack's Socket Mode or events URL)
    outbound: bool  # post to the chat platforms (cards, digests, recounts) without events
    ingest: bool  # read links: its own and those queued by any process
    schedule: bool  # post the weekly digests (one process at a time: a lock in the store)
    web: bool  # the web server


ROLES: dict[str, Role] = {
    "all": Role(events=True, outbound=True, ingest=True, schedule=True, web=False),
    "gateway": Role(events=True, outbound=True, ingest=False, schedule=False, web=False),
    "worker": Role(events=False, outbound=True, ingest=True, schedule=False, web=False),
    "scheduler": Role(events=False, outbound=True, ingest=False, schedule=True, web=False),
    "web": Role(events=False, outbound=False, ingest=False, schedule=False, web=True),
}


def open_store(settings: Settings) -> SqlStore:
    """The configured store, not yet opened."""
    return STORES[settings.database_kind](settings)


def database_label(settings: Settings) -> str:
    """The configured database as an operator names it (never with its password)."""
    if settings.database_url is not None:
        from storage.pg_errors import display_url

        return display_url(settings.database_url.get_secret_value())
    return str(settings.database.resolve())


def configured_platforms(settings: Settings) -> list[str]:
    """Chat platforms whose tokens are set, in PLATFORMS order."""
    # Slack: one workspace's bot token, or the app distributed to many (SLACK_CLIENT_ID).
    tokens = {"discord": settings.discord_token,
              "slack": settings.slack_bot_token or settings.slack_client_id}
    return [name for name in PLATFORMS if tokens[name] is not None]


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock = system_clock, *, schedule: bool = False,
                   ingest: bool = True, store: Store | None = None,
                   reader: PageReader | None = None, summarizer: Summarizer | None = None,
                   pending_wait: float = PENDING_WAIT, mail_sleep: Sleep | None = None,
                   shares: bool = True) -> AsyncIterator[App]:
    """Everything, opened; ``schedule`` also runs the digest scheduler and the release of
    held links (for `run` and `console`, not for one-shot commands). ``ingest=False``: links
    shared here are queued in the store for other processes' workers, not read here
    (`run --role gateway`, the read commands), and no parser process starts up front.
    ``pending_wait``: seconds `/digest post` waits for the week's links still being read.
    ``mail_sleep``: how e-mailing waits between tries (tests pass one that does not wait).
    ``shares=False``: ingest holds no member to a share of the workers (`digestif submit`).

    Links become ready with ``summarizer`` (given) or the offline one; with an LLM
    configured, the LLM summarizer writes the model's summaries apart from fetching
    (bot.upgrades), and the TL;DR."""
    async with AsyncExitStack() as stack:
        # First, where links are read here: the workers start on another core while the
        # rest is imported and opened. Elsewhere (a read command, a gateway) the pool starts
        # on its first page, if any: `digestif queue` never waits for parser processes.
        cpu = CpuPool(settings.cpu_workers)
        stack.push_async_callback(cpu.aclose)
        if ingest:
            await cpu.start()
        from bot.reader import build_reader
        from bot.summarize import OfflineSummarizer, build_summarizer

        if store is None:
            store = await stack.enter_async_context(open_store(settings))
        if reader is None:
            built_reader = build_reader(settings, cpu=cpu)
            stack.push_async_callback(built_reader.aclose)
            reader = built_reader
        ready_with: Summarizer
        upgrader = None
        if summarizer is None:
            built_summarizer = build_summarizer(settings, cache=store, cpu=cpu)
            stack.push_async_callback(built_summarizer.aclose)
            summarizer = built_summarizer
            ready_with = built_summarizer
            if settings.llm_configured:
                ready_with = OfflineSummarizer(cpu)
                upgrader = SummaryUpgrader(store, built_summarizer, clock,
                                           settings.llm_concurrency,
                                           settings.llm_max_input_tokens)
        else:
            ready_with = summarizer
        worker = IngestWorker(store, reader, ready_with, clock,
                              concurrency=settings.ingest_concurrency, upgrader=upgrader,
                              lease=settings.lease_seconds, shares=shares)
        curator = Curator(store, worker, clock, settings.max_links_per_message, upgrader)
        if upgrader is not None:
            await upgrader.start()
            stack.push_async_callback(upgrader.close)
        await worker.start(ingest=ingest)
        stack.push_async_callback(worker.close)
        publishing = Publishing(store, summarizer, clock, worker, pending_wait, upgrader,
                                settings.llm_digest_wait, public_url=settings.public_url)
        editor = Editor(curator, store, clock)
        mail = Mailing(store, clock, _smtp(settings), settings.mail_from,
                       hint=curator.tell_moderators, sleep=mail_sleep)
        stack.push_async_callback(mail.close)
        publishing.on_posted(mail.after_post)
        scheduler = Scheduler(store, publishing, clock,
                              timedelta(hours=settings.schedule_grace_hours),
                              hint=curator.tell_moderators, reconcilers=[mail.reconcile],
                              owner=worker.owner, lease=settings.lease_seconds)
        if schedule:
            task = asyncio.create_task(scheduler.run(), name="digest-scheduler")
            stack.push_async_callback(_cancel, task)
            holds = asyncio.create_task(curator.holds.run(), name="held-links")
            stack.push_async_callback(_cancel, holds)
        # What is loaded by now (modules, classes, settings) lives as long as the process: out
        # of the garbage collector's sight, its collections no longer walk it again and again
        # while links are read (~0.2 s of CPU in a `digestif submit` of 200 links). Once per
        # process: a later app (tests open many) would freeze its predecessors' garbage.
        if not gc.get_freeze_count():
            gc.freeze()
        yield App(settings, store, reader, summarizer, worker, curator, publishing, editor,
                  scheduler, Backfill(curator, store, clock), Archive(store), mail,
                  PlatformState(store, clock), installations=store, upgrader=upgrader)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
