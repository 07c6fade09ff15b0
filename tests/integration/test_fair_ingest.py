"""A flood of links from one member never makes another member's link wait: members take
turns, and one member's links leave fetch slots free. Real ingest, real reader, against the
local page server."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from bot.config import Settings
from bot.events import LinkPosted
from bot.models import Member, SubmissionState
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.pipeline import FakeClock, FakeSummarizer
from tests.fakes.web import PageServer
from tests.integration.test_ingest_slots import until_entered


async def test_another_members_link_is_read_while_a_flood_waits(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "x.sqlite3", ingest_concurrency=4, cpu_workers=0,
                        fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    async with PageServer() as pages, open_app(settings, FakeClock(),
                                                summarizer=FakeSummarizer()) as app:
        curator = app.curator
        await curator.community("c", "console")
        # More links than the worker has workers (4 fetch slots, 16 workers).
        flood = [pages.hold(f"/flood{i}", html=article("evals")) for i in range(20)]
        pages.add("/grace", html=article("moe"))
        ada = Member("ada", "Ada", is_moderator=True)  # exempt from member_limit: a real flood
        for first in (0, 5, 10, 15):
            await curator.post_link(LinkPosted("c", ada, " ".join(
                pages.url(f"/flood{i}") for i in range(first, first + 5))))
        # Ada's links fill three of the four fetch slots, and wait there...
        await until_entered(flood, 3)
        await curator.post_link(LinkPosted("c", Member("grace", "Grace"), pages.url("/grace")))
        # ...while Grace's link gets a worker and a fetch slot at once, not after Ada's 20.
        grace = await curator.submission("c", 21)
        await app.worker.wait_for([grace.id], within=10)
        grace = await curator.submission("c", 21)
        assert grace.state is SubmissionState.READY
        assert sum(g.entered.is_set() for g in flood) == 3, "the flood kept to its share"
        for gate in flood:
            gate.release.set()
        await curator.wait_idle()
        ready = await app.store.list_submissions("c", states=[SubmissionState.READY])
        assert len(ready) == 21



async def test_the_operators_bulk_import_uses_every_fetch_slot(tmp_path: Path) -> None:
    """`digestif submit` (shares=False), a process of its own: no member's share to keep."""
    settings = Settings(db_path=tmp_path / "x.sqlite3", ingest_concurrency=4, cpu_workers=0,
                        fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    async with PageServer() as pages, open_app(settings, FakeClock(), shares=False,
                                                summarizer=FakeSummarizer()) as app:
        await app.curator.community("c", "console")
        flood = [pages.hold(f"/bulk{i}", html=article("evals")) for i in range(8)]
        operator = Member("op", "Op", is_moderator=True)
        await app.curator.post_link(LinkPosted("c", operator, " ".join(
            pages.url(f"/bulk{i}") for i in range(5))))
        await until_entered(flood, 4)  # all four fetch slots, not three
        for gate in flood:
            gate.release.set()
        await app.curator.wait_idle()
        assert len(await app.store.list_submissions("c", states=[SubmissionState.READY])) == 5
