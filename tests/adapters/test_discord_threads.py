"""Threads and forum posts on the local Discord: a link in a thread counts when the thread's
parent channel is a submission channel, whether discord.py knows the thread (announced in
GUILD_CREATE or THREAD_CREATE) or not (a private thread, looked up once), and votes on
messages in threads count, live and at a recount."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord_fake import (
    CHANNEL,
    FORUM,
    OTHER,
    PRIVATE_THREAD,
    TOPIC,
    thread,
)
from tests.fakes.discord_world import COMMUNITY, World, discord_world
from tests.fakes.specs import discord_errors, spec_dir

POST, SECRET, ASIDE = "3400", "3500", "3600"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with discord_world(tmp_path) as world:
        await world.slash("14", "config", setting="submission_channels",
                          value=f"<#{CHANNEL}> <#{FORUM}>")
        [reply] = await world.replies(1)
        assert f"<#{FORUM}>" in reply["content"]
        yield world


async def test_links_in_threads_and_forum_posts_of_allowed_channels_count(
        world: World) -> None:
    fake = world.discord
    await fake.open_thread(thread(POST, FORUM, "Read this", owner="12"))  # a forum post
    await fake.open_thread(thread(ASIDE, OTHER, "off topic", owner="13"))
    await fake.open_thread(thread(SECRET, CHANNEL, "mods only", owner="11",
                                  kind=PRIVATE_THREAD), announce=False)
    await world.say("13", world.pages.url("/quantization"), channel=ASIDE)  # not allowed
    in_topic, topic_card = await world.link("11", "/moe", channel=TOPIC)
    # A forum post's first message has the post's (thread's) id.
    starter = await world.say("12", f"see {world.pages.url('/evals')}", message_id=POST,
                              channel=POST)
    await fake.wait_for("POST", f"/channels/{POST}/messages")
    _, secret_card = await world.link("11", "/quantization", channel=SECRET)
    assert [e.submission.number for e in await world.app.curator.queue(COMMUNITY)] == [1, 2, 3]
    assert fake.of("GET", f"/channels/{SECRET}") == [None], "an unknown thread, looked up once"
    assert not fake.of("GET", f"/channels/{POST}"), "THREAD_CREATE told the bot"
    assert not fake.of("GET", f"/channels/{TOPIC}"), "GUILD_CREATE told the bot"
    [card] = fake.of("POST", f"/channels/{TOPIC}/messages")
    assert card["message_reference"]["message_id"] == int(in_topic), "answered in the thread"
    assert fake.messages[topic_card]["channel_id"] == TOPIC
    await world.react("12", in_topic, channel=TOPIC)
    await world.react("13", topic_card, channel=TOPIC)
    await world.react("11", starter, channel=POST)
    await world.react("14", secret_card, channel=SECRET)
    await world.settled(1, 2)
    await world.settled(2, 1)
    await world.settled(3, 1)


async def test_votes_in_threads_are_recounted_after_a_restart(world: World) -> None:
    message, card = await world.link("11", "/moe", channel=TOPIC)
    await world.stop()
    await world.react("12", message, channel=TOPIC)
    await world.react("13", card, "👍🏽", channel=TOPIC)
    await world.start()
    await world.slash("14", "preview")
    await world.replies(2)  # the first answered the fixture's /digest config
    assert await world.score(1) == 2
    assert world.discord.of("GET", f"/channels/{TOPIC}/messages/{card}/reactions/")


def test_the_fakes_threads_and_channels_fit_discords_spec() -> None:
    if spec_dir() is None:
        pytest.skip("the platforms' specs (shared/specs) are not on this machine")
    for data in (thread(POST, FORUM, "Read this"), thread(SECRET, CHANNEL, "x",
                                                          kind=PRIVATE_THREAD)):
        assert discord_errors("ThreadResponse", data) == []
    assert discord_errors("ThreadResponse", {"id": "1", "type": 0}) != [], "the check bites"
