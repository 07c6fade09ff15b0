"""Waiting on votes in adapter tests. Platforms ack events first and run listeners in the
background, and a vote sends nothing back to the platform, so the stored score is the only
thing to wait on."""

from __future__ import annotations

import asyncio

from bot.app import App


async def score(app: App, community: str, number: int) -> int:
    queue = await app.curator.queue(community)
    return next(e.tally.score for e in queue if e.submission.number == number)


async def settled(app: App, community: str, number: int, expected: int) -> None:
    async with asyncio.timeout(10):
        while await score(app, community, number) != expected:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
