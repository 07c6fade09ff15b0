"""The Discord adapter under test: the real composition root and `serve` (as `digestif run`
starts it) connected to the local Discord, local pages, and helpers that make members post,
react and run commands through the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import discord
from pydantic import SecretStr

from adapters.discord.adapter import serve
from bot.app import App
from bot.clock import Clock, system_clock
from bot.config import Settings
from digestif.bootstrap import open_app
from tests.adapters.votes import score, settled
from tests.e2e.pages import article
from tests.fakes.discord_fake import (
    APP_ID,
    CHANNEL,
    CURATORS,
    GUILD,
    NOW,
    TOKEN,
    TOPIC,
    FakeDiscord,
    member,
    message,
    thread,
)
from tests.fakes.web import PageServer

MANAGE_GUILD = str(1 << 5)
MEMBERS = {
    "11": member("11", "ada"), "12": member("12", "grace"), "13": member("13", "linus"),
    "14": member("14", "mod", permissions=MANAGE_GUILD), "15": member("15", "robot", bot=True),
    "16": member("16", "curator", roles=[CURATORS]),
}
COMMUNITY = f"discord:{GUILD}"
POSTS = f"/channels/{CHANNEL}/messages"


def discord_settings(tmp_path: Path, fake: FakeDiscord, token: str = TOKEN,
                     **extra: Any) -> Settings:
    return Settings(
        db_path=tmp_path / "discord.sqlite3",
        fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
        discord_token=SecretStr(token), discord_api_base=fake.api,
        discord_gateway_url=fake.gateway, cpu_workers=0, **extra)


@dataclass
class World:
    tmp_path: Path
    discord: FakeDiscord
    pages: PageServer
    ids: int = 500
    settings: dict[str, Any] = field(default_factory=dict)  # more process settings
    clock: Clock = system_clock
    _app: App | None = None
    _serving: asyncio.Task[None] | None = None
    _running: AsyncExitStack = field(default_factory=AsyncExitStack)

    @property
    def app(self) -> App:
        assert self._app is not None, "the bot is not running"
        return self._app

    async def start(self) -> None:
        """The real app and `serve` (same database each time); returns once the bot's
        session is identified, so what the gateway dispatches next reaches it."""
        sessions = len(self.discord.identified)
        stack = AsyncExitStack()
        self._app = await stack.enter_async_context(
            open_app(discord_settings(self.tmp_path, self.discord, **self.settings),
                     self.clock))
        self._serving = asyncio.create_task(serve(self._app, guild_ready_timeout=0.05))
        stack.push_async_callback(self._stop_serving)
        self._running = stack
        identified = asyncio.ensure_future(self.discord.wait_sessions(sessions + 1))
        await asyncio.wait({identified, self._serving}, return_when=asyncio.FIRST_COMPLETED)
        if not identified.done():  # the bot stopped first: its error (a refused command
            identified.cancel()  # sync, a bad setting...) fails the test at once
            self._serving.result()
        await identified

    async def _stop_serving(self) -> None:
        assert self._serving is not None
        self._serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._serving

    async def stop(self) -> None:
        await self._running.aclose()
        self._app = None

    def next_id(self) -> str:
        self.ids += 1
        return str(self.ids)

    async def say(self, author: str, content: str, message_id: str | None = None,
                  event: str = "MESSAGE_CREATE", channel: str = CHANNEL) -> str:
        message_id = message_id or self.next_id()
        data = MEMBERS[author]
        payload = message(message_id, data["user"], content, channel)
        payload["member"] = {k: v for k, v in data.items() if k != "user"}
        if event == "MESSAGE_UPDATE":
            payload["edited_timestamp"] = NOW
        self.discord.messages[message_id] = payload
        await self.discord.dispatch(event, payload)
        return message_id

    def offline(self, author: str, content: str, at: datetime, channel: str = CHANNEL) -> str:
        """A message posted while the bot is away (the gateway tells it nothing), with the
        id Discord gives a message at ``at``."""
        self.ids += 1
        message_id = str(discord.utils.time_snowflake(at) + self.ids)
        self.discord.messages[message_id] = message(
            message_id, MEMBERS[author]["user"], content, channel)
        return message_id

    async def react(self, who: str, message_id: str, name: str = "👍",
                    added: bool = True, channel: str = CHANNEL) -> None:
        await self.discord.react(who, channel, message_id, name, added)

    async def interaction(self, who: str, kind: int, data: dict[str, Any]) -> str:
        interaction_id = self.next_id()
        await self.discord.dispatch("INTERACTION_CREATE", {
            "id": interaction_id, "application_id": APP_ID, "type": kind, "token": "tok",
            "version": 1, "guild_id": GUILD, "channel_id": CHANNEL,
            "channel": {"id": CHANNEL, "type": 0, "guild_id": GUILD, "name": "general"},
            "member": MEMBERS[who], "locale": "en-US", "guild_locale": "en-US",
            "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {},
            "context": 0, "attachment_size_limit": 10_485_760, "data": data})
        return interaction_id

    async def slash(self, who: str, command: str, **options: Any) -> str:
        """`/digest <command> option:value ...` as Discord sends it."""
        kinds = {bool: 5, int: 4, str: 3}
        leaf = {"name": command, "type": 1, "options": [
            {"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()]}
        return await self.interaction(who, 2, {"id": "77", "name": "digest", "type": 1,
                                               "options": [leaf]})

    async def replies(self, count: int) -> list[dict[str, Any]]:
        """Ephemeral answers: interaction followups and direct callback messages."""
        def found() -> list[dict[str, Any]]:
            return [b if "/webhooks/" in p else b["data"] for m, p, b in self.discord.calls
                    if m == "POST" and ("/webhooks/" in p or (
                        p.endswith("/callback") and b.get("type") == 4))]
        return await self.discord.wait_until(lambda: len(found()) >= count, found)

    async def link(self, author: str, path: str, channel: str = CHANNEL) -> tuple[str, str]:
        """A member shares a local page: (their message id, the card's message id)."""
        message_id = await self.say(author, f"have a look <{self.pages.url(path)}>",
                                    channel=channel)

        def card() -> str | None:  # the reply, once its vote emoji is pre-added
            found = self.discord.reply_to(message_id)
            return found if found and self.discord.of("PUT", f"/{found}/reactions/") else None
        found = await self.discord.wait_until(lambda: card() is not None, card)
        assert found is not None
        # The card is recorded (so its votes count) once the link's work is done.
        await self.app.curator.wait_idle()
        return message_id, found

    async def score(self, number: int) -> int:
        return await score(self.app, COMMUNITY, number)

    async def settled(self, number: int, expected: int) -> None:
        await settled(self.app, COMMUNITY, number, expected)

    async def queued(self, numbers: list[int]) -> None:
        """Until the queue holds exactly these numbers (a withdrawal sends nothing back)."""
        async with asyncio.timeout(10):
            while [e.submission.number  # noqa: ASYNC110
                   for e in await self.app.curator.queue(COMMUNITY)] != numbers:
                await asyncio.sleep(0.01)


@asynccontextmanager
async def discord_world(tmp_path: Path, clock: Clock = system_clock,
                        **settings: Any) -> AsyncIterator[World]:
    """``settings``: process settings besides the test's own (e.g. an LLM's base URL)."""
    topic = thread(TOPIC, CHANNEL, "moe talk")
    async with FakeDiscord(members=dict(MEMBERS), threads={TOPIC: topic},
                           announced={TOPIC}) as fake, PageServer() as pages:
        for name in ("moe", "evals", "quantization"):
            pages.add(f"/{name}", article(name))
        world = World(tmp_path, fake, pages, settings=settings, clock=clock)
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
        assert fake.unsafe == [], "every send carries allowed mentions that parse nothing"
