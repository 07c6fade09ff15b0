"""`digestif run --role ...`: a worker process reads what another process queued, and roles
that cannot run here say why in one line."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.models import Member, Submission, SubmissionState
from storage.sqlite import SqliteStore
from tests.e2e.pages import article
from tests.fakes.web import PageServer


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "SLACK_", "OPENAI_", "DIGESTIF_"))}
    env.update(DIGESTIF_DB=str(tmp_path / "bot.sqlite3"), DIGESTIF_CPU_WORKERS="0",
               DIGESTIF_FETCH_ALLOW_NETWORKS="127.0.0.0/8", **extra)
    return env


async def _digestif(tmp_path: Path, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "digestif.cli", *args, env=_env(tmp_path, **env),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)


async def test_a_worker_process_reads_links_queued_elsewhere(tmp_path: Path) -> None:
    async with PageServer() as pages:
        pages.add("/moe", html=article("moe"))
        worker = await _digestif(tmp_path, "run", "--role", "worker", DIGESTIF_LOG_LEVEL="INFO")
        try:
            assert worker.stderr is not None
            async with asyncio.timeout(60):
                while b"role worker" not in await worker.stderr.readline():
                    pass
            async with SqliteStore(tmp_path / "bot.sqlite3") as store:  # a gateway queues it
                await store.ensure_community("local", "console", "local")
                url = pages.url("/moe")
                added, _ = await store.add_submission("local", url, url, Member("a", "A"),
                                                      datetime.now(UTC))
                found = await _finished(store, added.id)
            assert (found.state, found.attempts) == (SubmissionState.READY, 1) and found.title
        finally:
            worker.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                code = await worker.wait()
        assert code == 0


async def _finished(store: SqliteStore, submission_id: int) -> Submission:
    """The submission once another process has read it (the store is all there is to
    watch; bounded)."""
    async with asyncio.timeout(60):
        while True:
            [found] = await store.submissions_by_ids([submission_id])
            if found.state in (SubmissionState.READY, SubmissionState.FAILED):
                return found
            await asyncio.sleep(0.05)


async def test_a_gateway_without_a_chat_token_says_why(tmp_path: Path) -> None:
    process = await _digestif(tmp_path, "run", "--role", "gateway")
    _, err = await process.communicate()
    assert process.returncode == 2 and b"DISCORD_TOKEN" in err and err.count(b"\n") == 1, err


async def test_a_web_process_serves_the_archive_alone(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    web = await _digestif(tmp_path, "run", "--role", "web", DIGESTIF_LOG_LEVEL="INFO",
                          DIGESTIF_HTTP_PORT=str(port))
    try:
        assert web.stderr is not None
        async with asyncio.timeout(60):
            while b"listening" not in (line := await web.stderr.readline()):
                assert line, "the web process ended"
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{port}/healthz") as health:
            assert health.status == 200
    finally:
        web.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            code = await web.wait()
    assert code == 0
