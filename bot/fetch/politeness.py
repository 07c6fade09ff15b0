"""Politeness towards sites: a few requests per host at a time, failures remembered."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager

from bot.errors import FetchError


class HostSlots:
    """At most ``per_host`` requests in flight per host. Idle hosts are forgotten, so a
    long-running bot does not keep a semaphore for every site it ever saw."""

    def __init__(self, per_host: int) -> None:
        self._per_host = max(1, per_host)
        self._slots: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        entry = self._slots.get(host)
        if entry is None:
            entry = self._slots[host] = (asyncio.Semaphore(self._per_host), [0])
        semaphore, users = entry
        users[0] += 1
        try:
            async with semaphore:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._slots[host]

    def __len__(self) -> int:
        return len(self._slots)


class FailureCache:
    """Remembers failed fetches for ``ttl`` seconds, bounded in size (oldest go first)."""

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, FetchError]] = OrderedDict()

    def check(self, key: Hashable) -> None:
        """Raise the remembered failure for ``key``, if it is still fresh."""
        entry = self._entries.get(key)
        if entry is None:
            return
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return
        raise entry[1].with_traceback(None)

    def remember(self, key: Hashable, failure: FetchError) -> None:
        if self._ttl <= 0:
            return
        self._entries[key] = (time.monotonic() + self._ttl, failure)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
