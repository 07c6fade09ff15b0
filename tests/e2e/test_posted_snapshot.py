"""A posted week is exported as posted: `digestif digest` after `/digest post` prints the posted
picks, unchanged by later settings and by restarting (every command here is a new process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.digest_helpers import this_week_for_the_cli


@pytest.fixture
def db(tmp_path: Path) -> dict[str, str]:
    return this_week_for_the_cli(tmp_path / "posted.sqlite3",
                                 lambda i: f"Summary of story {i} " + "with many more words " * 12)


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
