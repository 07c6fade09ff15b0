"""The Store contract for votes: a vote is a member's, not a reaction's. Every store
implementation runs this same suite."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.community import CommunitySettings
from bot.events import MessageRef
from bot.models import Member
from bot.ports import Store
from bot.ranking import rank
from bot.records import Tally, VoteRecord
from storage.migrations import migrations
from storage.sqlite import SqliteStore
from storage.sqlite_db import statements
from storage.store import SqlStore
from tests.digest_helpers import seed
from tests.stores import KINDS, fresh_store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADA = Member("u1", "Ada")


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_store(request.param, tmp_path, "votes") as opened:
        await opened.ensure_community("c1", "console", "One")
        yield opened


async def _submission(store: Store) -> int:
    """#1, shared by Ada, with her message m1 and the bot's card m2."""
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    await store.link_message("c1", MessageRef("ch", "m1"), sub.id, "origin")
    await store.link_message("c1", MessageRef("ch", "m2"), sub.id, "card")
    return sub.id


async def _up(store: Store, message: str, member: str, reaction: str = "👍") -> bool:
    return await store.add_vote_on_message("c1", message, member, "👍", 1, NOW,
                                           allow_self=False, reaction=reaction)


async def _off(store: Store, message: str, member: str, reaction: str = "👍") -> bool:
    return await store.remove_vote_on_message("c1", message, member, "👍", reaction)


async def _tally(store: Store, sub: int) -> Tally:
    return (await store.tallies([sub])).get(sub, Tally())


async def test_a_vote_ends_with_the_members_last_matching_reaction(store: Store) -> None:
    sub = await _submission(store)
    assert await _up(store, "m1", "u2")  # on the link
    assert await _up(store, "m2", "u2")  # and on the card
    assert await _up(store, "m1", "u2", "👍🏽")  # and with a skin tone
    assert not await _up(store, "m1", "u2", "👍🏽"), "a replay changes nothing"
    assert await _tally(store, sub) == Tally(up=1)
    assert await _off(store, "m1", "u2")
    assert await _off(store, "m2", "u2")
    assert await _tally(store, sub) == Tally(up=1), "👍🏽 on the link is still there"
    assert not await _off(store, "m2", "u2"), "a replayed removal changes nothing"
    assert await _off(store, "m1", "u2", "👍🏽")
    assert await _tally(store, sub) == Tally()


async def test_a_removal_never_seen_added_ends_the_vote_only_without_other_reactions(
        store: Store) -> None:
    sub = await _submission(store)
    # A vote stored before reactions were (an older version), and one added while offline.
    await store.add_vote(sub, "u3", "👍", 1, NOW)
    assert await _off(store, "m1", "u3")
    assert await _up(store, "m2", "u2")
    assert not await _off(store, "m1", "u2"), "the card reaction keeps the vote"
    assert await _tally(store, sub) == Tally(up=1)


async def test_a_vote_by_number_is_not_ended_by_reactions_or_recounts(store: Store) -> None:
    sub = await _submission(store)
    assert await store.add_vote(sub, "u2", "👍", 1, NOW, direct=True)
    assert await _up(store, "m1", "u2")
    assert await _off(store, "m1", "u2")
    await store.replace_votes(sub, [], NOW)
    assert await _tally(store, sub) == Tally(up=1)
    assert await store.remove_vote(sub, "u2", "👍")  # withdrawn by number: it is gone
    assert await _tally(store, sub) == Tally()


async def test_clearing_one_message_keeps_votes_from_the_other(store: Store) -> None:
    sub = await _submission(store)
    await _up(store, "m1", "u2")
    await _up(store, "m2", "u2")
    await _up(store, "m2", "u3")
    assert await store.clear_votes(sub, message_id="m2") == 1, "u3's vote ends"
    assert await _tally(store, sub) == Tally(up=1)
    await _up(store, "m1", "u2", "👍🏽")
    assert await store.clear_votes(sub, "👍", message_id="m1", reaction="👍") == 0
    assert await _tally(store, sub) == Tally(up=1), "👍🏽 is a reaction of its own"
    assert await store.clear_votes(sub, "👍", message_id="m1") == 1
    assert await _tally(store, sub) == Tally()


async def test_a_recount_stores_each_reaction_so_live_removals_agree(store: Store) -> None:
    sub = await _submission(store)
    seen = [VoteRecord("u2", "👍", 1, "m1", "👍"), VoteRecord("u2", "👍", 1, "m2", "👍🏾"),
            VoteRecord("u3", "👍", 1, "m2", "👍")]
    await store.replace_votes(sub, seen, NOW)
    await store.replace_votes(sub, seen, NOW)
    assert await _tally(store, sub) == Tally(up=2)
    assert await _off(store, "m1", "u2")
    assert await _tally(store, sub) == Tally(up=2), "u2 still has 👍🏾 on the card"
    assert await _off(store, "m2", "u2", "👍🏾")
    assert await _tally(store, sub) == Tally(up=1)
    await store.replace_votes(sub, [], NOW)
    assert await _tally(store, sub) == Tally()


