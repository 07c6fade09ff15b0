"""/digest stats: the last 30 days and all time, bounded, counted from the store (each
engine); and the digest footer's top sharer. An injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import replies
from bot.compose import top_sharer
from bot.digest import DigestItem, Untrusted
from bot.models import Member, SummarySource
from bot.stats import community_stats
from storage.store import SqlStore
from tests.digest_helpers import seed

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


async def _share(store: SqlStore, member: str, url: str, when: datetime) -> int:
    added = await store.add_submission("c", url, url, Member(member, member.title()), when)
    return added.submission.id


async def test_stats_count_the_last_30_days_and_all_time(any_store: SqlStore) -> None:
    store = any_store
    await store.ensure_community("c", "console", "C")
    old = NOW - timedelta(days=45)
    recent = NOW - timedelta(days=3)
    picked = [await seed(store, "c", old, "old one", votes=2, submitter="ada"),
              await seed(store, "c", recent, "new one", votes=1, submitter="grace"),
              await seed(store, "c", recent, "new two", votes=0, submitter="grace")]
    await _share(store, "linus", "https://www.example.org/x", recent)
    await _share(store, "linus", "https://xn--bcher-kva.test/y", old)
    await store.finish_digest("c", "2026-W40", "", NOW, picked)
    report = await community_stats(store, "c", NOW)
    lines = replies.stats_lines(report, str)
    assert lines == [
        "Last 30 days: 3 links shared · 1 vote cast · 2 picks",
        "  Top sharers (links picked): Grace (2)",
        "  Top sites (links shared): news.test (2), example.org (1)",
        "All time: 5 links shared · 3 votes cast · 3 picks",
        "  Top sharers (links picked): Grace (2), Ada (1)",
        "  Top sites (links shared): news.test (3), bücher.test (1), example.org (1)",
    ]


async def test_stats_are_bounded_and_names_cut(any_store: SqlStore) -> None:
    store = any_store
    await store.ensure_community("c", "console", "C")
    ids = []
    for i in range(8):
        name = f"member{i}-" + "x" * 60
        await store.upsert_member("c", Member(f"m{i}", name))
        for j in range(i + 1):
            ids.append(await _share(store, f"m{i}", f"https://site{i}.test/{j}", NOW))
    await store.finish_digest("c", "2026-W48", "", NOW, ids)
    lines = replies.stats_lines(await community_stats(store, "c", NOW), str)
    sharers = lines[1].removeprefix("  Top sharers (links picked): ").split(", ")
    assert len(sharers) == 5 and sharers[0] == "member7-" + "x" * 31 + "… (8)"
    assert lines[2].endswith("site7.test (8), site6.test (7), site5.test (6), site4.test (5), "
                             "site3.test (4)")
    empty = replies.stats_lines(await community_stats(store, "c", NOW + timedelta(days=60)), str)
    assert empty[:3] == ["Last 30 days: 0 links shared · 0 votes cast · 0 picks",
                         "  Top sharers (links picked): none yet",
                         "  Top sites (links shared): none yet"]


def _item(rank: int, who: str) -> DigestItem:
    text = Untrusted("t")
    return DigestItem(rank, rank, text, text, (), text, text, SummarySource.OFFLINE, 1, 1,
                      (Untrusted(who), Untrusted("someone else")))


def test_the_top_sharer_shared_the_most_picks_and_ties_go_to_the_better_rank() -> None:
    assert top_sharer([]) == ("", 0)
    assert top_sharer([_item(1, "Ada"), _item(2, "Grace"), _item(3, "Grace")]) == ("Grace", 2)
    assert top_sharer([_item(2, "Ada"), _item(1, "Grace"), _item(3, "Ada"),
                       _item(4, "Grace")]) == ("Grace", 2)
