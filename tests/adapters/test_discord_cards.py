"""The `card` setting on the local Discord: a silent reply (the default), reactions only, or
a thread on the member's message; votes on a card in its thread count, live and recounted.
Every message that answers a link carries SUPPRESS_NOTIFICATIONS, checked on the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.replies import READ_FAILED, READ_OK
from tests.fakes.discord_fake import CHANNEL, SILENT, TOPIC
from tests.fakes.discord_world import POSTS, World, discord_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with discord_world(tmp_path) as world:
        yield world


async def card_mode(world: World, mode: str) -> None:
    await world.slash("14", "config", setting="card", value=mode)
    [*_, reply] = await world.replies(1)
    assert f"card = {mode}" in reply["content"]


def reactions_on(world: World, channel: str, message: str) -> list[str]:
    prefix = f"/channels/{channel}/messages/{message}/reactions/"
    return [p.removeprefix(prefix).removesuffix("/@me")
            for m, p, _ in world.discord.calls if m == "PUT" and p.startswith(prefix)]


async def test_cards_and_answers_are_silent_replies_by_default(world: World) -> None:
    world.pages.add("/gone", "<html><body>not an article</body></html>", status=404)
    await world.link("11", "/moe")
    failed = await world.say("12", f"look {world.pages.url('/gone')}")
    [card, told] = await world.discord.wait_for("POST", POSTS, 2)
    assert card["embeds"] and card["flags"] & SILENT, "the card notifies nobody"
    assert told["message_reference"]["message_id"] == int(failed)
    assert told["content"].startswith("Couldn't read that link") and told["flags"] & SILENT


async def test_react_answers_with_reactions_only(world: World) -> None:
    await card_mode(world, "react")
    world.pages.add("/gone", "<html><body>not an article</body></html>", status=404)
    message = await world.say("11", f"have a look <{world.pages.url('/moe')}>")
    failed = await world.say("12", f"look {world.pages.url('/gone')}")
    await world.discord.wait_until(lambda: READ_FAILED in reactions_on(world, CHANNEL, failed)
                                   and READ_OK in reactions_on(world, CHANNEL, message),
                                   lambda: None)
    assert reactions_on(world, CHANNEL, message) == ["👀", READ_OK]
    assert reactions_on(world, CHANNEL, failed) == ["👀", READ_FAILED]
    assert world.discord.of("POST", POSTS) == [], "no message at all"
    await world.react("12", message)
    await world.settled(1, 1)


async def test_thread_opens_a_thread_on_the_message_and_votes_there_count(
        world: World) -> None:
    await card_mode(world, "thread")
    message = await world.say("11", f"have a look <{world.pages.url('/moe')}>")
    [opened] = await world.discord.wait_for("POST", f"{POSTS}/{message}/threads")
    assert opened["name"] == "#1 Why mixture-of-experts models are cheap to run"
    [card] = await world.discord.wait_for("POST", f"/channels/{message}/messages")
    assert card["flags"] & SILENT and "message_reference" not in card
    [card_id] = [m for m, d in world.discord.messages.items()
                 if d["channel_id"] == message and d["embeds"]]
    await world.discord.wait_until(lambda: bool(reactions_on(world, message, card_id)),
                                   lambda: None)
    await world.react("12", card_id, channel=message)  # in the thread, on the card
    await world.settled(1, 1)
    # A link posted in a thread already is answered there: threads do not nest.
    _, in_topic = await world.link("13", "/evals", channel=TOPIC)
    assert world.discord.messages[in_topic]["channel_id"] == TOPIC
    assert not world.discord.of("POST", f"/channels/{TOPIC}/messages/")
    await world.stop()
    await world.react("13", card_id, channel=message)  # offline: counted at the recount
    await world.start()
    await world.slash("14", "preview")
    await world.replies(2)
    assert await world.score(1) == 2
