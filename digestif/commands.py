"""What each `digestif` subcommand does, on top of the composition root."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot import desk, replies
from bot.app import App
from bot.community import Community
from bot.config import Settings
from bot.curator import SubmitOutcome
from bot.errors import (
    ConfigError,
    DigestifError,
    FetchError,
    InvalidLink,
    StorageError,
    UserError,
)
from bot.events import LinkPosted
from bot.ingest import IngestResult
from bot.lifecycle import all_of, until_stopped
from bot.models import Member, ModerationStatus, Submission, SubmissionState
from bot.ports import Store
from bot.render.text import flag_note
from digestif.bootstrap import (
    PLATFORMS,
    ROLES,
    configured_platforms,
    database_label,
    open_app,
    slack_http,
    web_server,
)

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger(__name__)


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from digestif.database import db

    handlers = {
        "run": run, "console": console, "submit": submit, "queue": queue,
        "digest": digest, "email": email, "summarize": summarize, "demo": demo,
        "serve": serve, "purge": purge, "stats": stats, "db": db,
    }
    try:
        return await handlers[args.command](args, settings)
    except UserError as err:
        print(f"digestif: {err}", file=sys.stderr)
        return 2
    except StorageError:
        raise  # digestif.cli.main reports it in one line, exit 3
    except FetchError as err:  # summarize: the page could not be read
        print(f"digestif: {replies.operator_reason(err.reason)}", file=sys.stderr)
        return 1
    except DigestifError as err:
        log.error("%s", err)
        return 1
    except Exception:
        # A bug, not bad input: one log record with the traceback, and a failing exit code.
        # (KeyboardInterrupt and cancellation are BaseExceptions and pass through.)
        log.exception("digestif %s failed unexpectedly", args.command)
        return 1


def _community(args: argparse.Namespace, settings: Settings) -> str:
    return args.community or settings.community


async def run(args: argparse.Namespace, settings: Settings) -> int:
    role_name = getattr(args, "role", "all")
    role = ROLES[role_name]
    platforms = configured_platforms(settings) if role.events or role.outbound else []
    if role_name == "all" and not platforms:
        log.info("no platform token set: starting the console")
        return await console(args, settings)  # `run` has the console's defaults
    if role.events and not platforms:
        print(f"digestif: --role {role_name} takes chat events: set DISCORD_TOKEN or "
              "SLACK_BOT_TOKEN", file=sys.stderr)
        return 2
    # Relative to the working directory by default: say which database this process uses.
    log.info("role %s; database: %s", role_name, database_label(settings))
    chats = [PLATFORMS[name]() for name in platforms]

    async def run_all() -> int:
        async with open_app(settings, schedule=role.schedule, ingest=role.ingest) as app:
            web = web_server(app)
            work = [chat(app, web, events=role.events) for chat in chats]
            # The one web server: Slack's HTTP mode starts it when this process takes events;
            # otherwise it is served for --role web, or by `all` when DIGESTIF_PUBLIC_URL
            # says the archive is published.
            slack_serves = role.events and "slack" in platforms and slack_http(settings)
            if not slack_serves and (role.web or (role_name == "all" and settings.public_url)):
                work.append(web.serve(settings.http_host, settings.http_port))
            await all_of(work or [_forever()])  # a worker without chat platforms
        return 0

    return await until_stopped(run_all())


async def serve(args: argparse.Namespace, settings: Settings) -> int:
    """The web archive alone, on DIGESTIF_HTTP_HOST:DIGESTIF_HTTP_PORT, until stopped."""
    async def web_alone() -> int:
        # As `run --role web`: the archive is served, links are read elsewhere.
        async with open_app(settings, ingest=False) as app:
            await web_server(app).serve(settings.http_host, settings.http_port)
        return 0

    log.info("database: %s", database_label(settings))
    return await until_stopped(web_alone())


async def _forever() -> None:
    await asyncio.Event().wait()


async def console(args: argparse.Namespace, settings: Settings) -> int:
    return await until_stopped(_console(args, settings))


async def _console(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.adapter import ConsoleAdapter, stdin_lines

    desk.member_switch([args.member], "digestif console --as NAME")

    # Bytes that are not UTF-8 become U+FFFD instead of ending the console.
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    async with open_app(settings, schedule=True) as app:
        adapter = ConsoleAdapter(app, _community(args, settings), args.member, moderator=args.mod)
        if sys.stdin.isatty():
            adapter.say(f"digestif console · database {database_label(settings)}\n"
                        "Paste a link, or type /help.")
        await adapter.run(stdin_lines(prompt=sys.stdin.isatty()))
    return 0


async def submit(args: argparse.Namespace, settings: Settings) -> int:
    """Queue each URL, wait until each is read, and report one line per URL. Exit 1 when
    any link was refused or could not be read."""
    from rich.progress import Progress

    key = _community(args, settings)
    name, _ = desk.member_switch([args.member], "digestif submit --as NAME")
    # The operator's bulk import, in a process of its own: no member's share to keep.
    async with open_app(settings, shares=False) as app:
        await app.curator.community(key, "console")
        # The operator's command line: exempt from member_limit, as moderators are.
        member = Member(name, name, is_moderator=True)
        merged: dict[int, Submission] = {}
        # A bar for a person at a terminal; a pipe or a log file gets the result lines only.
        with Progress(transient=True, console=_stderr_console(),
                      disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("Fetching", total=len(args.urls))

            async def advance(result: IngestResult) -> None:
                if result.duplicate_of is not None:
                    merged[result.submission.id] = result.duplicate_of
                progress.advance(task)

            app.worker.subscribe(advance)
            outcomes = [await _submit_one(app, key, member, url) for url in args.urls]
            new = sum(1 for o in outcomes if o.created)
            progress.update(task, total=new or 1, completed=0 if new else 1)
            await app.curator.wait_idle()
            # A `run` process sharing the database may have claimed one first: wait for it.
            await app.worker.wait_for(
                [o.submission.id for o in outcomes if o.submission is not None],
                settings.fetch_deadline + settings.llm_timeout + settings.lease_seconds)
        ok = True
        for outcome in outcomes:
            line, good = await _submit_line(app, key, outcome, merged)
            ok = ok and good
            print(line)
    return 0 if ok else 1


async def _submit_one(app: App, key: str, member: Member, url: str) -> SubmitOutcome:
    """One command-line URL as one link: a bad one is refused alone, not with the batch."""
    from bot.links import canonicalize

    try:
        canonicalize(url)
    except InvalidLink as err:
        return SubmitOutcome(url, error=str(err))
    outcomes = await app.curator.post_link(LinkPosted(key, member, url))
    return outcomes[0] if outcomes else SubmitOutcome(url, error="no link found")


async def _submit_line(app: App, key: str, outcome: SubmitOutcome,
                       merged: dict[int, Submission]) -> tuple[str, bool]:
    """The report line for one URL, and whether it ended queued and read."""
    from adapters.console.render import clean

    url = clean(outcome.url, 100)
    if outcome.submission is None:
        return f"-     refused  {url}: {clean(outcome.error)}", False
    first = outcome.submission
    if first.id in merged:  # the page turned out to be one already queued
        first = merged[first.id]
    s = await app.curator.submission(key, first.number)
    if s.status is not ModerationStatus.QUEUED and not outcome.created:
        note = replies.submit_note(s, created=False)
        reason = f": {clean(s.reject_reason)}" if s.reject_reason else ""
        return f"#{s.number:<4} {note}  {url}{reason}", False
    if s.state is SubmissionState.READY:
        what = clean(s.title or url) + (f" [{s.flag}]" if s.flag else "")
        good = True
    else:
        reason = replies.operator_reason(s.failure_reason or "could not be read")
        what = f"{url}: {clean(reason, 300)}"
        good = False
    note = "" if outcome.created and s.id == outcome.submission.id else "  (already queued)"
    return f"#{s.number:<4} {s.state:<7}  {what}{note}", good


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


async def _existing(app: App, key: str) -> Community:
    """A community a read command names: it must exist (a typo must not look empty)."""
    found = await app.store.get_community(key)
    if found is None:
        raise UserError(replies.unknown_community(key))
    return await app.curator.known_community(key)


async def queue(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.adapter import unreadable_line
    from adapters.console.render import queue_line

    async with open_app(settings, ingest=False) as app:
        key = _community(args, settings)
        await _existing(app, key)
        view = replies.queue_view(await app.curator.queue(key), app.curator.clock())
        for entry in view.queued:
            print(queue_line(entry))
        if not view.queued:
            print("The queue is empty.")
        if view.unreadable:
            print("Could not read (share the link again to retry):")
        for entry in view.unreadable:
            print(unreadable_line(entry))
    return 0


async def stats(args: argparse.Namespace, settings: Settings) -> int:
    """The community's stats: the last 30 days and all time."""
    from adapters.console.render import clean
    from bot.stats import community_stats

    async with open_app(settings, ingest=False) as app:
        key = _community(args, settings)
        await _existing(app, key)
        report = await community_stats(app.store, key, app.curator.clock())
    for line in replies.stats_lines(report, clean):
        print(line)
    return 0


