"""SqlStore is one class per port composed on one database; named results read by field, on
every engine.

The contract suites (test_*_contract.py) check the behaviour of the composed store; this
checks the composition itself: each port's class implements exactly its port, no method is
defined twice (so none silently hides another), and a port's class works on its own.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import ports
from bot.events import MessageRef
from bot.models import Member, Summary, SummarySource
from bot.records import PeriodNote
from storage.communities import COMMUNITY_TABLES, SqlCommunities, SqlMembers
from storage.connection import SqlConnection
from storage.cursors import SqlChannelCursors
from storage.digests import SqlDigests, SqlPeriodNotes
from storage.holds import SqlHolds
from storage.installations import SqlInstallations
from storage.mail import SqlMailLog
from storage.shared import SqlCommandSyncs, SqlLeases, SqlSeenEvents
from storage.stats import SqlStats
from storage.store import SqlStore
from storage.submissions import SqlIngestQueue, SqlMessages, SqlSubmissions
from storage.summaries import SqlSummaryCache
from storage.upgrades import SqlSummaryUpgrades
from storage.votes import SqlVotes
from tests.stores import KINDS, fresh_database, fresh_store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PORTS: dict[type, type] = {
    SqlCommunities: ports.CommunityStore,
    SqlMembers: ports.MemberStore,
    SqlSubmissions: ports.SubmissionStore,
    SqlMessages: ports.MessageStore,
    SqlIngestQueue: ports.IngestQueue,
    SqlVotes: ports.VoteStore,
    SqlDigests: ports.DigestStore,
    SqlPeriodNotes: ports.PeriodNotes,
    SqlHolds: ports.HoldStore,
    SqlStats: ports.StatsStore,
    SqlSummaryCache: ports.SummaryCache,
    SqlLeases: ports.LeaseStore,
    SqlSeenEvents: ports.SeenEvents,
    SqlCommandSyncs: ports.CommandSyncs,
    SqlInstallations: ports.Installations,
    SqlMailLog: ports.MailLog,
    SqlSummaryUpgrades: ports.SummaryUpgrades,
    SqlChannelCursors: ports.ChannelCursors,
}


def _methods(cls: type) -> set[str]:
    """Public methods a class (or protocol) defines itself, not inherited ones."""
    return {name for name, value in vars(cls).items()
            if not name.startswith("_") and inspect.isfunction(value)}


def test_each_port_class_implements_exactly_its_port() -> None:
    for implementation, port in PORTS.items():
        assert _methods(implementation) == _methods(port), implementation.__name__


def test_the_composed_store_is_every_port_once_and_adds_nothing() -> None:
    parts = [c for c in SqlStore.__mro__ if c not in (SqlStore, SqlConnection, object)]
    assert set(parts) == set(PORTS)
    seen: dict[str, str] = {}
    for part in parts:
        for name in _methods(part):
            assert name not in seen, f"{name} in both {seen[name]} and {part.__name__}"
            seen[name] = part.__name__
    assert _methods(SqlStore) == set()
    every_port = set().union(*(_methods(p) for p in PORTS.values()))
    assert set(seen) == every_port


@pytest.mark.parametrize("kind", KINDS)
async def test_a_port_class_opened_alone_shares_the_database(kind: str, tmp_path: Path) -> None:
    summary = Summary("Short.", SummarySource.OFFLINE)
    async with fresh_database(kind, tmp_path, "shared") as database:
        async with SqlStore(database()) as store:
            await store.ensure_community("c", "console", "C")
            await store.put("k", summary)
        async with (SqlSummaryCache(database()) as cache,
                    SqlCommunities(database()) as communities):
            assert await cache.get("k") == summary
            assert [c.key for c in await communities.communities()] == ["c"]


@pytest.mark.parametrize("kind", KINDS)
async def test_results_read_by_field_name(kind: str, tmp_path: Path) -> None:
    async with fresh_store(kind, tmp_path, "named") as store:
        await store.ensure_community("c", "console", "C")
        added = await store.add_submission("c", "https://x.test/a", "a", Member("u1", "A"), NOW)
        assert added.created and added.submission.number == 1
        again = await store.add_submission("c", "https://x.test/a", "a", Member("u2", "B"), NOW)
        assert not again.created and again.submission.submitters == ("u1", "u2")

        await store.link_message("c", MessageRef("ch", "m1"), added.submission.id, "origin")
        await store.link_message("c", MessageRef("ch", "m2"), added.submission.id, "card")
        linked = await store.messages_for(added.submission.id)
        assert [(m.ref.message_id, m.role) for m in linked] == [("m1", "origin"),
                                                                ("m2", "card")]

        assert await store.period_note("c", "2026-W47") == PeriodNote("", False)
        await store.set_period_note("c", "2026-W47", locked=True)
        assert (await store.period_note("c", "2026-W47")).locked

        assert await store.begin_digest("c", "2026-W47", NOW, "{}", [added.submission.id])
        plan = await store.digest_plan("c", "2026-W47")
        assert plan is not None and plan.picks == [added.submission.id]
        record = await store.digest_record("c", "2026-W47")
        assert record is not None and record.state == "posting"
        stale = await store.stale_postings(NOW + timedelta(hours=1))
        assert [(s.community, s.period) for s in stale] == [("c", "2026-W47")]

        await store.finish_digest("c", "2026-W47", "{}", NOW, [added.submission.id],
                                  "https://chat.test/1")
        previous = await store.previous_digest("c", "2026-W48")
        assert previous is not None and previous.url == "https://chat.test/1"
        posted = await store.posted_digests("c")
        assert [(p.period, p.posted_at) for p in posted] == [("2026-W47", NOW)]


# The tables with a `community` column, asked of each engine's catalogue.
_HOLDING = {
    "sqlite": "SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) c "
              "WHERE m.type = 'table' AND c.name = 'community'",
    "postgresql": "SELECT table_name AS t FROM information_schema.columns "
                  "WHERE table_schema = current_schema() AND column_name = 'community'",
}


@pytest.mark.parametrize("kind", KINDS)
async def test_a_purge_reaches_every_table_that_holds_a_community(kind: str,
                                                                  tmp_path: Path) -> None:
    """A new table with a `community` column must be purged with its community too."""
    async with fresh_store(kind, tmp_path, "tables") as store:
        rows = await store.database.fetch(_HOLDING[store.database.dialect])
        holding = {row["t"] for row in rows}
        assert holding == set(COMMUNITY_TABLES)
        await store.ensure_community("c", "console", "C")
        await store.ensure_community("d", "console", "D")
        added = await store.add_submission("c", "https://x.test/a", "a", Member("u1", "A"), NOW)
        await store.link_message("c", MessageRef("ch", "m1"), added.submission.id, "origin")
        await store.upsert_member("c", Member("u1", "A"))
        await store.upsert_member("d", Member("u1", "A"))
        assert await store.purge_community("c") == 4
        assert await store.get_community("c") is None
        assert await store.member_names("d", ["u1"]) == {"u1": "A"}
