"""The summary cache port, and an in-memory implementation (SQLite lives in storage/)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from bot.models import Summary


class SummaryCache(Protocol):
    """Summaries by content hash and settings, so an article is never paid for twice.

    Keys are opaque strings built by the summarizer (they already include the model, the
    prompt version and the community's summary settings). ``put`` overwrites; both are
    idempotent. A failing cache may raise; the summarizer logs it and carries on uncached.
    """

    async def get(self, key: str) -> Summary | None: ...

    async def put(self, key: str, summary: Summary) -> None: ...


class MemorySummaryCache:
    """Implements SummaryCache in memory, least recently used first out."""

    def __init__(self, max_items: int = 4096) -> None:
        self._items: OrderedDict[str, Summary] = OrderedDict()
        self._max_items = max_items

    async def get(self, key: str) -> Summary | None:
        summary = self._items.get(key)
        if summary is not None:
            self._items.move_to_end(key)
        return summary

    async def put(self, key: str, summary: Summary) -> None:
        self._items[key] = summary
        self._items.move_to_end(key)
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
