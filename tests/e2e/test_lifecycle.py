"""Stopping the bot: Ctrl-C and SIGTERM end `digestif console` and `digestif run` promptly,
with the usual exit codes and no traceback, worker processes included.

The bot runs as a real subprocess in its own session; Ctrl-C is sent to the whole process
group, as a terminal does, so the CPU pool's worker processes receive it too.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pages import article
from tests.fakes.terminal import own_session_with_default_signals
from tests.fakes.threaded_site import threaded_site

STOP_WITHIN = 15.0  # seconds; generous for a loaded machine, far below "hangs until Enter"


@pytest.fixture
def page_url() -> Iterator[str]:
    body = article("moe").encode()

    with threaded_site({"/posts/moe": body}) as base:
        yield f"{base}/posts/moe"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "SLACK_", "OPENAI_", "DIGESTIF_"))}
    env.update(DIGESTIF_DB=str(tmp_path / "bot.sqlite3"), DIGESTIF_CPU_WORKERS="2",
               DIGESTIF_FETCH_ALLOW_NETWORKS="127.0.0.0/8", **extra)
    return env


def _read_until(fd: int, marker: bytes, timeout: float = 60.0) -> bytes:
    """Output from ``fd`` up to ``marker`` (bounded wait: fails rather than hangs)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in time; got {seen[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the pty's other side closed
                chunk = b""
            assert chunk, f"output ended before {marker!r}: {seen[-2000:]!r}"
            seen += chunk
    return seen


def _stop(process: subprocess.Popen[bytes], how: signal.Signals) -> tuple[int, float]:
    """Send ``how`` to the whole process group, as a terminal does for Ctrl-C and systemd
    does for SIGTERM; the exit code and how long the process took to exit."""
    started = time.monotonic()
    os.killpg(process.pid, how)
    try:
        code = process.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"still running {STOP_WITHIN:g}s after {how.name}")
    return code, time.monotonic() - started


def _digestif(*args: str) -> list[str]:
    return [sys.executable, "-m", "digestif.cli", *args]


@pytest.mark.parametrize(("how", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_console_in_a_terminal_stops_on_signal(tmp_path: Path, page_url: str,
                                               how: signal.Signals, expected: int) -> None:
    """At the prompt, waiting for a line (the case that used to need Enter), after a link
    was read, so the worker processes are running and get Ctrl-C too."""
    master, slave = pty.openpty()
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        process = subprocess.Popen(_digestif("console"), stdin=slave, stdout=slave, stderr=err,
                                   env=_env(tmp_path), cwd=tmp_path,
                                   preexec_fn=own_session_with_default_signals)
    os.close(slave)
    try:
        _read_until(master, b"> ")
        os.write(master, page_url.encode() + b"\n")
        _read_until(master, b"#1 ready")  # fetched, parsed and summarized by the workers
        code, took = _stop(process, how)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
    log = errors.read_text()
    assert code == expected, log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    assert took < STOP_WITHIN


def test_piped_console_stops_on_sigterm_while_reading(tmp_path: Path) -> None:
    process = subprocess.Popen(_digestif("console"), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_env(tmp_path), cwd=tmp_path,
                               preexec_fn=own_session_with_default_signals)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"/queue\n")
    process.stdin.flush()
    _read_until(process.stdout.fileno(), b"The queue is empty")
    code, _ = _stop(process, signal.SIGTERM)
    stderr = process.communicate()[1].decode()
    process.stdin.close()
    assert code == 0, stderr
    assert "Traceback" not in stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("how", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_slack_http_run_stops_on_signal(tmp_path: Path, how: signal.Signals,
                                        expected: int) -> None:
    port = _free_port()
    env = _env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="secret",
               SLACK_API_URL=f"http://127.0.0.1:{_free_port()}/api/",
               DIGESTIF_HTTP_PORT=str(port))
    process = subprocess.Popen(_digestif("run"), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               cwd=tmp_path, preexec_fn=own_session_with_default_signals)
    assert process.stderr is not None
    try:
        early = _read_until(process.stderr.fileno(), f":{port}/slack/events".encode())
        code, _ = _stop(process, how)
        stderr = (early + process.communicate()[1]).decode()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert code == expected, stderr
    assert "Traceback" not in stderr
