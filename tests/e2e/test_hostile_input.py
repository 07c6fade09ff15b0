"""Hostile input, as properties: whatever a member types into the console and whatever an
operator passes to the CLI (arguments and settings), nothing crashes and nothing is lost.

The console is driven through its real input loop (``stdin_lines`` over a text stream), the
CLI through ``main(argv)`` with settings in the environment. Pages come from a local server;
no generated line may contain a link that would leave 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import ipaddress
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adapters.console.adapter import ConsoleAdapter, stdin_lines
from bot import desk, replies
from bot.community import CommunitySettings
from bot.config import Settings
from bot.fetch.guard import is_public
from bot.links import canonicalize, find_urls
from bot.models import SubmissionState
from bot.period import period_by_key
from digestif.bootstrap import open_app
from digestif.cli import main
from storage.sqlite import SqliteStore
from tests.e2e.pages import TOPICS, article
from tests.fakes.threaded_site import threaded_site

PATHS = tuple(f"/posts/{key}" for key in TOPICS)
COMMANDS = ("+1", "-1", "/unvote", "/queue", "/digest", "/digest post", "/help", "/intro",
            "/lock", "/unlock", "/as", "/drop", "/restore", "/pick", "/unpick", "/reject",
            "/as grace --mod", "/as", "/frobnicate", "")
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 2**70).map(lambda n: f"#{n}"),
    st.sampled_from(["²", "٣", "১২", "1e3", "0x10", "١", "#", "##1", "+1", "1_000", "½", "Ⅻ",
                     "9" * 5000, "0001-W01", "9999-W52", "2026-W54", "2026-w5", "last", "this"]),
)
WORDS = st.text(st.characters(codec="utf-8"), max_size=40)
# Links that are refused or fail without leaving the machine.
DEAD_LINKS = st.sampled_from(["http://10.0.0.1/admin", "http://[::1]:1/", "http://127.0.0.1:1/x",
                              "https://user:pw@10.1.2.3/", "ftp://127.0.0.1/",
                              "http://169.254.169.254/latest/meta-data/", "http:///nohost"])


def _no_outside_link(line: str) -> bool:
    """True when every link in ``line`` names a non-public IP address (or no host at all),
    so the fetch guard refuses it or it stays on this machine: tests never reach out."""
    for url in find_urls(line, 50):
        host = (urlsplit(url).hostname or "").strip("[]")
        try:
            if is_public(ipaddress.ip_address(host)):
                return False
        except ValueError:
            if host:
                return False
    return True


GARBAGE = st.one_of(
    WORDS,
    st.tuples(st.sampled_from(COMMANDS), st.lists(st.one_of(NUMBERS, WORDS), max_size=3))
    .map(lambda parts: " ".join([parts[0], *parts[1]])),
    DEAD_LINKS,
).filter(_no_outside_link)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The article pages from a thread, so the CLI's own event loop can fetch them."""
    bodies = {path: article(path.rsplit("/", 1)[1]).encode() for path in PATHS}

    with threaded_site(bodies) as base:
        yield base


async def _console(db: Path, text: str) -> str:
    out = io.StringIO()
    settings = Settings(db_path=db, cpu_workers=0, openai_api_key=None, openai_base_url=None,
                        fetch_allow_networks=(ipaddress.ip_network("127.0.0.1/32"),))
    async with open_app(settings) as app:
        adapter = ConsoleAdapter(app, "local", "ada", out=out)
        await adapter.run(stdin_lines(io.StringIO(text)))
    return out.getvalue()


async def _submitted(db: Path) -> dict[str, SubmissionState]:
    async with SqliteStore(db) as store:
        return {s.url: s.state for s in await store.list_submissions("local")}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(before=st.lists(GARBAGE, max_size=6), after=st.lists(GARBAGE, max_size=6),
       links=st.permutations(PATHS))
