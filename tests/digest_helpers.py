"""Seeding a real store with ready submissions and votes, for digest tests."""

from __future__ import annotations

from datetime import datetime

from bot.models import Article, Member, PageFlag, SourceKind, Summary, SummarySource
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
