"""The Store contract for LLM summary upgrades: the kept text and each upgrade's stored step.
Every store implementation runs this suite (add it to the ``store`` fixture's params)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Member, SubmissionState, Summary, SummarySource
from bot.ports import Store
from tests.digest_helpers import seed
from tests.stores import KINDS, fresh_store

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_store(request.param, tmp_path, "upgrades") as opened:
        await opened.ensure_community("c", "console", "Club")
        yield opened


async def test_an_upgrade_is_asked_for_once_and_done_once(store: Store) -> None:
    sid = await seed(store, "c", NOW, "kept")
    assert not await store.keep_article(sid, "The article.", requested=False, now=NOW)
    assert await store.upgrade_text(sid) == "The article."
    assert await store.pending_upgrades() == []
    assert await store.request_upgrade(sid, NOW)
    assert not await store.request_upgrade(sid, NOW)  # a second vote, a replayed event
    assert await store.pending_upgrades() == [sid]
    await store.finish_upgrade(sid, Summary("By the model.", SummarySource.LLM, "m"), NOW)
    await store.finish_upgrade(sid, Summary("By the model.", SummarySource.LLM, "m"), NOW)
    done = await store.get_submission_by_id(sid)
    assert done is not None
    assert (done.summary, done.summary_source) == ("By the model.", SummarySource.LLM)
    assert await store.upgrade_text(sid) is None  # the text is not kept any longer
    assert not await store.request_upgrade(sid, NOW)
    assert await store.pending_upgrades() == []
    assert await store.upgradable([sid]) == []


async def test_asked_for_while_being_read_stays_asked_for(store: Store) -> None:
    member = Member("sam", "Sam")
    sub, _ = await store.add_submission("c", "https://a.test/x", "https://a.test/x", member,
                                        NOW)
    assert await store.request_upgrade(sub.id, NOW)  # a vote before the page was read
    assert await store.pending_upgrades() == []  # not ready: nothing to resume yet
    assert await store.keep_article(sub.id, "Text.", requested=False, now=NOW)
    assert await store.upgrade_text(sub.id) == "Text."


async def test_pending_upgrades_of_ready_links_resume_in_order(store: Store) -> None:
    ids = [await seed(store, "c", NOW, f"link {i}") for i in range(3)]
    for sid in ids:
        await store.keep_article(sid, "Text.", requested=sid != ids[1], now=NOW)
    assert await store.pending_upgrades() == [ids[0], ids[2]]
    assert await store.upgradable(list(reversed(ids))) == list(reversed(ids))
    await store.set_state(ids[2], SubmissionState.PENDING)  # being read again
    assert await store.pending_upgrades() == [ids[0]]
    # Read again: the text is replaced, and the upgrade stays asked for.
    assert await store.keep_article(ids[2], "New text.", requested=False, now=NOW)
    assert await store.upgrade_text(ids[2]) == "New text."


async def test_a_merged_duplicate_takes_its_upgrade_with_it(store: Store) -> None:
    keep, gone = await seed(store, "c", NOW, "keep"), await seed(store, "c", NOW, "gone")
    await store.keep_article(gone, "Text.", requested=True, now=NOW)
    await store.merge_into(gone, keep)
    assert await store.pending_upgrades() == []
    assert await store.upgrade_text(gone) is None
