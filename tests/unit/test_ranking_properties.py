"""Ranking invariants, as properties."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.community import Community, CommunitySettings
from bot.digest import Digest
from bot.publishing import Mode, Publishing
from bot.ranking import choose, order_key, rank
from bot.records import Candidate, Tally
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed
from tests.fakes.pipeline import FakeClock, FakeSummarizer

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)

specs = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.booleans(), st.integers(0, 1000)),
    min_size=0, max_size=30,
)


def _candidates(spec: list[tuple[int, int, bool, int]]) -> list[Candidate]:
    return [Candidate(number, number, T0 + timedelta(minutes=minutes), pinned,
                      Tally(up=up, down=down))
            for number, (up, down, pinned, minutes) in enumerate(spec, start=1)]


@given(specs, st.randoms())
def test_order_is_total_stable_and_pins_lead(spec: list[tuple[int, int, bool, int]],
                                             rng: object) -> None:
    items = _candidates(spec)
    ranked = rank(items)
    shuffled = list(items)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert rank(shuffled) == ranked, "input order never matters"
    assert sorted(c.number for c in ranked) == [c.number for c in items]
    for a, b in itertools.pairwise(ranked):
        assert order_key(a) < order_key(b), "strictly ordered: no ties left to chance"
        if a.pinned == b.pinned and a.tally.score == b.tally.score:
            assert a.tally.voters >= b.tally.voters, "then more distinct voters"
            if a.tally.voters == b.tally.voters:
                assert a.submitted_at <= b.submitted_at, "then earlier submission"
    pins = [c.pinned for c in ranked]
    assert pins == sorted(pins, reverse=True), "editor's picks lead"


@given(specs, st.integers(1, 12), st.integers(-2, 4), st.integers(0, 6))
def test_choice_keeps_rank_order_min_score_and_caps(
    spec: list[tuple[int, int, bool, int]], picks: int, min_score: int, cap: int
) -> None:
    items = _candidates(spec)
    chosen, also = choose(items, picks, min_score, cap)
    ranked = rank(items)
    assert all(c.pinned for c in ranked if c.pinned) and \
        {c.number for c in ranked if c.pinned} <= {c.number for c in chosen}
    assert chosen == [c for c in ranked if c in chosen], "picks in rank order"
    assert also == [c for c in ranked if c not in chosen][:cap], "the rest, capped"
    for c in chosen:
        assert c.pinned or c.tally.score >= min_score
    assert len([c for c in chosen if not c.pinned]) <= max(0, picks - sum(
        1 for c in chosen if c.pinned))
    # Nothing better than a pick is left out, unless the picks are full.
    unpinned = [c for c in chosen if not c.pinned]
    if len(chosen) < picks:
        assert all(c.tally.score < min_score for c in also)
    elif unpinned and also:
        assert order_key(unpinned[-1]) < order_key(also[0])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.booleans()),
                min_size=1, max_size=12),
       st.integers(0, 3))
def test_published_never_return_and_carry_over_is_bounded(
    spec: list[tuple[int, int, bool]], carry_weeks: int
) -> None:
    asyncio.run(_published_and_carry(spec, carry_weeks))


async def _published_and_carry(spec: list[tuple[int, int, bool]], carry_weeks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with SqliteStore(Path(tmp) / "p.sqlite3") as store:
            await store.ensure_community("c", "console", "c")
            community = Community("c", "console", "c", CommunitySettings(
                carry_over_weeks=carry_weeks, min_score=1, picks=3, also_shared_cap=20))
            clock = FakeClock(T0 + timedelta(weeks=5, hours=1))
            publishing = Publishing(store, FakeSummarizer(), clock)
            period = publishing.period(community)
            ready = {}
            for i, (votes, weeks_ago, pinned) in enumerate(spec):
                when = period.start - timedelta(weeks=weeks_ago) + timedelta(hours=1)
                sid = await seed(store, "c", when, f"story {i}", votes=votes)
                if pinned:
                    await store.set_moderation(sid, (await store.get_submission_by_id(
                        sid)).status, pinned=True)  # type: ignore[union-attr]
                ready[i + 1] = (when, votes, pinned)
            first = await publishing.export(community, period)
            shown = {item.number for item in first.picks + first.also_shared}
            for number, (when, votes, pinned) in ready.items():
                in_window = when >= period.start - timedelta(weeks=carry_weeks)
                carried = when < period.start
                expected = in_window and (not carried or votes > 0 or pinned)
                if not expected:
                    assert number not in shown, "carry-over respects its limit and needs votes"
            _assert_pins_lead(first)

            publishing.register("console", Platform())
            posted = (await publishing.publish(community, period, Mode.POST, "news")).digest
            picked = {i.number for i in first.picks}
            # The posted week shows as posted; its picks never return in a later week.
            assert await publishing.export(community, period) == posted
            clock.advance(weeks=1)
            later = await publishing.export(community, publishing.period(community))
            assert picked.isdisjoint(i.number for i in later.picks + later.also_shared)


class Platform:
    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        return None


def _assert_pins_lead(digest: Digest) -> None:
    pins = [item.pinned for item in digest.ranked_picks]
    assert pins == sorted(pins, reverse=True)
    if any(pins):
        assert digest.sections[0].title == "Editor's picks"
