"""The Slack adapter under test: the real composition root and bolt app on a local port,
the fake Web API, local pages, and helpers that send signed events, commands and actions."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from adapters.slack.server import build, http_app
from bot.app import App
from bot.clock import Clock, system_clock
from bot.config import Settings
from digestif.bootstrap import open_app
from tests.adapters.votes import score, settled
from tests.e2e.pages import article
from tests.fakes.slack_api import TEAM, FakeSlack, sign
from tests.fakes.web import PageServer, start

SECRET = "test-signing-secret"
USERS: dict[str, dict[str, Any]] = {
    "UADA": {"id": "UADA", "name": "ada", "profile": {"display_name": "Ada"}},
    "UGRACE": {"id": "UGRACE", "name": "grace"},
    "ULINUS": {"id": "ULINUS", "name": "linus"},
    "UADMIN": {"id": "UADMIN", "name": "admin", "is_admin": True},
    "UOWNER": {"id": "UOWNER", "name": "owner", "is_owner": True},
    "UROBOT": {"id": "UROBOT", "name": "robot", "is_bot": True},
    "UBOT": {"id": "UBOT", "name": "digestif", "is_bot": True},
}
COMMUNITY = f"slack:{TEAM}"


def slack_settings(tmp_path: Path, slack: FakeSlack, **extra: Any) -> Settings:
    return Settings(**{
        "db_path": tmp_path / "slack.sqlite3",
        "fetch_allow_networks": (ipaddress.ip_network("127.0.0.0/8"),),
        "slack_bot_token": SecretStr("xoxb-test"), "slack_api_url": slack.url,
        "cpu_workers": 0, "slack_signing_secret": SecretStr(SECRET)} | extra)


def message(user: str, text: str, ts: str, channel: str = "CGEN", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
            "team": TEAM, **extra}


def reaction(user: str, ts: str, name: str = "+1", added: bool = True,
             channel: str = "CGEN") -> dict[str, Any]:
    return {"type": "reaction_added" if added else "reaction_removed", "user": user,
            "reaction": name, "item": {"type": "message", "channel": channel, "ts": ts},
            "item_user": "UADA", "event_ts": f"{time.time():.6f}"}


@dataclass
class World:
    tmp_path: Path
    slack: FakeSlack
    pages: PageServer
    http: aiohttp.ClientSession
    url: str = ""
    events: int = 0
    settings: dict[str, Any] = field(default_factory=dict)  # on top of slack_settings
    clock: Clock = system_clock
    _app: App | None = None
    _running: AsyncExitStack = field(default_factory=AsyncExitStack)

    @property
    def app(self) -> App:
        assert self._app is not None, "the bot is not running"
        return self._app

    async def start(self) -> None:
        """The real app, as `digestif run` builds it in HTTP mode (same database each time)."""
        stack = AsyncExitStack()
        self._app = await stack.enter_async_context(
            open_app(slack_settings(self.tmp_path, self.slack, **self.settings), self.clock))
        adapter = build(self._app)
        stack.push_async_callback(adapter.drain)
        runner, port = await start(http_app(adapter))
        stack.push_async_callback(runner.cleanup)
        adapter.catch_up_soon()  # as serve does once it listens
        self._running, self.url = stack, f"http://127.0.0.1:{port}/slack/events"

    async def stop(self) -> None:
        await self._running.aclose()
        self._app = None

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None
                   ) -> aiohttp.ClientResponse:
        signed = sign(SECRET, body) if headers is None else headers
        async with self.http.post(self.url, data=body.encode(), headers={
                **signed, "Content-Type": content_type}) as response:
            await response.read()
            return response

    async def event(self, event: dict[str, Any], event_id: str | None = None,
                    retry: bool = False, team: str = TEAM) -> None:
        self.events += 1
        body = json.dumps({"token": "t", "team_id": team, "api_app_id": "A1",
                           "type": "event_callback", "event": event,
                           "event_id": event_id or f"Ev{self.events}",
                           "event_time": int(time.time())})
        headers = {**sign(SECRET, body)}
        if retry:
            headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        response = await self.post(body, "application/json", headers)
        assert response.status == 200

    async def command(self, user: str, text: str, channel: str = "CGEN") -> None:
        body = urlencode({"token": "t", "team_id": TEAM, "team_domain": "test",
                          "channel_id": channel, "user_id": user, "command": "/digest",
                          "text": text, "response_url": self.slack.response_url(),
                          "trigger_id": "1"})
        response = await self.post(body, "application/x-www-form-urlencoded")
        assert response.status == 200

    async def interactive(self, payload: dict[str, Any]) -> None:
        body = urlencode({"payload": json.dumps(payload)})
        response = await self.post(body, "application/x-www-form-urlencoded")
        assert response.status == 200

    async def link(self, user: str, path: str, ts: str, channel: str = "CGEN",
                   **extra: Any) -> dict[str, Any]:
        """A member shares a local page; returns the card the bot posts for it."""
        await self.event(message(user, f"<{self.pages.url(path)}>", ts, channel, **extra))
        cards = await self.slack.wait_for(
            "chat.postMessage", lambda a: a.get("thread_ts") == extra.get("thread_ts", ts))
        return cards[0]

    async def card_ts(self, thread: str) -> str:
        [card] = [a for a in self.slack.of("chat.postMessage") if a.get("thread_ts") == thread]
        [added] = await self.slack.wait_for(
            "reactions.add", lambda a: a["name"] == "+1" and a["timestamp"] != thread)
        return str(added["timestamp"]) if card else ""

    def offline(self, user: str, text: str, at: datetime, channel: str = "CGEN",
                **extra: Any) -> str:
        """A message posted while the bot is away: in the channel's history, no event."""
        ts = f"{at.timestamp():.6f}"
        self.slack.history.setdefault(channel, []).append(
            {"type": "message", "user": user, "text": text, "ts": ts, "team": TEAM, **extra})
        return ts

    async def score(self, number: int) -> int:
        return await score(self.app, COMMUNITY, number)

    async def settled(self, number: int, expected: int) -> None:
        await settled(self.app, COMMUNITY, number, expected)

    async def queued(self, numbers: list[int]) -> None:
        """Wait until the queue holds exactly these numbers (like votes, a withdrawal sends
        nothing back to Slack, so the store is the only thing to wait on)."""
        async with asyncio.timeout(10):
            while [e.submission.number  # noqa: ASYNC110
                   for e in await self.app.curator.queue(COMMUNITY)] != numbers:
                await asyncio.sleep(0.01)


@asynccontextmanager
async def slack_world(tmp_path: Path, clock: Clock = system_clock,
                      **settings: Any) -> AsyncIterator[World]:
    """``settings`` go on top of slack_settings (e.g. a distributed app's)."""
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages, \
            aiohttp.ClientSession() as http:
        for name in ("moe", "evals", "quantization"):
            pages.add(f"/{name}", article(name))
        world = World(tmp_path, slack, pages, http, settings=settings, clock=clock)
        await world.start()
        try:
            yield world
        finally:
            await world.stop()
