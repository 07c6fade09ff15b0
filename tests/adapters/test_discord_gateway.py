"""The gateway session: heartbeats, a dropped connection resumed, and the start-up failures an
operator can fix (a wrong token, the Message Content intent turned off in the portal)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.discord.adapter import PERMISSIONS, invite_url, serve
from bot.errors import ConfigError
from digestif.bootstrap import open_app
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.discord_world import MEMBERS, POSTS, discord_settings, discord_world


async def test_heartbeats_and_a_dropped_connection_resumed(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        fake = world.discord
        await fake.drop_connections()
        await fake.wait_until(lambda: fake.resumed == 1, lambda: None)
        assert len(fake.identified) == 1, "resumed, not identified again"
        await world.link("11", "/moe")  # events after the resume reach the bot
        assert len(fake.of("POST", POSTS)) == 1


async def test_heartbeats_are_acknowledged(tmp_path: Path) -> None:
    async with FakeDiscord(members=dict(MEMBERS), heartbeat_interval=20) as fake, \
            open_app(discord_settings(tmp_path, fake)) as app:
        serving = asyncio.create_task(serve(app, guild_ready_timeout=0.05))
        await fake.wait_sessions()
        await fake.wait_until(lambda: fake.heartbeats >= 3, lambda: None)
        assert not serving.done(), "acknowledged heartbeats keep the session"
        assert len(fake.identified) == 1 and fake.resumed == 0
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving


async def test_a_wrong_token_is_a_config_error(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        async with open_app(discord_settings(tmp_path, fake, token="wrong")) as app:
            with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
                await serve(app)
        assert [p for _, p, _ in fake.calls] == ["/users/@me"]


async def test_message_content_intent_off_in_the_portal_is_a_config_error(
        tmp_path: Path) -> None:
    async with FakeDiscord(privileged_intents=False) as fake, \
            open_app(discord_settings(tmp_path, fake)) as app:
        with pytest.raises(ConfigError, match="Message Content"):
            await serve(app, guild_ready_timeout=0.05)


def test_the_invite_asks_for_exactly_what_the_bot_uses() -> None:
    url = invite_url(1001)
    assert "scope=bot+applications.commands" in url and "client_id=1001" in url
    assert f"permissions={PERMISSIONS.value}" in url
    granted = {name for name, on in PERMISSIONS if on}
    assert granted == {"read_messages", "send_messages", "send_messages_in_threads",
                       "embed_links", "add_reactions", "read_message_history"}
