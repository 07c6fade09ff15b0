"""The console adapter end to end: scripted input, the real core, a local page server."""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from adapters.console.adapter import ConsoleAdapter, Handler
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.replies import READ_FAILED, READ_OK
from digestif.bootstrap import open_app
from tests.e2e.pages import article
from tests.fakes.pipeline import FakeClock
from tests.fakes.web import PageServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages_sync() -> Iterator[dict[str, str]]:
    """The same pages from a thread, for tests that drive the bot as a subprocess."""
    bodies = {f"/posts/{key}": article(key).encode() for key in ("quantization", "moe", "evals")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield {path.rsplit("/", 1)[1]: base + path for path in bodies}
    finally:
        server.shutdown()
        thread.join()


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(**{
        "db_path": tmp_path / "console.sqlite3",
        "fetch_allow_networks": (ipaddress.ip_network("127.0.0.0/8"),),
        "openai_api_key": None,
        "openai_base_url": None,
    } | extra)


async def chat(tmp_path: Path, script: list[str], clock: Clock = system_clock,
               extra: dict[str, Handler] | None = None, **settings: Any) -> list[str]:
    """The console's transcript of ``script``, each line once the previous one's work is
    done; ``settings``: process settings besides the test's own."""
    out = io.StringIO()
    async with open_app(_settings(tmp_path, **settings), clock=clock) as app:
        adapter = ConsoleAdapter(app, "local", "ada", out=out)
        adapter.commands.update(extra or {})

        async def lines() -> AsyncIterator[str]:
            for line in script:
                yield line
                await app.curator.wait_idle()  # keep the transcript in script order

        await adapter.run(lines())
    return out.getvalue().splitlines()


async def test_submit_vote_and_digest(tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        f"two good ones: {pages.url('/posts/quantization')} and {pages.url('/posts/moe')}",
        "/as grace",
        f"{pages.url('/posts/evals')}",
        f"{pages.url('/posts/quantization')}?utm_source=feed",
        "+1 2", "+1 2", "+1 1", "+1 3",
        "/as linus", "+1 1", "/unvote 1", "+1 1", "-1 2",
        "/queue",
        "/digest",
    ])
    text = "\n".join(transcript)
    assert [line.split(": ")[-1] for line in transcript if "Queued" in line] == [
        "Queued as #1.", "Queued as #2.", "Queued as #3."]
    assert "Already queued as #1." in text
    assert "#1 ready: Quantization, explained" in text
    assert "You already voted on #2." in text
    assert "Not counted: votes on your own submission don't count here." in text
    assert "Vote withdrawn on #1." in text
    assert "Not counted: down-votes are off here." in text
    queue = [line for line in transcript if line.startswith("#") and "shared by" in line]
    assert [line.split()[:2] for line in queue] == [["#1", "+1"], ["#2", "+1"], ["#3", "+0"]]
    assert "shared by ada, grace" in queue[0]
    digest = text[text.index("# Local digest"):]
    assert digest.index("Quantization, explained") < digest.index("mixture-of-experts")


async def test_bad_input_gets_a_short_reply_and_changes_nothing(
    tmp_path: Path, pages: PageServer
) -> None:
    transcript = await chat(tmp_path, [
        pages.url("/posts/quantization"),
        "hello there",
        "/frobnicate",
        "+1 99",
        "+1 x",
        pages.url("/data.json"),
        pages.url("/empty"),
        "http://10.0.0.1/internal",
        "/digest post",
        "/queue",
    ])
    text = "\n".join(transcript)
    assert "Unknown command or no link in 'hello'. Type /help." in text
    assert "Unknown command or no link in '/frobnicate'. Type /help." in text
    assert "There is no submission #99 here." in text
    assert "Usage: +1 N" in text
    assert "#2 failed:" in text and "#4 failed:" in text
    assert "Only moderators can post the digest." in text
    assert any(line.startswith("#1 ") and "Quantization" in line for line in transcript)


