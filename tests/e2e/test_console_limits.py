"""member_limit and the site lists on the console: the real core, a local page server."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import chat
from tests.fakes.pipeline import FakeClock
from tests.fakes.web import PageServer


async def test_held_and_refused_links_on_the_console(tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        "/as mod --mod",
        "/config member_limit 1",
        "/config deny_domains localhost",
        "/as ada",
        pages.url("/posts/quantization"),
        pages.url("/posts/moe"),
        pages.url("/posts/evals", host="localhost"),
        "/as mod --mod",
        pages.url("/posts/evals"),
        "/queue",
    ], clock=FakeClock())
    text = "\n".join(transcript)
    assert "Queued as #1." in text
    assert ("Held: you have shared 1 links in the last 24 hours. This one will be queued on "
            "Wed 25 Nov at 12:00 (UTC).") in text
    assert "Not queued: links to localhost are not accepted here." in text
    assert "Queued as #2." in text, "moderators are exempt"
    assert not any("/posts/moe" in r for r in pages.requests), "held, not fetched"
    assert [h for h in pages.hosts if h.startswith("localhost")] == [], "refused, not fetched"


async def test_cadence_on_the_console(tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        "/as mod --mod",
        "/config cadence monthly",
        pages.url("/posts/quantization"),
        "/as ada", "+1 1",
        "/digest",
        "/digest 2026-W48",
        "/digest 2026-11-24",
        "/digest 2026-W47+W48",
        "/digest 2026-W48+W49",
    ], clock=FakeClock())
    text = "\n".join(transcript)
    assert "cadence = monthly" in text
    assert "# Local digest · Nov 1 – 30, 2026" in text
    assert "This month: 1 link shared by 1 member · 1 vote cast · Top sharer: mod (1 pick)" in (
        text)
    assert "# Local digest · Nov 23 – 29, 2026" in text and "This week: 1 link" in text
    assert "# Local digest · Nov 24, 2026" in text and "This day: 1 link" in text
    assert "# Local digest · Nov 16 – 29, 2026" in text and "This fortnight: 1 link" in text
    assert "Usage: /digest [post] [this|last|PERIOD] (a period is this, last, or a period " \
           "like 2026-12-03, 2026-W48, 2026-W49+W50 or 2026-12" in text


async def test_stats_on_the_console(tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        pages.url("/posts/quantization"),
        "/as grace", pages.url("/posts/moe"), "+1 1",
        "/as mod --mod", "/digest post",
        "/stats",
    ], clock=FakeClock())
    at = transcript.index("Last 30 days: 2 links shared · 1 vote cast · 1 pick")
    assert transcript[at:at + 6] == [
        "Last 30 days: 2 links shared · 1 vote cast · 1 pick",
        "  Top sharers (links picked): ada (1)",
        "  Top sites (links shared): 127.0.0.1 (2)",
        "All time: 2 links shared · 1 vote cast · 1 pick",
        "  Top sharers (links picked): ada (1)",
        "  Top sites (links shared): 127.0.0.1 (2)",
    ]
