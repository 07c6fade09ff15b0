"""The Slack adapter over HTTP: signed requests into the real bolt app, a local Web API."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.digest_helpers import seed
from tests.fakes.slack_api import TEAM, limit_errors, sign
from tests.fakes.slack_world import COMMUNITY, SECRET, World, message, reaction, slack_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with slack_world(tmp_path) as world:
        yield world


async def test_url_verification_and_signatures(world: World) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    async with world.http.post(world.url, data=body, headers={
            **sign(SECRET, body), "Content-Type": "application/json"}) as response:
        assert response.status == 200 and "abc123" in await response.text()
    stale = str(int(time.time()) - 3600)
    signed = sign(SECRET, body)
    for headers in (sign("wrong-secret", body), sign(SECRET, body, stale), {},
                    {"X-Slack-Request-Timestamp": signed["X-Slack-Request-Timestamp"]},
                    {**signed, "X-Slack-Request-Timestamp": "soon"},
                    {**signed, "X-Slack-Request-Timestamp": "²"},
                    {**signed, "X-Slack-Request-Timestamp": ""},
                    {**signed, "X-Slack-Request-Timestamp": "9" * 40}):
        response = await world.post(body, "application/json", headers)
        assert response.status == 401, headers
    event = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvX",
                        "event": message("UADA", world.pages.url("/moe"), "1.1")})
    response = await world.post(event, "application/json", sign("wrong-secret", event))
    assert response.status == 401
    async with world.http.get(world.url.replace("/slack/events", "/healthz")) as health:
        assert health.status == 200
    assert world.slack.of("chat.postMessage") == [] and world.slack.of("users.info") == []


async def test_link_message_gets_ack_and_card_and_unfurl_edit_does_nothing(
    world: World
) -> None:
    await world.event(message("UADA", f"read <{world.pages.url('/moe')}|this>", "100.1"))
    [card] = await world.slack.wait_for("chat.postMessage")
    assert card["thread_ts"] == "100.1" and card["channel"] == "CGEN"
    assert card["unfurl_links"] is False and card["unfurl_media"] is False
    assert "Why mixture-of-experts models are cheap to run" in json.dumps(card["blocks"])
    acks = world.slack.of("reactions.add")
    assert {"channel": "CGEN", "timestamp": "100.1", "name": "eyes"} in acks
    await world.slack.wait_for("reactions.add", lambda a: a.get("name") == "+1")
    posted = len(world.slack.of("chat.postMessage"))
    # Slack's unfurl arrives as an edit of the same message; it carries the link again.
    await world.event({"type": "message", "subtype": "message_changed", "channel": "CGEN",
                       "hidden": True, "ts": "100.2", "message": message(
                           "UADA", world.pages.url("/evals"), "100.1",
                           attachments=[{"title": "Evals", "from_url": "x"}]),
                       "previous_message": message("UADA", "read", "100.1")})
    await world.event(message("UADA", world.pages.url("/evals"), "100.1",
                              subtype="message_changed"))
    await world.event(message("UBOT", world.pages.url("/evals"), "100.3", bot_id="BBOT"))
    await world.command("UADA", "queue")
    [reply] = await world.slack.wait_for("chat.postEphemeral")
    assert reply["text"].startswith("#1 ") and "#2" not in reply["text"]
    assert len(world.slack.of("chat.postMessage")) == posted


async def test_votes_self_bot_retries_and_the_card(world: World) -> None:
    card = await world.link("UADA", "/moe", "200.1")
    await world.event(reaction("UGRACE", "200.1"), event_id="EvG")
    await world.event(reaction("UGRACE", "200.1"), event_id="EvG", retry=True)
    await world.event(reaction("UADA", "200.1"))  # the submitter
    await world.event(reaction("UROBOT", "200.1"))  # a bot
    await world.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-4"))
    await world.event(reaction("UOWNER", "200.1", name="tada"))  # not a vote emoji
    await world.settled(1, 2)
    card_ts = await world.card_ts("200.1")
    await world.event(reaction("UBOT", card_ts))  # the bot's own one-click reaction
    await world.event(reaction("UADMIN", card_ts))  # a vote on the card
    await world.settled(1, 3)
    await world.event(reaction("ULINUS", "200.1", name="+1::skin-tone-4", added=False))
    await world.settled(1, 2)
    # A late retry of an add (same event_id), arriving after its removal, changes nothing:
    # had it run, ULINUS's :+1: would be back and outlive the skin-tone one below.
    await world.event(reaction("ULINUS", "200.1", name="+1"), event_id="EvL")
    await world.settled(1, 3)
    await world.event(reaction("ULINUS", "200.1", name="+1", added=False))
    await world.settled(1, 2)
    await world.event(reaction("ULINUS", "200.1", name="+1"), event_id="EvL", retry=True)
    await world.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-2"))
    await world.settled(1, 3)  # ULINUS's events apply in order: the retry came first
    await world.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-2", added=False))
    await world.settled(1, 2)
    assert card["blocks"][-1]["elements"][0]["action_id"] == "vote"


async def test_a_vote_ends_with_the_members_last_matching_reaction(world: World) -> None:
    await world.link("UADA", "/moe", "210.1")
    await world.link("UADA", "/evals", "211.1")
    card_ts = await world.card_ts("210.1")

    async def applied(added: bool) -> None:  # a member's events apply in order
        for who in ("UGRACE", "ULINUS"):
            await world.event(reaction(who, "211.1", added=added))
        await world.settled(2, 2 if added else 0)

    await world.event(reaction("UGRACE", "210.1"))  # on the link
    await world.event(reaction("UGRACE", card_ts, "thumbsup"))  # and on the card
    await world.event(reaction("ULINUS", "210.1"))
    await world.event(reaction("ULINUS", "210.1", "+1::skin-tone-3"))  # a second reaction
    await world.event(reaction("UGRACE", "210.1", added=False))
    await world.event(reaction("ULINUS", "210.1", "+1::skin-tone-3", added=False))
    await applied(True)
    assert await world.score(1) == 2, "neither removal ended a vote"
    await world.event(reaction("UGRACE", card_ts, "+1", added=False))  # an alias: the same
    await world.event(reaction("ULINUS", "210.1", added=False))
    await applied(False)
    assert await world.score(1) == 0


async def test_digest_post_by_a_moderator_and_refusal_for_a_member(world: World) -> None:
    await world.link("UADA", "/moe", "300.1")
    await world.event(reaction("UGRACE", "300.1"))
    await world.settled(1, 1)
    await world.command("UGRACE", "post")
    [refusal] = await world.slack.wait_for("chat.postEphemeral")
    assert refusal["user"] == "UGRACE" and "Only moderators" in refusal["text"]
    assert world.slack.of("chat.postMessage") == [world.slack.of("chat.postMessage")[0]]
    await world.command("UADMIN", "post", channel="CNEWS")
    digest = await world.slack.wait_for("chat.postMessage", lambda a: a["channel"] == "CNEWS")
    assert "mixture-of-experts" in json.dumps(digest[0]["blocks"])
    assert digest[0]["unfurl_links"] is False and digest[0]["unfurl_media"] is False
    [done] = await world.slack.wait_for("chat.postEphemeral", lambda a: a["user"] == "UADMIN")
    assert done["text"] == "Digest posted."
    await world.command("UADMIN", "post", channel="CNEWS")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "already posted" in a["text"])
    await world.command("UADMIN", "preview")
    previews = await world.slack.wait_for("chat.postEphemeral", lambda a: a.get("blocks"))
    assert previews[0]["user"] == "UADMIN"
    await world.event({"type": "app_home_opened", "user": "UGRACE", "tab": "home"})
    [home] = await world.slack.wait_for("views.publish")
    assert "Last digest (" in json.dumps(home["view"])
    assert "mixture-of-experts" in json.dumps(home["view"])


async def test_a_big_hostile_digest_splits_within_limits(world: World) -> None:
    await world.app.curator.community(COMMUNITY, "slack", TEAM)
    community = await world.app.curator.known_community(COMMUNITY)
    await world.app.curator.update_settings(COMMUNITY, community.settings.updated("picks", "40"))
    start_ = world.app.publishing.period(community).start
    for i in range(45):
        await seed(world.app.store, COMMUNITY, max(start_, datetime.now(UTC)),
                   f"<!channel> @everyone <@U123> story {i} " + "x" * 400, votes=1,
                   summary="<!here> " + "A long summary sentence. " * 40)
    await world.command("UADMIN", "post", channel="CBIG")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "Digest posted.")
    posts = world.slack.of("chat.postMessage")
    assert len(posts) >= 2 and {p["channel"] for p in posts} == {"CBIG"}
    assert world.slack.refused == []
    for post in posts:
        assert limit_errors(post) == []
        text = json.dumps(post["blocks"]) + post["text"]
        assert "<!channel>" not in text and "<!here>" not in text and "<@U123>" not in text
        assert post["unfurl_links"] is False and post["unfurl_media"] is False
    assert "&lt;!channel&gt;" in json.dumps(posts[0]["blocks"])
    # In order: the title, then the TL;DR, then picks 1..40 across the messages.
    blocks = [b for p in posts for b in p["blocks"]]
    assert blocks[0]["type"] == "header" and "TL;DR" in json.dumps(blocks[1:3])
    ranks = [int(b["text"]["text"].split(".", 1)[0].lstrip("*")) for b in blocks
             if b["type"] == "section" and b["text"]["text"][1:2].isdigit()]
    assert ranks == list(range(1, 41))
    [link] = world.slack.of("chat.getPermalink")
    assert link["channel"] == "CBIG" and link["message_ts"] == "1700000001.000100"


async def test_restart_recount_counts_votes_cast_offline(world: World) -> None:
    await world.link("UADA", "/moe", "400.1")
    card_ts = await world.card_ts("400.1")
    await world.event(reaction("UGRACE", "400.1"))
    await world.event(reaction("ULINUS", "400.1"))
    await world.settled(1, 2)
    await world.stop()
    # While the bot was down: Linus withdrew, Owen (owner) and Ada (the submitter) reacted on
    # the message, Grace also on the card, a bot on the card; and the card was deleted after.
    world.slack.reactions[("CGEN", "400.1")] = [
        {"name": "+1", "users": ["UGRACE", "UADA", "UROBOT"], "count": 3},
        {"name": "thumbsup::skin-tone-2", "users": ["UOWNER"], "count": 1},
        {"name": "tada", "users": ["UADMIN"], "count": 1}]
    world.slack.reactions[("CGEN", card_ts)] = [
        {"name": "+1", "users": ["UGRACE", "UBOT"], "count": 2}]
    world.slack.rate_limit["reactions.get"] = 3
    await world.start()
    assert await world.score(1) == 2, "nothing changes before a recount"
    await world.command("UADMIN", "preview")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a.get("blocks"))
    assert await world.score(1) == 2, "Grace and Owen; not Ada (self), bots, or 🎉"
    assert {a["timestamp"] for a in world.slack.of("reactions.get")} == {"400.1", card_ts}
    assert world.slack.rate_limit["reactions.get"] == 0
    # Owen's vote is stored with the reaction behind it: taking that one back ends it.
    await world.event(reaction("UOWNER", "400.1", "+1::skin-tone-2", added=False))
    await world.settled(1, 1)
    world.slack.missing.add(("CGEN", card_ts))
    world.slack.reactions[("CGEN", "400.1")] = []
    await world.command("UADMIN", "post")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "Digest posted.")
    assert "No picks this week" in json.dumps(world.slack.of("chat.postMessage")[-1])


async def test_shortcut_vote_button_and_app_home(world: World) -> None:
    await world.interactive({
        "type": "message_action", "callback_id": "submit_to_digest", "trigger_id": "1",
        "team": {"id": TEAM}, "user": {"id": "UGRACE"}, "channel": {"id": "CGEN"},
        "message": {"type": "message", "user": "UADA", "ts": "600.1",
                    "text": f"look <{world.pages.url('/evals')}>"},
        "response_url": world.slack.response_url(),
    })
    [reply] = await world.slack.wait_for("chat.postEphemeral")
    assert reply["user"] == "UGRACE" and "Queued as #1." in reply["text"]
    entry = (await world.app.curator.queue(COMMUNITY))[0]
    assert entry.submitter_names == ("Ada",), "credited to the message's author"
    [card] = await world.slack.wait_for("chat.postMessage")
    assert card["thread_ts"] == "600.1"
    await world.interactive({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "ULINUS"},
        "channel": {"id": "CGEN"}, "trigger_id": "2",
        "actions": [{"action_id": "vote", "value": "1", "type": "button"}],
    })
    await world.slack.wait_for("chat.postEphemeral", lambda a: "Vote recorded on #1" in a["text"])
    await world.event({"type": "app_home_opened", "user": "ULINUS", "tab": "home",
                       "channel": "DHOME"})
    [home] = await world.slack.wait_for("views.publish")
    view = home["view"] if isinstance(home["view"], dict) else json.loads(home["view"])
    assert view["type"] == "home" and home["user_id"] == "ULINUS"
    assert view["blocks"][0]["text"]["text"] == "This week's queue"
    assert "#1" in json.dumps(view) and view["blocks"][1]["accessory"]["action_id"] == "vote"
    # The same button in the App Home (no channel): the vote counts and the Home is redrawn.
    await world.interactive({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UADMIN"},
        "container": {"type": "view", "view_id": "V1"}, "trigger_id": "3",
        "view": {"id": "V1", "type": "home"},
        "actions": [{"action_id": "vote", "value": "1", "type": "button"}],
    })
    await world.slack.wait_for("views.publish", lambda a: a["user_id"] == "UADMIN")
    assert await world.score(1) == 2
    # A monthly community's Home says so.
    await world.command("UADMIN", "config cadence monthly")
    await world.slack.wait_for("chat.postEphemeral", lambda a: "cadence = monthly" in a["text"])
    await world.event({"type": "app_home_opened", "user": "UGRACE", "tab": "home"})
    [monthly] = await world.slack.wait_for("views.publish", lambda a: a["user_id"] == "UGRACE")
    view = monthly["view"] if isinstance(monthly["view"], dict) else json.loads(monthly["view"])
    assert view["blocks"][0]["text"]["text"] == "This month's queue"
