"""Fetch slots and CPU work are separate: a link whose page has arrived and waits for its
summary (or a parser process) does not hold one of the ``concurrency`` fetch slots, and no
more than ``concurrency`` requests are ever in flight."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

from bot.community import SummaryPrefs
from bot.config import Settings
from bot.events import LinkPosted
from bot.models import Article, Member, SubmissionState, Summary
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.pipeline import FakeClock, FakeSummarizer
from tests.fakes.web import Gate, PageServer


class HeldSummarizer(FakeSummarizer):
    """The summarizer port, answering only once ``release`` is set (a busy CPU pool)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.waiting: asyncio.Queue[str] = asyncio.Queue()

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary:
        self.waiting.put_nowait(article.url)
        await self.release.wait()
        return await super().summarize(article, prefs)


async def until_entered(gates: list[Gate], count: int) -> None:
    """Until ``count`` of the held pages were requested (event-driven, bounded)."""
    waits = {asyncio.ensure_future(g.entered.wait()) for g in gates}
    try:
        async with asyncio.timeout(30):
            while sum(g.entered.is_set() for g in gates) < count:
                _, waits = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def test_links_waiting_for_cpu_work_free_their_fetch_slot(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "x.sqlite3", ingest_concurrency=2, cpu_workers=0,
                        fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    summarizer = HeldSummarizer()
    clock = FakeClock()
    # The real reader (and its fetch limits) from the settings; only the summarizer is held.
    async with PageServer() as pages, open_app(settings, clock, summarizer=summarizer) as app:
        curator = app.curator
        for name in ("a", "b"):
            pages.add(f"/{name}", html=article("moe"))
        held = [pages.hold(f"/held{i}", html=article("evals")) for i in range(3)]
        await curator.community("c", "console")
        member = Member("m", "m")
        await curator.post_link(LinkPosted("c", member, f"{pages.url('/a')} "
                                                        f"{pages.url('/b')}"))
        async with asyncio.timeout(30):  # both fetched, both now wait for their summary
            for _ in range(2):
                await summarizer.waiting.get()
        await curator.post_link(LinkPosted("c", member, " ".join(
            pages.url(f"/held{i}") for i in range(3))))
        # Both fetch slots are free again: two of the next links are being fetched...
        await until_entered(held, 2)
        # ...and never a third while they are.
        assert sum(g.entered.is_set() for g in held) == 2
        first = next(g for g in held if g.entered.is_set())
        first.release.set()
        await until_entered(held, 3)
        for gate in held:
            gate.release.set()
        summarizer.release.set()
        await curator.wait_idle()
        ready = await app.store.list_submissions("c", states=[SubmissionState.READY])
        assert len(ready) == 5