async def render_digest(app: App, key: str, fmt: str, which: str) -> str:
    from bot.archive import archive_url
    from bot.render.feed import render_feed
    from bot.render.html import render_html
    from bot.render.json import render_json
    from bot.render.markdown import render_markdown

    community = await _existing(app, key)
    if fmt in ("rss", "atom"):
        posted = await app.store.posted_digests(key)
        public = app.settings.public_url
        if public and community.public:  # entries link to the archive's pages
            home = archive_url(public, community.slug)
            return render_feed(key, community.newsletter_name, posted, home, fmt == "atom",
                               page=lambda period: archive_url(public, community.slug, period))
        return render_feed(key, community.newsletter_name, posted, public, atom=fmt == "atom")
    period = desk.period(which, "digestif digest --period PERIOD")
    built = await app.publishing.export(community, app.publishing.period(community, period))
    if fmt == "json":
        return render_json(built, chat_links=True)  # for members: links back to the chat
    renderers = {"html": render_html, "markdown": render_markdown}
    return renderers[fmt](built)


async def digest(args: argparse.Namespace, settings: Settings) -> int:
    from digestif.outfile import write_text_atomically

    desk.period(args.period, "digestif digest --period PERIOD")  # before opening anything
    async with open_app(settings, ingest=False) as app:
        text = await render_digest(app, _community(args, settings), args.format, args.period)
    if args.out:
        await asyncio.to_thread(write_text_atomically, Path(args.out), text + "\n")
    else:
        print(text)
    return 0


