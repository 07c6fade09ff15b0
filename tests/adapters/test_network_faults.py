"""Network faults are one log line each, retried with growing pauses, never a traceback:
Discord out of reach, Slack's Socket Mode endpoint failing, a port already in use.

Pauses go through an injected ``sleep`` that records them, so the schedule is checked
without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from adapters.discord.adapter import serve as serve_discord
from adapters.slack.adapter import serve as serve_slack
from bot.config import Settings
from bot.errors import ConfigError
from bot.lifecycle import Sleep, backoff, one_line_logs
from digestif.bootstrap import open_app
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_world import slack_settings


class Enough(Exception):
    """Raised by the recording sleep to end an otherwise endless retry loop."""


def recording_sleep(pauses: list[float], attempts: int) -> Sleep:
    async def sleep(delay: float) -> None:
        pauses.append(delay)
        if len(pauses) >= attempts:
            raise Enough
    return sleep


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def discord_base() -> Iterator[None]:
    """configure_endpoints changes discord.py's globals: put them back."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_backoff_grows_and_is_capped() -> None:
    schedule = backoff(first=1, cap=60)
    pauses = [next(schedule) for _ in range(10)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]


async def test_discord_out_of_reach_is_one_line_per_attempt(
        tmp_path: Path, closed_port: int, discord_base: None,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    settings = Settings(db_path=tmp_path / "d.sqlite3", discord_token=SecretStr("abc"),
                        discord_api_base=f"http://127.0.0.1:{closed_port}/api/v10",
                        discord_gateway_url=f"ws://127.0.0.1:{closed_port}/", cpu_workers=0)
    pauses: list[float] = []
    async with open_app(settings) as app:
        with pytest.raises(Enough):
            await serve_discord(app, sleep=recording_sleep(pauses, 4))
    assert pauses == [1, 2, 4, 8]
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 4, lines
    assert all("Discord (127.0.0.1) is out of reach" in line for line in lines)
    assert lines[-1].endswith("retrying in 8s")
    _no_tracebacks(caplog)


async def test_socket_mode_retries_apps_connections_open_with_backoff(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with FakeSlack(unavailable={"apps.connections.open": 3}) as slack:
        settings = slack_settings(tmp_path, slack, slack_app_token=SecretStr("xapp-test"),
                                  slack_signing_secret=None)
        pauses: list[float] = []

        async def sleep(delay: float) -> None:
            pauses.append(delay)

        async with open_app(settings) as app:
            running = asyncio.create_task(serve_slack(app, sleep=sleep))
            try:
                await slack.wait_for("apps.connections.open", lambda _: True)  # the 4th works
            finally:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
    assert pauses == [1, 2, 4]
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(failures) == 3, failures
    assert all("service_unavailable" in line and "retrying in" in line for line in failures)
    _no_tracebacks(caplog)


async def test_socket_mode_with_a_refused_app_token_stops_with_one_message(
        tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        settings = slack_settings(tmp_path, slack, slack_app_token=SecretStr("xapp-wrong"),
                                  slack_signing_secret=None)
        async with open_app(settings) as app:
            with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN.*not_authed"):
                await serve_slack(app, sleep=recording_sleep([], 1))


async def test_http_mode_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        async with FakeSlack() as slack:
            settings = slack_settings(tmp_path, slack, http_port=port)
            async with open_app(settings) as app:
                with pytest.raises(ConfigError) as raised:
                    await serve_slack(app)
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "already in use" in message
    assert "\n" not in message


def test_sdk_retry_tracebacks_become_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """discord.py logs each failed shard connection with logger.exception; after
    one_line_logs (which serve() calls) the operator sees the reason, not the traceback."""
    one_line_logs("tests.sdk.shard")
    logger = logging.getLogger("tests.sdk.shard")
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
    except OSError:
        logger.exception("Failed to connect for shard_id: %s. Retrying...", 0)
    [record] = caplog.records
    assert record.exc_info is None
    assert record.getMessage() == ("Failed to connect for shard_id: 0. Retrying... "
                                   "([Errno 111] Connect call failed ('127.0.0.1', 9))")
    assert "Traceback" not in caplog.text
