"""The summary cache port."""

from __future__ import annotations

from typing import Protocol

from bot.models import Summary


class SummaryCache(Protocol):
    """Summaries by content hash and settings, so an article is never paid for twice."""

    async def get(self, key: str) -> Summary | None: ...

    async def put(self, key: str, summary: Summary) -> None: ...
