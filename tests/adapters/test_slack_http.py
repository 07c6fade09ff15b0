"""The Slack adapter over HTTP: signed requests into the real bolt app, a local Web API."""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.slack.server import build, http_app
from bot.app import App, open_app
from bot.config import Settings
from tests.adapters.votes import score, settled
from tests.digest_helpers import seed
from tests.e2e.pages import article
from tests.fakes.slack_api import TEAM, FakeSlack, _limit_errors, sign
from tests.fakes.web import PageServer, start

SECRET = "test-signing-secret"
USERS = {
    "UADA": {"id": "UADA", "name": "ada", "profile": {"display_name": "Ada"}},
    "UGRACE": {"id": "UGRACE", "name": "grace"},
    "ULINUS": {"id": "ULINUS", "name": "linus"},
    "UADMIN": {"id": "UADMIN", "name": "admin", "is_admin": True},
    "UROBOT": {"id": "UROBOT", "name": "robot", "is_bot": True},
}
COMMUNITY = f"slack:{TEAM}"


@dataclass
class World:
    slack: FakeSlack
    pages: PageServer
    app: App
    http: aiohttp.ClientSession
    url: str
    events: int = 0

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None
                   ) -> aiohttp.ClientResponse:
        signed = sign(SECRET, body) if headers is None else headers
        async with self.http.post(self.url, data=body.encode(), headers={
                **signed, "Content-Type": content_type}) as response:
            await response.read()
            return response

    async def event(self, event: dict[str, Any], event_id: str | None = None,
                    retry: bool = False) -> None:
        self.events += 1
        body = json.dumps({"token": "t", "team_id": TEAM, "api_app_id": "A1",
                           "type": "event_callback", "event": event,
                           "event_id": event_id or f"Ev{self.events}",
                           "event_time": int(time.time())})
        headers = {**sign(SECRET, body)}
        if retry:
            headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        response = await self.post(body, "application/json", headers)
        assert response.status == 200

    async def command(self, user: str, text: str, channel: str = "CGEN") -> None:
        body = urlencode({"token": "t", "team_id": TEAM, "channel_id": channel,
                          "user_id": user, "command": "/digest", "text": text,
                          "response_url": "http://127.0.0.1:9/unused", "trigger_id": "1"})
        response = await self.post(body, "application/x-www-form-urlencoded")
        assert response.status == 200

    async def score(self, number: int) -> int:
        return await score(self.app, COMMUNITY, number)

    async def settled(self, number: int, expected: int) -> None:
        await settled(self.app, COMMUNITY, number, expected)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages:
        pages.add("/moe", article("moe"))
        pages.add("/evals", article("evals"))
        settings = Settings(
            db_path=tmp_path / "slack.sqlite3",
            fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
            slack_bot_token=SecretStr("xoxb-test"), slack_signing_secret=SecretStr(SECRET),
            slack_api_url=slack.url, cpu_workers=0)
        async with open_app(settings) as app:
            runner, port = await start(http_app(build(app)))
            async with aiohttp.ClientSession() as http:
                yield World(slack, pages, app, http, f"http://127.0.0.1:{port}/slack/events")
            await runner.cleanup()


def message(user: str, text: str, ts: str, channel: str = "CGEN", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
            "team": TEAM, **extra}


def reaction(user: str, ts: str, name: str = "+1", added: bool = True,
             channel: str = "CGEN") -> dict[str, Any]:
    return {"type": "reaction_added" if added else "reaction_removed", "user": user,
            "reaction": name, "item": {"type": "message", "channel": channel, "ts": ts}}


async def test_url_verification_and_signatures(world: World) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    async with world.http.post(world.url, data=body, headers={
            **sign(SECRET, body), "Content-Type": "application/json"}) as response:
        assert response.status == 200 and "abc123" in await response.text()
    stale = str(int(time.time()) - 3600)
    for headers in (sign("wrong-secret", body), sign(SECRET, body, stale), {},
                    {**sign(SECRET, body), "X-Slack-Request-Timestamp": "soon"}):
        response = await world.post(body, "application/json", headers)
        assert response.status == 401, headers
    async with world.http.get(world.url.replace("/slack/events", "/healthz")) as health:
        assert health.status == 200


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
    await world.event(message("UADA", world.pages.url("/evals"), "100.1",
                              subtype="message_changed"))
    await world.event(message("UBOT", world.pages.url("/evals"), "100.2", bot_id="BBOT"))
    await world.command("UADA", "queue")
    [reply] = await world.slack.wait_for("chat.postEphemeral")
    assert reply["text"].startswith("#1 ") and "#2" not in reply["text"]
    assert len(world.slack.of("chat.postMessage")) == posted


