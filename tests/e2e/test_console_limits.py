"""member_limit and the site lists on the console: the real core, a local page server."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import _chat
from tests.fakes.pipeline import FakeClock
from tests.fakes.web import PageServer


async def test_held_and_refused_links_on_the_console(tmp_path: Path, pages: PageServer) -> None:
    transcript = await _chat(tmp_path, [
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
