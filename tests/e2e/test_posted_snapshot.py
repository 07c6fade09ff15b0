"""A posted week is exported as posted: `digestif digest` after `/digest post` prints the posted
picks, unchanged by later settings and by restarting (every command here is a new process)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.community import CommunitySettings
from bot.period import period_containing
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed


@pytest.fixture
def db(tmp_path: Path) -> Iterator[dict[str, str]]:
    path = tmp_path / "posted.sqlite3"

    async def fill() -> None:
        async with SqliteStore(path) as store:
            await store.ensure_community("local", "console", "local")
            start = period_containing(datetime.now(UTC), CommunitySettings()).start
            for i, votes in enumerate([1, 3, 2]):
                await seed(store, "local", start, f"Story number {i}", votes=votes,
                           summary=f"Summary of story {i} " + "with many more words " * 12)

    asyncio.run(fill())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DIGESTIF_"))}
    yield {**env, "DIGESTIF_DB": str(path), "DIGESTIF_LOG_LEVEL": "WARNING"}


def _run(env: dict[str, str], *args: str, script: str | None = None) -> str:
    run = subprocess.run([sys.executable, "-m", "digestif.cli", *args], env=env, input=script,
                         capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_posted_week_exports_as_posted_after_settings_change(db: dict[str, str]) -> None:
    before = {fmt: _run(db, "digest", "--format", fmt) for fmt in ("markdown", "html", "json")}
    assert "Story number 1" in before["markdown"]
    console = _run(db, "console", "--as", "ada", "--mod", script="/digest post\n")
    assert "Story number 1" in console
    posted = {fmt: _run(db, "digest", "--format", fmt) for fmt in ("markdown", "html", "json")}
    assert "No picks" not in posted["markdown"]
    for fmt in ("markdown", "html", "json"):
        assert posted[fmt] == before[fmt], fmt
    picks = json.loads(posted["json"])["picks"]
    assert [p["title"] for p in picks] == ["Story number 1", "Story number 2", "Story number 0"]
    for field in ("number", "url", "title", "author", "site", "summary", "summary_source",
                  "score", "voters", "submitters", "flags"):
        assert field in picks[0], field

    changed = _run(db, "console", "--as", "ada", "--mod",
                   script="/config name Renamed Club\n/config summary_words 20\n/config picks 1\n")
    assert "name = Renamed Club" in changed and "picks = 1" in changed
    for fmt in ("markdown", "html", "json"):
        assert _run(db, "digest", "--format", fmt) == posted[fmt], fmt
    shown = _run(db, "console", "--as", "ada", script="/digest\n")
    assert "Story number 2" in shown and "Renamed Club" not in shown
    feed = _run(db, "digest", "--format", "rss")
    assert "Story number 1" in feed and "Story number 0" in feed
