"""The Store contract. Every store implementation runs this same suite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.community import CommunitySettings
from bot.events import MessageRef
from bot.models import (
    Article,
    Member,
    ModerationStatus,
    PageFlag,
    SourceKind,
    SubmissionState,
    Summary,
    SummarySource,
)
from bot.ports import Store
from bot.records import Tally, VoteRecord
from storage.sqlite import SqliteStore
from tests.stores import KINDS, fresh_store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ADA = Member("u1", "Ada")
GRACE = Member("u2", "Grace")


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_store(request.param, tmp_path, "contract") as opened:
        await opened.ensure_community("c1", "console", "One")
        await opened.ensure_community("c2", "console", "Two")
        yield opened


async def test_community_is_created_once_with_default_settings(store: Store) -> None:
    again = await store.ensure_community("c1", "discord", "Renamed")
    assert (again.platform, again.name, again.settings) == ("console", "One", CommunitySettings())
    assert {c.key for c in await store.communities()} == {"c1", "c2"}


async def test_settings_round_trip(store: Store) -> None:
    settings = CommunitySettings(up_emoji=("⬆️", "👍"), picks=3, self_votes=True)
    await store.save_settings("c1", settings)
    found = await store.get_community("c1")
    assert found is not None and found.settings == settings


async def test_numbers_count_per_community_in_submission_order(store: Store) -> None:
    numbers = []
    for i, key in enumerate(["c1", "c1", "c2", "c1"]):
        sub, created = await store.add_submission(key, f"https://x.test/{i}", "raw", ADA, NOW)
        assert created
        numbers.append((key, sub.number))
    assert numbers == [("c1", 1), ("c1", 2), ("c2", 1), ("c1", 3)]


async def test_second_submitter_is_credited_not_duplicated(store: Store) -> None:
    first, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    again, created = await store.add_submission("c1", "https://x.test/a", "a?utm=1", GRACE, NOW)
    replay, _ = await store.add_submission("c1", "https://x.test/a", "a", GRACE, NOW)
    assert not created
    assert again.id == first.id == replay.id
    assert replay.submitters == ("u1", "u2")
    assert len(await store.list_submissions("c1")) == 1
    other, created = await store.add_submission("c2", "https://x.test/a", "a", GRACE, NOW)
    assert created and other.id != first.id


async def test_messages_map_to_submissions_idempotently(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    for _ in range(2):
        await store.link_message("c1", MessageRef("ch", "m1"), sub.id, "origin")
    await store.link_message("c1", MessageRef("ch", "card1"), sub.id, "card")
    assert (await store.submission_for_message("c1", "card1")).id == sub.id  # type: ignore[union-attr]
    assert await store.submission_for_message("c2", "m1") is None
    assert sorted(role for _, role in await store.messages_for(sub.id)) == ["card", "origin"]


async def test_votes_are_unique_per_member_and_emoji(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    assert await store.add_vote(sub.id, "u2", "👍", 1, NOW)
    assert not await store.add_vote(sub.id, "u2", "👍", 1, NOW)
    assert await store.add_vote(sub.id, "u2", "⬆️", 1, NOW)
    assert await store.add_vote(sub.id, "u3", "👎", -1, NOW)
    # Two up emoji from one member still count one voter.
    assert (await store.tallies([sub.id]))[sub.id] == Tally(up=1, down=1)
    assert await store.remove_vote(sub.id, "u2", "👍")
    assert not await store.remove_vote(sub.id, "u2", "👍")
    assert await store.clear_votes(sub.id, "👎") == 1
    assert await store.clear_votes(sub.id) == 1
    assert await store.tallies([sub.id]) == {}


async def test_recount_replaces_votes(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    await store.add_vote(sub.id, "gone", "👍", 1, NOW)
    records = [VoteRecord("u2", "👍", 1), VoteRecord("u3", "👍", 1)]
    await store.replace_votes(sub.id, records, NOW)
    await store.replace_votes(sub.id, records, NOW)
    assert (await store.tallies([sub.id]))[sub.id] == Tally(up=2)


LEASE = timedelta(seconds=30)


async def test_claims_are_leased_and_lapsed_leases_taken_over(store: Store) -> None:
    a, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    b, _ = await store.add_submission("c1", "https://x.test/b", "b", ADA, NOW)
    claimed = await store.claim(a.id, "w1", NOW, NOW + LEASE)
    assert claimed is not None and claimed.state is SubmissionState.FETCHING
    assert claimed.attempts == 1
    assert await store.claim(a.id, "w2", NOW, NOW + LEASE) is None, "held by w1"
    # The next claimable job, oldest first; a held one is passed by.
    assert [s.id for s in await store.claim_next("w2", NOW, NOW + LEASE, 5)] == [b.id]
    assert await store.claim_next("w3", NOW, NOW + LEASE, 5) == []
    # w1 renews; w2 stops renewing (it died): after its lease, w3 takes b over.
    later = NOW + LEASE + timedelta(seconds=1)
    assert await store.renew("w1", [a.id, b.id], later + LEASE) == [a.id]
    taken = await store.claim_next("w3", later, later + LEASE, 5)
    assert [(s.id, s.attempts) for s in taken] == [(b.id, 2)]
    # w2 wakes up: its results are refused, w3's stand.
    assert not await store.set_state(b.id, SubmissionState.FAILED, "timed out", owner="w2")
    assert await store.set_state(b.id, SubmissionState.FAILED, "timed out", owner="w3")
    failed = await store.get_submission("c1", 2)
    assert failed is not None and failed.failure_reason == "timed out"
    # A clean stop gives a job back at once.
    await store.release("w1", [a.id])
    assert [s.id for s in await store.claim_next("w3", later, later + LEASE, 5)] == [a.id]


async def test_concurrent_claims_never_share_a_job(store: Store) -> None:
    subs = [(await store.add_submission("c1", f"https://x.test/{i}", "x", ADA, NOW))[0]
            for i in range(30)]
    batches = await asyncio.gather(*(store.claim_next(f"w{i}", NOW, NOW + LEASE, 4)
                                     for i in range(10)))
    ids = [s.id for batch in batches for s in batch]
    assert sorted(ids) == [s.id for s in subs] and len(set(ids)) == len(ids)


async def test_finishing_needs_the_lease_when_an_owner_is_given(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    keep, _ = await store.add_submission("c1", "https://x.test/k", "k", ADA, NOW)
    article = Article(url="https://x.test/a", title="T", text="body")
    assert not await store.mark_ready(sub.id, article, Summary("S.", SummarySource.LLM), NOW,
                                      owner="w1"), "not claimed by w1"
    assert await store.claim(sub.id, "w1", NOW, NOW + LEASE) is not None
    assert not await store.merge_into(sub.id, keep.id, owner="w2")
    assert await store.mark_ready(sub.id, article, Summary("S.", SummarySource.LLM), NOW,
                                  owner="w1")
    assert await store.renew("w1", [sub.id], NOW + LEASE) == [], "finished: no lease left"


async def test_named_lease(store: Store) -> None:
    assert await store.try_lease("sched", "p1", NOW, NOW + LEASE)
    assert await store.try_lease("sched", "p1", NOW, NOW + LEASE), "renewed by its holder"
    assert not await store.try_lease("sched", "p2", NOW, NOW + LEASE)
    assert await store.try_lease("sched", "p2", NOW + LEASE * 2, NOW + LEASE * 3), "lapsed"
    await store.drop_lease("sched", "p1")  # not p1's any more: nothing happens
    assert not await store.try_lease("sched", "p1", NOW + LEASE * 2, NOW + LEASE * 3)
    await store.drop_lease("sched", "p2")
    assert await store.try_lease("sched", "p1", NOW + LEASE * 2, NOW + LEASE * 3)


async def test_seen_events_expire(store: Store) -> None:
    keep = timedelta(hours=1)
    assert await store.first_sighting("slack", "Ev1", NOW, keep)
    assert not await store.first_sighting("slack", "Ev1", NOW + keep / 2, keep)
    assert await store.first_sighting("other", "Ev1", NOW, keep), "scopes apart"
    assert await store.first_sighting("slack", "Ev1", NOW + keep * 2, keep), "forgotten"


async def test_settings_changes_are_announced(store: Store) -> None:
    before = await store.settings_version()
    await store.save_settings("c1", CommunitySettings(picks=3))
    after = await store.settings_version()
    assert after != before
    await store.save_settings("nobody", CommunitySettings(picks=3))
    await store.set_period_note("c1", "2026-W48", intro="hi")
    assert await store.settings_version() == after, "no settings changed"
    await store.set_period_note("c1", "2026-W48", locked=True)
    assert await store.settings_version() != after


async def test_command_sync_hash(store: Store) -> None:
    assert await store.synced_hash("discord:1") is None
    await store.record_sync("discord:1", "abc", NOW)
    await store.record_sync("discord:1", "def", NOW)
    assert (await store.synced_hash("discord:1"), await store.synced_hash("discord:2")) == (
        "def", None)


async def test_ready_submission_keeps_article_fields(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    article = Article(url="https://x.test/final", title="T", text="body", authors=("A", "B"),
                      site_name="Site", published="2026-11-20", language="fr",
                      kind=SourceKind.PAPER, flag=PageFlag.PAYWALL)
    await store.mark_ready(sub.id, article, Summary("S.", SummarySource.LLM), NOW)
    got = await store.get_submission("c1", sub.number)
    assert got is not None
    assert (got.state, got.title, got.authors, got.site_name, got.language, got.kind,
            got.flag, got.summary, got.summary_source, got.final_url, got.ready_at) == (
        SubmissionState.READY, "T", ("A", "B"), "Site", "fr", SourceKind.PAPER,
        PageFlag.PAYWALL, "S.", SummarySource.LLM, "https://x.test/final", NOW)
    assert (await store.find_by_url("c1", "https://x.test/final")) == got


async def test_merge_moves_credit_messages_and_votes(store: Store) -> None:
    keep, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    dup, _ = await store.add_submission("c1", "https://x.test/b", "b", GRACE, NOW)
    await store.link_message("c1", MessageRef("ch", "m2"), dup.id, "origin")
    await store.add_vote(dup.id, "u3", "👍", 1, NOW)
    await store.merge_into(dup.id, keep.id)
    merged = await store.get_submission_by_id(keep.id)
    assert merged is not None and merged.submitters == ("u1", "u2")
    assert await store.get_submission_by_id(dup.id) is None
    assert (await store.submission_for_message("c1", "m2")) == merged
    assert (await store.tallies([keep.id]))[keep.id] == Tally(up=1)


async def test_a_period_is_posted_once(store: Store) -> None:
    sub, _ = await store.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    assert await store.begin_digest("c1", "2026-W48", NOW)
    assert not await store.begin_digest("c1", "2026-W48", NOW)
    assert await store.begin_digest("c2", "2026-W48", NOW)
    await store.abandon_digest("c2", "2026-W48")
    assert await store.digest_record("c2", "2026-W48") is None
    await store.finish_digest("c1", "2026-W48", "{}", NOW, [sub.id])
    assert await store.digest_record("c1", "2026-W48") == ("posted", "{}")
    await store.abandon_digest("c1", "2026-W48")  # a posted period is never forgotten
    assert not await store.begin_digest("c1", "2026-W48", NOW)
    published = await store.get_submission_by_id(sub.id)
    assert published is not None and published.status is ModerationStatus.PUBLISHED
    assert [p for p, _, _ in await store.posted_digests("c1")] == ["2026-W48"]


async def test_members_are_named_and_renamed(store: Store) -> None:
    await store.upsert_member("c1", ADA)
    await store.upsert_member("c1", Member("u1", "Ada L."))
    assert await store.member_names("c1", ["u1", "nobody"]) == {"u1": "Ada L."}


async def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "reopen.sqlite3"
    async with SqliteStore(path) as first:
        await first.ensure_community("c1", "console", "One")
        await first.add_submission("c1", "https://x.test/a", "a", ADA, NOW)
    async with SqliteStore(path) as second:
        assert [s.url for s in await second.list_submissions("c1")] == ["https://x.test/a"]
        mode = await second.db.execute_fetchall("PRAGMA journal_mode")
        assert next(iter(mode))[0] == "wal"


async def test_period_notes(store: Store) -> None:
    assert await store.period_note("c1", "2026-W48") == ("", False)
    await store.set_period_note("c1", "2026-W48", intro="Hello")
    await store.set_period_note("c1", "2026-W48", locked=True)
    assert await store.period_note("c1", "2026-W48") == ("Hello", True)
    await store.set_period_note("c1", "2026-W48", intro="", locked=False)
    assert await store.period_note("c1", "2026-W48") == ("", False)
    assert await store.period_note("c2", "2026-W48") == ("", False)


async def test_stale_postings(store: Store) -> None:
    await store.begin_digest("c1", "2026-W47", NOW)
    assert await store.stale_postings(NOW) == []
    assert await store.stale_postings(NOW.replace(hour=11)) == [("c1", "2026-W47")]


async def test_summary_cache(store: Store) -> None:
    cache = store  # the SQLite store doubles as the summary cache
    assert await cache.get("k") is None  # type: ignore[attr-defined]
    await cache.put("k", Summary("S.", SummarySource.LLM, "m"))  # type: ignore[attr-defined]
    assert await cache.get("k") == Summary("S.", SummarySource.LLM, "m")  # type: ignore[attr-defined]


async def test_installations_are_saved_removed_and_renewed(store: Store) -> None:
    later = NOW.replace(hour=12)
    assert await store.find_installation("slack", "T1") is None
    await store.save_installation("slack", "T1", '{"bot_token": "a"}', NOW)
    await store.save_installation("slack", "T1", '{"bot_token": "b"}', later)
    assert await store.find_installation("slack", "T1") == '{"bot_token": "b"}'
    assert await store.find_installation("discord", "T1") is None
    await store.remove_installation("slack", "T1", NOW)
    await store.remove_installation("slack", "T1", later)  # the first removal counts
    assert await store.find_installation("slack", "T1") is None
    assert await store.removed_before("slack", later) == ["T1"]
    assert await store.removed_before("slack", NOW) == []
    await store.save_installation("slack", "T1", '{"bot_token": "c"}', later)  # installed again
    assert await store.removed_before("slack", later.replace(hour=23)) == []
    await store.forget_installation("slack", "T1")
    assert await store.find_installation("slack", "T1") is None


async def test_oauth_states_are_used_once_before_they_expire(store: Store) -> None:
    await store.issue_state("s1", NOW.replace(hour=11))
    await store.issue_state("s2", NOW.replace(hour=11))
    assert await store.consume_state("s1", NOW)
    assert not await store.consume_state("s1", NOW)
    assert not await store.consume_state("s2", NOW.replace(hour=11))  # expired
    assert not await store.consume_state("never", NOW)


async def test_purging_a_community_leaves_the_others_whole(store: Store) -> None:
    for key in ("c1", "c2"):
        sub, _ = await store.add_submission(key, "https://x.test/a", "a", ADA, NOW)
        await store.link_message(key, MessageRef("ch", f"m-{key}"), sub.id, "origin")
        await store.add_vote(sub.id, "u2", "👍", 1, NOW)
        await store.upsert_member(key, ADA)
        await store.set_period_note(key, "2026-W48", intro="Hi")
        await store.begin_digest(key, "2026-W48", NOW)
        await store.first_notice(key, "hint", NOW)
    assert await store.purge_community("c1") > 0
    assert await store.get_community("c1") is None
    assert await store.submission_for_message("c1", "m-c1") is None
    kept = await store.list_submissions("c2")
    assert len(kept) == 1 and (await store.tallies([kept[0].id]))[kept[0].id] == Tally(up=1)
    assert await store.period_note("c2", "2026-W48") == ("Hi", False)
    assert await store.member_names("c2", ["u1"]) == {"u1": "Ada"}
    assert await store.purge_community("c1") == 0
