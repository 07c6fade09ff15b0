"""`/digest post` while links are still being read: it waits for them (bounded), or says how
many are still being read and how to post without them. Core behaviour, shown through the
console adapter (Discord and Slack call the same Publishing.post)."""

from __future__ import annotations

import asyncio
import io
import ipaddress
from pathlib import Path

from adapters.console.adapter import ConsoleAdapter
from bot.config import Settings
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.web import PageServer


def _settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "post.sqlite3", cpu_workers=0,
                    fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
                    openai_api_key=None, openai_base_url=None)


async def test_post_waits_for_the_weeks_links_still_being_read(tmp_path: Path) -> None:
    out = io.StringIO()
    async with PageServer() as pages, open_app(_settings(tmp_path)) as app:
        pages.add("/posts/quantization", html=article("quantization"))
        gate = pages.hold("/posts/moe", html=article("moe"))
        console = ConsoleAdapter(app, "local", "ada", out=out, moderator=True)
        await app.curator.community("local", "console")
        await console.handle("/config min_score 0")  # unvoted links are picks too
        await console.handle(pages.url("/posts/quantization"))
        await app.curator.wait_idle()
        await console.handle(pages.url("/posts/moe"))
        await gate.entered.wait()  # the page is being fetched: #2 is still being read
        posting = asyncio.create_task(console.handle("/digest post"))
        done, _ = await asyncio.wait({posting}, timeout=0.5)
        assert not done, "posted without waiting for the link being read"
        gate.release.set()
        await posting
    transcript = out.getvalue()
    assert "still being read" not in transcript
    digest = transcript[transcript.rindex("#2 ready"):]
    assert "mixture-of-experts" in digest.lower() and "quantiz" in digest.lower()


async def test_post_says_how_many_are_still_being_read_and_posts_now_on_request(
        tmp_path: Path) -> None:
    out = io.StringIO()
    # The links below are held for good: wait for them only briefly.
    async with PageServer() as pages, open_app(_settings(tmp_path), pending_wait=0.2) as app:
        pages.add("/posts/quantization", html=article("quantization"))
        gates = [pages.hold(f"/posts/held{i}", html=article("moe")) for i in range(2)]
        console = ConsoleAdapter(app, "local", "ada", out=out, moderator=True)
        await app.curator.community("local", "console")
        await console.handle("/config min_score 0")  # unvoted links are picks too
        await console.handle(pages.url("/posts/quantization"))
        await app.curator.wait_idle()
        await console.handle(f"{pages.url('/posts/held0')} {pages.url('/posts/held1')}")
        for gate in gates:
            await gate.entered.wait()
        await console.handle("/digest post")
        refused = out.getvalue()
        assert "2 links of this week are still being read" in refused
        assert "/digest post now" in refused
        assert await app.store.digest_record("local", app.publishing.period(
            await app.curator.known_community("local")).key) is None, "nothing was posted"
        await console.handle("/digest post now")
        for gate in gates:
            gate.release.set()
    posted = out.getvalue()[len(refused):]
    assert "quantiz" in posted.lower() and "mixture-of-experts" not in posted.lower()
