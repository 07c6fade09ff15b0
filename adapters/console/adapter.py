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
from bot import desk, replies
from bot.app import App
from bot.community import Community
from bot.digest import Digest
from bot.errors import StorageError, UserError
from bot.events import MessageRef
from bot.links import find_urls
from bot.models import Member, Submission
from bot.records import HeldLink, QueueEntry
from bot.render.markdown import render_markdown
from bot.service_desk import (
    Help,
    IntroSet,
    Locked,
    Moderated,
    Posted,
    Previewed,
    QueueShown,
    Result,
    ServiceDesk,
    SettingsShown,
    StatsShown,
    Submitted,
    Unvoted,
    Voted,
)

log = logging.getLogger(__name__)

# A console-only command (the grammar's commands go through desk.parse and the ServiceDesk).
Handler = Callable[[list[str]], Awaitable[None]]


def unreadable_line(entry: QueueEntry) -> str:
    s = entry.submission
    reason = clean(s.failure_reason or "could not be read", 80)
    return f"#{s.number:<4} {clean(s.url, 80)}: {reason}"


class ConsoleNotifier:
    """Implements bot.platform_ports.Notifier by printing to the terminal."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def say(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        """The card; `card = react`: one line, the reaction and the number (the terminal has
        no reactions or threads: `thread` prints the card like `reply`)."""
        if community.settings.card == "react":
            self.say(f"{replies.READ_OK} #{submission.number}")
        else:
            self.say(card(submission))
        return None

    async def summary_updated(self, community: Community, submission: Submission,
                              card: MessageRef | None) -> None:
        """A terminal line cannot be edited: a new line carries the model's summary."""
        self.say(replies.summary_written(submission.number, clean(submission.summary)))

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        if community.settings.card == "react":
            self.say(f"{replies.READ_FAILED} #{submission.number}")
        else:
            self.say(f"#{submission.number} failed: {clean(submission.failure_reason)}")

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        if community.settings.card == "react":
            self.say(f"{replies.READ_OK} #{existing.number}")
            return
        self.say(f"That link is the same page as #{existing.number}: "
                 f"already queued as #{existing.number}, and you are credited.")

    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        # Several members share one terminal: the line says whom it is for.
        who = ", ".join(clean(m, 40) for m in submission.submitters)
        self.say(f"(for {who}) " + replies.rejected(submission.number,
                                                clean(submission.reject_reason)))

    async def tell_moderators(self, community: Community, text: str) -> None:
        self.say(f"(for moderators) {text}")

    async def link_refused(self, community: Community, url: str, reason: str,
                           origin: MessageRef) -> None:
        self.say(replies.refused(clean(reason)))

    async def link_held(self, community: Community, held: HeldLink) -> None:
        self.say(f"(for {clean(held.member.name or held.member.id, 40)}) "
                 + replies.held(held, community.settings))

    async def publish_digest(self, community: Community, channel: str, digest: Digest) -> None:
        self.say(render_markdown(digest, chat_links=True))


class ConsoleAdapter:
    def __init__(self, app: App, community: str, member: str, out: TextIO = sys.stdout,
                 moderator: bool = False) -> None:
        self._app = app
        self._desk = ServiceDesk(app)
        self._community = community
        self._member = Member(member, member, is_moderator=moderator)
        self._notifier = ConsoleNotifier(out)
        self._line = 0
        self.commands: dict[str, Handler] = {"/as": self._as}
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
        # Commands start with "/" (or are +1/-1); any other line with a link is a submission.
        command = word.startswith("/") or word in ("+1", "-1")
        try:
            if (handler := self.commands.get(word.lower())) is not None:
                await handler(args)
            elif command and desk.is_verb(word):
                await self._run(desk.parse([word, *args]))
            elif find_urls(text):
                await self._run(desk.Command("submit", text=text))
            else:
                self.say(f"Unknown command or no link in {clean(word, 40)!r}. Type /help.")
        except desk.UnknownSetting as err:
            self.say(replies.unknown_setting(clean(err.name, 40), "Type /config to list them."))
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
            self.say(replies.GENERIC_ERROR)

    async def _as(self, args: list[str]) -> None:
        name, moderator = desk.member_switch(args)
        self._member = Member(name, name, is_moderator=moderator)
        role = " (moderator)" if moderator else ""
        self.say(f"You are now {clean(name, 40)}{role}.")

    async def _run(self, command: desk.Command) -> None:
        origin = MessageRef("console", f"line-{self._line}")
        result = await self._desk.run(self._community, self._member, command, "console", origin)
        for text in self._render(result):
            self.say(text)

    def _render(self, result: Result) -> list[str]:
        """The console's wording: its transcript reads as a conversation."""
        match result:
            case Help(unit):
                return [replies.console_help(unit)]
            case Submitted(outcomes):
                return [f"{clean(o.url, 100)}: {o.message}" for o in outcomes]
            case Voted(number, outcome):
                return [replies.vote_reply(outcome, number)]
            case Unvoted(number, removed):
                return [replies.unvote_reply(removed, number)]
            case QueueShown(_, view):
                return self._queue(view)
            case Previewed(digest) as previewed:
                return [render_markdown(digest, chat_links=True),
                        *([previewed.note] if previewed.note else [])]
            case Posted(digest, _, llm) as posted:
                # A posted digest prints itself (the console is its own publisher).
                if digest is None:
                    return [posted.reply]
                return [replies.posted_llm_note(llm.calls, llm.written)] if llm else []
            case Moderated(action, done):
                return [replies.console_moderated(done.number, action, clean(done.reject_reason))]
            case Locked(locked, period):
                return [replies.console_lock_reply(locked, period)]
            case IntroSet(intro):
                return [replies.intro_reply(intro)]
            case SettingsShown(settings, ""):
                return [clean(line, 600) for line in settings.lines()]
            case SettingsShown(settings, name):
                return [clean(f"{name} = {settings.shown(name)}", 600)]
            case StatsShown(report):
                return replies.stats_lines(report, clean)
        raise AssertionError(result)  # every result is rendered above

    def _queue(self, view: replies.QueueView) -> list[str]:
        lines = [queue_line(entry) for entry in view.queued] or [replies.CONSOLE_QUEUE_EMPTY]
        if view.unreadable:
            lines.append("Could not read (share the link again to retry):")
        return lines + [unreadable_line(entry) for entry in view.unreadable]


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
