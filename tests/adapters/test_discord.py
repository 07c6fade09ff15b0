"""The Discord adapter against a local Discord that the real discord.py client connects to."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.discord.adapter import DiscordAdapter, configure_endpoints
from bot.app import App, open_app
from bot.config import Settings
from tests.adapters.votes import score, settled
from tests.e2e.pages import article
from tests.fakes.discord_fake import (
    APP_ID,
    CHANNEL,
    GUILD,
    NOW,
    TOKEN,
    FakeDiscord,
    member,
)
from tests.fakes.web import PageServer

MANAGE_GUILD = str(1 << 5)
MEMBERS = {
    "11": member("11", "ada"), "12": member("12", "grace"), "13": member("13", "linus"),
    "14": member("14", "mod", permissions=MANAGE_GUILD), "15": member("15", "robot", bot=True),
}
COMMUNITY = f"discord:{GUILD}"


@dataclass
class World:
    discord: FakeDiscord
    pages: PageServer
    app: App
    adapter: DiscordAdapter
    ids: int = 500

    def next_id(self) -> str:
        self.ids += 1
        return str(self.ids)

    async def say(self, author: str, content: str, message_id: str | None = None,
                  event: str = "MESSAGE_CREATE") -> str:
        message_id = message_id or self.next_id()
        data = MEMBERS[author]
        await self.discord.dispatch(event, {
            "id": message_id, "channel_id": CHANNEL, "guild_id": GUILD,
            "author": data["user"], "member": {k: v for k, v in data.items() if k != "user"},
            "content": content, "timestamp": NOW, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": False, "type": 0, "flags": 0})
        return message_id

    async def react(self, who: str, message_id: str, name: str = "👍",
                    added: bool = True) -> None:
        await self.discord.react(who, CHANNEL, message_id, name, added)

    async def slash(self, who: str, *path: str, options: list[dict[str, Any]] | None = None
                    ) -> str:
        interaction_id = self.next_id()
        data = MEMBERS[who]
        leaf: dict[str, Any] = {"name": path[-1], "type": 1, "options": options or []}
        await self.discord.dispatch("INTERACTION_CREATE", {
            "id": interaction_id, "application_id": APP_ID, "type": 2, "token": "tok",
            "version": 1, "guild_id": GUILD, "channel_id": CHANNEL,
            "channel": {"id": CHANNEL, "type": 0, "guild_id": GUILD, "name": "general"},
            "member": data, "locale": "en-US", "guild_locale": "en-US",
            "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {},
            "context": 0, "attachment_size_limit": 10_485_760,
            "data": {"id": "77", "name": "digest", "type": 1, "options": [leaf]}})
        return interaction_id

    async def score(self, number: int) -> int:
        return await score(self.app, COMMUNITY, number)

    async def settled(self, number: int, expected: int) -> None:
        await settled(self.app, COMMUNITY, number, expected)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with FakeDiscord(members=dict(MEMBERS)) as fake, PageServer() as pages:
        pages.add("/moe", article("moe"))
        pages.add("/evals", article("evals"))
        settings = Settings(
            db_path=tmp_path / "discord.sqlite3",
            fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
            discord_token=SecretStr(TOKEN), discord_api_base=fake.api,
            discord_gateway_url=fake.gateway, cpu_workers=0)
        configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        async with open_app(settings) as app:
            adapter = DiscordAdapter(app, guild_ready_timeout=0.1)
            running = asyncio.create_task(adapter.client.start(TOKEN))
            await fake.wait_for("PUT", f"/applications/{APP_ID}/commands")  # ready and synced
            try:
                yield World(fake, pages, app, adapter)
            finally:
                await adapter.client.close()
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running


async def test_link_message_gets_ack_card_and_vote_emoji(world: World) -> None:
    message = await world.say("11", f"have a look <{world.pages.url('/moe')}>")
    [card] = await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages")
    assert card["message_reference"]["message_id"] == int(message)
    assert card["allowed_mentions"] == {"parse": []}
    assert card["enforce_nonce"] is True and card["nonce"]
    assert card["embeds"][0]["title"] == "Why mixture-of-experts models are cheap to run"
    reactions = await world.discord.wait_for("PUT", "/reactions/", count=2)
    assert len(reactions) == 2
    paths = [p for m, p, _ in world.discord.calls if m == "PUT" and "/reactions/" in p]
    assert any(f"/messages/{message}/reactions/" in p for p in paths), "ack on the message"
    identify = world.discord.identified[0]
    assert identify["token"] == TOKEN and identify["intents"] & (1 << 15)


async def _card(world: World, author: str = "11", path: str = "/moe") -> tuple[str, str]:
    """A submitted link and its card: (member's message id, card message id)."""
    before = len(world.discord.of("POST", f"/channels/{CHANNEL}/messages"))
    message = await world.say(author, world.pages.url(path))
    await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages", count=before + 1)
    submission = await world.app.store.submission_for_message(COMMUNITY, message)
    assert submission is not None
    async with asyncio.timeout(10):
        while True:  # the card id is stored right after the post returns
            refs = await world.app.store.messages_for(submission.id)
            cards = [r.message_id for r, role in refs if role == "card"]
            if cards:
                return message, cards[0]
            await asyncio.sleep(0.01)


async def test_votes_from_members_submitter_bot_and_on_the_card(world: World) -> None:
    message, card = await _card(world)
    await world.react("12", message)
    await world.react("11", message)  # the submitter
    await world.react("15", message)  # a bot
    await world.react("13", card, "👍🏽")  # on the card, with a skin tone
    await world.react("14", message, "🎉")  # not a vote emoji
    await world.settled(1, 2)
    await world.react("12", message, added=False)
    await world.settled(1, 1)
    await world.discord.clear(CHANNEL, card)
    await world.settled(1, 0)


def _callbacks(world: World) -> list[dict[str, Any]]:
    return [b for m, p, b in world.discord.calls if m == "POST" and p.endswith("/callback")]


async def test_slash_preview_post_and_refusal(world: World) -> None:
    message, _ = await _card(world)
    await world.react("12", message)
    await world.settled(1, 1)
    await world.slash("12", "digest", "post")
    [refusal] = await world.discord.wait_for("POST", f"/webhooks/{APP_ID}/")
    assert refusal["flags"] & 64 and "Only moderators" in refusal["content"]
    assert _callbacks(world)[0]["data"]["flags"] & 64, "deferred as ephemeral"
    await world.slash("12", "digest", "preview")
    previews = await world.discord.wait_for("POST", f"/webhooks/{APP_ID}/", count=2)
    assert previews[1]["flags"] & 64, "the preview is ephemeral"
    assert "mixture-of-experts" in json.dumps(previews[1]["embeds"])
    before = len(world.discord.of("POST", f"/channels/{CHANNEL}/messages"))
    await world.slash("14", "digest", "post")
    posts = await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages",
                                         count=before + 1)
    assert "TL;DR" in json.dumps(posts[-1]["embeds"])
    assert all(p["allowed_mentions"] == {"parse": []} for p in posts)


