"""member_limit and the site lists on a local Discord, through the real discord.py client:
a held or refused link is answered in reply to the member's message, nothing pings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.models import Member
from tests.fakes.discord_world import COMMUNITY, World, discord_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with discord_world(tmp_path) as world:
        yield world


async def _answer(world: World, message_id: str) -> str:
    """The content of the bot's reply to a member's message."""
    found = await world.discord.wait_until(lambda: world.discord.reply_to(message_id) is not None,
                                           lambda: world.discord.reply_to(message_id))
    assert found is not None
    return str(world.discord.messages[found]["content"])


async def test_a_link_over_the_daily_limit_is_held_and_the_member_told(world: World) -> None:
    await world.slash("14", "config", setting="member_limit", value="1")
    [reply] = await world.replies(1)
    assert reply["content"] == "member\\_limit = 1"
    await world.link("11", "/moe")
    message = await world.say("11", f"and {world.pages.url('/evals')}")
    held = await _answer(world, message)
    assert held.startswith("Held: you have shared 1 links in the last 24 hours. This one "
                           "will be queued on ") and held.endswith("(UTC).")
    [stored] = await world.app.store.held_links(COMMUNITY, "11")
    assert stored.url.endswith("/evals")
    assert "/evals" not in world.pages.requests, "held, not fetched"
    # A moderator is exempt.
    await world.link("14", "/quantization")
    assert [e.submission.number for e in await world.app.curator.queue(COMMUNITY)] == [1, 2]


async def test_a_link_to_a_denied_site_is_refused_before_any_fetch(world: World) -> None:
    await world.slash("14", "config", setting="deny_domains", value="localhost")
    await world.replies(1)
    message = await world.say("12", world.pages.url("/moe", host="localhost"))
    assert await _answer(world, message) == (
        "Not queued: links to localhost are not accepted here.")
    assert world.pages.requests == [], "the page server saw no request"
    assert await world.app.curator.queue(COMMUNITY) == []


async def test_digest_stats_is_bounded_and_pings_nobody(world: World) -> None:
    await world.link("11", "/moe")
    [submission] = await world.app.store.list_submissions(COMMUNITY)
    await world.app.store.finish_digest(COMMUNITY, "2026-W40", "", submission.submitted_at,
                                        [submission.id])
    # A display name that would ping, were it not escaped.
    await world.app.store.upsert_member(COMMUNITY, Member("11", "@everyone <@&2100> **Ada**"))
    await world.slash("12", "stats")
    [reply] = await world.replies(1)
    text = reply["content"]
    assert text.startswith("Last 30 days: 1 link shared · 0 votes cast · 1 pick")
    assert "All time: 1 link shared" in text and "127.0.0.1 (1)" in text
    assert "@everyone" not in text and "<@&2100>" not in text and "\\*\\*Ada\\*\\*" in text
    assert reply["allowed_mentions"] == {"parse": []}


def _footers(reply: dict[str, Any]) -> list[str]:
    return [e["footer"]["text"] for e in reply.get("embeds", []) if e.get("footer")]


async def test_cadence_and_period_labels_on_discord(world: World) -> None:
    await world.slash("14", "config", setting="cadence", value="monthly")
    [reply] = await world.replies(1)
    assert reply["content"] == "cadence = monthly"
    await world.slash("12", "preview")
    [*_, month] = await world.replies(2)
    assert _footers(month)[0].startswith("This month: ")
    await world.slash("12", "preview", period="2026-w49+w50")
    [*_, fortnight] = await world.replies(3)
    assert _footers(fortnight)[0].startswith("This fortnight: ")
    await world.slash("12", "preview", period="2026-W50+W51")
    [*_, refused] = await world.replies(4)
    assert refused["content"].startswith("Usage: /digest preview \\[this\\|last\\|PERIOD\\]")
