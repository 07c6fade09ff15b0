"""`digestif digest` exports from the CLI, and the HTML checked in a real headless browser."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from storage.sqlite import SqliteStore
from tests.digest_helpers import this_week_for_the_cli

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture
def db(tmp_path: Path) -> dict[str, str]:
    return this_week_for_the_cli(tmp_path / "export.sqlite3",
                                 lambda i: f"Summary of story {i}.")


def _digestif(env: dict[str, str], *args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "digestif.cli", "digest", *args], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_exports(db: dict[str, str], tmp_path: Path) -> None:
    picks = json.loads(_digestif(db, "--format", "json"))["picks"]
    assert [p["title"] for p in picks] == ["Story number 1", "Story number 2", "Story number 0"]
    assert [p["chat_url"] for p in picks] == [None] * 3, "the export has the field; no chat here"
    markdown = _digestif(db)
    assert markdown.index("Story number 1") < markdown.index("Story number 2")
    out = tmp_path / "digest.html"
    assert _digestif(db, "--format", "html", "--out", str(out)) == ""
    assert "<!doctype html>" in out.read_text()
    assert json.loads(_digestif(db, "--format", "json", "--period", "last"))["picks"] == []
    feed = etree.fromstring(_digestif(db, "--format", "rss").encode())
    assert feed.tag == "rss" and feed.findall(".//item") == []  # nothing published yet


def test_a_bad_period_is_a_usage_error(db: dict[str, str]) -> None:
    run = subprocess.run([sys.executable, "-m", "digestif.cli", "digest", "--period", "soon"],
                         env=db, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "period" in run.stderr.lower()


def test_html_renders_in_a_headless_browser(db: dict[str, str], tmp_path: Path) -> None:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    page = tmp_path / "digest.html"
    _digestif(db, "--format", "html", "--out", str(page))
    shot = tmp_path / "phone.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([browser, *flags, "--window-size=390,1200", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert "Story number 1" in dom and "<script" not in dom


def test_feed_has_one_entry_per_published_digest(db: dict[str, str], tmp_path: Path) -> None:
    digest_json = json.loads(_digestif(db, "--format", "json"))

    async def publish() -> None:
        async with SqliteStore(db["DIGESTIF_DB"]) as store:
            for week in ("2026-W40", "2026-W41"):
                posted = datetime(2026, 10, 12, 9, tzinfo=UTC)
                await store.begin_digest("local", week, posted)
                await store.finish_digest("local", week, json.dumps(digest_json), posted, [])

    asyncio.run(publish())
    rss = etree.fromstring(_digestif(db, "--format", "rss").encode())
    assert len(rss.findall(".//item")) == 2
    atom = etree.fromstring(_digestif(db, "--format", "atom").encode())
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    week = json.loads(_digestif(db, "--format", "json", "--period",
                                digest_json["period"]["key"]))
    assert week["period"] == digest_json["period"]
