"""The Slack adapter in Socket Mode: a local websocket that apps.connections.open points to."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from pathlib import Path

from pydantic import SecretStr

from adapters.slack.server import run
from bot.app import open_app
from bot.config import Settings
from tests.e2e.pages import article
from tests.fakes.slack_api import TEAM, FakeSlack
from tests.fakes.web import PageServer


async def test_socket_mode_acknowledges_envelopes_and_handles_events(tmp_path: Path) -> None:
    async with FakeSlack() as slack, PageServer() as pages:
        pages.add("/moe", article("moe"))
        settings = Settings(
            db_path=tmp_path / "socket.sqlite3",
            fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
            slack_bot_token=SecretStr("xoxb-test"), slack_app_token=SecretStr("xapp-test"),
            slack_api_url=slack.url, cpu_workers=0)
        async with open_app(settings) as app:
            running = asyncio.create_task(run(app))
            await slack.envelopes.put({
                "envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
                "payload": {"type": "event_callback", "team_id": TEAM, "event_id": "Ev1",
                            "event": {"type": "message", "user": "UADA", "channel": "CGEN",
                                      "ts": "500.1", "text": pages.url("/moe")}},
            })
            await slack.wait_ack("env-1")
            [card] = await slack.wait_for("chat.postMessage")
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        assert card["thread_ts"] == "500.1"
        assert "mixture-of-experts" in json.dumps(card["blocks"])
        assert slack.of("apps.connections.open")
