"""More Slack scenarios: threads, deletions, settings from Slack, replies where the bot is
not a member, acknowledging before slow work, rate limits, and `serve` itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.adapter import serve
from bot.errors import ConfigError
from bot.setting_types import TYPES
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.slack_api import TEAM, TEAM_NAME, FakeSlack, sign
from tests.fakes.slack_world import (
    COMMUNITY,
    SECRET,
    USERS,
    World,
    message,
    reaction,
    slack_settings,
    slack_world,
)
from tests.fakes.web import PageServer


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with slack_world(tmp_path) as world:
        yield world


async def test_a_link_in_a_thread_is_answered_in_that_thread(world: World) -> None:
    card = await world.link("UADA", "/moe", "700.2", thread_ts="700.1")
    assert card["thread_ts"] == "700.1"
    assert {"channel": "CGEN", "timestamp": "700.2", "name": "eyes"} in world.slack.of(
        "reactions.add")
    community = await world.app.curator.known_community(COMMUNITY)
    assert community.name == TEAM_NAME


async def test_thread_replies_in_a_submission_channel_count_and_take_votes(
        world: World) -> None:
    await world.command("UADMIN", "config submission_channels CGEN")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "CGEN" in a["text"])
    await world.event(message("UGRACE", f"<{world.pages.url('/evals')}>", "701.5",
                              channel="CRANDOM", thread_ts="701.4"))  # not a submission channel
    card = await world.link("UADA", "/moe", "701.2", thread_ts="701.1")
    assert card["channel"] == "CGEN" and card["thread_ts"] == "701.1"
    await world.event(reaction("UGRACE", "701.2"))  # on the reply that shared the link
    await world.settled(1, 1)
    assert [e.submission.number for e in await world.app.curator.queue(COMMUNITY)] == [1]


async def test_a_rejected_link_is_answered_in_its_thread(world: World) -> None:
    await world.link("UADA", "/moe", "705.2", thread_ts="705.1")
    await world.command("UOWNER", "reject 1 off topic <!channel>")
    [told] = await world.slack.wait_for(
        "chat.postMessage", lambda a: "won't be in the digest" in a["text"])
    assert told["thread_ts"] == "705.1", "the submitter is told where they shared the link"
    assert told["text"] == "#1 won't be in the digest. Reason: off topic &lt;!channel&gt;"
    await world.slack.wait_for("chat.postEphemeral",
                               lambda a: a["user"] == "UOWNER" and a["text"] == "#1: reject done.")


async def test_deleting_the_message_withdraws_an_unvoted_link(world: World) -> None:
    await world.link("UADA", "/moe", "710.1")
    await world.link("UGRACE", "/evals", "710.2")
    await world.event(reaction("ULINUS", "710.2"))
    await world.settled(2, 1)
    for ts in ("710.1", "710.2"):
        await world.event({"type": "message", "subtype": "message_deleted", "hidden": True,
                           "channel": "CGEN", "ts": "710.9", "deleted_ts": ts,
                           "previous_message": message("UADA", "x", ts)})
    await world.queued([2])


async def test_vote_emoji_configured_with_slack_shortcodes(world: World) -> None:
    await world.command("UADMIN", "config up_emoji :fire: :+1::skin-tone-2:")
    [reply] = await world.slack.wait_for("chat.postEphemeral")
    assert "🔥" in reply["text"] and "👍" in reply["text"]
    card = await world.link("UADA", "/moe", "720.1")
    assert ":fire:" in json.dumps(card["blocks"])
    await world.slack.wait_for("reactions.add", lambda a: a["name"] == "fire")
    await world.event(reaction("UGRACE", "720.1", name="fire"))
    await world.event(reaction("ULINUS", "720.1", name="thumbsup"))
    await world.settled(1, 2)


async def test_config_lists_checks_and_reads_back_like_the_console(world: World) -> None:
    await world.command("UADMIN", "config up_emoji , ,")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"].startswith(
        "up_emoji not changed: Give at least one emoji"))
    await world.command("UADMIN", "config summary_words 0")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == (
        "summary_words not changed: Use a number between 10 and 200."))
    await world.command("UADMIN", "config downvotes on")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "downvotes = on")
    # Slack may send addresses as mailto links.
    await world.command("UADMIN", "config email_to <mailto:Ada@Example.ORG|Ada@Example.ORG>,"
                                  " bob@example.org")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == (
        "email_to = Ada@example.org, bob@example.org"))
    await world.command("UGRACE", "config")  # anyone may read them
    [listed] = await world.slack.wait_for(
        "chat.postEphemeral", lambda a: a["user"] == "UGRACE")
    lines = listed["text"].split("\n")
    assert len(lines) == len(TYPES) and "downvotes = on" in lines and "up_emoji = 👍" in lines
    assert "email_to = 2 addresses, shown to moderators" in lines, "personal: moderators only"
    assert "summary_words = 55" in lines and "digest_weekday = Monday" in lines


async def test_moderators_from_the_configured_list_and_refusals(world: World) -> None:
    await world.link("UADA", "/moe", "730.1")
    await world.command("UGRACE", "pick 1")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "Only moderators" in a["text"])
    await world.command("UOWNER", "config moderators UGRACE")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["user"] == "UOWNER")
    await world.command("UGRACE", "lock")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "Voting locked" in a["text"])
    await world.interactive({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "ULINUS"},
        "channel": {"id": "CGEN"}, "trigger_id": "2",
        "actions": [{"action_id": "vote", "value": "1", "type": "button"}]})
    await world.slack.wait_for("chat.postEphemeral", lambda a: "voting is locked" in a["text"])
    await world.command("UGRACE", "unlock")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "Voting unlocked" in a["text"])
    assert await world.score(1) == 0
    await world.command("UGRACE", "frobnicate")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"].startswith("Usage"))
    await world.command("UGRACE", "submit <!channel> <@U1> nothing here")
    [last] = await world.slack.wait_for("chat.postEphemeral",
                                        lambda a: "No link found" in a["text"])
    assert last["user"] == "UGRACE"


async def test_replies_where_the_bot_is_not_a_member_use_the_response_url(world: World) -> None:
    world.slack.outside.add("DSECRET")
    await world.command("UGRACE", "queue", channel="DSECRET")
    [reply] = await world.slack.wait_for("response_url")
    assert reply["response_type"] == "ephemeral" and reply["text"] == "The queue is empty."
    assert world.slack.of("chat.postEphemeral") == []
    await world.link("UADA", "/moe", "735.1")
    await world.event(reaction("UGRACE", "735.1"))
    await world.settled(1, 1)
    await world.command("UADMIN", "post", channel="DSECRET")
    [refused] = await world.slack.wait_for("response_url", lambda a: "invite me" in a["text"])
    assert "/invite @digestif" in refused["text"]
    await world.command("UADMIN", "post", channel="CNEWS")  # the period was not used up
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "Digest posted.")


async def test_requests_are_acknowledged_before_the_slow_work(world: World) -> None:
    gate = world.slack.hold["users.info"] = asyncio.Event()
    await world.command("UGRACE", "queue")  # returns 200 while users.info is held
    await world.event(message("ULINUS", world.pages.url("/moe"), "740.1"))
    assert world.slack.of("chat.postEphemeral") == [] and world.slack.of("reactions.add") == []
    gate.set()
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["user"] == "UGRACE")
    await world.slack.wait_for("chat.postMessage", lambda a: a["thread_ts"] == "740.1")


async def test_a_rate_limited_digest_is_retried_and_posted(world: World) -> None:
    await world.link("UADA", "/moe", "750.1")
    await world.event(reaction("UGRACE", "750.1"))
    await world.settled(1, 1)
    world.slack.rate_limit["chat.postMessage"] = 2
    await world.command("UADMIN", "post", channel="CNEWS")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "Digest posted.")
    posted = world.slack.of("chat.postMessage")
    assert [p["channel"] for p in posted][-1] == "CNEWS"
    # The newsletter is named after the workspace, as auth.test reported it.
    digest = next(p for p in posted if p["channel"] == "CNEWS")
    blocks = digest["blocks"] if isinstance(digest["blocks"], list) else json.loads(
        digest["blocks"])
    assert blocks[0]["text"]["text"].startswith("Test Team digest · ")
    assert world.slack.rate_limit["chat.postMessage"] == 0, "both 429s were waited out"


async def test_each_pick_links_back_to_the_message_that_shared_it(world: World) -> None:
    await world.link("UADA", "/moe", "750.1")
    await world.event(reaction("UGRACE", "750.1"))
    await world.settled(1, 1)
    await world.command("UADMIN", "post", channel="CNEWS")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "Digest posted.")
    asked = [a for a in world.slack.of("chat.getPermalink") if a["message_ts"] == "750.1"]
    assert [a["channel"] for a in asked] == ["CGEN"]
    digest = next(p for p in world.slack.of("chat.postMessage") if p["channel"] == "CNEWS")
    blocks = digest["blocks"] if isinstance(digest["blocks"], list) else json.loads(
        digest["blocks"])
    assert "<https://test.slack.com/archives/CGEN/p7501|💬 Discussion>" in json.dumps(
        blocks, ensure_ascii=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_runs_http_mode_until_cancelled_and_finishes_acked_work(
    tmp_path: Path
) -> None:
    port = _free_port()
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages:
        pages.add("/moe", article("moe"))
        settings = slack_settings(tmp_path, slack, http_port=port)
        base = f"http://127.0.0.1:{port}"
        async with open_app(settings) as app, aiohttp.ClientSession() as http:
            running = asyncio.create_task(serve(app))
            async with asyncio.timeout(10):
                while True:
                    with contextlib.suppress(aiohttp.ClientConnectionError):
                        async with http.get(f"{base}/healthz") as health:
                            assert health.status == 200
                            break
                    await asyncio.sleep(0.02)
            gate = slack.hold["users.info"] = asyncio.Event()
            body = json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "Ev1",
                               "event": message("UADA", pages.url("/moe"), "760.1")})
            async with http.post(f"{base}/slack/events", data=body, headers={
                    **sign(SECRET, body), "Content-Type": "application/json"}) as response:
                assert response.status == 200
            running.cancel()  # shutting down while the acknowledged message is being handled
            gate.set()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            assert {"channel": "CGEN", "timestamp": "760.1", "name": "eyes"} in slack.of(
                "reactions.add"), "the acknowledged work finished before serve returned"
            with pytest.raises(aiohttp.ClientConnectionError):
                async with http.get(f"{base}/healthz"):
                    pass


HOSTILE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>&lt;!channel&gt; Big news &lt;@U123&gt; &amp; more</title></head><body><article>
<h1>&lt;!channel&gt; Big news &lt;@U123&gt; &amp; more</h1>
<p>&lt;!here&gt; Everyone should read this because the results changed how teams plan their
budgets, and &lt;!everyone&gt; agreed the method was sound after careful review.</p>
<p>Engineers measured the effect across several open models and many tasks, and the results
held up well in production settings with real traffic and real budgets.</p>
<p>The approach is not free: it needs careful calibration, good tooling and a clear idea of
which workloads matter most before anything is changed in a deployed system.</p>
</article></body></html>"""


async def test_hostile_page_title_is_shown_escaped_and_failures_are_told(world: World) -> None:
    world.pages.add("/hostile", HOSTILE_PAGE)
    card = await world.link("UADA", "/hostile", "770.1")
    text = json.dumps(card["blocks"]) + card["text"]
    for mention in ("<!channel>", "<!here>", "<!everyone>", "<@U123>"):
        assert mention not in text
    assert "&lt;!channel&gt; Big news &lt;@U123&gt; &amp;" in text, "escaped, not stripped"
    await world.event(message("UGRACE", world.pages.url("/missing"), "770.2"))
    [told] = await world.slack.wait_for("chat.postMessage", lambda a: a["thread_ts"] == "770.2")
    assert told["text"].startswith("Couldn't read that link") and told["unfurl_links"] is False


async def test_http_mode_without_a_signing_secret_refuses_to_start(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        settings = slack_settings(tmp_path, slack, slack_signing_secret=None)
        async with open_app(settings) as app:
            with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
                await serve(app)
        assert slack.calls == []
