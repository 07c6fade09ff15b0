"""A local Discord: REST under /api/v10 and a gateway websocket, for the real discord.py.

Replies carry exactly `application/json`; gateway frames are one zlib stream flushed per
message (what discord.py asks for with compress=zlib-stream). Messages over Discord's limits
are refused with 400, so a limit bug fails loudly. Every REST call is recorded.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from tests.fakes.web import start

TOKEN = "test-discord-token"
BOT_ID, APP_ID, GUILD, CHANNEL = "1000", "1001", "2000", "3000"
MESSAGE_CONTENT = 1 << 15
NOW = "2026-11-24T12:00:00.000000+00:00"


def user(uid: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "username": name, "global_name": name, "discriminator": "0",
            "avatar": None, "bot": bot, "public_flags": 0}


def member(uid: str, name: str, bot: bool = False, roles: list[str] | None = None,
           permissions: str = "0") -> dict[str, Any]:
    return {"user": user(uid, name, bot), "roles": roles or [], "joined_at": NOW,
            "deaf": False, "mute": False, "flags": 0, "permissions": permissions}


def _embed_errors(payload: dict[str, Any]) -> list[str]:
    errors = []
    if len(payload.get("content") or "") > 2000:
        errors.append("content over 2000")
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        errors.append("more than 10 embeds")
    total = 0
    for embed in embeds:
        sizes = {"title": 256, "description": 4096}
        for key, cap in sizes.items():
            total += len(embed.get(key) or "")
            if len(embed.get(key) or "") > cap:
                errors.append(f"{key} over {cap}")
        footer = (embed.get("footer") or {}).get("text") or ""
        total += len(footer)
        if len(footer) > 2048:
            errors.append("footer over 2048")
        fields = embed.get("fields") or []
        if len(fields) > 25 or any(len(f.get("value", "")) > 1024 for f in fields):
            errors.append("fields over limit")
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
    if total > 6000:
        errors.append("embeds over 6000 characters")
    return errors


@dataclass
class FakeDiscord:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    rate_limit: dict[str, int] = field(default_factory=dict)  # "POST messages" -> 429s first
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _sockets: list[tuple[web.WebSocketResponse, Any]] = field(default_factory=list)
    _seq: int = 0
    _ids: int = 9000
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def react(self, who: str, channel: str, message: str, name: str,
                    added: bool = True) -> None:
        """A member reacts (or un-reacts) as on real Discord: the state changes and the
        gateway dispatches the raw event."""
        users = self.reactions.setdefault((channel, message, name), [])
        if added and who not in users:
            users.append(who)
        elif not added and who in users:
            users.remove(who)
        payload: dict[str, Any] = {
            "user_id": who, "channel_id": channel, "message_id": message, "guild_id": GUILD,
            "emoji": {"id": None, "name": name}, "burst": False, "type": 0,
            "burst_colors": []}
        if added:
            payload["member"] = self.members[who]
        await self.dispatch("MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE",
                            payload)

    async def clear(self, channel: str, message: str) -> None:
        for key in [k for k in self.reactions if k[:2] == (channel, message)]:
            del self.reactions[key]
        await self.dispatch("MESSAGE_REACTION_REMOVE_ALL", {
            "channel_id": channel, "message_id": message, "guild_id": GUILD})

    def next_id(self) -> str:
        self._ids += 1
        return str(self._ids)

    async def _record(self, method: str, path: str, body: Any) -> None:
        async with self._changed:
            self.calls.append((method, path, body))
            self._changed.notify_all()

    def of(self, method: str, suffix: str) -> list[Any]:
        return [b for m, p, b in self.calls if m == method and p.endswith(suffix)]

    async def wait_for(self, method: str, contains: str, count: int = 1) -> list[Any]:
        def found() -> list[Any]:
            return [b for m, p, b in self.calls if m == method and contains in p]
        async with asyncio.timeout(15), self._changed:
            await self._changed.wait_for(lambda: len(found()) >= count)
        return found()

    # REST ----------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return web.Response(status=status, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json"})

    def _message(self, channel: str, body: dict[str, Any], author: dict[str, Any]
                 ) -> dict[str, Any]:
        return {"id": self.next_id(), "channel_id": channel, "guild_id": GUILD,
                "author": author, "content": body.get("content") or "", "timestamp": NOW,
                "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": body.get("embeds") or [], "pinned": False, "type": 0,
                "flags": body.get("flags") or 0}

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw else None
        await self._record(request.method, path, body)
        key = f"{request.method} {path.rsplit('/', 1)[-1]}"
        if self.rate_limit.get(key):
            self.rate_limit[key] -= 1
            # discord.py retries a 429 only when it came through Discord's proxies (Via);
            # without it, it assumes a Cloudflare ban and gives up.
            response = self._json({"message": "You are being rate limited.",
                                   "retry_after": 0.01, "global": False}, status=429)
            response.headers["Via"] = "1.1 google"
            return response
        me = user(BOT_ID, "digestif", bot=True)
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return self._json(me)
        if path == "/gateway/bot":
            return self._json({"url": self.gateway, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
        if path == "/oauth2/applications/@me":
            return self._json({"id": APP_ID, "name": "digestif", "icon": None,
                               "description": "", "bot_public": True,
                               "bot_require_code_grant": False, "verify_key": "k",
                               "flags": 0, "owner": user("1", "owner")})
        if parts[:1] == ["applications"] and request.method == "PUT":
            return self._json([{"description": "", **c, "id": self.next_id(),
                                "application_id": APP_ID,
                                "version": "1", "default_member_permissions": None,
                                "dm_permission": False, "nsfw": False}
                               for c in body or []])
        if parts[:1] == ["channels"] and parts[2:3] == ["messages"] and len(parts) == 3:
            errors = _embed_errors(body or {})
            if errors:
                return self._json({"message": "Invalid Form Body", "code": 50035,
                                   "errors": errors}, status=400)
            return self._json(self._message(parts[1], body or {}, me))
        if "reactions" in parts and request.method == "PUT":
            return web.Response(status=204)
        if "reactions" in parts and request.method == "GET":
            channel, message, name = parts[1], parts[3], unquote(parts[5])
            users = self.reactions.get((channel, message, name), [])
            return self._json([self.members[u]["user"] for u in users])
        if parts[:1] == ["channels"] and len(parts) == 4 and request.method == "GET":
            message = self._message(parts[1], {}, user("11", "ada"))
            message["id"] = parts[3]
            message["reactions"] = [
                {"emoji": {"id": None, "name": name}, "count": len(users), "me": False,
                 "me_burst": False, "burst_colors": [],
                 "count_details": {"burst": 0, "normal": len(users)}}
                for (c, m, name), users in self.reactions.items()
                if (c, m) == (parts[1], parts[3]) and users]
            return self._json(message)
        if parts[:1] == ["interactions"]:
            # discord.py 2.7 asks ?with_response=true and reads the callback's result.
            kind, data = (body or {}).get("type", 4), (body or {}).get("data") or {}
            flags = data.get("flags") or 0
            reply = self._message(CHANNEL, data, me)
            return self._json({
                "interaction": {"id": parts[1], "type": 2, "activity_instance_id": None,
                                "response_message_id": reply["id"],
                                "response_message_loading": kind == 5,
                                "response_message_ephemeral": bool(flags & 64)},
                "resource": {"type": kind, "message": reply if kind == 4 else None}})
        if parts[:1] == ["webhooks"]:
            errors = _embed_errors(body or {})
            if errors:
                return self._json({"message": "Invalid Form Body", "errors": errors}, 400)
            return self._json(self._message(CHANNEL, body or {}, me))
        if parts[:1] == ["users"]:
            return self._json(self.members.get(parts[1], member(parts[1], parts[1]))["user"])
        return self._json({"message": "Unknown", "code": 0}, status=404)

    # gateway -------------------------------------------------------------------------

    async def _send(self, socket: web.WebSocketResponse, deflate: Any,
                    payload: dict[str, Any]) -> None:
        data = deflate.compress(json.dumps(payload).encode()) + deflate.flush(zlib.Z_SYNC_FLUSH)
        await socket.send_bytes(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        for socket, deflate in list(self._sockets):
            await self._send(socket, deflate, {"op": 0, "t": event, "s": self._seq, "d": data})

    def _guild(self) -> dict[str, Any]:
        everyone = {"id": GUILD, "name": "@everyone", "permissions": "1024", "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False,
                    "flags": 0}
        channel = {"id": CHANNEL, "type": 0, "name": "general", "position": 0,
                   "guild_id": GUILD, "permission_overwrites": [], "nsfw": False}
        return {"id": GUILD, "name": "Test Guild", "icon": None, "owner_id": "1",
                "roles": [everyone], "emojis": [], "stickers": [], "features": [],
                "member_count": len(self.members) + 1, "large": False, "unavailable": False,
                "members": [member(BOT_ID, "digestif", bot=True)], "channels": [channel],
                "threads": [], "presences": [], "voice_states": [], "joined_at": NOW,
                "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
                "mfa_level": 0, "verification_level": 0, "afk_timeout": 300,
                "system_channel_flags": 0, "stage_instances": [],
                "guild_scheduled_events": [], "soundboard_sounds": []}

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        assert request.query.get("compress") == "zlib-stream", request.query
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        deflate = zlib.compressobj()
        await self._send(socket, deflate, {"op": 10, "d": {"heartbeat_interval": 45000}})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await self._send(socket, deflate, {"op": 11})
            elif message["op"] == 2:
                identify = message["d"]
                if identify["token"] != TOKEN:
                    await socket.close(code=4004, message=b"Authentication failed")
                    break
                if not identify["intents"] & MESSAGE_CONTENT:
                    await socket.close(code=4014, message=b"Disallowed intents")
                    break
                self.identified.append(identify)
                self._sockets.append((socket, deflate))
                self._seq += 1
                await self._send(socket, deflate, {"op": 0, "t": "READY", "s": self._seq, "d": {
                    "v": 10, "user": {**user(BOT_ID, "digestif", bot=True), "verified": True,
                                      "mfa_enabled": False, "flags": 0},
                    "guilds": [{"id": GUILD, "unavailable": True}],
                    "session_id": "session", "resume_gateway_url": self.gateway,
                    "shard": [0, 1], "application": {"id": APP_ID, "flags": 0},
                    "private_channels": [], "relationships": []}})
                await self.dispatch("GUILD_CREATE", self._guild())
            elif message["op"] == 6:
                self._sockets.append((socket, deflate))
                await self.dispatch("RESUMED", {})
        self._sockets = [(s, d) for s, d in self._sockets if s is not socket]
        return socket

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner, self.port = await start(app)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        for socket, _ in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
