"""Seeding a real store with ready submissions and votes, for digest tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.community import CommunitySettings
from bot.models import Article, Member, PageFlag, SourceKind, Summary, SummarySource
from bot.period import period_containing
from bot.ports import Store


async def seed(store: Store, community: str, when: datetime, title: str, votes: int = 0,
               submitter: str = "sam", flag: PageFlag | None = None,
               kind: SourceKind = SourceKind.ARTICLE, summary: str = "A summary.") -> int:
    """A ready submission with ``votes`` distinct up-votes; returns its id."""
    member = Member(submitter, submitter.capitalize())
    await store.upsert_member(community, member)
    url = f"https://news.test/{title.replace(' ', '-')}"
    sub, _ = await store.add_submission(community, url, url, member, when)
    article = Article(url=url, title=title, text="x", authors=("Author",), site_name="Site",
                      kind=kind, flag=flag)
    await store.mark_ready(sub.id, article, Summary(summary, SummarySource.OFFLINE), when)
    for i in range(votes):
        await store.add_vote(sub.id, f"voter{i}", "👍", 1, when)
    return sub.id


def this_week_for_the_cli(path: Path, summary: Callable[[int], str]) -> dict[str, str]:
    """A database at ``path`` whose `local` community has three ready stories this week
    (1, 3 and 2 votes), and the environment for `digestif` commands to use it."""

    async def fill() -> None:
        from storage.sqlite import SqliteStore

        async with SqliteStore(path) as store:
            await store.ensure_community("local", "console", "local")
            start = period_containing(datetime.now(UTC), CommunitySettings()).start
            for i, votes in enumerate([1, 3, 2]):
                await seed(store, "local", start, f"Story number {i}", votes=votes,
                           summary=summary(i))

    asyncio.run(fill())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "DIGESTIF_", "SMTP_"))}
    return {**env, "DIGESTIF_DB": str(path), "DIGESTIF_LOG_LEVEL": "WARNING"}
