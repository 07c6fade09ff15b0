"""The Store contract for digests: candidates, the week's numbers, claims and notices.
Every store implementation runs this suite (add it to the ``store`` fixture's params)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import ModerationStatus
from bot.ports import Store
from bot.records import Tally, VoteRecord
from tests.digest_helpers import seed
from tests.stores import KINDS, fresh_store

START = datetime(2026, 11, 16, 9, tzinfo=UTC)
END = START + timedelta(weeks=1)
SINCE = START - timedelta(weeks=2)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_store(request.param, tmp_path, "digests") as opened:
        await opened.ensure_community("c", "console", "Club")
        await opened.ensure_community("other", "console", "Other")
        yield opened


async def test_candidates_with_tallies_in_one_call(store: Store) -> None:
    fresh = await seed(store, "c", START + timedelta(hours=1), "fresh", votes=0)
    voted = await seed(store, "c", START + timedelta(hours=2), "voted", votes=3)
    carried = await seed(store, "c", START - timedelta(days=3), "carried", votes=1)
    stale = await seed(store, "c", START - timedelta(days=3), "no votes")
    too_old = await seed(store, "c", SINCE - timedelta(hours=1), "too old", votes=4)
    pinned = await seed(store, "c", START - timedelta(days=9), "pinned")
    dropped = await seed(store, "c", START + timedelta(hours=3), "dropped", votes=2)
    later = await seed(store, "c", END + timedelta(hours=1), "next week", votes=2)
    await seed(store, "other", START + timedelta(hours=1), "elsewhere", votes=2)
    await store.set_moderation(pinned, ModerationStatus.QUEUED, pinned=True)
    await store.set_moderation(dropped, ModerationStatus.DROPPED)
    await store.add_vote(voted, "down", "👎", -1, START)
    found = {c.submission_id: c for c in await store.digest_candidates("c", SINCE, START, END)}
    assert set(found) == {fresh, voted, carried, pinned}
    assert {stale, too_old, dropped, later}.isdisjoint(found)
    assert found[voted].tally == Tally(up=3, down=1)
    assert found[fresh].tally == Tally()
    assert (found[carried].carried_over, found[fresh].carried_over) == (True, False)
    assert found[pinned].pinned


async def test_the_week_in_numbers(store: Store) -> None:
    a = await seed(store, "c", START + timedelta(hours=1), "a", votes=2, submitter="ann")
    await seed(store, "c", START + timedelta(hours=2), "b", submitter="bob")
    await seed(store, "c", START - timedelta(hours=2), "before", votes=5, submitter="cy")
    await store.add_vote(a, "late", "👍", 1, END + timedelta(minutes=1))
    totals = await store.period_totals("c", START, END)
    assert (totals.links, totals.sharers, totals.votes) == (2, 2, 2)


async def test_a_recount_keeps_the_time_of_votes_that_stay(store: Store) -> None:
    a = await seed(store, "c", START + timedelta(hours=1), "a", votes=2)
    await store.replace_votes(a, [VoteRecord("voter0", "👍", 1), VoteRecord("new", "👍", 1)],
                              END + timedelta(days=1))
    assert (await store.tallies([a]))[a] == Tally(up=2)
    assert (await store.period_totals("c", START, END)).votes == 1  # voter0's, from the week


async def test_claims_carry_their_picks_and_posted_digests_link_back(store: Store) -> None:
    a = await seed(store, "c", START + timedelta(hours=1), "a", votes=1)
    assert await store.digest_plan("c", "2026-W47") is None
    assert await store.begin_digest("c", "2026-W47", END, '{"picks": [1]}', [a])
    assert not await store.begin_digest("c", "2026-W47", END, "", [])
    assert await store.digest_plan("c", "2026-W47") == ('{"picks": [1]}', [a])
    assert await store.stale_postings(END + timedelta(minutes=1)) == [("c", "2026-W47")]
    await store.finish_digest("c", "2026-W47", '{"picks": [1]}', END, [a],
                              "https://chat.test/1")
    assert await store.digest_plan("c", "2026-W47") is None
    assert (await store.get_submission_by_id(a)).status is ModerationStatus.PUBLISHED  # type: ignore[union-attr]
    assert await store.previous_digest("c", "2026-W48") == ("2026-W47", "https://chat.test/1")
    assert await store.previous_digest("c", "2026-W47") is None
    assert await store.previous_digest("other", "2026-W48") is None


async def test_notices_are_recorded_once(store: Store) -> None:
    assert await store.first_notice("c", "no-digest-channel", START)
    assert not await store.first_notice("c", "no-digest-channel", END)
    assert await store.first_notice("other", "no-digest-channel", START)


async def test_submissions_by_ids_keep_the_order_asked(store: Store) -> None:
    ids = [await seed(store, "c", START, f"s{i}") for i in range(3)]
    found = await store.submissions_by_ids([ids[2], 999, ids[0]])
    assert [s.id for s in found] == [ids[2], ids[0]]
    assert await store.submissions_by_ids([]) == []
