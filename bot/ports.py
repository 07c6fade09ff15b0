"""The core's ports. Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.models import Article, BriefItem, Summary, SummaryPrefs


class PageReader(Protocol):
    """Turns a URL into an Article: guarded fetch, extraction, special sources.

    Raises FetchError (with a member-safe ``reason``) when the page cannot be fetched and
    ExtractError when it has no usable content. A page that is a paywall, login wall or
    similar is *returned* with ``Article.flag`` set, not raised. Safe to call concurrently.
    """

    async def read(self, url: str) -> Article: ...


class Summarizer(Protocol):
    """Writes the 1-3 sentence summary of an article and the digest's TL;DR.

    ``summarize`` never raises for an LLM failure: it falls back to the offline summary and
    says so in ``Summary.source``. Output is plain text already checked to be safe to post
    (no mentions, no links, no control characters). Flagged articles get SummarySource.NONE.
    """

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary: ...

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        """Three to five TL;DR bullets, each led by an emoji, covering the picks."""
        ...
