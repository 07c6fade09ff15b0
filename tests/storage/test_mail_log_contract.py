"""The Store contract for the e-mail log: a period is e-mailed at most once, unless it is
sent again on purpose, and never by two senders at once. Every store implementation runs
this suite (add it to the ``store`` fixture's params)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.ports import Store
from bot.records import PeriodClaim
from storage.store import SqlStore
from tests.stores import KINDS, fresh_database, fresh_store

NOW = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_store(request.param, tmp_path, "mail") as opened:
        await opened.ensure_community("c", "console", "Club")
        await opened.ensure_community("other", "console", "Other")
        yield opened


async def test_a_period_is_claimed_once_and_recorded(store: Store) -> None:
    assert await store.mail_record("c", "2026-W47") is None
    claims = await asyncio.gather(*(store.begin_mail("c", "2026-W47", NOW) for _ in range(5)))
    assert sorted(claims, key=str) == [1, None, None, None, None]
    assert await store.begin_mail("other", "2026-W47", NOW) == 1, "per community"
    record = await store.mail_record("c", "2026-W47")
    assert record is not None and (record.state, record.attempt, record.started_at) == (
        "sending", 1, NOW)
    await store.finish_mail("c", "2026-W47", 1, LATER, sent=True, recipients=3)
    await store.finish_mail("c", "2026-W47", 1, LATER, sent=True, recipients=3)  # idempotent
    record = await store.mail_record("c", "2026-W47")
    assert record is not None
    assert (record.state, record.finished_at, record.recipients) == ("sent", LATER, 3)
    assert await store.begin_mail("c", "2026-W47", LATER) is None, "sent: never again by itself"
    failed = await store.begin_mail("c", "2026-W48", NOW)
    assert failed == 1
    await store.finish_mail("c", "2026-W48", 1, LATER, sent=False, error="550 " + "x" * 900)
    record = await store.mail_record("c", "2026-W48")
    assert record is not None and record.state == "failed" and record.error.startswith("550")
    assert len(record.error) <= 500
    assert await store.begin_mail("c", "2026-W48", LATER) is None, "failed: not by itself either"


async def test_sending_again_counts_attempts_and_waits_for_a_send_under_way(store: Store
                                                                           ) -> None:
    assert await store.begin_mail("c", "2026-W47", NOW, again=True) == 1, "never sent: first"
    assert await store.begin_mail("c", "2026-W47", NOW, again=True) is None, "under way"
    assert await store.begin_mail("c", "2026-W47", LATER, again=True,
                                  stale_before=NOW) is None, "under way, not stale"
    await store.finish_mail("c", "2026-W47", 1, LATER, sent=True, recipients=2)
    again = await asyncio.gather(*(store.begin_mail("c", "2026-W47", LATER, again=True)
                                   for _ in range(3)))
    assert sorted(again, key=str) == [2, None, None], "one of two senders at once"
    record = await store.mail_record("c", "2026-W47")
    assert record is not None and (record.state, record.attempt, record.recipients,
                                   record.finished_at) == ("sending", 2, 0, None)
    await store.finish_mail("c", "2026-W47", 1, LATER, sent=False, error="late")
    record = await store.mail_record("c", "2026-W47")
    assert record is not None and record.state == "sending", "an old attempt changes nothing"


async def test_a_send_left_mid_way_is_found_and_may_be_taken_over(store: Store) -> None:
    assert await store.begin_mail("c", "2026-W47", NOW) == 1
    assert await store.begin_mail("other", "2026-W47", LATER) == 1
    assert await store.stale_mailings(NOW) == []
    assert await store.stale_mailings(LATER) == [PeriodClaim("c", "2026-W47")]
    assert await store.begin_mail("c", "2026-W47", LATER, again=True,
                                  stale_before=LATER) == 2
    assert await store.stale_mailings(LATER) == []


@pytest.mark.parametrize("kind", KINDS)
async def test_the_log_survives_reopening(kind: str, tmp_path: Path) -> None:
    async with fresh_database(kind, tmp_path, "reopen") as database:
        async with SqlStore(database()) as first:
            await first.ensure_community("c", "console", "Club")
            assert await first.begin_mail("c", "2026-W47", NOW) == 1
            await first.finish_mail("c", "2026-W47", 1, LATER, sent=True, recipients=1)
        async with SqlStore(database()) as second:
            assert await second.begin_mail("c", "2026-W47", LATER) is None
            record = await second.mail_record("c", "2026-W47")
            assert record is not None and record.state == "sent"
