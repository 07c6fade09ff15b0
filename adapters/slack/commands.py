"""`/digest ...`, the "Submit to digest" shortcut, vote buttons and the App Home."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from adapters.slack import render
from adapters.slack.translate import api_error, community_key, message_id
from bot.editor import ACTIONS
from bot.errors import UserError
from bot.events import LinkPosted, MessageRef

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)
Ack = Any  # bolt's AsyncAck: awaitable, optionally with a response

USAGE = ("Usage: /digest submit URL | queue | preview | post | pick N | unpick N | drop N | "
         "restore N | reject N [reason] | lock | unlock | intro TEXT | config NAME VALUE")
HOME_ITEMS = 20


class CommandDesk:
    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter

    async def _whisper(self, channel: str, user: str, text: str,
                       blocks: list[render.Block] | None = None) -> None:
        """A reply only the member sees. ``text`` is already safe mrkdwn."""
        try:
            await self._adapter.client.chat_postEphemeral(channel=channel, user=user, text=text,
                                                         blocks=blocks)
        except SlackApiError as err:
            log.warning("chat.postEphemeral failed: %s", api_error(err))

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()  # within 3 seconds; the work and the reply come after
        team, user = str(body.get("team_id")), str(body.get("user_id"))
        channel = str(body.get("channel_id"))
        words = str(body.get("text") or "").split()
        try:
            if words[:1] == ["preview"]:
                await self._preview(team, user, channel)
                return
            reply = await self._run(team, user, channel, words)
        except UserError as err:
            reply = str(err)
        except Exception:
            log.exception("/digest %s failed", " ".join(words[:1]))
            reply = "Something went wrong; the operator has the details."
        await self._whisper(channel, user, "\n".join(render.escape(line, 3000)
                                                     for line in reply.splitlines()))

    async def _preview(self, team: str, user: str, channel: str) -> None:
        member = await self._adapter.member(team, user)
        digest = await self._adapter.app.editor.preview(community_key(team), member)
        for text, blocks in render.digest_messages(digest):
            await self._whisper(channel, user, text, blocks)

    async def _run(self, team: str, user: str, channel: str, words: list[str]) -> str:
        adapter = self._adapter
        await adapter.community(team)
        member = await adapter.member(team, user)
        key = community_key(team)
        editor, curator = adapter.app.editor, adapter.app.curator
        verb, args = (words[0].lower(), words[1:]) if words else ("help", [])
        if verb == "submit" and args:
            outcomes = await curator.post_link(LinkPosted(key, member, " ".join(args)))
            return " ".join(o.message for o in outcomes) or "No link found."
        if verb == "queue":
            entries = await curator.queue(key)
            return "\n".join(f"#{e.submission.number} {e.tally.score:+d} "
                             f"{e.submission.title or e.submission.url}"
                             for e in entries) or "The queue is empty."
        if verb == "post":
            posted = await editor.post(key, member, channel)
            return "Digest posted." if posted else "This week's digest was already posted."
        if verb in ACTIONS and args and args[0].lstrip("#").isdigit():
            done = await editor.moderate(key, member, int(args[0].lstrip("#")), verb,
                                         " ".join(args[1:]))
            return f"#{done.number}: {verb} done."
        if verb in ("lock", "unlock"):
            period = await editor.lock(key, member, verb == "lock")
            return f"Voting {'locked' if verb == 'lock' else 'unlocked'} for {period}."
        if verb == "intro":
            intro = await editor.set_intro(key, member, " ".join(args))
            return "Intro set." if intro else "Intro cleared."
        if verb == "config" and len(args) >= 2:
            updated = await editor.configure(key, member, args[0], " ".join(args[1:]))
            return f"{args[0]} = {getattr(updated, args[0])}"
        return USAGE

    async def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        """"Submit to digest" on someone's message: credited to its author."""
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        team = str((body.get("team") or {}).get("id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        await self._adapter.community(team)
        invoker = await self._adapter.member(team, user)
        author = await self._adapter.member(team, str(message.get("user") or user))
        ref = MessageRef(channel, message_id(channel, str(message.get("ts"))))
        outcomes = await self._adapter.app.curator.post_link(LinkPosted(
            community_key(team), invoker, str(message.get("text") or ""), ref,
            credited_to=author))
        await self._whisper(channel, user, " ".join(o.message for o in outcomes)
                            or "That message has no link.")

    async def on_vote_button(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        team = str((body.get("team") or {}).get("id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        number = int(str((body.get("actions") or [{}])[0].get("value") or "0"))
        member = await self._adapter.member(team, user)
        settings = await self._adapter.app.curator.settings_for(community_key(team))
        try:
            outcome = await self._adapter.app.curator.vote_on(
                community_key(team), number, member, settings.up_emoji[0])
            text = (f"Vote recorded on #{number}." if outcome.changed else
                    f"Not counted: {outcome.reason}." if not outcome.counted else
                    f"You already voted on #{number}.")
        except UserError as err:
            text = str(err)
        channel = str((body.get("channel") or {}).get("id") or "")
        if channel:
            await self._whisper(channel, user, text)
        else:
            await self.publish_home({"team_id": team}, {"user": user})

    async def _last_digest(self, key: str) -> list[render.Block]:
        posted = await self._adapter.app.store.posted_digests(key)
        if not posted:
            return []
        period, content, _ = posted[0]
        picks = (json.loads(content or "{}").get("picks") or [])[:HOME_ITEMS]
        lines = [f"{p.get('rank')}. " + render.link(str(p.get("url", "")),
                                                    render.escape(str(p.get("title", "")), 150))
                 for p in picks] or ["(no picks)"]
        return [{"type": "header", "text": {"type": "plain_text",
                                            "text": f"Last digest ({period})"[:150]}},
                {"type": "section", "text": {"type": "mrkdwn",
                                             "text": "\n".join(lines)[:render.MAX_SECTION]}}]

    async def publish_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """The App Home: the queue with scores and vote buttons, and the last digest."""
        team, user = str(body.get("team_id") or ""), str(event.get("user") or "")
        await self._adapter.community(team)
        key = community_key(team)
        entries = (await self._adapter.app.curator.queue(key))[:HOME_ITEMS]
        blocks: list[render.Block] = [{"type": "header", "text": {
            "type": "plain_text", "text": "This week's queue"}}]
        for entry in entries:
            s = entry.submission
            title = render.link(s.final_url or s.url, render.escape(s.title or s.url, 150))
            blocks.append({"type": "section", "text": {
                "type": "mrkdwn", "text": f"*#{s.number}* {title} · {entry.tally.score:+d}"},
                "accessory": render.vote_button(s.number)["elements"][0]})
        if not entries:
            blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                       "text": "Nothing queued yet."}})
        blocks.extend(await self._last_digest(key))
        try:
            await self._adapter.client.views_publish(
                user_id=user, view={"type": "home", "blocks": blocks})
        except SlackApiError as err:
            log.warning("views.publish failed: %s", api_error(err))
