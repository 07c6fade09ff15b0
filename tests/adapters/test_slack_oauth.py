"""The Slack app distributed to many workspaces: the OAuth install flow on the bot's web
server, each workspace's own token (rotated when due) for every call, uninstalls, and the
purge 30 days later. The real bolt app, signed requests, and the local Web API fake, which
refuses a call into one workspace made with another's token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from adapters.slack.server import SCOPES
from bot.errors import ConfigError
from bot.publishing import Mode, Outcome
from digestif.bootstrap import open_app
from digestif.commands import purge_removed
from tests.fakes.slack_world import World, message, slack_settings, slack_world

CLIENT_ID, CLIENT_SECRET = "111.222", "client-secret"
PUBLIC = "https://bot.example.org"
DISTRIBUTED = {"slack_bot_token": None, "slack_client_id": CLIENT_ID,
               "slack_client_secret": SecretStr(CLIENT_SECRET), "public_url": PUBLIC}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with slack_world(tmp_path, **DISTRIBUTED) as world:
        world.slack.channel_teams.update({"CTWO": "T2", "CTHREE": "T3"})
        yield world


def _base(world: World) -> str:
    return world.url.removesuffix("/slack/events")


async def install(world: World, team: str) -> None:
    """A workspace admin clicks "Add to Slack", approves, and comes back with a code."""
    async with world.http.get(f"{_base(world)}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        # A Secure cookie: the installer's browser sends it back over https.
        cookie = page.cookies["slack-app-oauth-state"]
        assert cookie["secure"] and cookie["httponly"]
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None and "Add to Slack" in html
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(SCOPES)]
    assert query["redirect_uri"] == [f"{PUBLIC}/slack/oauth_redirect"]
    code = f"code-{team}"
    world.slack.grants[code] = team
    async with world.http.get(f"{_base(world)}/slack/oauth_redirect",
                              params={"code": code, "state": query["state"][0]},
                              headers={"Cookie": f"{cookie.key}={cookie.value}"}) as back:
        assert back.status == 200, await back.text()


async def card_in(world: World, team: str, channel: str, ts: str) -> None:
    await world.event(message("UADA", f"<{world.pages.url('/moe')}>", ts, channel) | {
        "team": team}, team=team)
    await world.slack.wait_for("chat.postMessage", lambda a: a.get("thread_ts") == ts)


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(
    world: World
) -> None:
    await install(world, "T2")
    await install(world, "T3")
    assert await world.app.store.find_installation("slack", "T2") is not None
    await card_in(world, "T2", "CTWO", "10.1")
    await card_in(world, "T3", "CTHREE", "20.1")
    # Out of band (no request to take the workspace from): a digest posted for T3.
    community = await world.app.store.get_community("slack:T3")
    assert community is not None and community.name == "Team T3"
    publishing = world.app.publishing
    posted = await publishing.publish(community, publishing.period(community), Mode.POST,
                                      "CTHREE")
    assert posted.outcome is Outcome.POSTED
    assert world.slack.of("reactions.get")  # the recount read T3's messages
    assert {p["channel"] for p in world.slack.of("chat.postMessage")} == {"CTWO", "CTHREE"}
    # Nothing was refused: every call into T2's and T3's channels carried that workspace's
    # token (the fake answers channel_not_found otherwise).
    assert [m for m, _ in world.slack.refused] == []


async def test_a_forged_or_replayed_state_installs_nothing(world: World) -> None:
    world.slack.grants["code-x"] = "T9"
    async with world.http.get(f"{_base(world)}/slack/oauth_redirect",
                              params={"code": "code-x", "state": "forged"}) as back:
        assert back.status == 400
    async with world.http.get(f"{_base(world)}/slack/install") as page:
        state = re.search(r"state=([\w-]+)", await page.text())
    assert state is not None
    # Without the state cookie of the browser that started the flow:
    async with world.http.get(f"{_base(world)}/slack/oauth_redirect",
                              params={"code": "code-x", "state": state.group(1)}) as back:
        assert back.status == 400
    assert await world.app.store.find_installation("slack", "T9") is None
    assert world.slack.of("oauth.v2.access") == []


async def test_an_expiring_token_is_rotated_before_use(world: World) -> None:
    world.slack.token_lifetime = 3600  # inside the 2-hour rotation window at once
    await install(world, "T2")
    first = next(token for token, team in world.slack.tokens.items() if team == "T2")
    world.slack.expired.add(first)
    await card_in(world, "T2", "CTWO", "30.1")
    refreshes = [a for a in world.slack.of("oauth.v2.access")
                 if a.get("grant_type") == "refresh_token"]
    assert refreshes and [m for m, _ in world.slack.refused] == []


async def test_uninstall_keeps_data_30_days_then_purge_deletes_it(world: World) -> None:
    await install(world, "T2")
    await card_in(world, "T2", "CTWO", "40.1")
    await world.event({"type": "app_uninstalled", "event_ts": "41.0"}, team="T2")
    store = world.app.store
    assert await store.find_installation("slack", "T2") is None
    posted = len(world.slack.of("chat.postMessage"))
    await world.event(message("UADA", f"<{world.pages.url('/evals')}>", "42.1", "CTWO") | {
        "team": "T2"}, team="T2")
    assert len(world.slack.of("chat.postMessage")) == posted  # not installed: nothing sent
    now = world.app.curator.clock()
    assert await purge_removed(store, now, timedelta(days=30)) == []  # kept for 30 days
    assert len(await store.list_submissions("slack:T2")) == 1
    assert await purge_removed(store, now + timedelta(days=31), timedelta(days=30)) == [
        "slack:T2"]
    assert await store.get_community("slack:T2") is None
    assert await store.removed_before("slack", now + timedelta(days=365)) == []


async def test_a_distributed_app_must_be_configured_whole(tmp_path: Path) -> None:
    from adapters.slack.server import build

    async with slack_world(tmp_path) as world:
        for extra, needs in [
            ({"slack_client_secret": None}, "SLACK_CLIENT_SECRET"),
            ({"public_url": ""}, "DIGESTIF_PUBLIC_URL"),
            ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET"),
            ({"slack_app_token": SecretStr("xapp-test")}, "SLACK_APP_TOKEN"),
        ]:
            settings = slack_settings(tmp_path, world.slack, **(DISTRIBUTED | extra))
            async with open_app(settings) as app:
                with pytest.raises(ConfigError, match=needs):
                    build(app)


def test_the_install_asks_for_the_manifests_scopes() -> None:
    manifest = (Path(__file__).parents[2] / "slack" / "manifest.yaml").read_text()
    bot = manifest.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    assert tuple(re.findall(r"^\s+- ([a-z:.]+)", bot, re.M)) == SCOPES
