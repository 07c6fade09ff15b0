"""Two Slack app processes on one database: a retried event reaching the other process is
dropped there too (the dedup is in the store, not in memory)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from tests.e2e.pages import article
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_world import USERS, World, reaction
from tests.fakes.web import PageServer


async def test_a_retry_delivered_to_another_process_changes_nothing(tmp_path: Path) -> None:
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages, \
            aiohttp.ClientSession() as http:
        pages.add("/moe", article("moe"))
        first, second = World(tmp_path, slack, pages, http), World(tmp_path, slack, pages, http)
        second.events = 1000  # its event ids (Ev1001, ...) are new ones, not the first's
        await first.start()
        await second.start()
        try:
            await first.link("UADA", "/moe", "200.1")
            await first.event(reaction("ULINUS", "200.1", name="+1"), event_id="EvL")
            await first.settled(1, 1)
            await first.event(reaction("ULINUS", "200.1", name="+1", added=False))
            await first.settled(1, 0)
            # Slack retries the add, and this time the other process gets it; had it run
            # there, ULINUS's :+1: would be back and outlive the skin-tone one below.
            await second.event(reaction("ULINUS", "200.1", name="+1"), event_id="EvL",
                               retry=True)
            await second.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-2"))
            await second.settled(1, 1)  # ULINUS's events apply in order in this process
            await second.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-2",
                                        added=False))
            await second.settled(1, 0)
            assert len(slack.of("chat.postMessage")) == 1, "one card"
        finally:
            await second.stop()
            await first.stop()
