"""What each `digestif` subcommand does, on top of the composition root."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app import App, open_app
from bot.config import Settings
from bot.errors import DigestifError, StorageError, UserError
from bot.events import LinkPosted
from bot.ingest import IngestResult
from bot.models import Member, SubmissionState
from bot.render.text import flag_note

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger(__name__)


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    handlers = {
        "run": run, "console": console, "submit": submit, "queue": queue,
        "digest": digest, "summarize": summarize, "demo": demo,
    }
    try:
        return await handlers[args.command](args, settings)
    except UserError as err:
        print(f"digestif: {err}", file=sys.stderr)
        return 2
    except StorageError:
        raise  # bot.cli.main reports it in one line, exit 3
    except DigestifError as err:
        log.error("%s", err)
        return 1


def _community(args: argparse.Namespace, settings: Settings) -> str:
    return args.community or settings.community


def configured_platforms(settings: Settings) -> list[str]:
    """Chat platforms whose tokens are set. Each has adapters/<name>/adapter.py:serve(app)."""
    platforms = []
    if settings.discord_token is not None:
        platforms.append("discord")
    if settings.slack_bot_token is not None:
        platforms.append("slack")
    return platforms


async def run(args: argparse.Namespace, settings: Settings) -> int:
    platforms = configured_platforms(settings)
    if not platforms:
        log.info("no platform token set: starting the console")
        from bot.cli import default_member

        args.community, args.member, args.mod = None, default_member(), False
        return await console(args, settings)
    adapters = []
    for name in platforms:
        try:
            # Imported by name: the core never imports a chat SDK.
            adapters.append(importlib.import_module(f"adapters.{name}.adapter"))
        except ModuleNotFoundError as err:
            if err.name != f"adapters.{name}":
                raise
            log.error("a %s token is set, but this version of digestif has no %s adapter yet",
                      name.capitalize(), name.capitalize())
            return 1
    async with open_app(settings, schedule=True) as app:
        await asyncio.gather(*(adapter.serve(app) for adapter in adapters))
    return 0


async def console(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.adapter import ConsoleAdapter, stdin_lines

    async with open_app(settings, schedule=True) as app:
        adapter = ConsoleAdapter(app, _community(args, settings), args.member, moderator=args.mod)
        if sys.stdin.isatty():
            adapter.say("digestif console. Paste a link, or type /help.")
        await adapter.run(stdin_lines(prompt=sys.stdin.isatty()))
    return 0


async def submit(args: argparse.Namespace, settings: Settings) -> int:
    from rich.progress import Progress

    from bot.links import canonicalize

    for url in args.urls:  # refuse the whole command before anything is stored
        canonicalize(url)
    key = _community(args, settings)
    async with open_app(settings) as app:
        await app.curator.community(key, "console")
        member = Member(args.member, args.member)
        with Progress(transient=True, console=_stderr_console()) as progress:
            task = progress.add_task("Fetching", total=len(args.urls))

            async def advance(result: IngestResult) -> None:
                progress.advance(task)

            app.worker.subscribe(advance)
            outcomes = []
            for url in args.urls:
                outcomes += await app.curator.post_link(LinkPosted(key, member, url))
            new = sum(1 for o in outcomes if o.created)
            progress.update(task, total=new or 1, completed=0 if new else 1)
            await app.curator.wait_idle()
        for outcome in outcomes:
            if outcome.submission is None:
                print(f"-    refused  {outcome.url}  {outcome.error}")
                continue
            s = await app.curator.submission(key, outcome.submission.number)
            if s.state is SubmissionState.READY:
                what = s.title + (f" [{s.flag}]" if s.flag else "")
            else:
                what = s.failure_reason or str(s.state)
            note = "" if outcome.created else "  (already queued)"
            print(f"#{s.number:<4} {s.state:<7}  {what}{note}")
    return 0


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


async def queue(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.render import queue_line

    async with open_app(settings) as app:
        key = _community(args, settings)
        await app.curator.community(key, "console")
        entries = await app.curator.queue(key)
        for entry in entries:
            print(queue_line(entry))
        if not entries:
            print("The queue is empty.")
    return 0


async def render_digest(app: App, key: str, fmt: str, which: str) -> str:
    from bot.render.feed import render_feed
    from bot.render.html import render_html
    from bot.render.json import render_json
    from bot.render.markdown import render_markdown

    community = await app.curator.community(key, "console")
    if fmt in ("rss", "atom"):
        posted = await app.store.posted_digests(key)
        from bot.digests import newsletter_name

        return render_feed(key, newsletter_name(community), posted, app.settings.public_url,
                           atom=fmt == "atom")
    built = await app.digests.build(community, app.digests.period(community, which))
    renderers = {"json": render_json, "html": render_html, "markdown": render_markdown}
    return renderers[fmt](built)


async def digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.outfile import write_text_atomically

    async with open_app(settings) as app:
        text = await render_digest(app, _community(args, settings), args.format, args.period)
    if args.out:
        await asyncio.to_thread(write_text_atomically, Path(args.out), text + "\n")
    else:
        print(text)
    return 0


async def summarize(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.render import clean
    from bot.community import CommunitySettings
    from bot.links import canonicalize

    url = canonicalize(args.url)
    async with open_app(settings) as app:
        article = await app.reader.read(url)
        result = await app.summarizer.summarize(article, CommunitySettings().summary_prefs)
    by = " · ".join(p for p in (", ".join(article.authors), article.site_name) if p)
    print(clean(article.title or url))
    if by:
        print(clean(by))
    if article.flag:
        print(f"({flag_note(article.flag)})")
    else:
        print(clean(result.text, 2000))
    print(f"[summary: {result.source}{' · ' + result.model if result.model else ''}]")
    return 0


async def demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.runner import run_demo

    return await run_demo(settings)