def test_piped_console_then_json_digest(tmp_path: Path, pages_sync: dict[str, str]) -> None:
    env = {**os.environ, "DIGESTIF_DB": str(tmp_path / "piped.sqlite3"),
           "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "DIGESTIF_LOG_LEVEL": "WARNING"}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    script = "\n".join([
        pages_sync["quantization"], pages_sync["moe"], pages_sync["evals"],
        "/as grace", "+1 3", "+1 2",
        "/as linus", "+1 3",
        "/as ada", "+1 3",
    ]) + "\n"
    digestif = [sys.executable, "-m", "digestif.cli"]
    run = subprocess.run([*digestif, "console", "--as", "bob"], input=script, text=True,
                         capture_output=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("ready:") == 3
    out = subprocess.run([*digestif, "digest", "--format", "json"], text=True,
                         capture_output=True, env=env, cwd=tmp_path, timeout=60, check=True)
    picks = json.loads(out.stdout)["picks"]
    assert [(p["number"], p["score"]) for p in picks] == [(3, 3), (2, 1)]
    first = picks[0]
    assert first["title"] == "Evals are the new unit tests"
    assert first["submitters"] == ["bob"] and first["site"] == "Tensor Times"
    assert first["summary"] and first["url"].endswith("/posts/evals")


def test_run_without_tokens_is_the_console(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_", "DISCORD_", "SLACK_"))}
    env["DIGESTIF_DB"] = str(tmp_path / "run.sqlite3")
    run = subprocess.run([sys.executable, "-m", "digestif.cli", "run"], input="/help\n/queue\n",
                         text=True, capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "/digest post" in run.stdout and "The queue is empty." in run.stdout
    env["SLACK_BOT_TOKEN"] = "xoxb-not-real"  # neither a signing secret nor an app token
    refused = subprocess.run([sys.executable, "-m", "digestif.cli", "run"], input="", text=True,
                             capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert refused.returncode == 1 and "SLACK_SIGNING_SECRET" in refused.stderr
    assert f"database: {tmp_path / 'run.sqlite3'}" in refused.stderr  # which file, at INFO


async def test_config_refuses_bad_values_and_reads_back_as_people_write(
        tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        "/as mo --mod",
        "/config up_emoji ,", "/config down_emoji , ,", "/config summary_words -5",
        "/config summary_words 0", "/config up_emoji 👍, ⭐", "/config downvotes on",
        f"{pages.url('/posts/moe')}",
        "/as grace", "+1 1", "-1 1", "/config summary_words 80",
        "/as mo --mod", "/config downvotes off", "/as linus", "-1 1",
        "/config", "/config up_emoji",
    ])
    text = "\n".join(transcript)
    assert text.count("up_emoji not changed: Give at least one emoji") == 1
    assert "down_emoji not changed: Give at least one emoji" in text
    assert text.count("summary_words not changed: Use a number between 10 and 200.") == 2
    assert "Only moderators can change settings." in text
    assert "Vote recorded on #1." in text and "Not counted: down-votes are off here." in text
    listed = [line for line in transcript if " = " in line]
    assert "up_emoji = 👍, ⭐" in listed and "downvotes = off" in listed
    assert "summary_words = 55" in listed and "self_votes = off" in listed
    assert transcript[-1] == "up_emoji = 👍, ⭐"
    assert not any(("(" in line and "'" in line) or "True" in line for line in listed)


HUGE = "9" * 21  # beyond SQLite's INTEGER


async def test_no_argument_ends_the_console(tmp_path: Path, pages: PageServer) -> None:
    script = [pages.url("/posts/quantization")]
    script += [f"+1 {HUGE}", f"-1 {HUGE}", f"/unvote {HUGE}", f"+1 #{HUGE}", "+1 ²", "+1 ٣",
               "+1 0", "+1 -1", f"+1 {'9' * 5000}", "/as boss --mod", f"/pick {HUGE}",
               f"/reject {HUGE} spam", "/digest 0001-W01", "/digest 9999-W52",
               "/digest 2026-W54", "/digest post 1999-W01", "/digest post 10000-W01"]
    script += [pages.url("/posts/moe"), "/as grace", "+1 #1", "/queue"]
    transcript = await chat(tmp_path, script)
    text = "\n".join(transcript)
    assert text.count("Usage: +1 N") == 7 and "Usage: -1 N" in text
    assert "Usage: /unvote N" in text and "Usage: /pick N" in text and "Usage: /reject N" in text
    assert text.count("Usage: /digest [post] [this|last|PERIOD]") == 5
    assert "Vote recorded on #1." in text  # a '#' before the number is fine
    assert "went wrong" not in text  # every one of them was a usage, not a crash
    queue = [line for line in transcript if "shared by" in line]
    assert [line.split()[:2] for line in queue] == [["#1", "+1"], ["#2", "+0"]]


async def test_an_unexpected_error_is_one_line_and_the_console_goes_on(
    tmp_path: Path, pages: PageServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(args: list[str]) -> None:
        raise RuntimeError("the disk caught fire")

    transcript = await chat(tmp_path, ["/broken", pages.url("/posts/evals"), "/queue"],
                             extra={"/broken": broken})
    assert transcript[0] == "Sorry, something went wrong with that command. " \
                            "Nothing else was affected."
    assert "fire" not in "\n".join(transcript)  # internals stay in the operator's log
    assert [r.levelname for r in caplog.records if "fire" in str(r.exc_info)] == ["ERROR"]
    assert any(line.startswith("#1 ") and "Evals" in line for line in transcript)


async def test_cancellation_is_not_swallowed(tmp_path: Path) -> None:
    async def cancelled(args: list[str]) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await chat(tmp_path, ["/stop", "/queue"], extra={"/stop": cancelled})


async def test_replies_fit_the_command(tmp_path: Path, pages: PageServer) -> None:
    link = pages.url("/posts/quantization")
    transcript = await chat(tmp_path, [
        "/as " + "x" * 81, "/as two names", "/as bell\x07", "/as",
        "/unlock", "/lock",
        link, "/as mod --mod", "/reject 1 off topic", "/as ada", link,
        "/as mod --mod", "/drop 2",
    ])
    text = "\n".join(transcript)
    assert transcript[:4] == ["Usage: /as NAME [--mod] (a name is at most 80 printable "
                              "characters)"] * 4
    assert "Only moderators can unlock voting." in text
    assert "Only moderators can lock voting." in text
    assert "Not queued: that link was rejected by a moderator as #1: off topic." in text
    assert "(for ada) #1 won't be in the digest. Reason: off topic" in transcript
    assert "Already queued" not in text


async def test_failed_links_are_listed_apart_for_a_week(tmp_path: Path,
                                                        pages: PageServer) -> None:
    clock = FakeClock(datetime.now(UTC))
    script = [pages.url("/posts/moe"), pages.url("/data.json"), "/queue"]
    first = await chat(tmp_path, script, clock=clock)
    unreadable = first.index("Could not read (share the link again to retry):")
    queue_lines = [line for line in first[:unreadable] if "shared by" in line]
    assert [line.split()[0] for line in queue_lines] == ["#1"]
    assert first[unreadable + 1].startswith("#2") and "/data.json" in first[unreadable + 1]
    clock.advance(days=8)
    later = await chat(tmp_path, ["/queue"], clock=clock)
    assert not any("Could not read" in line or "/data.json" in line for line in later)
    assert any(line.startswith("#1 ") for line in later)


async def test_card_react_prints_only_the_reaction_and_the_number(
        tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        "/as mo --mod", "/config card react", "/as ada",
        pages.url("/posts/quantization"),
        pages.url("/data.json"),
        "/as mo --mod", "/config card thread", "/as ada",  # no threads in a terminal: a card
        pages.url("/posts/moe"),
    ])
    assert "card = react" in "\n".join(transcript)
    assert f"{READ_OK} #1" in transcript and f"{READ_FAILED} #2" in transcript
    assert not any(line.startswith("#1 ready") or "#2 failed" in line for line in transcript)
    assert any(line.startswith("#3 ready") for line in transcript)


async def test_help_lock_and_posting_speak_of_the_communitys_period(
        tmp_path: Path, pages: PageServer) -> None:
    transcript = await chat(tmp_path, [
        "/help",
        "/as mo --mod", f"{pages.url('/posts/moe')}", "/lock", "/as grace", "+1 1",
        "/as mo --mod", "/unlock", "/digest post", "/digest post",
        "/config cadence monthly", "/help", "/lock", "/as grace", "+1 1",
        "/as mo --mod", "/unlock", "/digest post", "/digest post", "/digest post last",
        "/digest post last",
    ])
    text = "\n".join(transcript)
    weekly, monthly = text.split("cadence = monthly")
    assert "lock or unlock voting for this week" in weekly
    assert "Not counted: voting is locked for this week." in weekly
    assert "This week's digest was already posted." in weekly
    assert "week" not in monthly.replace("weekly", "")
    assert "lock or unlock voting for this month" in monthly
    assert "set this month's intro paragraph" in monthly
    assert "Not counted: voting is locked for this month." in monthly
    assert "This month's digest was already posted." in monthly
    assert "That month's digest was already posted." in monthly
