"""The `digestif` command line as an operator uses it: a subprocess, settings from the
environment, pages from a local server."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.web import PageServer


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    out: str
    err: str


class Digestif:
    def __init__(self, tmp_path: Path) -> None:
        self.env = {**os.environ, "DIGESTIF_DB": str(tmp_path / "cli.sqlite3"),
                    "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.0/8"}
        self.cwd = tmp_path

    async def __call__(self, *args: str, stdin: str = "", **env: str) -> Run:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "digestif.cli", *args, cwd=self.cwd, env={**self.env, **env},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 120)
        assert process.returncode is not None
        return Run(process.returncode, out.decode(), err.decode())


@pytest.fixture
def digestif(tmp_path: Path) -> Digestif:
    return Digestif(tmp_path)


async def test_submit_reports_each_link_and_exits_1_when_one_fails(
    digestif: Digestif, pages: PageServer
) -> None:
    good, data = pages.url("/posts/quantization"), pages.url("/data.json")
    run = await digestif("submit", good, "not a link", data, "http://10.0.0.1/admin")
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:2] == ["#1", "ready"] and "Quantization, explained" in lines[0]
    assert lines[1].startswith("-     refused  not a link: ")
    assert lines[2].split()[:2] == ["#2", "failed"] and data in lines[2]
    assert lines[3].split()[:2] == ["#3", "failed"]
    assert "DIGESTIF_FETCH_ALLOW_NETWORKS" in lines[3]  # the operator learns the way out
    assert "Traceback" not in run.err and " INFO " not in run.err

    again = await digestif("submit", good, pages.url("/posts/moe"))
    assert again.code == 0, again.err
    assert "(already queued)" in again.out.splitlines()[0]
    assert again.out.splitlines()[1].split()[:2] == ["#4", "ready"]


async def test_a_rejected_link_is_not_reported_as_queued(
    digestif: Digestif, pages: PageServer
) -> None:
    link = pages.url("/posts/evals")
    assert (await digestif("submit", link)).code == 0
    moderated = await digestif("console", "--as", "boss", "--mod", stdin="/reject 1 off topic\n")
    assert "#1 rejected. Reason: off topic" in moderated.out
    again = await digestif("submit", link)
    assert again.code == 1
    assert again.out.startswith("#1    rejected") and "off topic" in again.out
    console = await digestif("console", stdin=f"{link}\n")
    assert "that link was rejected by a moderator as #1: off topic" in console.out


async def test_read_commands_refuse_an_unknown_community(digestif: Digestif) -> None:
    assert (await digestif("submit", "--community", "team", "not-a-link")).code == 1
    known = await digestif("queue", "--community", "team")
    assert known.code == 0 and known.out.strip() == "The queue is empty."
    for args in (["queue"], ["digest"], ["digest", "--format", "rss"]):
        typo = await digestif(*args, "--community", "taem")
        assert typo.code == 2 and typo.out == ""
        assert typo.err.startswith("digestif: There is no community 'taem' yet: check the "
                                   "name (--community or DIGESTIF_COMMUNITY)")


async def test_version_and_help_document_exit_codes(digestif: Digestif) -> None:
    from importlib.metadata import version

    run = await digestif("--version")
    assert (run.code, run.out.strip()) == (0, f"digestif {version('digestif')}")
    helped = await digestif("submit", "--help")
    assert "exit codes:" in helped.out and "3    storage error" in helped.out


async def test_piped_console_keeps_logs_off_stdout(digestif: Digestif,
                                                   pages: PageServer) -> None:
    script = f"{pages.url('/posts/moe')}\n+1 {'9' * 30}\n/digest 0001-W01\n/queue\n"
    run = await digestif("console", stdin=script)
    assert run.code == 0, run.err
    assert "HTTP Request" not in run.out + run.err and run.err == ""
    assert "#1 ready" in run.out and "Usage: +1 N" in run.out


async def test_summarize_names_the_setting_that_allows_a_private_address(
    digestif: Digestif,
) -> None:
    run = await digestif("summarize", "http://10.0.0.1/admin")
    assert run.code == 1 and run.out == ""
    assert run.err == ("digestif: that link points to a private or reserved address (to let the "
                       "bot read a private network, add it to DIGESTIF_FETCH_ALLOW_NETWORKS)\n")


async def test_purge_of_removed_workspaces(digestif: Digestif) -> None:
    from datetime import UTC, datetime

    from storage.sqlite import SqliteStore

    async with SqliteStore(digestif.cwd / "cli.sqlite3") as store:
        await store.ensure_community("slack:TOLD", "slack", "Old")
        await store.ensure_community("slack:TNEW", "slack", "New")
        await store.remove_installation("slack", "TOLD", datetime(2020, 1, 1, tzinfo=UTC))
        await store.remove_installation("slack", "TNEW", datetime.now(UTC))
    bad = await digestif("purge", "--days", "-1")
    assert bad.code == 2 and "number of days" in bad.err
    done = await digestif("purge")
    assert done.code == 0 and done.out.splitlines() == ["purged slack:TOLD"], done
    again = await digestif("purge")
    assert again.code == 0 and again.out.startswith("Nothing to purge")
    async with SqliteStore(digestif.cwd / "cli.sqlite3") as store:
        assert [c.key for c in await store.communities()] == ["slack:TNEW"]


async def test_runs_on_uvloop_unless_asked_for_asyncio(digestif: Digestif,
                                                        pages: PageServer) -> None:
    """uvloop where it is installed (every platform but Windows), asyncio's own on request;
    the same command works on both, and a setting it does not know is refused by name."""
    for choice, loop in (("auto", "uvloop"), ("asyncio", "asyncio")):
        if loop == "uvloop" and importlib.util.find_spec("uvloop") is None:
            continue
        run = await digestif("submit", pages.url("/posts/quantization"),
                             DIGESTIF_EVENT_LOOP=choice, DIGESTIF_LOG_LEVEL="DEBUG")
        assert run.code == 0, run.err
        assert f"event loop: {loop}" in run.err
        assert "ready" in run.out and "Traceback" not in run.err
    refused = await digestif("queue", DIGESTIF_EVENT_LOOP="tokio")
    assert refused.code == 2
    assert refused.err.startswith("digestif: setting DIGESTIF_EVENT_LOOP=tokio is not valid")
