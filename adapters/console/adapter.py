"""The console adapter: a line-based chat in the terminal, and its notifier."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TextIO

from adapters.console.render import card, clean, queue_line
from bot import desk
from bot.app import App
from bot.community import Community
from bot.digest import Digest
from bot.editor import ACTIONS
from bot.errors import StorageError, UserError
from bot.events import LinkPosted, MessageRef
from bot.links import find_urls
from bot.models import Member, Submission
from bot.ports import QueueEntry
from bot.render.markdown import render_markdown
from bot.setting_types import TYPES

log = logging.getLogger(__name__)

Handler = Callable[[list[str]], Awaitable[None]]


def unreadable_line(entry: QueueEntry) -> str:
    s = entry.submission
    reason = clean(s.failure_reason or "could not be read", 80)
    return f"#{s.number:<4} {clean(s.url, 80)}: {reason}"


class ConsoleNotifier:
    """Implements bot.ports.Notifier by printing to the terminal."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def say(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        self.say(card(submission))
        return None

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        self.say(f"#{submission.number} failed: {clean(submission.failure_reason)}")

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        self.say(f"That link is the same page as #{existing.number}: "
                 f"already queued as #{existing.number}, and you are credited.")

    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        # Several members share one terminal: the line says whom it is for.
        who = ", ".join(clean(m, 40) for m in submission.submitters)
        self.say(f"(for {who}) " + desk.rejected(submission.number,
                                                clean(submission.reject_reason)))

    async def tell_moderators(self, community: Community, text: str) -> None:
        self.say(f"(for moderators) {text}")

    async def publish_digest(self, community: Community, channel: str, digest: Digest) -> None:
        self.say(render_markdown(digest))


