"""`/digest ...`, the "Submit to digest" shortcut, vote buttons and the App Home."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
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
from bot import desk, replies
from bot.app import App
from bot.errors import PublishError, UserError
from bot.events import MessageRef
from bot.period import UNITS
from bot.records import QueueEntry
from bot.service_desk import (
    IntroSet,
    Locked,
    Moderated,
    Posted,
    Previewed,
    QueueShown,
    Result,
    ServiceDesk,
    SettingsShown,
    StatsShown,
    Submitted,
    Unvoted,
    Voted,
)
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
        self._desk = ServiceDesk(app)

    async def on_command(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        self._track()
        await ack()  # within 3 seconds; the work and the reply come after
        team, user = str(body.get("team_id")), str(body.get("user_id"))
        channel = str(body.get("channel_id"))
        words = str(body.get("text") or "").split()
        try:
            command = desk.parse(words, prefix="")
            if command.verb == "preview":
                await self._preview(team, user, channel, command, respond)
                return
            reply = await self._run(team, user, channel, command)
        except desk.Usage:
            reply = USAGE  # Slack answers any misspelling with the whole grammar
        except (UserError, PublishError) as err:  # our own words, safe to show
            reply = str(err)
        except Exception:
            log.exception("/digest %s failed", " ".join(words[:1]))
            reply = replies.FAILED
        await self._outbox.whisper(channel, user, "\n".join(render.escape(line, MAX_LINE)
                                                     for line in reply.splitlines()), None,
                            respond)

    async def _preview(self, team: str, user: str, channel: str, command: desk.Command,
                       respond: Respond) -> None:
        member = await self._members.member(team, user)
        result = await self._desk.run(community_key(team), member, command)
        assert isinstance(result, Previewed)
        for text, blocks in render.digest_messages(result.digest):
            await self._outbox.whisper(channel, user, text, blocks, respond)
        if result.note:
            await self._outbox.whisper(channel, user, result.note, None, respond)

    async def _run(self, team: str, user: str, channel: str, command: desk.Command) -> str:
        await self._members.community(team)
        member = await self._members.member(team, user)
        if command.verb == "submit":
            command = replace(command, text=plain_text(command.text))
        if command.verb == "config" and command.setting:
            if command.setting not in TYPES:
                raise desk.UnknownSetting(command.setting)
            if command.value is not None:  # Slack's <#C1|name> and <@U1> markup
                command = replace(command, value=setting_value(command.setting, command.value))
        result = await self._desk.run(community_key(team), member, command, channel)
        return self._reply(result)

    @staticmethod
    def _reply(result: Result) -> str:
        """Slack's wording of a command's result (escaped by the caller)."""
        match result:
            case Submitted(outcomes):
                return " ".join(o.message for o in outcomes) or replies.NO_LINK
            case Voted(number, outcome):
                return replies.vote_reply(outcome, number)
            case Unvoted(number, removed):
                return replies.unvote_reply(removed, number)
            case QueueShown(entries, _):
                return _queue(entries)
            case Posted() as posted:
                return posted.reply
            case Moderated(action, done):
                return replies.moderated_reply(done.number, action)
            case Locked(locked, period):
                return replies.lock_reply(locked, period)
            case IntroSet(intro):
                return replies.intro_reply(intro)
            case SettingsShown(settings, ""):
                return "\n".join(settings.lines())
            case SettingsShown(settings, name):
                return f"{name} = {settings.shown(name)}"
            case StatsShown(report):  # every line is escaped by the caller
                return "\n".join(replies.stats_lines(report, lambda name: name))
        return USAGE  # help, and a preview (which is whispered as blocks instead)

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
        result = await self._desk.run(
            community_key(team), invoker,
            desk.Command("submit", text=plain_text(str(message.get("text") or ""))),
            origin=ref, credited_to=author)
        assert isinstance(result, Submitted)
        await self._outbox.whisper(channel, user, render.escape(
            " ".join(o.message for o in result.outcomes) or replies.MESSAGE_WITHOUT_LINK, 3000),
            None, respond)

    async def on_vote_button(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        self._track()
        await ack()
        team = str((body.get("team") or {}).get("id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        value = str((body.get("actions") or [{}])[0].get("value") or "")
        number = desk.number(value)
        if number is None:  # not one of our buttons' values
            return
        member = await self._members.member(team, user)
        try:
            text = self._reply(await self._desk.run(community_key(team), member,
                                                    desk.Command("vote", number)))
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
        settings = await self._app.curator.settings_for(key)
        blocks: list[render.Block] = [render.header(replies.queue_heading(UNITS[settings.cadence]))]
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


def _queue(entries: Sequence[QueueEntry]) -> str:
    """The queue in a whisper: its first lines, and where to see the rest."""
    lines = [f"#{e.submission.number} {e.tally.score:+d} {e.submission.title or e.submission.url}"
             for e in entries[:MAX_QUEUE_LINES]]
    if len(entries) > MAX_QUEUE_LINES:
        lines.append(f"… and {len(entries) - MAX_QUEUE_LINES} more (see the App Home)")
    return "\n".join(lines) or replies.QUEUE_EMPTY
