"""`digestif run` connected to Discord or Slack (Socket Mode) stops on Ctrl-C or SIGTERM:
exit code 130 or 0, promptly, without a traceback. The bot is a real subprocess talking to
the local fakes; the signal goes to its whole process group, as a terminal or systemd
sends it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes.discord_fake import TOKEN, FakeDiscord
from tests.fakes.discord_world import MEMBERS
from tests.fakes.slack_api import FakeSlack
from tests.fakes.terminal import own_session_with_default_signals

STOP_WITHIN = 15.0
SIGNALS = [(signal.SIGINT, 130), (signal.SIGTERM, 0)]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "SLACK_", "OPENAI_", "DIGESTIF_"))}
    env.update(DIGESTIF_DB=str(tmp_path / "bot.sqlite3"), DIGESTIF_CPU_WORKERS="1", **extra)
    return env


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "digestif.cli", "run", env=env, cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE, preexec_fn=own_session_with_default_signals)


async def _stop(process: asyncio.subprocess.Process, how: signal.Signals) -> tuple[int, str]:
    os.killpg(process.pid, how)
    try:
        async with asyncio.timeout(STOP_WITHIN):
            _, stderr = await process.communicate()
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        pytest.fail(f"still running {STOP_WITHIN:g}s after {how.name}")
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@pytest.mark.parametrize(("how", "expected"), SIGNALS)
async def test_discord_run_stops_on_signal(tmp_path: Path, how: signal.Signals,
                                           expected: int) -> None:
    async with FakeDiscord(members=dict(MEMBERS)) as fake:
        process = await _start(_env(tmp_path, DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=fake.api,
                                    DISCORD_GATEWAY_URL=fake.gateway), tmp_path)
        try:
            await fake.wait_sessions()  # logged in and identified on the gateway
            code, stderr = await _stop(process, how)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert code == expected, stderr
    assert "Traceback" not in stderr, stderr


@pytest.mark.parametrize(("how", "expected"), SIGNALS)
async def test_slack_socket_mode_run_stops_on_signal(tmp_path: Path, how: signal.Signals,
                                                     expected: int) -> None:
    async with FakeSlack() as slack:
        process = await _start(_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test",
                                    SLACK_APP_TOKEN="xapp-test", SLACK_API_URL=slack.url),
                               tmp_path)
        try:
            await slack.wait_for("apps.connections.open", lambda _: True)
            code, stderr = await _stop(process, how)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert code == expected, stderr
    assert "Traceback" not in stderr, stderr
