"""A posted digest is stored as posted: the snapshot round-trips every field, refuses a version
it does not know, and is what every later preview or export of that period shows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from bot.digest import Digest, DigestItem, DigestSection, DigestTotals, Untrusted
from bot.digest_snapshot import (
    SnapshotError,
    from_snapshot,
    posted_content,
    stored_digest,
    to_snapshot,
)
from bot.models import PageFlag, SourceKind, SummarySource
from bot.period import Period
from bot.publishing import Mode
from bot.render.feed import render_feed
from bot.render.json import render_json
from bot.render.markdown import render_markdown
from tests.fakes.pipeline import FakeClock
from tests.unit.test_curator import GRACE, LINUS, C
from tests.unit.test_editor import MOD, Desk, _desk
from tests.unit.test_render_hostile import DIGEST as HOSTILE

text = st.text(max_size=40).map(Untrusted)
count = st.integers(min_value=-(2**40), max_value=2**40)
# hypothesis bounds are naive; the zone comes from ``timezones``.
moment = st.datetimes(min_value=datetime(2000, 1, 1),  # noqa: DTZ001
                      max_value=datetime(2100, 1, 1),  # noqa: DTZ001
                      timezones=st.just(UTC))
items = st.builds(
    DigestItem, rank=count, number=count, url=text, title=text,
    authors=st.tuples(text, text) | st.just(()), site=text, summary=text,
    summary_source=st.sampled_from(SummarySource), score=count, voters=count,
    submitters=st.lists(text, max_size=3).map(tuple), kind=st.sampled_from(SourceKind),
    flag=st.none() | st.sampled_from(PageFlag), pinned=st.booleans(), submission_id=count,
    chat_url=st.text(max_size=30))
digests = st.builds(
    Digest, community=st.text(max_size=20), community_name=text,
    period=st.builds(Period, key=st.text(max_size=10), start=moment, end=moment),
    title=st.text(max_size=40), intro=text, tldr=st.lists(text, max_size=3).map(tuple),
    sections=st.lists(st.builds(DigestSection, title=st.text(max_size=20),
                                items=st.lists(items, max_size=3).map(tuple)),
                      max_size=3).map(tuple),
    also_shared=st.lists(items, max_size=3).map(tuple),
    totals=st.builds(DigestTotals, links=count, sharers=count, votes=count),
    previous_period=st.text(max_size=10), previous_url=st.text(max_size=30),
    previous_label=st.text(max_size=30), date_range=st.text(max_size=30))


@settings(max_examples=60, deadline=None)
@given(digests)
def test_every_field_survives_the_round_trip_through_stored_text(digest: Digest) -> None:
    assert from_snapshot(to_snapshot(digest)) == digest
    assert stored_digest(posted_content(digest)) == digest


def _one() -> Digest:
    item = DigestItem(1, 7, Untrusted("https://a.test/x"), Untrusted("T"), (Untrusted("Ada"),),
                      Untrusted("Site"), Untrusted("S."), SummarySource.LLM, 3, 2,
                      (Untrusted("bob"),), flag=PageFlag.PAYWALL, submission_id=4)
    start = datetime(2026, 11, 23, tzinfo=UTC)
    return Digest("c", Untrusted("Club"), Period("2026-W48", start, start + timedelta(7)),
                  "Club digest", Untrusted("Hi"), (Untrusted("b"),),
                  (DigestSection("Top", (item,)),), (item,), DigestTotals(3, 2, 5))


def test_an_unknown_version_or_a_damaged_snapshot_is_a_clear_error() -> None:
    snapshot = to_snapshot(_one())
    with pytest.raises(SnapshotError, match=r"version 2.*Upgrade"):
        from_snapshot({**snapshot, "version": 2})
    with pytest.raises(SnapshotError, match="damaged"):
        from_snapshot({"version": 1, "digest": {**snapshot["digest"], "totals": {}}})
    with pytest.raises(SnapshotError, match="damaged"):
        from_snapshot({"version": 1, "digest": {**snapshot["digest"], "title": 5}})


def test_stored_content_keeps_the_export_fields_and_old_rows_have_no_snapshot() -> None:
    stored = json.loads(posted_content(_one()))
    assert {k: v for k, v in stored.items() if k not in ("version", "digest")} == \
        json.loads(render_json(_one()))
    assert stored["version"] == 1
    assert stored_digest(render_json(_one())) is None  # stored before snapshots
    assert stored_digest("") is None and stored_digest("not json") is None


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Desk]:
    async for value in _desk(tmp_path, clock):
        yield value


async def test_a_posted_week_shows_as_posted_after_settings_and_votes_change(
        desk: Desk, clock: FakeClock) -> None:
    assert await desk.core.react(GRACE, "m2")
    await desk.editor.set_intro(C, MOD, "Welcome to the week.")
    posted = await desk.publishing.post(C, MOD, "general")
    assert posted is not None and [i.number for i in posted.picks] == [2]
    assert posted.intro and posted.also_shared
    for name, value in (("name", "Renamed"), ("summary_words", "20"), ("picks", "5")):
        await desk.editor.configure(C, MOD, name, value)
    assert await desk.core.react(LINUS, "m3")
    community = await desk.core.curator.known_community(C)
    period = desk.publishing.period(community)
    assert await desk.publishing.export(community, period) == posted
    assert await desk.publishing.preview(C, GRACE) == posted
    clock.advance(days=7)
    assert await desk.publishing.preview(C, GRACE, "last") == posted  # /digest last
    assert render_markdown(await desk.publishing.preview(C, GRACE, "last")) == \
        render_markdown(posted)


async def test_a_row_stored_before_snapshots_is_rebuilt_as_before(desk: Desk) -> None:
    community = await desk.core.curator.known_community(C)
    period = desk.publishing.period(community)
    built = await desk.publishing.export(community, period)
    store = desk.core.store
    assert await store.begin_digest(C, period.key, datetime.now(UTC), render_json(built), [])
    await store.finish_digest(C, period.key, render_json(built), datetime.now(UTC), [], "")
    again = await desk.publishing.publish(community, period, Mode.EXPORT)
    assert again.digest is not None
    assert [i.number for i in again.digest.picks] == [i.number for i in built.picks]


async def test_the_snapshot_outlives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    async for desk in _desk(tmp_path, clock):
        posted = await desk.publishing.post(C, MOD, "general")
    async for desk in _desk(tmp_path, clock):
        await desk.editor.configure(C, MOD, "name", "Renamed")
        community = await desk.core.curator.known_community(C)
        shown = await desk.publishing.export(community, desk.publishing.period(community))
        assert posted is not None and shown == posted


@pytest.mark.parametrize("atom", [False, True])
def test_a_feed_shows_the_posted_digest_whole_and_escaped(atom: bool) -> None:
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    posted = [("2026-W48", posted_content(_one()), at),
              ("2026-W47", posted_content(HOSTILE), at - timedelta(7)),
              ("2026-W46", render_json(_one()), at - timedelta(14))]  # stored before snapshots
    out = render_feed("c", "Club", posted, atom=atom)
    root = etree.fromstring(out.encode())
    entries = root.findall(".//{*}entry") if atom else root.findall(".//item")
    bodies = [e.findtext("{*}content" if atom else "description") or "" for e in entries]
    assert len(bodies) == 3
    new, hostile, old = bodies
    assert "<p>Hi</p>" in new and "by Ada · Site" in new and "Also shared" in new
    assert "shared by bob" in new
    assert "Hi" not in old and "https://a.test/x" in old  # as before: picks only
    assert "<script>" not in hostile and "\u202e" not in out
