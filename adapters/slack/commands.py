"""`/digest ...`, the "Submit to digest" shortcut, vote buttons and the App Home."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from adapters.slack import render
from adapters.slack.members import Members
from adapters.slack.outbox import Outbox, Respond
from adapters.slack.translate import (
    api_error,
    community_key,
    message_id,
    plain_text,
    setting_value,
)
from bot import desk
from bot.app import App
from bot.editor import ACTIONS
from bot.errors import PublishError, UserError
from bot.events import LinkPosted, MessageRef
from bot.models import Member
from bot.setting_types import TYPES

log = logging.getLogger(__name__)
Ack = Any  # bolt's AsyncAck: awaitable, optionally with a response
MAX_QUEUE_LINES = 40
MAX_LINE = 400  # 40 lines of this stay far below chat.postEphemeral's text limit

USAGE = desk.usage("/digest ")
HOME_ITEMS = 20


class CommandDesk:
    def __init__(self, app: App, members: Members, outbox: Outbox,
                 track: Callable[[], None]) -> None:
        self._app = app
        self._members = members
        self._outbox = outbox
        self._track = track  # every listener's first call, so shutdown lets it finish

    async def on_command(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        self._track()
        await ack()  # within 3 seconds; the work and the reply come after
        team, user = str(body.get("team_id")), str(body.get("user_id"))
        channel = str(body.get("channel_id"))
        words = str(body.get("text") or "").split()
        try:
            if words[:1] == ["preview"]:
                await self._preview(team, user, channel, respond)
                return
            reply = await self._run(team, user, channel, words)
        except (UserError, PublishError) as err:  # our own words, safe to show
            reply = str(err)
        except Exception:
            log.exception("/digest %s failed", " ".join(words[:1]))
            reply = desk.FAILED
        await self._outbox.whisper(channel, user, "\n".join(render.escape(line, MAX_LINE)
                                                     for line in reply.splitlines()), None,
                            respond)

    async def _preview(self, team: str, user: str, channel: str, respond: Respond) -> None:
        member = await self._members.member(team, user)
        digest = await self._app.publishing.preview(community_key(team), member)
        for text, blocks in render.digest_messages(digest):
            await self._outbox.whisper(channel, user, text, blocks, respond)

    async def _run(self, team: str, user: str, channel: str, words: list[str]) -> str:
        await self._members.community(team)
        member = await self._members.member(team, user)
        key = community_key(team)
        editor, curator = self._app.editor, self._app.curator
        verb, args = (words[0].lower(), words[1:]) if words else ("help", [])
        if verb == "submit" and args:
            outcomes = await curator.post_link(LinkPosted(key, member, plain_text(" ".join(args))))
            return " ".join(o.message for o in outcomes) or desk.NO_LINK
        if verb == "queue":
            entries = await curator.queue(key)
            lines = [f"#{e.submission.number} {e.tally.score:+d} "
                     f"{e.submission.title or e.submission.url}"
                     for e in entries[:MAX_QUEUE_LINES]]
            if len(entries) > MAX_QUEUE_LINES:
                lines.append(f"… and {len(entries) - MAX_QUEUE_LINES} more (see the App Home)")
            return "\n".join(lines) or desk.QUEUE_EMPTY
        if verb == "post":  # "post now": without the links still being read
            posted = await self._app.publishing.post(key, member, channel, *args[:1])
            return desk.posted_reply(posted)
        if verb in ACTIONS and args and (number := desk.number(args[0])) is not None:
            done = await editor.moderate(key, member, number, verb, " ".join(args[1:]))
            return desk.moderated_reply(done.number, verb)
        if verb in ("lock", "unlock"):
            period = await editor.lock(key, member, verb == "lock")
            return desk.lock_reply(verb == "lock", period)
        if verb == "intro":
            intro = await editor.set_intro(key, member, " ".join(args))
            return desk.intro_reply(intro)
        if verb == "config":
            return await self._config(key, member, args)
        return USAGE

    async def _config(self, key: str, member: Member, args: list[str]) -> str:
        """`config` lists every setting, `config NAME` shows one, `config NAME VALUE` sets
        it: one line per setting, the same text as the console and Discord show."""
        curator, editor = self._app.curator, self._app.editor
        settings = await curator.settings_for(key)
        if not args:
            return "\n".join(settings.lines())
        if args[0] not in TYPES:
            raise UserError(desk.unknown_setting(args[0][:40], f"Known: {', '.join(TYPES)}."))
        if len(args) > 1:
            value = setting_value(args[0], " ".join(args[1:]))
            settings = await editor.configure(key, member, args[0], value)
        return f"{args[0]} = {settings.shown(args[0])}"

    async def on_shortcut(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """"Submit to digest" on someone's message: credited to its author."""
        self._track()
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        await self._members.community(team)
        invoker = await self._members.member(team, user)
        author = await self._members.member(team, str(message.get("user") or user))
        ts = str(message.get("ts") or "")
        ref = MessageRef(channel, message_id(channel, ts))
        self._outbox.remember_thread(ref, str(message.get("thread_ts") or ts))
        outcomes = await self._app.curator.post_link(LinkPosted(
            community_key(team), invoker, plain_text(str(message.get("text") or "")), ref,
            credited_to=author))
        await self._outbox.whisper(channel, user, render.escape(
            " ".join(o.message for o in outcomes) or desk.MESSAGE_WITHOUT_LINK, 3000),
            None, respond)

    async def on_vote_button(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        self._track()
        await ack()
        team = str((body.get("team") or {}).get("id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        value = str((body.get("actions") or [{}])[0].get("value") or "")
        if not value.isdecimal():
            return
        number = int(value)
        member = await self._members.member(team, user)
        settings = await self._app.curator.settings_for(community_key(team))
        try:
            outcome = await self._app.curator.vote_on(
                community_key(team), number, member, settings.up_emoji[0])
            text = desk.vote_reply(outcome, number)
        except UserError as err:
            text = str(err)
        channel = str((body.get("channel") or {}).get("id") or "")
        if channel:
            await self._outbox.whisper(channel, user, render.escape(text, 3000), None, respond)
        else:
            await self.publish_home({"team_id": team}, {"user": user})

    async def _last_digest(self, key: str) -> list[render.Block]:
        last = await self._app.publishing.last_digest(key)
        if last is None:
            return []
        period, content = last
        picks = (json.loads(content or "{}").get("picks") or [])[:HOME_ITEMS]
        lines = [f"{p.get('rank')}. " + render.link(str(p.get("url", "")),
                                                    render.escape(str(p.get("title", "")), 150))
                 for p in picks] or ["(no picks)"]
        return [render.header(f"Last digest ({period})"), *render.sections(lines)]

    async def publish_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """The App Home: the queue with scores and vote buttons, and the last digest."""
        self._track()
        team, user = str(body.get("team_id") or ""), str(event.get("user") or "")
        if event.get("tab", "home") != "home" or not user:
            return  # the Messages tab, which the manifest turns off
        await self._members.community(team)
        key = community_key(team)
        entries = (await self._app.curator.queue(key))[:HOME_ITEMS]
        blocks: list[render.Block] = [render.header("This week's queue")]
        for entry in entries:
            s = entry.submission
            title = render.link(s.final_url or s.url, render.escape(s.title or s.url, 150))
            blocks.append({"type": "section", "text": {
                "type": "mrkdwn", "text": f"*#{s.number}* {title} · {entry.tally.score:+d}"},
                "accessory": render.vote_element(s.number)})
        if not entries:
            blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                       "text": "Nothing queued yet."}})
        blocks.extend(await self._last_digest(key))
        try:
            await self._outbox.client.views_publish(
                user_id=user, view={"type": "home", "blocks": blocks})
        except SlackApiError as err:
            log.warning("views.publish failed: %s", api_error(err))
