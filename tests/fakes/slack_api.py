"""A local fake of the Slack Web API, reached by the real AsyncWebClient via SLACK_API_URL,
and signed requests for the bolt app's HTTP endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.web import start

BOT_USER, BOT_ID, TEAM = "UBOT", "BBOT", "T1"
WAIT = 10.0
Call = tuple[str, dict[str, Any]]


def sign(secret: str, body: str, timestamp: str | None = None) -> dict[str, str]:
    """Headers of a request signed with Slack's v0 scheme."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _limit_errors(payload: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a message payload."""
    blocks = payload.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    errors = []
    if len(blocks) > 50:
        errors.append("more than 50 blocks")
    total = 0
    for block in blocks:
        if block["type"] == "header" and len(block["text"]["text"]) > 150:
            errors.append("header over 150")
        if block["type"] == "section":
            total += len(block["text"]["text"])
            if len(block["text"]["text"]) > 3000:
                errors.append("section over 3000")
        if block["type"] == "context":
            if len(block["elements"]) > 10:
                errors.append("context over 10 elements")
            total += sum(len(e.get("text", "")) for e in block["elements"])
    if total > 12_000:
        errors.append("message text over 12,000")
    return errors


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    rate_limit: dict[str, int] = field(default_factory=dict)  # method -> 429s to send first
    calls: list[Call] = field(default_factory=list)
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    acks: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _ts: int = 1_700_000_000
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def of(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    async def wait_for(self, method: str, match: Callable[[dict[str, Any]], bool] = bool,
                       count: int = 1) -> list[dict[str, Any]]:
        """Wait until ``count`` calls of ``method`` matching ``match`` were made (callers
        bound the wait with asyncio.timeout; the suite's timeout is the backstop)."""
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(
                lambda: len([a for a in self.of(method) if match(a)]) >= count)
        return [a for a in self.of(method) if match(a)]

    async def wait_ack(self, envelope_id: str) -> None:
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(
                lambda: any(a.get("envelope_id") == envelope_id for a in self.acks))

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: hello, then queued envelopes; the client's acks are recorded."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A1"}})

        async def pump() -> None:
            while True:
                await socket.send_json(await self.envelopes.get())

        pumping = asyncio.create_task(pump())
        try:
            async for frame in socket:
                if frame.type == web.WSMsgType.TEXT:
                    async with self._changed:
                        self.acks.append(json.loads(frame.data))
                        self._changed.notify_all()
        finally:
            pumping.cancel()
        return socket

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            args: dict[str, Any] = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw)) | dict(request.query)
        if self.rate_limit.get(method):
            self.rate_limit[method] -= 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "0"})
        async with self._changed:
            self.calls.append((method, args))
            self._changed.notify_all()
        return web.json_response(self._reply(method, args))

    def _reply(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM,
                    "user": "digestif", "team": "Test"}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            errors = _limit_errors(args)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "detail": errors}
            self._ts += 1
            return {"ok": True, "channel": args.get("channel"), "ts": f"{self._ts}.000100",
                    "message_ts": f"{self._ts}.000100"}
        if method == "users.info":
            user = self.users.get(str(args.get("user")), {"id": args.get("user"),
                                                          "name": args.get("user")})
            return {"ok": True, "user": user}
        if method == "reactions.get":
            key = (str(args.get("channel")), str(args.get("timestamp")))
            return {"ok": True, "type": "message", "message": {
                "ts": key[1], "reactions": self.reactions.get(key, [])}}
        return {"ok": True}

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_get("/link", self._socket)
        self._runner, self.port = await start(app)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
