"""Links posted while the bot was offline, read back with conversations.history on start (HTTP
mode, as `serve` starts it) and on each Socket Mode connection (Slack's `hello`, sent again
after a `disconnect`), within the bounds (7 days, 500 messages a channel), through the real
AsyncWebClient against the local Slack; the clock is injected."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from adapters.slack.adapter import serve
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.pipeline import FakeClock
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_world import COMMUNITY, USERS, World, slack_settings, slack_world
from tests.fakes.web import PageServer


def reads(world: World | FakeSlack) -> list[dict[str, Any]]:
    slack = world.slack if isinstance(world, World) else world
    return slack.of("conversations.history")


def cards(slack: FakeSlack) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postMessage") if a.get("blocks")]


async def test_links_posted_offline_are_read_back_once_credited_to_their_authors(
        tmp_path: Path) -> None:
    clock = FakeClock()
    async with slack_world(tmp_path, clock) as world:
        url, now = world.pages.url, clock()
        world.pages.add("/old", article("quantization"))
        live = f"{(now - timedelta(days=3)).timestamp():.6f}"
        await world.link("UADA", "/moe", live)  # the bot has seen the channel up to here
        await world.stop()
        world.offline("UGRACE", f"<{url('/old')}>", now - timedelta(days=8))
        first = world.offline("UGRACE", f"see <{url('/evals')}|this>", now - timedelta(days=2))
        world.offline("UROBOT", f"<{url('/old')}>", now - timedelta(days=1),
                      subtype="bot_message", bot_id="BROBOT")
        world.offline("ULINUS", f"<{url('/moe')}> again", now - timedelta(hours=3))
        last = world.offline("ULINUS", f"and <{url('/quantization')}>",
                             now - timedelta(hours=1))
        await world.start()
        await world.slack.wait_for("chat.postMessage", lambda a: bool(a.get("blocks")), 3)
        await world.queued([1, 2, 3])
        queue = await world.app.curator.queue(COMMUNITY)
        assert [e.submitter_names for e in queue] == [("Ada", "linus"), ("grace",),
                                                      ("linus",)]
        [query] = reads(world)
        assert float(query["oldest"]) == float(live), "from the last message seen"
        assert 1 <= int(query["limit"]) <= 999
        eyes = [a["timestamp"] for a in world.slack.of("reactions.add") if a["name"] == "eyes"]
        assert first in eyes and last in eyes, "acknowledged as if live"
        [card] = [c for c in cards(world.slack) if c["thread_ts"] == first]
        assert card["channel"] == "CGEN", "the card answers in the message's thread"
        await world.stop()
        await world.start()
        [_, again] = await world.slack.wait_for("conversations.history", count=2)
        assert float(again["oldest"]) == float(last), "read on from the last message seen"
        await world.queued([1, 2, 3])
        assert len(cards(world.slack)) == 3, "nothing submitted twice"


async def test_the_newest_500_are_read_200_a_page_and_a_429_is_waited_out(
        tmp_path: Path) -> None:
    clock = FakeClock()
    async with slack_world(tmp_path, clock) as world:
        url = world.pages.url
        await world.command("UADMIN", "config submission_channels CGEN")
        await world.slack.wait_for("chat.postEphemeral", lambda a: "CGEN" in a["text"])
        await world.stop()
        start = clock() - timedelta(days=3)
        posted = [world.offline("UGRACE", f"message {i}", start + timedelta(minutes=i))
                  for i in range(650)]
        links = {149: "/quantization", 150: "/moe", 649: "/evals"}
        for message in world.slack.history["CGEN"]:
            index = posted.index(message["ts"])
            if index in links:
                message["text"] = f"<{url(links[index])}>"
        world.slack.rate_limit["conversations.history"] = 1
        await world.start()
        await world.queued([1, 2])
        queue = await world.app.curator.queue(COMMUNITY)
        assert [e.submission.url for e in queue] == [url("/moe"), url("/evals")], \
            "the newest 500: the 151st newest is left"
        pages = reads(world)
        assert [int(p["limit"]) for p in pages] == [200, 200, 100]
        assert float(pages[0]["oldest"]) == (clock() - timedelta(days=7)).timestamp(), \
            "a channel never seen: the last 7 days"
        assert [p.get("cursor") for p in pages] == [None, "next:200", "next:400"]
        assert world.slack.rate_limit["conversations.history"] == 0, "the 429 was answered"
        assert await world.app.store.last_seen(COMMUNITY, "CGEN") == posted[649].rjust(19, "0")


async def test_socket_mode_reads_back_on_every_connection(tmp_path: Path) -> None:
    clock = FakeClock()
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages:
        pages.add("/moe", article("moe"))
        pages.add("/evals", article("evals"))
        settings = slack_settings(tmp_path, slack, slack_app_token=SecretStr("xapp-test"),
                                  slack_signing_secret=None)
        async with open_app(settings, clock) as app:
            hour = clock().timestamp() - 3600
            seen, first, second = (f"{hour + i:.6f}" for i in range(3))
            await app.curator.community(COMMUNITY, "slack")
            await app.backfill.seen(COMMUNITY, "CGEN", seen.rjust(19, "0"))
            slack.history["CGEN"] = [{"type": "message", "user": "UADA", "ts": first,
                                      "text": f"<{pages.url('/moe')}>"}]
            running = asyncio.create_task(serve(app))
            try:
                await slack.wait_for("chat.postMessage", lambda a: a["thread_ts"] == first)
                slack.history["CGEN"].append({"type": "message", "user": "UGRACE",
                                              "ts": second, "text": f"<{pages.url('/evals')}>"})
                await slack.envelopes.put({"type": "disconnect", "reason": "refresh_requested"})
                await slack.wait_for("chat.postMessage", lambda a: a["thread_ts"] == second)
                assert len(slack.of("apps.connections.open")) == 2, "a new connection"
                assert [a["oldest"] for a in slack.of("conversations.history")][:2] == [
                    seen, first]
            finally:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
