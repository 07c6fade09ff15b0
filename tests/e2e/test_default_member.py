"""Who shares from the terminal: the operating system's user, not "you"."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from digestif.cli import _parser, default_member
from tests.fakes.web import PageServer

LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def test_console_and_submit_default_to_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "alice")
    assert default_member() == "alice"
    assert _parser().parse_args(["console"]).member == "alice"
    assert _parser().parse_args(["submit", "https://example.test/"]).member == "alice"
    assert _parser().parse_args(["console", "--as", "bob"]).member == "bob", "--as still wins"


def test_a_blank_login_name_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "   ")
    assert default_member() == "console"


async def test_submit_credits_the_login_name(tmp_path: Path, pages: PageServer) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_")) and k not in LOGIN_VARIABLES}
    env |= {"LOGNAME": "alice", "DIGESTIF_DB": str(tmp_path / "m.sqlite3"),
            "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "DIGESTIF_LOG_LEVEL": "ERROR"}

    async def digestif(*args: str) -> str:
        # Not subprocess.run: the page server shares this event loop.
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "digestif.cli", *args, env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(process.communicate(), 60)
        return out.decode()

    await digestif("submit", pages.url("/posts/moe"))
    queue = await digestif("queue")
    assert "shared by alice" in queue and "you" not in queue
