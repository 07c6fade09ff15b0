"""A local fake of the Slack Web API, reached by the real AsyncWebClient via SLACK_API_URL,
with a Socket Mode websocket that apps.connections.open points to, response_url endpoints,
and signed requests for the bolt app's HTTP endpoint. It refuses what Slack would refuse."""

from __future__ import annotations

import asyncio
import base64
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

from tests.fakes.specs import slack_arguments
from tests.fakes.web import start

BOT_USER, BOT_ID, TEAM, TEAM_NAME = "UBOT", "BBOT", "T1", "Test Team"
WAIT = 10.0
Call = tuple[str, dict[str, Any]]
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "response_url")
# chat.update's arguments in the Web API spec (the token travels in the header).
UPDATE_ARGS = frozenset({"as_user", "attachments", "blocks", "channel", "link_names", "parse",
                         "text", "ts"})


def sign(secret: str, body: str, timestamp: str | None = None) -> dict[str, str]:
    """Headers of a request signed with Slack's v0 scheme."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _block_errors(block: dict[str, Any]) -> list[str]:
    kind, errors = block.get("type"), []
    if kind == "header":
        text = block.get("text") or {}
        if text.get("type") != "plain_text" or not 0 < len(_text(text)) <= 150:
            errors.append("header text must be plain_text of 1-150 characters")
    elif kind == "section":
        if not 0 < len(_text(block.get("text"))) <= 3000:
            errors.append("section text must be 1-3000 characters")
    elif kind == "context":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= 10:
            errors.append("context needs 1-10 elements")
        errors += ["context element over 3000" for e in elements if len(_text(e)) > 3000]
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 0 < len(elements) <= 25:
            errors.append("actions needs 1-25 elements")
        errors += ["button text over 75" for e in elements if len(_text(e.get("text"))) > 75]
        errors += ["button value over 2000" for e in elements if len(e.get("value", "")) > 2000]
    else:
        errors.append(f"unexpected block type {kind!r}")
    accessory = block.get("accessory")
    if accessory is not None and len(_text(accessory.get("text"))) > 75:
        errors.append("accessory button text over 75")
    return errors


def limit_errors(payload: dict[str, Any], max_blocks: int = 50) -> list[str]:
    """What Slack would refuse in a message (or view) payload."""
    blocks = payload.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    errors = []
    if len(blocks) > max_blocks:
        errors.append(f"more than {max_blocks} blocks")
    if len(str(payload.get("text") or "")) > 40_000:
        errors.append("text over 40,000")
    if not blocks and not payload.get("text"):
        errors.append("no_text")
    total = 0
    for block in blocks:
        errors += _block_errors(block)
        total += len(_text(block.get("text"))) + sum(
            len(_text(e)) for e in block.get("elements") or [] if block["type"] == "context")
    if total > 12_000:
        errors.append("message text over 12,000")
    return errors


_limit_errors = limit_errors  # the first scenarios' name


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    missing: set[tuple[str, str]] = field(default_factory=set)  # deleted (channel, ts)
    # (channel, ts) -> the bot's own message as posted (chat.postMessage) or last updated
    posted: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    outside: set[str] = field(default_factory=set)  # channels the bot is not in
    rate_limit: dict[str, int] = field(default_factory=dict)  # method -> 429s to send first
    hold: dict[str, asyncio.Event] = field(default_factory=dict)  # method -> answer when set
    unavailable: dict[str, int] = field(default_factory=dict)  # method -> 503s to send first
    # channel -> messages as conversations.history lists them (any order; listed newest first)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # Bot tokens and the workspace each speaks for; a call into another workspace's channel
    # is refused, as Slack would. Distributed apps get theirs from oauth.v2.access.
    tokens: dict[str, str] = field(default_factory=lambda: {"xoxb-test": TEAM,
                                                            "xapp-test": TEAM})
    channel_teams: dict[str, str] = field(default_factory=dict)  # channel -> team (else TEAM)
    client: tuple[str, str] = ("111.222", "client-secret")  # the app's OAuth credentials
    grants: dict[str, str] = field(default_factory=dict)  # OAuth code -> team it installs in
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> team
    expired: set[str] = field(default_factory=set)  # tokens Slack answers token_expired for
    token_lifetime: int = 43_200  # seconds, as Slack's rotated tokens
    _issued: int = 0
    refused: list[Call] = field(default_factory=list)
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    acks: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _ts: int = 1_700_000_000
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def of(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    async def wait_for(self, method: str, match: Callable[[dict[str, Any]], object] = bool,
                       count: int = 1) -> list[dict[str, Any]]:
        """Wait until ``count`` calls of ``method`` matching ``match`` were made."""
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(
                lambda: len([a for a in self.of(method) if match(a)]) >= count)
        return [a for a in self.of(method) if match(a)]

    async def wait_ack(self, envelope_id: str) -> dict[str, Any]:
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(
                lambda: any(a.get("envelope_id") == envelope_id for a in self.acks))
        return next(a for a in self.acks if a.get("envelope_id") == envelope_id)

    async def _record(self, method: str, args: dict[str, Any]) -> None:
        async with self._changed:
            self.calls.append((method, args))
            self._changed.notify_all()

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

    async def _respond(self, request: web.Request) -> web.Response:
        args = await request.json()
        errors = limit_errors(args)
        if errors:
            return web.Response(status=400, text="invalid_blocks")
        await self._record("response_url", args | {"name": request.match_info["name"]})
        return web.Response(text="ok")

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            args: dict[str, Any] = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw)) | dict(request.query)
        if method == "oauth.v2.access":
            reply = self._oauth(request, args)
            await (self._record(method, args) if reply.get("ok") else self._refuse(method, args))
            return web.json_response(reply)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return web.json_response({"ok": False, "error": "not_authed"})
        if token in self.expired:
            return web.json_response({"ok": False, "error": "token_expired"})
        if method in self.hold:
            await self.hold[method].wait()
        if self.unavailable.get(method):
            self.unavailable[method] -= 1
            self.refused.append((method, args))
            return web.json_response({"ok": False, "error": "service_unavailable"}, status=503)
        if self.rate_limit.get(method):
            self.rate_limit[method] -= 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "0"})
        reply = self._reply(method, args, self.tokens[token])
        if reply.get("ok"):
            await self._record(method, args)
        else:
            self.refused.append((method, args))
        return web.json_response(reply)

    async def _refuse(self, method: str, args: dict[str, Any]) -> None:
        self.refused.append((method, args))

    def _oauth(self, request: web.Request, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: a code for a bot token, or (token rotation) a refresh token for
        a new one. The app's credentials come as HTTP Basic auth or as form fields."""
        sent = (str(args.get("client_id") or ""), str(args.get("client_secret") or ""))
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            sent = (user, password)
        if sent != self.client:
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            team = self.refresh_tokens.get(str(args.get("refresh_token") or ""))
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            refresh = str(args["refresh_token"])
        else:
            team = self.grants.pop(str(args.get("code") or ""), None)
            if team is None:
                return {"ok": False, "error": "invalid_code"}
            self._issued += 1
            refresh = f"xoxe-1-{team}-{self._issued}"
            self.refresh_tokens[refresh] = team
        self._issued += 1
        token = f"xoxb-{team}-{self._issued}"
        self.tokens[token] = team
        return {"ok": True, "app_id": "A1", "access_token": token, "token_type": "bot",
                "scope": "channels:history,chat:write", "bot_user_id": BOT_USER,
                "team": {"id": team, "name": f"Team {team}"}, "enterprise": None,
                "is_enterprise_install": False, "authed_user": {"id": "UINSTALLER"},
                "refresh_token": refresh, "expires_in": self.token_lifetime}

    def _reply(self, method: str, args: dict[str, Any], team: str) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if channel and self.channel_teams.get(channel, TEAM) != team:
            return {"ok": False, "error": "channel_not_found"}
        if method in ("chat.postMessage", "chat.postEphemeral", "reactions.add",
                      "reactions.get") and channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        if method == "auth.test":
            name = TEAM_NAME if team == TEAM else f"Team {team}"
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": team,
                    "user": "digestif", "team": name, "url": f"https://{team.lower()}.slack.com/"}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            errors = limit_errors(args)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "detail": errors}
            self._ts += 1
            ts = f"{self._ts}.000100"
            if method == "chat.postMessage":
                self.posted[(channel, ts)] = dict(args)
            return {"ok": True, "channel": channel, "ts": ts, "message_ts": ts}
        if method == "chat.update":
            return self._update(channel, args)
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts")).replace(".", "")
            return {"ok": True, "channel": channel,
                    "permalink": f"https://test.slack.com/archives/{channel}/p{ts}"}
        if method == "views.publish":
            view = args.get("view") or {}
            view = json.loads(view) if isinstance(view, str) else view
            errors = limit_errors(view, max_blocks=100)
            return {"ok": not errors, "error": "invalid_blocks" if errors else None}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False,
                                                             "error": "user_not_found"}
        if method == "reactions.get":
            key = (channel, str(args.get("timestamp")))
            if key in self.missing:
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "type": "message", "channel": channel, "message": {
                "ts": key[1], "reactions": self.reactions.get(key, [])}}
        if method == "conversations.history":
            return self._history(channel, args)
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": channel, "name": channel.lower()}}
        return {"ok": True}

    def _update(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        """chat.update as the Web API spec has it: its arguments only, channel and ts
        required, text or blocks, only the bot's own (non-ephemeral) messages, Block Kit
        limits."""
        unknown = set(args) - UPDATE_ARGS
        if unknown:
            return {"ok": False, "error": "invalid_arg_name", "detail": sorted(unknown)}
        ts = str(args.get("ts") or "")
        if not channel or not ts:
            return {"ok": False, "error": "invalid_arguments"}
        if channel in self.outside:
            return {"ok": False, "error": "channel_not_found"}
        key = (channel, ts)
        if key in self.missing:
            return {"ok": False, "error": "message_not_found"}
        if key not in self.posted:
            return {"ok": False, "error": "cant_update_message"}  # not the bot's message
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return {"ok": False, "error": "no_text"}
        errors = limit_errors(args)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "detail": errors}
        self.posted[key] = self.posted[key] | args
        text = str(args.get("text") or "")
        return {"ok": True, "channel": channel, "ts": ts, "text": text,
                "message": {"text": text}}

    def _history(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, between ``oldest`` and ``latest`` (both
        exclusive unless ``inclusive``), ``limit`` per page (1-999), then ``next_cursor``."""
        declared = slack_arguments("conversations.history")
        unknown = [name for name in args if declared and name not in declared]
        assert not unknown, f"conversations.history takes no {unknown}"
        limit = int(args.get("limit") or 100)
        if not 1 <= limit <= 999:
            return {"ok": False, "error": "invalid_limit"}
        if channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 1e12)

        def within(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        listed = sorted((m for m in self.history.get(channel, []) if within(float(m["ts"]))),
                        key=lambda m: float(m["ts"]), reverse=True)
        start = int(str(args.get("cursor") or "next:0").partition(":")[2])
        page = listed[start:start + limit]
        more = start + limit < len(listed)
        return {"ok": True, "messages": page, "has_more": more, "pin_count": 0,
                "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""}}

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/link", self._socket)
        self._runner, self.port = await start(app)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