def test_console_survives_any_lines_and_keeps_every_link(
    site: str, before: list[str], after: list[str], links: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, *rest = [site + path for path in links]
    script = [first, *before, *rest, *after]
    caplog.clear()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.sqlite3"
        out = asyncio.run(_console(db, "\n".join(script) + "\n"))
        submitted = asyncio.run(_submitted(db))
    assert replies.GENERIC_ERROR not in out  # every line had an answer, not a crash
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    for url in (first, *rest):
        assert submitted.get(canonicalize(url)) is SubmissionState.READY, out


SETTING_VALUES = st.one_of(
    st.sampled_from(["0", "-3", "nan", "inf", "-inf", "1e309", "abc", "", " ", "1.5", "10",
                     "99999999999999999999999", "not-a-cidr", "10.0.0.0/33", "127.0.0.0/8",
                     "DEBUG", "loud", "０", "2"]),
    WORDS,
)
SETTING_NAMES = st.sampled_from([
    "DIGESTIF_FETCH_DEADLINE", "DIGESTIF_FETCH_ALLOW_NETWORKS", "DIGESTIF_SCHEDULE_GRACE_HOURS",
    "DIGESTIF_INGEST_CONCURRENCY", "DIGESTIF_FETCH_MAX_BYTES", "DIGESTIF_FETCH_PER_HOST",
    "DIGESTIF_MAX_LINKS_PER_MESSAGE", "DIGESTIF_LLM_TIMEOUT", "DIGESTIF_SUMMARY_WORDS",
    "DIGESTIF_LOG_LEVEL", "DIGESTIF_FETCH_READ_TIMEOUT", "DIGESTIF_HTTP_PORT",
    "DIGESTIF_COMMUNITY",
])
ARGV = st.one_of(
    st.tuples(st.just("queue"), st.sampled_from(["local", "typo", ""]))
    .map(lambda t: ["queue", "--community", t[1]]),
    st.tuples(st.sampled_from(["markdown", "json", "rss", "html", "pdf"]),
              st.one_of(NUMBERS, WORDS))
    .map(lambda t: ["digest", "--format", t[0], "--period", t[1]]),
    st.lists(st.one_of(WORDS, DEAD_LINKS, NUMBERS), max_size=3)
    .filter(lambda args: all(_no_outside_link(a) for a in args))
    .map(lambda args: ["submit", "--", *args]),
    st.lists(WORDS, max_size=3),
)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(env=st.dictionaries(SETTING_NAMES, SETTING_VALUES, max_size=3), argv=ARGV)
def test_cli_answers_any_arguments_and_settings_with_an_exit_code(
    site: str, env: dict[str, str], argv: list[str], capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assume(all("\x00" not in value for value in env.values()))  # the OS refuses these
    if "DIGESTIF_FETCH_ALLOW_NETWORKS" in env:  # keep the page server reachable
        env["DIGESTIF_FETCH_ALLOW_NETWORKS"] += ",127.0.0.1/32"
    good = f"{site}{PATHS[0]}"
    caplog.clear()
    with tempfile.TemporaryDirectory() as tmp, _environment({
        "DIGESTIF_DB": str(Path(tmp) / "c.sqlite3"), "DIGESTIF_CPU_WORKERS": "0",
        "DIGESTIF_FETCH_ALLOW_NETWORKS": "127.0.0.1/32", **env,
    }):
        usable = main(["submit", good])
        assert usable in (0, 1, 2)  # 1: the settings forbid reading it; 2: unusable settings
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: usage errors and --help
            code = exit_.code if isinstance(exit_.code, int) else 2
        err = capsys.readouterr().err
        assert code in (0, 1, 2), (argv, env, err)
        assert "Traceback" not in err
        assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
        if usable != 2:  # the link submitted first is still there, once
            assert main(["submit", good]) == usable
            assert "(already queued)" in capsys.readouterr().out


@given(st.integers(-(2**80), 2**80), st.booleans(), st.sampled_from(["", "0", "00"]))
def test_a_number_is_an_ascii_submission_number_in_range(value: int, hashed: bool,
                                                        zeros: str) -> None:
    text = ("#" if hashed else "") + (zeros + str(value) if value >= 0 else str(value))
    expected = value if 1 <= value <= desk.MAX_NUMBER else None
    assert desk.number(text) == expected
    assert desk.number(text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))) is None


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_none_never_an_error(text: str) -> None:
    value = desk.number(text)
    assert value is None or (1 <= value <= desk.MAX_NUMBER and text.strip().lstrip("#").isascii())


@given(st.dates(), st.sampled_from(["{y}-W{w:02d}", "{y}-w{w}", " {y}-W{w} "]))
def test_a_period_is_a_week_the_calendar_can_compute(day: date, spelling: str) -> None:
    year, week, _ = day.isocalendar()
    text = spelling.format(y=f"{year:04d}", w=week)
    if desk.MIN_YEAR <= year <= desk.MAX_YEAR:
        assert desk.period(text, "/digest") == f"{year}-W{week:02d}"
        period_by_key(text, CommunitySettings())  # and the calendar computes it
    else:
        with pytest.raises(desk.Usage):
            desk.period(text, "/digest")
