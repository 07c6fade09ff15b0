"""The Slack adapter in Socket Mode: a local websocket that apps.connections.open points to."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from adapters.slack.adapter import serve
from digestif.bootstrap import open_app
from tests.adapters.votes import settled
from tests.e2e.pages import article
from tests.fakes.slack_api import TEAM, FakeSlack
from tests.fakes.slack_world import USERS, slack_settings
from tests.fakes.web import PageServer


def _event(envelope_id: str, event: dict[str, Any], event_id: str,
           retry: int = 0) -> dict[str, Any]:
    return {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
            "retry_attempt": retry, "retry_reason": "timeout" if retry else "",
            "payload": {"type": "event_callback", "team_id": TEAM, "event_id": event_id,
                        "event": event}}


async def test_socket_mode_acknowledges_envelopes_and_handles_events(tmp_path: Path) -> None:
    async with FakeSlack(users=dict(USERS)) as slack, PageServer() as pages:
        pages.add("/moe", article("moe"))
        settings = slack_settings(tmp_path, slack, slack_app_token=SecretStr("xapp-test"),
                                  slack_signing_secret=None)
        async with open_app(settings) as app:
            running = asyncio.create_task(serve(app))
            try:
                await slack.envelopes.put(_event("env-1", {
                    "type": "message", "user": "UADA", "channel": "CGEN", "ts": "500.1",
                    "text": pages.url("/moe")}, "Ev1"))
                await slack.wait_ack("env-1")
                [card] = await slack.wait_for("chat.postMessage")
                vote = {"type": "reaction_added", "user": "UGRACE", "reaction": "+1",
                        "item": {"type": "message", "channel": "CGEN", "ts": "500.1"}}
                await slack.envelopes.put(_event("env-2", vote, "Ev2"))
                await slack.envelopes.put(_event("env-3", vote, "Ev2", retry=1))
                await slack.wait_ack("env-2")
                await slack.wait_ack("env-3")
                await slack.envelopes.put({
                    "envelope_id": "env-4", "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": {"team_id": TEAM, "channel_id": "CGEN", "user_id": "UGRACE",
                                "command": "/digest", "text": "queue",
                                "response_url": slack.response_url(), "trigger_id": "t"}})
                await slack.wait_ack("env-4")
                [reply] = await slack.wait_for("chat.postEphemeral")
                await slack.envelopes.put({
                    "envelope_id": "env-5", "type": "interactive",
                    "accepts_response_payload": False,
                    "payload": {"type": "block_actions", "team": {"id": TEAM},
                                "user": {"id": "ULINUS"}, "channel": {"id": "CGEN"},
                                "trigger_id": "t2", "actions": [
                                    {"action_id": "vote", "value": "1", "type": "button"}]}})
                await slack.wait_ack("env-5")
                await slack.wait_for("chat.postEphemeral", lambda a: a["user"] == "ULINUS")
                await settled(app, f"slack:{TEAM}", 1, 2)  # Grace's reaction once, Linus's button
            finally:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
        assert card["thread_ts"] == "500.1" and card["unfurl_links"] is False
        assert "mixture-of-experts" in json.dumps(card["blocks"])
        assert reply["user"] == "UGRACE" and reply["text"].startswith("#1 ")
        assert slack.of("apps.connections.open")
