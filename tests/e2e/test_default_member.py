"""Who shares from the terminal: the operating system's user, not "you"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _parser, default_member

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


def test_submit_credits_the_login_name(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_")) and k not in LOGIN_VARIABLES}
    env |= {"LOGNAME": "alice", "DIGESTIF_DB": str(tmp_path / "m.sqlite3"),
            "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "DIGESTIF_LOG_LEVEL": "ERROR"}
    cli = [sys.executable, "-m", "bot.cli"]
    # Nothing listens on port 9: the link fails fast, and is still credited to its sharer.
    subprocess.run([*cli, "submit", "http://127.0.0.1:9/post"], env=env, cwd=tmp_path,
                   capture_output=True, text=True, timeout=60)
    queue = subprocess.run([*cli, "queue"], env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=True)
    assert "shared by alice" in queue.stdout and "you" not in queue.stdout
