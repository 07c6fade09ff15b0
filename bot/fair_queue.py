"""A work queue that takes turns between lanes (one lane per member), so one member's flood
of links never makes another member's link wait behind it.

``get`` hands out the head of the next lane in turn, skipping lanes that already have
``per_lane`` items in flight; ``done`` ends one. ``join`` waits until every item put is done.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    def __init__(self, per_lane: int) -> None:
        self._per_lane = max(1, per_lane)
        self._lanes: dict[str, deque[T]] = {}
        self._turns: deque[str] = deque()  # lanes with waiting items, in turn order
        self._in_flight: Counter[str] = Counter()
        self._unfinished = 0
        self._wake = asyncio.Event()  # something was put or done: getters look again
        self._idle = asyncio.Event()
        self._idle.set()

    def put(self, item: T, lane: str = "") -> None:
        waiting = self._lanes.setdefault(lane, deque())
        if not waiting:
            self._turns.append(lane)
        waiting.append(item)
        self._unfinished += 1
        self._idle.clear()
        self._wake.set()

    async def get(self) -> tuple[T, str]:
        """The next item in turn and its lane; pass the lane to ``done``."""
        while True:
            picked = self._pick()
            if picked is not None:
                return picked
            self._wake.clear()
            await self._wake.wait()

    def _pick(self) -> tuple[T, str] | None:
        for _ in range(len(self._turns)):
            lane = self._turns.popleft()
            if self._in_flight[lane] >= self._per_lane:
                self._turns.append(lane)  # its turn passes; it keeps its items
                continue
            waiting = self._lanes[lane]
            item = waiting.popleft()
            if waiting:
                self._turns.append(lane)
            else:
                del self._lanes[lane]
            self._in_flight[lane] += 1
            return item, lane
        return None

    def done(self, lane: str) -> None:
        self._in_flight[lane] -= 1
        if self._in_flight[lane] <= 0:
            del self._in_flight[lane]
        self._unfinished -= 1
        if self._unfinished == 0:
            self._idle.set()
        self._wake.set()

    def __len__(self) -> int:
        """Items put and not yet done: waiting or in flight."""
        return self._unfinished

    async def join(self) -> None:
        await self._idle.wait()