async def test_voters_are_distinct_members(store: Store) -> None:
    # Both score 1. "both" has 2 distinct voters (u2 voted up and down, u3 up), "two" has 2
    # up-votes and 1 down-vote from three members: more distinct voters, so it ranks first.
    both = await seed(store, "c1", NOW, "both")
    two = await seed(store, "c1", NOW + timedelta(hours=1), "two")
    for sub, votes in ((both, [("u2", 1), ("u2", -1), ("u3", 1)]),
                       (two, [("u4", 1), ("u5", 1), ("u6", -1)])):
        for member, direction in votes:
            await store.add_vote(sub, member, "👍" if direction > 0 else "👎", direction, NOW)
    tally = await _tally(store, both)
    assert (tally.up, tally.down, tally.voters, tally.score) == (2, 1, 2, 1)
    found = {c.submission_id: c for c in await store.digest_candidates(
        "c1", NOW - timedelta(days=7), NOW - timedelta(days=1), NOW + timedelta(days=7))}
    assert found[both].tally == tally and found[two].tally.voters == 3
    assert [c.submission_id for c in rank(found.values())] == [two, both]
    assert tally.counted(downvotes=False) == Tally(up=2), "u2 counts once, as an up-vote"


async def test_votes_move_with_their_reactions_when_duplicates_merge(store: Store) -> None:
    keep = await _submission(store)
    dup, _ = await store.add_submission("c1", "https://x.test/b", "b", ADA, NOW)
    await store.link_message("c1", MessageRef("ch", "m3"), dup.id, "origin")
    await store.add_vote_on_message("c1", "m3", "u2", "👍", 1, NOW, allow_self=False)
    await store.merge_into(dup.id, keep)
    assert await _tally(store, keep) == Tally(up=1)
    assert await _off(store, "m3", "u2")
    assert await _tally(store, keep) == Tally()


async def test_settings_stored_badly_by_an_older_version_load_as_defaults(
        store: Store) -> None:
    assert isinstance(store, SqlStore)
    await store.database.write("UPDATE communities SET settings = ? WHERE key = 'c1'",
                               (json.dumps({"up_emoji": [], "summary_words": 0, "picks": 3}),))
    found = await store.get_community("c1")
    assert found is not None
    assert found.settings == CommunitySettings(picks=3)
    assert found.settings.vote_direction("👍") == 1


async def test_votes_stored_before_reactions_were_end_as_they_did(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    with sqlite3.connect(path) as db:  # a database of the version before reactions
        for version, sql in migrations():
            if version <= 3:
                for statement in statements(sql):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO communities (key, platform, name) VALUES ('c1', 'x', 'One')")
        db.execute("INSERT INTO submissions (id, community, number, url, original_url, "
                   "submitted_by, submitted_at) VALUES (7, 'c1', 1, 'u', 'u', 'u1', 'now')")
        db.execute("INSERT INTO messages VALUES ('c1', 'ch', 'm1', 7, 'origin')")
        db.executemany("INSERT INTO votes VALUES (7, ?, '👍', 1, '2026-11-20T00:00:00+00:00')",
                       [("u2",), ("u3",)])
    async with SqliteStore(path) as store:
        assert await _tally(store, 7) == Tally(up=2)
        assert await _off(store, "m1", "u2", "👍🏽"), "any matching removal, as before"
        assert await _tally(store, 7) == Tally(up=1)
        assert await _up(store, "m1", "u3", "👍🏽")
        assert await _off(store, "m1", "u3")
        assert await _tally(store, 7) == Tally(up=1), "u3's 👍🏽 holds the vote now"


async def test_a_reaction_added_while_the_recount_reads_stays(store: Store) -> None:
    sub = await _submission(store)
    started = NOW  # the recount reads the platform from here on
    assert await store.add_vote_on_message("c1", "m2", "u4", "👍", 1,
                                           NOW + timedelta(seconds=2), allow_self=False)
    await store.replace_votes(sub, [VoteRecord("u2", "👍", 1, "m1", "👍")], started)
    assert await _tally(store, sub) == Tally(up=2), "u4's reaction came after the reading"
    await store.replace_votes(sub, [VoteRecord("u2", "👍", 1, "m1", "👍")],
                              NOW + timedelta(seconds=3))
    assert await _tally(store, sub) == Tally(up=1), "the next recount did not see it"
