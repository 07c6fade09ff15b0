"""A local Discord: REST under /api/v10 and a gateway websocket, for the real discord.py.

Replies carry exactly `application/json`; gateway frames are one zlib stream flushed per
message (what discord.py asks for with compress=zlib-stream; without the query, plain text
frames). REST checks the bot token, refuses messages over Discord's limits with 400 (so a
limit bug fails loudly), can answer 429 with retry_after, and records every call. The gateway
checks the token and the message content intent, answers heartbeats, resumes sessions, and
dispatches what tests script. Sharded sessions (IDENTIFY with ``shard: [id, count]``) get only
their guilds, ``(guild_id >> 22) % count == id``, as on Discord.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote

from aiohttp import WSCloseCode, WSMsgType, web

from tests.fakes.discord_limits import (
    choice_errors,
    command_errors,
    mentions_parsed,
    message_errors,
)
from tests.fakes.specs import discord_errors, discord_query
from tests.fakes.web import start

TOKEN = "test-discord-token"
BOT_ID, APP_ID, GUILD, CHANNEL = "1000", "1001", "2000", "3000"
MODS = "3001"  # the server's moderators-only channel (Community servers have one)
FORUM, OTHER = "3100", "3200"  # a forum channel; another text channel
TOPIC = "3300"  # a public thread in CHANNEL, active when the bot connects
TEXT, PUBLIC_THREAD, PRIVATE_THREAD, FORUM_CHANNEL = 0, 11, 12, 15
SILENT = 1 << 12  # SUPPRESS_NOTIFICATIONS
# Message flags a bot may set when it creates a message (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS).
SENDABLE_FLAGS = (1 << 2) | SILENT
EPHEMERAL = 1 << 6  # interaction responses only
AUTOCOMPLETE_RESULT = 8  # interaction callback type answering an autocomplete interaction
CURATORS = "2100"  # a role the tests configure as moderators
MESSAGE_CONTENT = 1 << 15
NOW = "2026-11-24T12:00:00.000000+00:00"
Call = tuple[str, str, Any]
_T = TypeVar("_T")


def user(uid: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "username": name, "global_name": name, "discriminator": "0",
            "avatar": None, "bot": bot, "public_flags": 0, "flags": 0, "primary_guild": None}


def member(uid: str, name: str, bot: bool = False, roles: list[str] | None = None,
           permissions: str = "0") -> dict[str, Any]:
    return {"user": user(uid, name, bot), "roles": roles or [], "joined_at": NOW,
            "deaf": False, "mute": False, "flags": 0, "permissions": permissions}


def on_shard(guild: str, shard: list[int]) -> bool:
    """Whether Discord routes ``guild`` to ``shard`` ([id, count])."""
    return (int(guild) >> 22) % shard[1] == shard[0]


def channel_of(guild: str) -> str:
    """The text channel of a guild (the first guild's is CHANNEL)."""
    return CHANNEL if guild == GUILD else str(int(guild) + 1)
# What PATCH /channels/{c}/messages/{m} takes (the spec's MessageEditRequestPartial), and
# the one flag an edit may set.
EDITABLE = frozenset({"content", "embeds", "flags", "allowed_mentions", "sticker_ids",
                      "components", "attachments"})
SUPPRESS_EMBEDS = 1 << 2


def message(mid: str, author: dict[str, Any], content: str, channel: str = CHANNEL,
            embeds: list[Any] | None = None, flags: int = 0, guild: str = GUILD
            ) -> dict[str, Any]:
    return {"id": mid, "channel_id": channel, "guild_id": guild, "author": author,
            "content": content, "timestamp": NOW, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": embeds or [], "pinned": False, "type": 0, "flags": flags,
            "components": []}


def channel(cid: str, name: str, kind: int = TEXT, position: int = 0,
            guild: str = GUILD) -> dict[str, Any]:
    """A guild channel as GUILD_CREATE and GET /channels/{id} give it: text or forum."""
    data: dict[str, Any] = {"id": cid, "type": kind, "name": name, "position": position,
                            "guild_id": guild, "permission_overwrites": [], "nsfw": False,
                            "flags": 0, "parent_id": None, "last_message_id": None}
    if kind == FORUM_CHANNEL:
        data |= {"available_tags": [], "default_reaction_emoji": None, "default_sort_order": None,
                 "default_forum_layout": 0, "default_auto_archive_duration": 4320,
                 "topic": None}
    return data


def thread(tid: str, parent: str, name: str, owner: str = "11",
           kind: int = PUBLIC_THREAD) -> dict[str, Any]:
    """A thread (public, or private: 12) in a text channel, or a forum post in a forum."""
    return {"id": tid, "type": kind, "guild_id": GUILD, "parent_id": parent, "owner_id": owner,
            "name": name, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0,
            "message_count": 0, "member_count": 1, "total_message_sent": 0,
            "thread_metadata": {"archived": False, "archive_timestamp": NOW,
                                "auto_archive_duration": 4320, "locked": False,
                                "create_timestamp": NOW,
                                **({"invitable": False} if kind == PRIVATE_THREAD else {})}}


def _emoji(route: str) -> dict[str, Any]:
    name, _, emoji_id = unquote(route).partition(":")
    return {"id": emoji_id or None, "name": name}


@dataclass
class _Session:
    socket: web.WebSocketResponse
    deflate: Any
    shard: list[int]  # [id, count]


@dataclass
class FakeDiscord:
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (channel, message, emoji as in a route: "👍" or "name:id") -> user ids, oldest first
    reactions: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # threads by id; ``announced`` ones are in GUILD_CREATE (active when the bot connects)
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    announced: set[str] = field(default_factory=set)
    rate_limit: dict[str, int] = field(default_factory=dict)  # "POST messages" -> 429s first
    calls: list[Call] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)
    unsafe: list[Any] = field(default_factory=list)  # sends that could have pinged someone
    edits: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # accepted
    refused_commands: list[str] = field(default_factory=list)  # why a command sync was refused
    resumed: int = 0
    heartbeats: int = 0
    heartbeat_interval: int = 45_000
    privileged_intents: bool = True  # the portal's Message Content toggle
    guild_ids: list[str] = field(default_factory=lambda: [GUILD])
    recommended_shards: int = 1  # what GET /gateway/bot answers
    delivered: list[tuple[int, str]] = field(default_factory=list)  # (shard id, event)
    port: int = 0
    _sockets: list[_Session] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
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

    def next_id(self) -> str:
        self._ids += 1
        return str(self._ids)

    # what tests script -----------------------------------------------------------------

    async def react(self, who: str, channel: str, message_id: str, name: str,
                    added: bool = True) -> None:
        """A member reacts (or un-reacts) as on real Discord: the state changes and the
        gateway dispatches the raw event. ``name`` is Unicode or "name:id"."""
        users = self.reactions.setdefault((channel, message_id, name), [])
        if added and who not in users:
            users.append(who)
        elif not added and who in users:
            users.remove(who)
        payload: dict[str, Any] = {
            "user_id": who, "channel_id": channel, "message_id": message_id, "guild_id": GUILD,
            "emoji": _emoji(name), "burst": False, "type": 0, "burst_colors": []}
        if added:
            payload["member"] = self.members[who]
        await self.dispatch("MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE",
                            payload)

    async def clear(self, channel: str, message_id: str, name: str | None = None) -> None:
        """Remove all reactions (a moderator's "Remove All Reactions"), or all of one emoji."""
        for key in [k for k in self.reactions
                    if k[:2] == (channel, message_id) and name in (None, k[2])]:
            del self.reactions[key]
        data: dict[str, Any] = {"channel_id": channel, "message_id": message_id,
                                "guild_id": GUILD}
        if name is None:
            await self.dispatch("MESSAGE_REACTION_REMOVE_ALL", data)
        else:
            await self.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", {**data, "emoji": _emoji(name)})

    async def open_thread(self, data: dict[str, Any], announce: bool = True) -> None:
        """A member opens a thread (or a forum post): Discord sends THREAD_CREATE to the
        bots that can see it (``announce``=False: the bot is never told, as for a private
        thread it was not added to, or one created while it was offline)."""
        assert discord_errors("ThreadResponse", data) == [], discord_errors("ThreadResponse",
                                                                            data)
        self.threads[data["id"]] = data
        if announce:
            await self.dispatch("THREAD_CREATE", {**data, "newly_created": True})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every connected session of the event's guild's shard (none: the
        bot misses it, as offline)."""
        self._seq += 1
        guild = data.get("guild_id")
        for session in list(self._sockets):
            if guild is None or on_shard(str(guild), session.shard):
                await self._deliver(session, event, data)

    async def _deliver(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        self.delivered.append((session.shard[0], event))
        await self._send(session.socket, session.deflate,
                         {"op": 0, "t": event, "s": self._seq, "d": data})

    async def drop_connections(self) -> None:
        """Close every session with a resumable code; the client comes back and resumes."""
        sessions, self._sockets = self._sockets, []
        for session in sessions:
            await session.socket.close(code=4000, message=b"Unknown error")

    # what tests assert -------------------------------------------------------------------

    async def _record(self, method: str, path: str, body: Any) -> None:
        async with self._changed:
            self.calls.append((method, path, body))
            self._changed.notify_all()

    def of(self, method: str, contains: str) -> list[Any]:
        return [b for m, p, b in self.calls if m == method and contains in p]

    async def wait_for(self, method: str, contains: str, count: int = 1) -> list[Any]:
        """Bodies of the calls so far once at least ``count`` match (15 s at most)."""
        return await self.wait_until(lambda: len(self.of(method, contains)) >= count,
                                     lambda: self.of(method, contains))

    async def wait_until(self, ready: Callable[[], bool], result: Callable[[], _T]) -> _T:
        async with asyncio.timeout(15), self._changed:
            await self._changed.wait_for(ready)
        return result()

    def reply_to(self, message_id: str) -> str | None:
        """The id of the bot's message answering ``message_id``, if any."""
        return next((mid for mid, m in self.messages.items() if str(
            (m.get("message_reference") or {}).get("message_id")) == message_id), None)

    async def wait_sessions(self, count: int = 1) -> None:
        """Until ``count`` sessions have identified (READY and GUILD_CREATE sent)."""
        await self.wait_until(lambda: len(self.identified) >= count, lambda: None)

    # REST ----------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return web.Response(status=status, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json"})

    def _post(self, channel: str, body: dict[str, Any], author: dict[str, Any]
              ) -> dict[str, Any]:
        posted = message(self.next_id(), author, body.get("content") or "", channel,
                         body.get("embeds"), body.get("flags") or 0)
        if body.get("message_reference"):  # discord.py sends the id as a number
            reference = body["message_reference"]
            posted["message_reference"] = {**reference,
                                           "message_id": str(reference["message_id"])}
        self.messages[posted["id"]] = posted
        return posted

    def _reactions_of(self, channel: str, message_id: str) -> list[dict[str, Any]]:
        return [{"emoji": _emoji(name), "count": len(users), "me": False, "me_burst": False,
                 "burst_colors": [], "count_details": {"burst": 0, "normal": len(users)}}
                for (c, m, name), users in self.reactions.items()
                if (c, m) == (channel, message_id) and users]

    def _reactors(self, request: web.Request, key: tuple[str, str, str]) -> list[Any]:
        limit = int(request.query.get("limit", "25"))
        assert 1 <= limit <= 100, limit
        after = int(request.query.get("after", "0"))
        ids = sorted(int(u) for u in self.reactions.get(key, []) if int(u) > after)[:limit]
        return [self.members[str(u)]["user"] for u in ids]

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw else (dict(request.query) or None)  # a GET's query
        await self._record(request.method, path, body)
        if request.headers.get("Authorization") != f"Bot {TOKEN}" and not path.startswith(
                ("/interactions/", "/webhooks/")):
            return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
        key = f"{request.method} {path.rsplit('/', 1)[-1]}"
        if self.rate_limit.get(key):
            self.rate_limit[key] -= 1
            # discord.py retries a 429 only when it came through Discord's proxies (Via);
            # without it, it assumes a Cloudflare ban and gives up.
            response = self._json({"message": "You are being rate limited.",
                                   "retry_after": 0.05, "global": False}, status=429)
            response.headers.update({"Via": "1.1 google", "Retry-After": "1",
                                     "X-RateLimit-Scope": "user"})
            return response
        return self._route(request, path, body or {}, path.strip("/").split("/"))

    def _route(self, request: web.Request, path: str, body: Any, parts: list[str]
               ) -> web.Response:
        me, method = user(BOT_ID, "digestif", bot=True), request.method
        if path == "/users/@me":
            return self._json(me)
        if path == "/gateway/bot":
            return self._json({"url": self.gateway, "shards": self.recommended_shards,
                               "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
        if path == "/oauth2/applications/@me":
            return self._json({"id": APP_ID, "name": "digestif", "icon": None,
                               "description": "", "bot_public": True,
                               "bot_require_code_grant": False, "verify_key": "k",
                               "flags": 0, "owner": user("1", "owner")})
        if parts[:1] == ["applications"] and method == "PUT":
            refused = self._commands_refused(body)
            if refused is not None:
                return refused
            return self._json([{"description": "", **c, "id": self.next_id(),
                                "application_id": APP_ID, "version": "1"} for c in body])
        if parts[:1] == ["interactions"]:
            return self._callback(parts[1], body)
        if parts[:1] == ["webhooks"]:
            return (self._checked(body, SENDABLE_FLAGS | EPHEMERAL)
                    or self._json(self._post(CHANNEL, body, me)))
        if parts[:1] == ["users"]:
            return self._json(self.members.get(parts[1], member(parts[1], parts[1]))["user"])
        if parts[:1] == ["channels"] and len(parts) == 2 and method == "GET":
            return self._channel(parts[1])
        if parts[:1] != ["channels"] or parts[2:3] != ["messages"]:
            return self._json({"message": "404: Not Found", "code": 0}, status=404)
        channel = parts[1]
        if len(parts) == 3 and method == "POST":
            return self._checked(body) or self._json(self._post(channel, body, me))
        if len(parts) == 3 and method == "GET":
            return self._history(request, channel)
        if len(parts) == 5 and parts[4] == "threads" and method == "POST":
            return self._thread_from(channel, parts[3], body)
        if len(parts) >= 6 and parts[4] == "reactions":
            emoji = unquote(parts[5])
            if method == "GET":
                return self._json(self._reactors(request, (channel, parts[3], emoji)))
            return web.Response(status=204)  # PUT @me: the bot's own reaction
        found = self.messages.get(parts[3])
        if found is None:
            return self._json({"message": "Unknown Message", "code": 10008}, status=404)
        if method == "DELETE":
            del self.messages[parts[3]]
            return web.Response(status=204)
        if method == "PATCH":
            return self._edit(channel, found, body)
        return self._json({**found, "reactions": self._reactions_of(channel, parts[3])})

    def _edit(self, channel: str, found: dict[str, Any], body: dict[str, Any]
              ) -> web.Response:
        """PATCH /channels/{c}/messages/{m} as Discord takes it: only the fields of
        MessageEditRequestPartial, only the message's own channel, only the bot's own
        messages (others' could change flags alone), only SUPPRESS_EMBEDS among the flags;
        the edited message must still be a valid one."""
        if found["channel_id"] != channel:
            return self._json({"message": "Unknown Message", "code": 10008}, status=404)
        unknown = sorted(set(body) - EDITABLE)
        if unknown:
            return self._json({"message": "Invalid Form Body", "code": 50035,
                               "errors": {k: "not an edit field" for k in unknown}}, status=400)
        if found["author"]["id"] != BOT_ID:
            return self._json({"message": "Cannot edit a message authored by another user",
                               "code": 50005}, status=403)
        if (body.get("flags") or 0) & ~SUPPRESS_EMBEDS:
            return self._json({"message": "Invalid Form Body", "code": 50035,
                               "errors": {"flags": "only SUPPRESS_EMBEDS can be edited"}},
                              status=400)
        edited = found | {k: v for k, v in body.items() if k != "allowed_mentions"
                          and v is not None}
        refused = self._checked({**edited, "allowed_mentions": body.get("allowed_mentions")})
        if refused is not None:
            return refused
        edited["edited_timestamp"] = NOW
        self.messages[found["id"]] = edited
        self.edits.append((channel, found["id"], body))
        return self._json(edited)

    def channels(self, gid: str = GUILD) -> list[dict[str, Any]]:
        """A guild's channels: the first guild's general, moderators, a forum and random;
        another guild's (a sharded test's) general and moderators."""
        if gid != GUILD:
            return [channel(channel_of(gid), "general", guild=gid),
                    channel(str(int(gid) + 2), "moderators", position=1, guild=gid)]
        return [channel(CHANNEL, "general"), channel(MODS, "moderators", position=1),
                channel(FORUM, "links-forum", FORUM_CHANNEL, 2), channel(OTHER, "random",
                                                                       position=3)]

    def _channel(self, cid: str) -> web.Response:
        found = self.threads.get(cid) or next(
            (c for c in self.channels() if c["id"] == cid), None)
        if found is None:
            return self._json({"message": "Unknown Channel", "code": 10003}, status=404)
        return self._json(found)

    def _history(self, request: web.Request, channel: str) -> web.Response:
        """GET /channels/{id}/messages: newest first, as Discord lists them; with ``after``,
        the ``limit`` messages that come right after it (still newest first)."""
        query = dict(request.query)
        errors = discord_query("/channels/{channel_id}/messages", "GET", query)
        assert not errors, errors
        limit = int(query.get("limit", "50"))
        mine = sorted((m for m in self.messages.values() if m["channel_id"] == channel),
                      key=lambda m: int(m["id"]))
        if "after" in query:
            mine = [m for m in mine if int(m["id"]) > int(query["after"])][:limit]
        if "before" in query:
            mine = [m for m in mine if int(m["id"]) < int(query["before"])][-limit:]
        page = list(reversed(mine[-limit:] if "after" not in query else mine))
        for found in page:
            assert discord_errors("MessageResponse", found) == [], discord_errors(
                "MessageResponse", found)
        return self._json(page)

    def _thread_from(self, channel: str, message_id: str, body: dict[str, Any]
                     ) -> web.Response:
        """POST /channels/{c}/messages/{m}/threads: a public thread on a message, which
        has the message's id. Refused in a thread, and on a message that has one already."""
        errors = discord_errors("CreateTextThreadWithMessageRequest", body)
        if errors:
            return self._json({"message": "Invalid Form Body", "code": 50035,
                               "errors": errors}, status=400)
        if channel in self.threads:
            return self._json({"message": "Cannot execute action on this channel type",
                               "code": 50024}, status=400)
        if message_id in self.threads:
            return self._json({"message": "A thread has already been created for this "
                               "message", "code": 160004}, status=400)
        created = thread(message_id, channel, body["name"], owner=BOT_ID)
        self.threads[message_id] = created
        # Discord tells the bot of the thread it opened, as of any other.
        self._tasks.add(asyncio.get_running_loop().create_task(
            self.dispatch("THREAD_CREATE", {**created, "newly_created": True})))
        return self._json(created, status=201)

    def _checked(self, body: dict[str, Any], flags: int = SENDABLE_FLAGS
                 ) -> web.Response | None:
        if mentions_parsed(body):
            self.unsafe.append(body)
        if (body.get("flags") or 0) & ~flags:
            return self._json({"message": "Invalid Form Body", "code": 50035,
                               "errors": ["flags: not ones a bot may set here"]}, status=400)
        errors = message_errors(body)
        if not errors:
            return None
        return self._json({"message": "Invalid Form Body", "code": 50035,
                           "errors": errors}, status=400)

    def _commands_refused(self, body: Any) -> web.Response | None:
        """PUT .../commands (global or a guild's): the bulk overwrite Discord refuses when a
        command breaks its documented limits (25 choices or options, name and description
        lengths...) or its OpenAPI schema."""
        if not isinstance(body, list):
            return self._invalid(["a list of commands"])
        errors = command_errors(body) + [
            f"{c.get('name')}: {e}" for c in body
            for e in discord_errors("ApplicationCommandUpdateRequest", c)]
        self.refused_commands += errors
        return self._invalid(errors) if errors else None

    def _invalid(self, errors: list[str]) -> web.Response:
        """400 Invalid Form Body, its errors nested as Discord nests them (and discord.py
        reads them into the exception's text)."""
        return self._json({"message": "Invalid Form Body", "code": 50035, "errors": {
            "_errors": [{"code": "INVALID", "message": e} for e in errors]}}, status=400)

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> web.Response:
        # discord.py 2.7 asks ?with_response=true and reads the callback's result.
        kind, data = body.get("type", 4), body.get("data") or {}
        if kind == AUTOCOMPLETE_RESULT:
            return self._autocomplete(interaction_id, body)
        refused = self._checked(data, SENDABLE_FLAGS | EPHEMERAL) if kind == 4 else None
        if refused is not None:
            return refused
        reply = self._post(CHANNEL, data, user(BOT_ID, "digestif", bot=True))
        return self._json({
            "interaction": {"id": interaction_id, "type": 2, "activity_instance_id": None,
                            "response_message_id": reply["id"],
                            "response_message_loading": kind == 5,
                            "response_message_ephemeral": bool((data.get("flags") or 0) & 64)},
            "resource": {"type": kind, "message": reply if kind == 4 else None}})

    def _autocomplete(self, interaction_id: str, body: dict[str, Any]) -> web.Response:
        """An APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: at most 25 valid choices, no message."""
        errors = choice_errors("autocomplete", (body.get("data") or {}).get("choices") or []
                               ) + discord_errors("ApplicationCommandAutocompleteCallbackRequest",
                                                  body)
        if errors:
            return self._invalid(errors)
        return self._json({
            "interaction": {"id": interaction_id, "type": 4, "activity_instance_id": None,
                            "response_message_id": None, "response_message_loading": False,
                            "response_message_ephemeral": False},
            "resource": {"type": AUTOCOMPLETE_RESULT}})

    # gateway -------------------------------------------------------------------------

    @staticmethod
    async def _send(socket: web.WebSocketResponse, deflate: Any,
                    payload: dict[str, Any]) -> None:
        if socket.closed:
            return
        raw = json.dumps(payload)
        if deflate is None:
            await socket.send_str(raw)
        else:
            await socket.send_bytes(deflate.compress(raw.encode())
                                    + deflate.flush(zlib.Z_SYNC_FLUSH))

    def guild(self, gid: str = GUILD) -> dict[str, Any]:
        everyone = {"id": gid, "name": "@everyone", "permissions": "1024", "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False,
                    "flags": 0}
        first = gid == GUILD
        curators = {**everyone, "id": CURATORS if first else str(int(gid) + 3),
                    "name": "curators", "position": 1}
        channels = self.channels(gid)
        for found in channels:
            assert discord_errors("GuildChannelResponse", found) == [], found
        mods = MODS if first else str(int(gid) + 2)
        return {"id": gid, "name": "Test Guild" if first else f"Guild {gid}", "icon": None,
                "owner_id": "1",
                "roles": [everyone, curators], "emojis": [], "stickers": [],
                "features": ["COMMUNITY"], "public_updates_channel_id": mods,
                "member_count": len(self.members) + 1, "large": False, "unavailable": False,
                "members": [member(BOT_ID, "digestif", bot=True)], "channels": channels,
                "threads": [self.threads[t] for t in sorted(self.announced)] if first else [],
                "presences": [], "voice_states": [], "joined_at": NOW,
                "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
                "mfa_level": 0, "verification_level": 0, "afk_timeout": 300,
                "system_channel_flags": 0, "stage_instances": [],
                "guild_scheduled_events": [], "soundboard_sounds": []}

    async def _identify(self, socket: web.WebSocketResponse, deflate: Any,
                        identify: dict[str, Any]) -> bool:
        if identify.get("token") != TOKEN:
            await socket.close(code=4004, message=b"Authentication failed.")
            return False
        if not identify["intents"] & MESSAGE_CONTENT or not self.privileged_intents:
            await socket.close(code=4014, message=b"Disallowed intent(s).")
            return False
        shard = list(identify.get("shard") or [0, 1])
        if not (len(shard) == 2 and 0 <= shard[0] < shard[1]):
            await socket.close(code=4010, message=b"Invalid shard.")
            return False
        session = _Session(socket, deflate, shard)
        self._sockets.append(session)
        guilds = [g for g in self.guild_ids if on_shard(g, shard)]
        self._seq += 1
        await self._send(socket, deflate, {"op": 0, "t": "READY", "s": self._seq, "d": {
            "v": 10, "user": {**user(BOT_ID, "digestif", bot=True), "verified": True,
                              "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": g, "unavailable": True} for g in guilds],
            "session_id": f"session-{shard[0]}-{shard[1]}",
            "resume_gateway_url": self.gateway, "shard": shard,
            "application": {"id": APP_ID, "flags": 0}, "private_channels": [],
            "relationships": []}})
        for gid in guilds:
            self._seq += 1
            await self._deliver(session, "GUILD_CREATE", self.guild(gid))
        async with self._changed:
            self.identified.append(identify)
            self._changed.notify_all()
        return True

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        compress = request.query.get("compress")
        assert compress in (None, "zlib-stream"), f"unsupported compression {compress}"
        assert request.query.get("v") == "10" and request.query.get("encoding") == "json"
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        deflate = zlib.compressobj() if compress else None
        await self._send(socket, deflate, {"op": 10, "d": {
            "heartbeat_interval": self.heartbeat_interval}})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            op, data = json.loads(frame.data)["op"], json.loads(frame.data)["d"]
            if op == 1:
                await self._send(socket, deflate, {"op": 11})
                async with self._changed:
                    self.heartbeats += 1
                    self._changed.notify_all()
            elif op == 2 and not await self._identify(socket, deflate, data):
                break
            elif op == 6:
                session_id = str(data.get("session_id"))
                if data.get("token") != TOKEN or not session_id.startswith("session-"):
                    await socket.close(code=4004, message=b"Authentication failed.")
                    break
                shard = [int(n) for n in session_id.split("-")[1:]]
                self._sockets.append(_Session(socket, deflate, shard))
                await self.dispatch("RESUMED", {})
                async with self._changed:
                    self.resumed += 1
                    self._changed.notify_all()
        self._sockets = [s for s in self._sockets if s.socket is not socket]
        return socket

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner, self.port = await start(app)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        for session in self._sockets:
            await session.socket.close(code=WSCloseCode.GOING_AWAY)
        if self._runner is not None:
            await self._runner.cleanup()
