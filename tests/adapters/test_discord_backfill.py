"""Links posted while the bot was offline, read back from Discord's channel history on start
and on a gateway reconnect (RESUMED), within the bounds (7 days, 500 messages a channel),
through the real discord.py client and the local Discord; the clock is injected."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import discord

from tests.e2e.pages import article
from tests.fakes.discord_fake import CHANNEL, OTHER
from tests.fakes.discord_world import COMMUNITY, POSTS, World, discord_world
from tests.fakes.pipeline import FakeClock

HISTORY = f"/channels/{CHANNEL}/messages"


def reads(world: World, channel: str = CHANNEL) -> list[dict[str, str]]:
    """The queries of the history requests so far (GET /channels/{id}/messages)."""
    return [q for m, p, q in world.discord.calls
            if m == "GET" and p == f"/channels/{channel}/messages"]


async def cards(world: World, count: int) -> list[dict[str, object]]:
    return [c for c in await world.discord.wait_for("POST", POSTS, count) if c.get("embeds")]


async def test_links_posted_offline_are_read_back_once_credited_to_their_authors(
        tmp_path: Path) -> None:
    clock = FakeClock()
    async with discord_world(tmp_path, clock) as world:
        url = world.pages.url
        world.pages.add("/old", article("quantization"))
        await world.link("11", "/moe")  # live: the bot has seen the channel up to here
        await world.stop()
        now = clock()
        world.offline("12", f"from last month {url('/old')}", now - timedelta(days=8))
        first = world.offline("12", f"see <{url('/evals')}>", now - timedelta(days=2))
        world.offline("15", f"a bot {url('/old')}", now - timedelta(days=1))
        world.offline("13", f"no link here, but {url('/moe')} again", now - timedelta(hours=3))
        last = world.offline("13", f"and {url('/quantization')}", now - timedelta(hours=1))
        before = len(reads(world))
        await world.start()
        await cards(world, 3)
        await world.queued([1, 2, 3])
        queue = await world.app.curator.queue(COMMUNITY)
        assert [e.submitter_names for e in queue] == [("ada", "linus"), ("grace",), ("linus",)]
        [query] = reads(world)[before:]
        since = discord.utils.time_snowflake(now - timedelta(days=7))
        assert int(query["after"]) >= since and query["limit"] == "100"
        acks = [p for m, p, _ in world.discord.calls if m == "PUT" and "/reactions/👀" in p]
        assert f"{HISTORY}/{first}/reactions/👀/@me" in acks, "acknowledged as if live"
        assert f"{HISTORY}/{last}/reactions/👀/@me" in acks
        # Votes on a message read back count at the next recount, as any offline vote.
        await world.react("14", first)
        await world.stop()
        await world.start()
        [_, again] = await world.discord.wait_until(
            lambda: len(reads(world)) == before + 2, lambda: reads(world)[before:])
        assert again["after"] == last, "read on from the last message seen"
        await world.slash("14", "preview")
        await world.replies(1)
        assert await world.score(2) == 1
        assert len(await cards(world, 3)) == 3, "nothing submitted twice"


async def test_the_read_back_stops_at_500_messages_100_a_page_and_waits_out_429s(
        tmp_path: Path) -> None:
    clock = FakeClock()
    async with discord_world(tmp_path, clock) as world:
        url = world.pages.url
        await world.slash("14", "config", setting="submission_channels",
                          value=f"<#{CHANNEL}> <#{OTHER}>")
        await world.replies(1)
        await world.stop()
        start = clock() - timedelta(days=3)
        posted = [world.offline("12", f"message {i}", start + timedelta(minutes=i))
                  for i in range(650)]
        for i, path in ((0, "/moe"), (499, "/evals"), (500, "/quantization")):
            world.discord.messages[posted[i]]["content"] = f"link {url(path)}"
        elsewhere = world.offline("13", f"in random {url('/quantization')}", clock(), OTHER)
        world.discord.rate_limit["GET messages"] = 1
        before = len(reads(world))
        await world.start()
        await world.queued([1, 2, 3])
        queue = await world.app.curator.queue(COMMUNITY)
        assert [e.submission.url for e in queue] == [
            url("/moe"), url("/evals"), url("/quantization")]
        assert queue[2].submitter_names == ("linus",), "#3 came from the other channel"
        pages = reads(world)[before:]
        assert len(pages) == 6, "one 429, then five pages of 100"
        assert all(int(q["limit"]) <= 100 for q in pages)
        assert await world.app.store.last_seen(COMMUNITY, CHANNEL) == f"{int(posted[499]):020d}"
        assert await world.app.store.last_seen(COMMUNITY, OTHER) == f"{int(elsewhere):020d}"


async def test_a_gateway_reconnect_reads_back_what_was_missed(tmp_path: Path) -> None:
    clock = FakeClock()
    async with discord_world(tmp_path, clock) as world:
        await world.link("11", "/moe")
        await world.discord.drop_connections()  # the gateway tells the bot nothing until
        missed = world.offline("12", f"while away {world.pages.url('/evals')}",
                               clock() - timedelta(minutes=1))
        await world.discord.wait_until(lambda: world.discord.resumed >= 1, lambda: None)
        # ... the session is resumed (RESUMED): then the bot reads back what it missed.
        await world.queued([1, 2])
        assert (await world.app.curator.queue(COMMUNITY))[1].submitter_names == ("grace",)
        await cards(world, 2)
        assert world.discord.reply_to(missed) is not None, "its card answers it"