async def test_votes_self_bot_retries_and_the_card(world: World) -> None:
    await world.event(message("UADA", world.pages.url("/moe"), "200.1"))
    [card] = await world.slack.wait_for("chat.postMessage")
    await world.event(reaction("UGRACE", "200.1"), event_id="EvG")
    await world.event(reaction("UGRACE", "200.1"), event_id="EvG", retry=True)
    await world.event(reaction("UADA", "200.1"))  # the submitter
    await world.event(reaction("UROBOT", "200.1"))  # a bot
    await world.event(reaction("ULINUS", "200.1", name="thumbsup::skin-tone-4"))
    await world.settled(1, 2)
    card_ts = (await world.slack.wait_for("reactions.add", lambda a: a["name"] == "+1"))[0]
    await world.event(reaction("UADMIN", card_ts["timestamp"]))  # a vote on the card
    await world.settled(1, 3)
    await world.event(reaction("ULINUS", "200.1", name="+1::skin-tone-4", added=False))
    await world.settled(1, 2)
    assert card["blocks"][-1]["elements"][0]["action_id"] == "vote"


async def test_digest_post_by_a_moderator_and_refusal_for_a_member(world: World) -> None:
    await world.event(message("UADA", world.pages.url("/moe"), "300.1"))
    await world.slack.wait_for("chat.postMessage")
    await world.event(reaction("UGRACE", "300.1"))
    await world.settled(1, 1)
    await world.command("UGRACE", "post")
    [refusal] = await world.slack.wait_for("chat.postEphemeral")
    assert refusal["user"] == "UGRACE" and "Only moderators" in refusal["text"]
    await world.command("UADMIN", "post", channel="CNEWS")
    digest = await world.slack.wait_for("chat.postMessage", lambda a: a["channel"] == "CNEWS")
    assert "mixture-of-experts" in json.dumps(digest[0]["blocks"])
    await world.command("UADMIN", "preview")
    previews = await world.slack.wait_for("chat.postEphemeral", lambda a: a.get("blocks"))
    assert previews[0]["user"] == "UADMIN"
    await world.event({"type": "app_home_opened", "user": "UGRACE", "tab": "home"})
    [home] = await world.slack.wait_for("views.publish")
    assert "Last digest (" in json.dumps(home["view"])
    assert "mixture-of-experts" in json.dumps(home["view"])


async def test_a_big_hostile_digest_splits_within_limits(world: World) -> None:
    await world.app.curator.community(COMMUNITY, "slack", TEAM)
    from datetime import UTC, datetime

    community = await world.app.curator.known_community(COMMUNITY)
    await world.app.curator.update_settings(COMMUNITY, community.settings.updated("picks", "40"))
    start_ = world.app.digests.period(community).start
    for i in range(40):
        await seed(world.app.store, COMMUNITY, max(start_, datetime.now(UTC)),
                   f"<!channel> @everyone <@U123> story {i} " + "x" * 400, votes=1,
                   summary="<!here> " + "A long summary sentence. " * 40)
    await world.command("UADMIN", "post", channel="CBIG")
    posts = await world.slack.wait_for("chat.postMessage", lambda a: a["channel"] == "CBIG",
                                       count=2)
    for post in posts:
        assert _limit_errors(post) == []
        text = json.dumps(post["blocks"])
        assert "<!channel>" not in text and "<!here>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in json.dumps(posts[0]["blocks"])


async def test_restart_recount_counts_votes_cast_offline(world: World) -> None:
    await world.event(message("UADA", world.pages.url("/moe"), "400.1"))
    await world.slack.wait_for("chat.postMessage")
    # While the bot was down, two members reacted and nobody else did.
    world.slack.reactions[("CGEN", "400.1")] = [
        {"name": "+1", "users": ["UGRACE", "ULINUS", "UADA"], "count": 3}]
    world.slack.rate_limit["reactions.get"] = 1
    await world.command("UADMIN", "preview")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a.get("blocks"))
    assert await world.score(1) == 2, "the submitter's own reaction does not count"


async def interactive(world: World, payload: dict[str, Any]) -> None:
    body = urlencode({"payload": json.dumps(payload)})
    response = await world.post(body, "application/x-www-form-urlencoded")
    assert response.status == 200


async def test_shortcut_vote_button_and_app_home(world: World) -> None:
    await interactive(world, {
        "type": "message_action", "callback_id": "submit_to_digest", "trigger_id": "1",
        "team": {"id": TEAM}, "user": {"id": "UGRACE"}, "channel": {"id": "CGEN"},
        "message": {"type": "message", "user": "UADA", "ts": "600.1",
                    "text": f"look <{world.pages.url('/evals')}>"},
        "response_url": "http://127.0.0.1:9/unused",
    })
    [reply] = await world.slack.wait_for("chat.postEphemeral")
    assert reply["user"] == "UGRACE" and "Queued as #1." in reply["text"]
    entry = (await world.app.curator.queue(COMMUNITY))[0]
    assert entry.submitter_names == ("Ada",), "credited to the message's author"
    await interactive(world, {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "ULINUS"},
        "channel": {"id": "CGEN"}, "trigger_id": "2",
        "actions": [{"action_id": "vote", "value": "1", "type": "button"}],
    })
    await world.slack.wait_for("chat.postEphemeral", lambda a: "Vote recorded on #1" in a["text"])
    await world.event({"type": "app_home_opened", "user": "ULINUS", "tab": "home",
                       "channel": "DHOME"})
    [home] = await world.slack.wait_for("views.publish")
    view = home["view"] if isinstance(home["view"], dict) else json.loads(home["view"])
    assert view["type"] == "home"
    assert "#1" in json.dumps(view) and view["blocks"][1]["accessory"]["action_id"] == "vote"