async def test_a_big_hostile_digest_is_split_within_limits(world: World) -> None:
    await world.app.curator.community(COMMUNITY, "discord", "Test Guild")
    community = await world.app.curator.known_community(COMMUNITY)
    await world.app.curator.update_settings(COMMUNITY, community.settings.updated("picks", "30"))
    from datetime import UTC, datetime

    from tests.digest_helpers import seed

    for i in range(30):
        await seed(world.app.store, COMMUNITY, datetime.now(UTC),
                   f"@everyone <@&1> story {i} " + "y" * 300, votes=1,
                   summary="@here " + "A long sentence about models. " * 35)
    before = len(world.discord.of("POST", f"/channels/{CHANNEL}/messages"))
    await world.slash("14", "digest", "post")
    posts = await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages",
                                         count=before + 2)
    from tests.fakes.discord_fake import _embed_errors

    for post in posts[before:]:
        assert _embed_errors(post) == [] and post["allowed_mentions"] == {"parse": []}
        text = json.dumps(post["embeds"])
        assert "@everyone" not in text and "@here" not in text


async def test_restart_recount_and_a_429(world: World) -> None:
    world.discord.rate_limit["POST messages"] = 1
    message, _ = await _card(world)
    posts = world.discord.of("POST", f"/channels/{CHANNEL}/messages")
    assert len(posts) == 2, "the 429 was retried after retry_after, with the same nonce"
    assert posts[0]["nonce"] == posts[1]["nonce"]
    # While the bot was offline, two members (one with a skin tone) and the submitter
    # reacted: the gateway never told the bot.
    world.discord.reactions[(CHANNEL, message, "👍")] = ["12", "11"]
    world.discord.reactions[(CHANNEL, message, "👍🏾")] = ["13"]
    await world.slash("14", "digest", "preview")
    await world.discord.wait_for("POST", f"/webhooks/{APP_ID}/")
    assert await world.score(1) == 2


