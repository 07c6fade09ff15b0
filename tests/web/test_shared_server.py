"""Slack's HTTP mode and the web archive share the app's one web server, as `digestif run`
wires them (digestif.bootstrap)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from pathlib import Path

import aiohttp

from digestif.bootstrap import PLATFORMS, open_app, slack_http, web_server
from storage.sqlite import SqliteStore
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_world import slack_settings
from tests.web.archive_world import club


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_slack_events_and_the_archive_on_one_port(tmp_path: Path) -> None:
    port = _free_port()
    async with FakeSlack() as slack:
        config = slack_settings(tmp_path, slack, http_port=port)
        async with SqliteStore(config.database) as store:
            await club(store)
        assert slack_http(config)
        async with open_app(config) as app, aiohttp.ClientSession() as http:
            server = web_server(app)
            running = asyncio.create_task(PLATFORMS["slack"]()(app, server))
            try:
                await asyncio.wait_for(server.listening.wait(), 10)
                base = f"http://127.0.0.1:{port}"
                async with http.get(f"{base}/c/club/2026-W46") as page:
                    assert page.status == 200 and "Top story" in await page.text()
                body = json.dumps({"type": "url_verification", "challenge": "c"})
                async with http.post(f"{base}/slack/events", data=body) as unsigned:
                    assert unsigned.status == 401, "Slack's route is there, still checking"
                async with http.post(f"{base}/c/club/") as post:
                    assert post.status == 405
            finally:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
