"""What chat adapters keep in the shared store, so every process agrees: events already
handled (a platform's retries) and the command registration last synced."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.state_ports import CommandSyncs, SeenEvents


class PlatformStateStore(SeenEvents, CommandSyncs, Protocol):
    """The stores behind it."""


class PlatformState:
    def __init__(self, store: PlatformStateStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def first_sighting(self, scope: str, event_id: str, keep: timedelta) -> bool:
        """True the first time any process sees ``event_id`` within ``keep``."""
        return await self._store.first_sighting(scope, event_id, self._clock(), keep)

    async def commands_changed(self, application: str, digest: str) -> bool:
        """Whether the commands hashed as ``digest`` differ from the last sync."""
        return await self._store.synced_hash(application) != digest

    async def commands_synced(self, application: str, digest: str) -> None:
        await self._store.record_sync(application, digest, self._clock())