async def test_hostile_title_and_deleted_message(world: World) -> None:
    world.pages.add("/hostile", "<html><head><title>@everyone &lt;@&amp;1&gt; big news</title>"
                    "</head><body><article><h1>@everyone &lt;@&amp;1&gt; big news</h1>"
                    + "<p>Ping everyone, this is huge news about models and costs.</p>" * 8
                    + "</article></body></html>")
    message = await world.say("11", world.pages.url("/hostile"))
    [card] = await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages")
    title = card["embeds"][0]["title"]
    assert "@everyone" not in title and "<@&1>" not in title.replace("\\", "")
    assert card["allowed_mentions"] == {"parse": []}
    other = await world.say("12", world.pages.url("/evals"))
    await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages", count=2)
    await world.react("13", other)
    await world.settled(2, 1)
    for deleted in (message, other):
        await world.discord.dispatch("MESSAGE_DELETE", {
            "id": deleted, "channel_id": CHANNEL, "guild_id": GUILD})
    async with asyncio.timeout(10):
        while len(await world.app.curator.queue(COMMUNITY)) != 1:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    [left] = await world.app.curator.queue(COMMUNITY)
    assert left.submission.number == 2, "a voted submission stays; an unvoted one is withdrawn"


async def test_an_edit_that_adds_a_link_submits_it(world: World) -> None:
    message = await world.say("12", "what do you all think of this")
    await world.say("12", f"what do you all think of this {world.pages.url('/evals')}",
                    message_id=message, event="MESSAGE_UPDATE")
    [card] = await world.discord.wait_for("POST", f"/channels/{CHANNEL}/messages")
    assert card["message_reference"]["message_id"] == int(message)
    assert card["embeds"][0]["title"] == "Evals are the new unit tests"


async def _interaction(world: World, who: str, kind: int, data: dict[str, Any]) -> None:
    await world.discord.dispatch("INTERACTION_CREATE", {
        "id": world.next_id(), "application_id": APP_ID, "type": kind, "token": "tok",
        "version": 1, "guild_id": GUILD, "channel_id": CHANNEL,
        "channel": {"id": CHANNEL, "type": 0, "guild_id": GUILD, "name": "general"},
        "member": MEMBERS[who], "locale": "en-US", "guild_locale": "en-US",
        "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {},
        "context": 0, "attachment_size_limit": 10_485_760, "data": data})


async def test_context_menu_credits_the_author_and_numbers_autocomplete(world: World) -> None:
    target = world.next_id()
    author = MEMBERS["11"]
    await _interaction(world, "12", 2, {
        "id": "78", "name": "Submit to digest", "type": 3, "target_id": target,
        "resolved": {"messages": {target: {
            "id": target, "channel_id": CHANNEL, "guild_id": GUILD, "author": author["user"],
            "content": f"this one {world.pages.url('/evals')}", "timestamp": NOW,
            "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "type": 0, "flags": 0}}}})
    [reply] = await world.discord.wait_for("POST", "/callback")
    assert reply["data"]["flags"] & 64 and "Queued as #1." in reply["data"]["content"]
    [entry] = await world.app.curator.queue(COMMUNITY)
    assert entry.submitter_names == ("ada",), "credited to the message's author"
    await _interaction(world, "14", 4, {
        "id": "77", "name": "digest", "type": 1, "options": [{
            "name": "pick", "type": 1, "options": [
                {"name": "number", "type": 4, "value": "", "focused": True}]}]})
    choices = await world.discord.wait_for("POST", "/callback", count=2)
    assert choices[1]["type"] == 8  # autocomplete result
    assert [c["value"] for c in choices[1]["data"]["choices"]] == [1]