class ConsoleAdapter:
    def __init__(self, app: App, community: str, member: str, out: TextIO = sys.stdout,
                 moderator: bool = False) -> None:
        self._app = app
        self._community = community
        self._member = Member(member, member, is_moderator=moderator)
        self._notifier = ConsoleNotifier(out)
        self._line = 0
        self.commands: dict[str, Handler] = {
            "/as": self._as,
            "+1": self._up,
            "-1": self._down,
            "/unvote": self._unvote,
            "/queue": self._queue,
            "/digest": self._digest,
            "/help": self._help,
            "/intro": self._intro,
            "/lock": self._lock,
            "/unlock": self._unlock,
            "/config": self._config,
            **{f"/{action}": self._moderation(action) for action in ACTIONS},
        }
        app.register_platform("console", self._notifier, publisher=self._notifier)

    @property
    def member(self) -> Member:
        return self._member

    @property
    def community(self) -> str:
        return self._community

    def say(self, text: str) -> None:
        self._notifier.say(text)

    async def run(self, lines: AsyncIterator[str]) -> None:
        await self._app.curator.community(self._community, "console")
        async for line in lines:
            await self.handle(line)
        await self._app.curator.wait_idle()

    async def handle(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        self._line += 1
        word, *args = text.split()
        handler = self.commands.get(word.lower())
        try:
            if handler is not None:
                await handler(args)
            elif find_urls(text):
                await self._submit(text)
            else:
                self.say(f"Unknown command or no link in {clean(word, 40)!r}. Type /help.")
        except UserError as err:
            log.debug("console: %s", err)  # the member sees it; once is enough
            self.say(clean(str(err), 500))
        except StorageError as err:
            # The session goes on: the lock may be released, or the disk freed, by the next line.
            log.error("console: %s", err)
            self.say("The database is unavailable right now (see the log); try again.")
        except Exception:
            # One bad line must not end the console and lose the rest of the input. Only
            # Exception: cancellation and Ctrl-C (BaseException) still stop the console.
            log.exception("console: line %d (%s) failed", self._line, clean(word, 40))
            self.say(desk.GENERIC_ERROR)

    async def _submit(self, text: str) -> None:
        ref = MessageRef("console", f"line-{self._line}")
        outcomes = await self._app.curator.post_link(
            LinkPosted(self._community, self._member, text, ref)
        )
        for outcome in outcomes:
            self.say(f"{clean(outcome.url, 100)}: {outcome.message}")

    async def _as(self, args: list[str]) -> None:
        name, moderator = desk.member_switch(args)
        self._member = Member(name, name, is_moderator=moderator)
        role = " (moderator)" if moderator else ""
        self.say(f"You are now {clean(name, 40)}{role}.")

    async def _vote(self, args: list[str], up: bool) -> None:
        number = desk.one_number(args, "+1 N" if up else "-1 N")
        settings = await self._app.curator.settings_for(self._community)
        emoji = settings.up_emoji[0] if up else settings.down_emoji[0]
        outcome = await self._app.curator.vote_on(self._community, number, self._member, emoji)
        self.say(desk.vote_reply(outcome, number))

    async def _up(self, args: list[str]) -> None:
        await self._vote(args, up=True)

    async def _down(self, args: list[str]) -> None:
        await self._vote(args, up=False)

    async def _unvote(self, args: list[str]) -> None:
        number = desk.one_number(args, "/unvote N")
        settings = await self._app.curator.settings_for(self._community)
        removed = False
        for emoji in (*settings.up_emoji, *settings.down_emoji):
            outcome = await self._app.curator.vote_on(
                self._community, number, self._member, emoji, added=False
            )
            removed = removed or outcome.changed
        self.say(desk.unvote_reply(removed, number))

    async def _queue(self, args: list[str]) -> None:
        curator = self._app.curator
        view = desk.queue_view(await curator.queue(self._community), curator.clock())
        if not view.queued:
            self.say(desk.CONSOLE_QUEUE_EMPTY)
        for entry in view.queued:
            self.say(queue_line(entry))
        if view.unreadable:
            self.say("Could not read (share the link again to retry):")
        for entry in view.unreadable:
            self.say(unreadable_line(entry))

    async def _digest(self, args: list[str]) -> None:
        publishing = self._app.publishing
        post = [a.lower() for a in args[:1]] == ["post"]
        which = (args[1:] if post else args) or ["this"]
        usage = "/digest [post] [this|last|YYYY-Www]"
        if len(which) != 1:
            raise desk.Usage(usage)
        # "post now": this week's digest without the links still being read (Publishing.post)
        now = post and which[0].lower() == "now"
        period = "now" if now else desk.period(which[0], usage)
        if post:
            posted = await publishing.post(self._community, self._member, "console", period)
            if posted is None:
                self.say(desk.posted_reply(posted, "That week's"))
            return
        self.say(render_markdown(await publishing.preview(self._community, self._member, period)))

    async def _help(self, args: list[str]) -> None:
        self.say(desk.CONSOLE_HELP)

    def _moderation(self, action: str) -> Handler:
        async def handle(args: list[str]) -> None:
            usage = "/" + desk.BY_NAME[action].usage
            number = desk.one_number(args[:1], usage)
            reason = " ".join(args[1:])
            done = await self._app.editor.moderate(
                self._community, self._member, number, action, reason)
            self.say(desk.console_moderated(number, action, clean(done.reject_reason)))
        return handle

    async def _intro(self, args: list[str]) -> None:
        intro = await self._app.editor.set_intro(self._community, self._member, " ".join(args))
        self.say(desk.intro_reply(intro))

    async def _lock(self, args: list[str]) -> None:
        period = await self._app.editor.lock(self._community, self._member, True)
        self.say(desk.console_lock_reply(True, period))

    async def _unlock(self, args: list[str]) -> None:
        period = await self._app.editor.lock(self._community, self._member, False)
        self.say(desk.console_lock_reply(False, period))

    async def _config(self, args: list[str]) -> None:
        settings = await self._app.curator.settings_for(self._community)
        if not args:
            for line in settings.lines():
                self.say(clean(line, 600))
            return
        if len(args) == 1:
            if args[0] not in TYPES:
                raise UserError(desk.unknown_setting(clean(args[0], 40),
                                                     "Type /config to list them."))
            self.say(clean(f"{args[0]} = {settings.shown(args[0])}", 600))
            return
        updated = await self._app.editor.configure(
            self._community, self._member, args[0], " ".join(args[1:]))
        self.say(clean(f"{args[0]} = {updated.shown(args[0])}", 600))


async def stdin_lines(stream: TextIO = sys.stdin, prompt: bool = False) -> AsyncIterator[str]:
    """Lines from a terminal or a pipe. A blocking read cannot be interrupted, so it runs in
    a daemon thread: on Ctrl-C or SIGTERM the process exits without waiting for Enter."""
    loop = asyncio.get_running_loop()
    while True:
        if prompt:
            print("> ", end="", flush=True)
        arrived: asyncio.Future[str] = loop.create_future()
        threading.Thread(target=_read_line, args=(stream, loop, arrived), daemon=True,
                         name="console-stdin").start()
        line = await arrived
        if not line:
            return
        yield line


def _read_line(stream: TextIO, loop: asyncio.AbstractEventLoop,
               arrived: asyncio.Future[str]) -> None:
    try:
        line = stream.readline()
    except (OSError, ValueError):  # stdin closed under us: the same as end of input
        line = ""

    def settle() -> None:
        if not arrived.done():
            arrived.set_result(line)

    with contextlib.suppress(RuntimeError):  # the loop closed while we were blocked
        loop.call_soon_threadsafe(settle)
