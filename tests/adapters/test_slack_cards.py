"""The `card` setting on Slack: `react` answers a link with reactions only (👀, then ✅ or
⚠️) and posts nothing; `reply` and `thread` both answer in the message's thread (Slack's
replies are thread replies), where votes on the card count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_world import World, message, reaction, slack_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with slack_world(tmp_path) as world:
        yield world


async def card_mode(world: World, mode: str) -> None:
    await world.command("UADMIN", f"config card {mode}")
    await world.slack.wait_for("chat.postEphemeral", lambda a: f"card = {mode}" in a["text"])


def reactions_on(world: World, ts: str) -> list[str]:
    return [a["name"] for a in world.slack.of("reactions.add") if a["timestamp"] == ts]


async def test_react_answers_with_reactions_only(world: World) -> None:
    await card_mode(world, "react")
    world.pages.add("/gone", "<html><body>gone</body></html>", status=404)
    await world.event(message("UADA", f"<{world.pages.url('/moe')}>", "800.1"))
    await world.event(message("UGRACE", f"<{world.pages.url('/gone')}>", "800.2"))
    await world.slack.wait_for("reactions.add", lambda a: a["name"] == "warning")
    await world.slack.wait_for("reactions.add", lambda a: a["name"] == "white_check_mark")
    assert reactions_on(world, "800.1") == ["eyes", "white_check_mark"]
    assert reactions_on(world, "800.2") == ["eyes", "warning"]
    assert world.slack.of("chat.postMessage") == [], "no message at all"
    await world.event(reaction("ULINUS", "800.1"))
    await world.settled(1, 1)


async def test_thread_is_slacks_reply_the_card_in_the_thread(world: World) -> None:
    await card_mode(world, "thread")
    card = await world.link("UADA", "/moe", "810.1")
    assert card["thread_ts"] == "810.1" and card["blocks"]
    await world.event(reaction("UGRACE", await world.card_ts("810.1")))
    await world.settled(1, 1)
