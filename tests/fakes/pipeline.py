"""Fakes for the core's pipeline ports (PageReader, Summarizer, Notifier) in unit tests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot import replies
from bot.community import Community
from bot.errors import FetchError
from bot.events import MessageRef
from bot.models import Article, BriefItem, Submission, Summary, SummaryPrefs, SummarySource
from bot.records import HeldLink


@dataclass
class FakeClock:
    now: datetime = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class FakeReader:
    """Serves Articles by URL; unknown URLs fail like an unreachable page. ``gate``, when
    set, holds every read until released, so tests can stop work mid-flight."""

    pages: dict[str, Article | FetchError] = field(default_factory=dict)
    gate: asyncio.Event | None = None
    reads: list[str] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, url: str, title: str = "", text: str = "Some text.", **kw: object) -> None:
        self.pages[url] = Article(url=url, title=title or url, text=text, **kw)  # type: ignore[arg-type]

    async def read(self, url: str) -> Article:
        self.reads.append(url)
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        page = self.pages.get(url, FetchError("the page could not be reached"))
        if isinstance(page, FetchError):
            raise page
        return page


class FakeSummarizer:
    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        if article.flag is not None:
            return Summary("", SummarySource.NONE)
        return Summary(" ".join(article.text.split()[: prefs.max_words]), SummarySource.OFFLINE)

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        return tuple(f"📰 {p.title}" for p in picks[:5])


@dataclass
class RecordingNotifier:
    events: list[tuple[str, int]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # answers to members' messages
    cards: int = 0
    # (number, summary source, card message id) of each summary_updated
    summaries: list[tuple[int, SummarySource, str]] = field(default_factory=list)

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        self.events.append(("ready", submission.number))
        self.cards += 1
        return MessageRef("cards", f"card-{submission.number}")

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None:
        self.events.append(("failed", submission.number))

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        self.events.append(("duplicate", existing.number))

    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        self.events.append(("rejected", submission.number))

    async def tell_moderators(self, community: Community, text: str) -> None:
        self.hints.append(text)

    async def summary_updated(self, community: Community, submission: Submission,
                              card: MessageRef | None) -> None:
        self.events.append(("summary", submission.number))
        self.summaries.append((submission.number, submission.summary_source,
                               card.message_id if card else ""))
    async def link_refused(self, community: Community, url: str, reason: str,
                           origin: MessageRef) -> None:
        self.answers.append(replies.refused(reason))

    async def link_held(self, community: Community, held: HeldLink) -> None:
        self.answers.append(replies.held(held, community.settings))
