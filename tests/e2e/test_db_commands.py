"""`digestif db migrate` and `digestif db copy`, run as the real command: a community moves from
its SQLite file to PostgreSQL with nothing lost, and the copy can be run again safely."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.community import CommunitySettings
from bot.events import MessageRef
from bot.models import Member, ModerationStatus, Summary, SummarySource
from bot.ports import Store
from bot.records import HeldLink
from storage.migrations import migrations
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed
from tests.stores import fresh_schema

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _digestif(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_", "DISCORD_", "SLACK_"))}
    env.update({"DIGESTIF_LOG_LEVEL": "WARNING", **settings})
    return subprocess.run([sys.executable, "-m", "digestif.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
async def target() -> AsyncIterator[str]:
    async with fresh_schema() as url:
        yield url


async def _fill(path: Path) -> None:
    """Something in every table: two communities, links with votes, reactions, messages,
    members, a posted and a claimed digest, notes, notices, a cached summary, an e-mail sent,
    a held link, a channel cursor, a kept article, the shared work's leases, seen events and
    command hash, a Slack installation and an OAuth state."""
    async with SqliteStore(path) as store:
        for key in ("club", "other"):
            await store.ensure_community(key, "discord", key.title())
        await store.save_settings("club", CommunitySettings(picks=3, self_votes=True))
        first = await seed(store, "club", NOW, "First story", votes=2)
        second = await seed(store, "club", NOW + timedelta(hours=1), "Second", votes=1,
                            submitter="kim")
        await seed(store, "other", NOW, "Elsewhere", votes=3)
        await store.add_submission("club", "https://news.test/First-story", "again",
                                   Member("lee", "Lee"), NOW)
        await store.link_message("club", MessageRef("ch", "m1"), first, "origin")
        await store.link_message("club", MessageRef("ch", "card1"), first, "card")
        await store.add_vote_on_message("club", "card1", "zoe", "👍", 1, NOW,
                                        allow_self=False, reaction="👍🏽")
        await store.add_vote(second, "max", "👎", -1, NOW, direct=True)
        await store.set_moderation(second, ModerationStatus.QUEUED, pinned=True)
        await store.begin_digest("club", "2026-W47", NOW, "{}", [first])
        await store.finish_digest("club", "2026-W47", "{}", NOW, [first], "https://chat.test/1")
        await store.begin_digest("club", "2026-W48", NOW, "{}", [second])
        await store.set_period_note("club", "2026-W48", intro="Hello", locked=True)
        await store.first_notice("club", "no-digest-channel", NOW)
        await store.put("key", Summary("Cached.", SummarySource.LLM, "m"))
        assert await store.begin_mail("club", "2026-W47", NOW) == 1
        await store.finish_mail("club", "2026-W47", 1, NOW, sent=True, recipients=2)
        assert await store.hold_link(HeldLink(
            "club", Member("kim", "Kim"), "https://news.test/held", "held",
            MessageRef("ch", "m9"), NOW, NOW + timedelta(hours=3)))
        await store.mark_seen("club", "ch", "0000000042", NOW)
        await store.keep_article(first, "The first story's text.", requested=True, now=NOW)
        assert await store.try_lease("scheduler", "alpha:1:x", NOW, NOW + timedelta(hours=1))
        assert await store.first_sighting("slack", "Ev1", NOW, timedelta(hours=1))
        await store.record_sync("app", "hash1", NOW)
        await store.save_installation("slack", "T1", '{"bot_token": "xoxb"}', NOW)
        await store.issue_state("state1", NOW + timedelta(days=9999))


async def _everything(store: Store) -> list[object]:
    """What the bot can read back from a store, community by community."""
    seen: list[object] = []
    for community in sorted(await store.communities(), key=lambda c: c.key):
        subs = await store.list_submissions(community.key)
        seen += [community, subs, await store.tallies([s.id for s in subs]),
                 await store.member_names(community.key, ["sam", "kim", "lee"]),
                 await store.posted_digests(community.key),
                 await store.digest_plan(community.key, "2026-W48"),
                 await store.period_note(community.key, "2026-W48"),
                 await store.mail_record(community.key, "2026-W47"),
                 await store.held_links(community.key, "kim"),
                 await store.last_seen(community.key, "ch")]
        seen += [await store.messages_for(s.id) for s in subs]
    seen += [await store.get("key"), await store.upgrade_text(1),
             await store.pending_upgrades(), await store.synced_hash("app"),
             await store.find_installation("slack", "T1")]
    return seen


async def test_a_copy_moves_everything_and_can_run_again(tmp_path: Path, target: str) -> None:
    source = tmp_path / "bot.sqlite3"
    await _fill(source)
    copied = _digestif(tmp_path, "db", "copy", "--from", "sqlite:///bot.sqlite3", "--to", target)
    assert copied.returncode == 0, copied.stderr
    lines = copied.stdout.splitlines()
    assert lines[0].split() == ["table", "source", "target", "added"]
    counts = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in lines[1:-1]}
    assert counts["submissions"] == [3, 3, 3] and counts["reactions"][0] > 0
    assert all(source_rows > 0 for source_rows, _, _ in counts.values()), "fill every table"
    assert all(source_rows == target_rows == added
               for source_rows, target_rows, added in counts.values())
    assert lines[-1].endswith("every count matches")

    async with SqliteStore(source) as before, PostgresStore(target) as after:
        assert await _everything(after) == await _everything(before)
        assert not await after.first_notice("club", "no-digest-channel", NOW)
        # Ids and numbers go on after the copied ones.
        added, created = await after.add_submission("club", "https://news.test/new", "new",
                                                    Member("sam", "Sam"), NOW)
        assert created and (added.id, added.number) == (4, 3)

    # The target has moved on (a link was added there): copying again would mix the two.
    again = _digestif(tmp_path, "db", "copy", "--from", "sqlite:///bot.sqlite3", "--to", target)
    assert again.returncode == 3
    assert again.stderr.splitlines() == [
        f"digestif: error: {target.split('?')[0]} already holds other data: 1 row(s) of table "
        "communities are not in the source; nothing was written (copy into an empty database,"
        " or into the one a previous copy of this source filled)"]


async def test_a_copy_run_again_adds_nothing(tmp_path: Path, target: str) -> None:
    await _fill(tmp_path / "bot.sqlite3")
    for added in (True, False):
        run = _digestif(tmp_path, "db", "copy", "--to", target,
                        DIGESTIF_DB=str(tmp_path / "bot.sqlite3"))
        assert run.returncode == 0, run.stderr
        rows = [line.split() for line in run.stdout.splitlines()[1:-1]]
        assert all((int(row[3]) == int(row[1])) if added else row[3] == "0" for row in rows)


def test_bad_copy_arguments(tmp_path: Path) -> None:
    run = _digestif(tmp_path, "db", "copy", "--from", "data.sqlite3", "--to",
                    "postgresql://postgres@127.0.0.1/test")
    assert run.returncode == 2
    assert "is not a SQLite URL" in run.stderr
    run = _digestif(tmp_path, "db", "copy", "--from", "sqlite:///nothing.sqlite3", "--to",
                    "postgresql://postgres@127.0.0.1/test")
    assert (run.returncode, run.stderr) == (
        3, "digestif: error: no SQLite database at nothing.sqlite3\n")
    run = _digestif(tmp_path, "db", "copy", "--from", "sqlite:///nothing.sqlite3")
    assert run.returncode == 2 and "needs --to postgresql://" in run.stderr
    assert not (tmp_path / "nothing.sqlite3").exists()


async def test_migrate_brings_either_database_to_the_current_version(
        tmp_path: Path, target: str) -> None:
    last = migrations()[-1][0]
    run = _digestif(tmp_path, "db", "migrate", DIGESTIF_DB=str(tmp_path / "d.sqlite3"))
    assert (run.returncode, run.stdout) == (
        0, f"database {tmp_path / 'd.sqlite3'} is at version {last}\n")
    run = _digestif(tmp_path, "db", "migrate", DIGESTIF_DATABASE_URL=target)
    assert (run.returncode, run.stdout) == (
        0, f"database {target.split('?')[0]} is at version {last}\n")
    async with PostgresStore(target) as store:
        assert await store.database.version() == last


async def test_the_bot_runs_on_postgresql_when_the_url_is_set(tmp_path: Path,
                                                              target: str) -> None:
    async with PostgresStore(target) as store:
        await store.ensure_community("local", "console", "local")
        await seed(store, "local", datetime.now(UTC), "Stored in PostgreSQL", votes=2)
    run = _digestif(tmp_path, "queue", DIGESTIF_DATABASE_URL=target)
    assert run.returncode == 0, run.stderr
    assert "Stored in PostgreSQL" in run.stdout
    assert not (tmp_path / "data").exists()  # no SQLite file was made
