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
from bot.digests import DigestService
from bot.models import ModerationStatus, Submission, SubmissionState
from bot.ports import Tally
from bot.ranking import Ranked, rank
from storage.sqlite import SqliteStore
from tests.digest_helpers import seed
from tests.fakes.pipeline import FakeClock, FakeSummarizer
from tests.unit.test_curator import ADA

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)

candidates = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.booleans(), st.integers(0, 1000)),
    min_size=0, max_size=30,
)


def _ranked(spec: list[tuple[int, int, bool, int]]) -> list[Ranked]:
    out = []
    for number, (up, down, pinned, minutes) in enumerate(spec, start=1):
        sub = Submission(id=number, community="c", number=number, url=f"u{number}",
                         original_url="", state=SubmissionState.READY,
                         status=ModerationStatus.QUEUED, submitted_by="m",
                         submitted_at=T0 + timedelta(minutes=minutes), pinned=pinned)
        out.append(Ranked(sub, Tally(up=up, down=down)))
    return out


def _key(r: Ranked) -> tuple[bool, int, int, datetime, int]:
    return (not r.submission.pinned, -r.tally.score, -r.tally.voters,
            r.submission.submitted_at, r.submission.number)


@given(candidates)
def test_order_is_total_stable_and_pins_lead(spec: list[tuple[int, int, bool, int]]) -> None:
    items = _ranked(spec)
    ranked = rank(items)
    assert sorted(r.submission.number for r in ranked) == [r.submission.number for r in items]
    assert rank(list(reversed(items))) == ranked, "input order never matters"
    for a, b in itertools.pairwise(ranked):
        assert _key(a) < _key(b)  # strictly ordered: no ties left to chance
    pins = [r.submission.pinned for r in ranked]
    assert pins == sorted(pins, reverse=True), "editor's picks lead"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=12),
       st.integers(0, 3))
def test_published_never_return_and_carry_over_is_bounded(
    spec: list[tuple[int, int]], carry_weeks: int
) -> None:
    asyncio.run(_published_and_carry(spec, carry_weeks))


async def _published_and_carry(spec: list[tuple[int, int]], carry_weeks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with SqliteStore(Path(tmp) / "p.sqlite3") as store:
            await store.ensure_community("c", "console", "c")
            community = Community("c", "console", "c", CommunitySettings(
                carry_over_weeks=carry_weeks, min_score=1, picks=3))
            clock = FakeClock(T0 + timedelta(weeks=5, hours=1))
            service = DigestService(store, FakeSummarizer(), clock)
            period = service.period(community)
            for i, (votes, weeks_ago) in enumerate(spec):
                when = period.start - timedelta(weeks=weeks_ago) + timedelta(hours=1)
                await seed(store, "c", when, f"story {i}", votes=votes, submitter=ADA.id)
            first = await service.build(community, period)
            for item in first.picks + first.also_shared:
                ready = period.start - timedelta(weeks=spec[item.number - 1][1]) + timedelta(
                    hours=1)
                assert ready >= period.start - timedelta(weeks=carry_weeks)
                if ready < period.start:
                    assert item.voters > 0, "only voted items carry over"

            async def post(digest: object) -> None:
                return None

            await service.publish(community, period, post)
            picked = {i.number for i in first.picks}
            again = await service.build(community, period)
            assert picked.isdisjoint(i.number for i in again.picks + again.also_shared)
