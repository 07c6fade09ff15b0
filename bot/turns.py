"""Per-key turns: work for one key runs one at a time, in the order the turns were taken.

Platforms run each event's handler as its own task. Two events for one member (a reaction
added, then removed at once) then race: the add does more work before it writes (settings,
the vote lock, the member's name) and can land after the removal, leaving a vote nobody
has. A handler that takes its turn before its first ``await`` keeps the order in which the
events arrived, because tasks start in the order they were created.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from types import TracebackType


class Turns:
    def __init__(self) -> None:
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    def take(self, key: Hashable) -> Turn:
        """Take the next turn for ``key`` now (synchronously); enter it with ``async with``,
        which waits until every earlier turn for the key is over."""
        previous = self._last.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = done
        return Turn(self, key, previous, done)

    def _finished(self, key: Hashable, done: asyncio.Future[None]) -> None:
        if not done.done():
            done.set_result(None)
        if self._last.get(key) is done:
            del self._last[key]  # nobody is queued behind: keep the map small

    def __len__(self) -> int:
        return len(self._last)


class Turn:
    def __init__(self, turns: Turns, key: Hashable, previous: asyncio.Future[None] | None,
                 done: asyncio.Future[None]) -> None:
        self._turns = turns
        self._key = key
        self._previous = previous
        self._done = done

    async def __aenter__(self) -> None:
        if self._previous is None or self._previous.done():
            return  # no waiting, and no suspension: the order stays as taken
        try:
            await asyncio.shield(self._previous)
        except asyncio.CancelledError:
            # Ours ends when the one before ends, so the next never overtakes it.
            previous = self._previous
            previous.add_done_callback(lambda _: self._turns._finished(self._key, self._done))
            raise

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        self._turns._finished(self._key, self._done)
