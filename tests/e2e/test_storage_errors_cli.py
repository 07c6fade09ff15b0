"""Storage and file errors from the real `digestif` command: one line on stderr, exit code 3,
no traceback; a lock held by another process is waited out, up to DIGESTIF_DB_LOCK_TIMEOUT."""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from storage.sqlite import SqliteStore
from tests.e2e.pages import article
from tests.fakes.threaded_site import threaded_site

STORAGE_EXIT = 3
LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_", "DISCORD_", "SLACK_"))}
    return {**env, "DIGESTIF_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1", **settings}


def _digestif(env: dict[str, str], cwd: Path, *args: str,
              stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digestif.cli", *args], env=env, cwd=cwd,
                          input=stdin, capture_output=True, text=True, timeout=120)


def _error_line(run: subprocess.CompletedProcess[str]) -> str:
    """The one line a storage or file error prints, after checking it is the only output."""
    assert run.returncode == STORAGE_EXIT, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("digestif: error: ")
    return lines[0].removeprefix("digestif: error: ")


@pytest.mark.parametrize(("where", "command"), [
    ("parent is a file", ["queue"]),
    ("data dir is a file", ["submit", "https://example.com/a"]),
    ("a folder", ["digest"]),
    ("/proc", ["console"]),
])
def test_unusable_database_locations(tmp_path: Path, where: str, command: list[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("a file, not a folder")
    env, expected = {
        "parent is a file": (
            {"DIGESTIF_DB": str(blocker / "d.sqlite3")},
            f"cannot open database {blocker / 'd.sqlite3'}: {blocker} is a file, not a folder"),
        "data dir is a file": (
            {"DIGESTIF_DATA_DIR": str(blocker)},
            f"cannot open database {blocker / 'digestif.sqlite3'}: {blocker} is a file, "
            "not a folder"),
        "a folder": ({"DIGESTIF_DB": str(tmp_path)},
                     f"cannot open database {tmp_path}: it is a folder"),
        "/proc": ({"DIGESTIF_DB": "/proc/digestif-test.sqlite3"},
                  "cannot open database /proc/digestif-test.sqlite3: "),
    }[where]
    if where == "/proc" and not Path("/proc/self").is_dir():
        pytest.skip("needs a Linux /proc")
    line = _error_line(_digestif(_env(**env), tmp_path, *command))
    assert line.startswith(expected) if where == "/proc" else line == expected


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Makes ``path`` unwritable even for root (the immutable attribute), or by mode for others."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)],
                                        capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (chattr +i)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    """An existing database, made by the real store (in this process: a command is slower)."""
    path = tmp_path / "d.sqlite3"

    async def create() -> None:
        async with SqliteStore(path) as store:
            await store.ensure_community("local", "console", "local")

    asyncio.run(create())
    return _env(DIGESTIF_DB=str(path))


def test_a_read_only_database_file(tmp_path: Path, db_env: dict[str, str]) -> None:
    db = Path(db_env["DIGESTIF_DB"])
    with _read_only(db):
        assert _error_line(_digestif(db_env, tmp_path, "submit", "https://example.com/a")) == (
            f"database {db} is read-only")
        # Reading needs no write: nothing is reset when a command starts.
        assert _digestif(db_env, tmp_path, "queue").returncode == 0


def test_digest_out_to_a_missing_folder(tmp_path: Path, db_env: dict[str, str]) -> None:
    out = tmp_path / "missing" / "x.md"
    run = _digestif(db_env, tmp_path, "digest", "--out", str(out))
    assert _error_line(run) == f"cannot write {out}: folder {tmp_path / 'missing'} does not exist"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.sqlite3"]


def test_digest_out_replaces_the_file_whole(tmp_path: Path, db_env: dict[str, str]) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    out = folder / "digest.md"
    out.write_text("last week's digest\n")
    out.chmod(0o640)
    with _read_only(folder):
        run = _digestif(db_env, tmp_path, "digest", "--out", str(out))
        assert _error_line(run).startswith(f"cannot write {out}: cannot create a file in {folder}")
    assert out.read_text() == "last week's digest\n"  # a failed write leaves the old file
    assert [p.name for p in folder.iterdir()] == ["digest.md"]
    assert _digestif(db_env, tmp_path, "digest", "--out", str(out)).returncode == 0
    assert out.read_text().startswith("# Local digest")
    assert out.stat().st_mode & 0o777 == 0o640  # replacing keeps the file's permissions
    assert [p.name for p in folder.iterdir()] == ["digest.md"]  # no temporary file left


class _Lines:
    """Lines of a child's pipe, read by a thread, so a test can wait for one with a deadline."""

    def __init__(self, pipe: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe: IO[str]) -> None:
        for line in pipe:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        while True:
            line = self._lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"{text!r} never came; got {''.join(self.seen)}")
            self.seen.append(line)
            if text in line:
                return line

    def rest(self) -> str:
        lines = []
        while (line := self._lines.get(timeout=60)) is not None:
            lines.append(line)
        return "".join(lines)


@contextmanager
def _locked(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database's write lock until a line is written to it."""
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert locker.stdout is not None and locker.stdin is not None
    try:
        assert locker.stdout.readline() == "locked\n"
        yield locker
    finally:
        if locker.poll() is None:
            locker.stdin.write("\n")
            locker.stdin.close()
        locker.wait(timeout=60)


def _release(locker: subprocess.Popen[str]) -> None:
    assert locker.stdin is not None
    locker.stdin.write("\n")
    locker.stdin.close()
    assert locker.wait(timeout=60) == 0


def test_a_lock_held_past_the_wait_stops_the_command(tmp_path: Path,
                                                     db_env: dict[str, str]) -> None:
    db = Path(db_env["DIGESTIF_DB"])
    env = {**db_env, "DIGESTIF_DB_LOCK_TIMEOUT": "0.5"}
    with _locked(db):
        for command in (["submit", "https://example.com/a"], ["console"]):
            assert _error_line(_digestif(env, tmp_path, *command)) == (
                f"database is locked by another process (waited 0.5 s): {db}")


def test_a_command_waits_out_a_lock_longer_than_the_busy_timeout(
        tmp_path: Path, db_env: dict[str, str]) -> None:
    db = Path(db_env["DIGESTIF_DB"])
    # An 8 s wait: SQLite's busy timeout inside each try is a quarter of it.
    env = {**db_env, "DIGESTIF_DB_LOCK_TIMEOUT": "8", "DIGESTIF_LOG_LEVEL": "DEBUG",
           "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "DIGESTIF_CPU_WORKERS": "0"}
    with threaded_site({"/moe": article("moe").encode()}) as site, _locked(db) as locker:
        command = subprocess.Popen(  # a command that writes: reads do not wait in WAL mode
            [sys.executable, "-m", "digestif.cli", "submit", f"{site}/moe"], env=env,
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert command.stdout is not None and command.stderr is not None
        log = _Lines(command.stderr)
        log.wait_for("locked by another process; retrying")  # past one busy timeout
        assert command.poll() is None
        _release(locker)
        out = command.stdout.read()
        assert command.wait(timeout=60) == 0, log.rest()
    assert out.startswith("#1    ready ")


def test_the_console_answers_a_storage_error_and_goes_on(tmp_path: Path,
                                                         db_env: dict[str, str]) -> None:
    db = Path(db_env["DIGESTIF_DB"])
    env = {**db_env, "DIGESTIF_DB_LOCK_TIMEOUT": "0.5"}
    console = subprocess.Popen([sys.executable, "-m", "digestif.cli", "console"], env=env,
                               cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert console.stdin is not None and console.stdout is not None
    assert console.stderr is not None
    replies = _Lines(console.stdout)
    errors = _Lines(console.stderr)
    try:
        console.stdin.write("/queue\n")
        console.stdin.flush()
        replies.wait_for("The queue is empty.")
        with _locked(db) as locker:
            console.stdin.write("https://example.com/a\n")
            console.stdin.flush()
            replies.wait_for("The database is unavailable right now")
            _release(locker)
        console.stdin.write("/queue\n")
        console.stdin.close()
        replies.wait_for("The queue is empty.")
        assert console.wait(timeout=60) == 0
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
    log = errors.rest()
    assert "database is locked by another process (waited 0.5 s)" in log
    assert "Traceback" not in log
