from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.sqlite import SqliteStore
from storage.store import SqlStore
from tests.fakes.pipeline import FakeClock
from tests.stores import KINDS, SKIPPED, fresh_store, server_url

# Environment variables that configure digestif (bot/config.py) or its LLM client.
SETTINGS_PREFIXES = ("DIGESTIF_", "OPENAI_", "DISCORD_", "SLACK_", "SMTP_")


def isolate_settings(monkeypatch: pytest.MonkeyPatch, cwd: Path) -> None:
    """Make Settings() see only what a test sets: no developer's .env (it is read from the
    current directory, so run from an empty one; subprocesses inherit it) and none of the
    developer's own DIGESTIF_*/OPENAI_*/... variables."""
    monkeypatch.chdir(cwd)
    for name in list(os.environ):
        if name.startswith(SETTINGS_PREFIXES):
            monkeypatch.delenv(name)


def pytest_report_header() -> str:
    """One line: the PostgreSQL server the tests use, or why its tests are skipped."""
    from storage.pg_errors import display_url

    url = server_url()
    return f"postgresql: {display_url(url)}" if url else SKIPPED


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch,
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    isolate_settings(monkeypatch, tmp_path_factory.mktemp("cwd"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    async with SqliteStore(tmp_path / "test.sqlite3") as store:
        yield store


@pytest.fixture(params=KINDS)
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """A fresh store on each engine: SQLite, then PostgreSQL (skipped without a server)."""
    async with fresh_store(request.param, tmp_path) as store:
        yield store