async def email(args: argparse.Namespace, settings: Settings) -> int:
    """E-mail a posted period's digest, as posted, to the community's list once more (a
    new attempt, with a new Message-ID). Exit 1 when the mail server refused it."""
    from bot.mailing import MailOutcome

    which = desk.period(args.period, "digestif email --period PERIOD")
    async with open_app(settings, ingest=False) as app:
        community = await _existing(app, _community(args, settings))
        period = app.publishing.period(community, which).key
        try:
            mailed = await app.mailing.send(community, period, again=True)
        except ConfigError as err:  # no mail server: a settings error, exit 2
            raise UserError(str(err)) from err
    if mailed.outcome is not MailOutcome.SENT:
        print(f"digestif: {replies.mail_failed(period, mailed.error)}", file=sys.stderr)
        return 1
    print(replies.mail_sent(period, mailed.accepted))
    if mailed.refused:
        print(f"digestif: {replies.mail_partly_refused(period, mailed.refused)}", file=sys.stderr)
    return 0


async def summarize(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.render import clean
    from bot.community import CommunitySettings
    from bot.links import canonicalize

    url = canonicalize(args.url)
    async with open_app(settings, ingest=False) as app:
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
    from digestif.demo.runner import run_demo

    return await run_demo(settings)


async def purge(args: argparse.Namespace, settings: Settings) -> int:
    async with open_app(settings, ingest=False) as app:
        purged = await purge_removed(app.store, app.curator.clock(), timedelta(days=args.days))
    for key in purged:
        print(f"purged {key}")
    if not purged:
        print(f"Nothing to purge: no workspace removed the app more than {args.days} days ago.")
    return 0


async def purge_removed(store: Store, now: datetime, kept: timedelta) -> list[str]:
    """Delete the communities of Slack workspaces that removed the app longer than ``kept``
    ago, then the installation rows themselves; returns the communities purged."""
    from adapters.slack.installations import PLATFORM
    from adapters.slack.translate import community_key

    purged = []
    for team in await store.removed_before(PLATFORM, now - kept):
        key = community_key(team)
        rows = await store.purge_community(key)
        await store.forget_installation(PLATFORM, team)
        log.info("purged %s (%d rows)", key, rows)
        purged.append(key)
    return purged
