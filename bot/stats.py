"""A community's stats, for `/digest stats`: the last 30 days and all time, each with its
top sharers (by links picked), top sites (by links shared), links shared, votes cast and
picks. Bounded: the top five of each list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from bot.links import shown_host
from bot.ports import MemberStore, StatsStore
from bot.records import SharedLink

RECENT_DAYS = 30
TOP = 5


class StatsSource(StatsStore, MemberStore, Protocol):
    """The stores stats read: links and votes, and members' names."""


@dataclass(frozen=True, slots=True)
class Ranked:
    name: str  # untrusted: a member's display name, or a site
    count: int


@dataclass(frozen=True, slots=True)
class Stats:
    links: int
    votes: int
    picks: int
    sharers: tuple[Ranked, ...]  # by links picked, at most TOP
    sites: tuple[Ranked, ...]  # by links shared, at most TOP


@dataclass(frozen=True, slots=True)
class StatsReport:
    recent: Stats  # the last RECENT_DAYS days
    ever: Stats
    days: int = RECENT_DAYS


async def community_stats(store: StatsSource, community: str, now: datetime) -> StatsReport:
    since = now - timedelta(days=RECENT_DAYS)
    recent = await store.shared_links(community, since)
    ever = await store.shared_links(community, None)
    ids = sorted({link.submitter for link in ever if link.picked})
    names = await store.member_names(community, ids)
    return StatsReport(
        _stats(recent, await store.votes_cast(community, since), names),
        _stats(ever, await store.votes_cast(community, None), names))


def _stats(links: Sequence[SharedLink], votes: int, names: dict[str, str]) -> Stats:
    picked = Counter(link.submitter for link in links if link.picked)
    sites = Counter(site for link in links if (site := _site(link.url)))
    sharers = [(names.get(member, member), n) for member, n in picked.items()]
    return Stats(len(links), votes, sum(picked.values()), _top(sharers), _top(sites.items()))


def _top(counts: Iterable[tuple[str, int]]) -> tuple[Ranked, ...]:
    """The TOP largest counts, most first, ties in name order."""
    ranked = sorted(counts, key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
    return tuple(Ranked(name, count) for name, count in ranked[:TOP])


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return shown_host(host) if host else ""
