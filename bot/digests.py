"""Building and publishing a community's digest for a period."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.bylines import clean_authors
from bot.clock import Clock
from bot.community import Community, CommunitySettings
from bot.digest import Digest, DigestItem, DigestSection, Untrusted
from bot.errors import InvalidSetting
from bot.models import BriefItem, SourceKind, Submission
from bot.period import Period, Schedule, period_by_key, period_containing, previous_period
from bot.ports import Candidate, Store, Summarizer, VoteRecounter
from bot.ranking import choose, counted, eligible
from bot.recount import recount
from bot.summarize.brief import offline_brief

log = logging.getLogger(__name__)

# Posts the digest; returns where it can be read, when the platform says.
Poster = Callable[[Digest], Awaitable[str | None]]
KIND_SECTIONS = {
    SourceKind.ARTICLE: "Articles you should read",
    SourceKind.PAPER: "Papers",
    SourceKind.CODE: "Code and tools",
    SourceKind.VIDEO: "Videos",
}
TLDR_BULLETS = 6  # one per top pick (up to five), then the "Also:" line
# A preview recounts at most this often per community: every recount reads every
# candidate's reactions from the platform. Posting always recounts.
RECOUNT_EVERY = timedelta(minutes=5)


class Outcome(StrEnum):
    POSTED = "posted"
    ALREADY_POSTED = "already posted"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Publication:
    outcome: Outcome
    digest: Digest | None = None


class DigestService:
    def __init__(self, store: Store, summarizer: Summarizer, clock: Clock) -> None:
        self._store = store
        self._summarizer = summarizer
        self._clock = clock
        self.recounters: dict[str, VoteRecounter] = {}
        self._recounted_at: dict[str, datetime] = {}

    def period(self, community: Community, which: str = "this") -> Period:
        """'this', 'last', or an ISO week 'YYYY-Www'."""
        current = period_containing(self._clock(), community.settings)
        if which == "this":
            return current
        if which == "last":
            return previous_period(current, community.settings)
        return period_by_key(which, community.settings)

    async def build(self, community: Community, period: Period, *,
                    fresh: bool = False) -> Digest:
        """The period's digest as it stands. Recounts votes first (``fresh``: even if a
        recount was done moments ago)."""
        settings = community.settings
        await self._recount(community, period, fresh)
        candidates = await self._candidates(community, period)
        picks, rest = choose(candidates, settings.picks, settings.min_score,
                             settings.also_shared_cap)
        chosen = [c.submission_id for c in [*picks, *rest]]
        rows = {s.id: s for s in await self._store.submissions_by_ids(chosen)}
        names = await self._store.member_names(
            community.key, sorted({m for s in rows.values() for m in s.submitters}))
        items = [_item(i, c, rows[c.submission_id], names)
                 for i, c in enumerate((c for c in picks if c.submission_id in rows), start=1)]
        previous = await self._store.previous_digest(community.key, period.key)
        intro, _ = await self._store.period_note(community.key, period.key)
        return Digest(
            community=community.key,
            community_name=Untrusted(display_name(community)),
            period=period,
            title=f"{newsletter_name(community)} · {date_range(period, settings)}",
            intro=Untrusted(intro),
            tldr=await self._tldr(items, settings),
            sections=_sections(items, settings),
            also_shared=tuple(_item(0, c, rows[c.submission_id], names)
                              for c in rest if c.submission_id in rows),
            totals=await self._store.period_totals(community.key, period.start, period.end),
            previous_period=previous[0] if previous else "",
            previous_url=previous[1] if previous else "",
            previous_label=_previous_label(period, previous[0], settings) if previous else "",
            date_range=date_range(period, settings),
        )

    async def _candidates(self, community: Community, period: Period) -> list[Candidate]:
        """Ready in the period, plus unpicked ones from the carry-over weeks that still have
        votes, counted as the community counts votes."""
        settings = community.settings
        since = period.start - timedelta(weeks=max(0, settings.carry_over_weeks))
        found = await self._store.digest_candidates(community.key, since, period.start,
                                                    period.end)
        return [c for c in (counted(c, settings.downvotes) for c in found) if eligible(c)]

    async def _recount(self, community: Community, period: Period, fresh: bool) -> None:
        recounter = self.recounters.get(community.platform)
        if recounter is None:
            return
        now = self._clock()
        last = self._recounted_at.get(community.key)
        if not fresh and last is not None and now - last < RECOUNT_EVERY:
            return
        candidates = await self._candidates(community, period)
        await recount(self._store, recounter, community,
                      [c.submission_id for c in candidates], now)
        self._recounted_at[community.key] = now

    async def _tldr(self, items: Sequence[DigestItem], settings: CommunitySettings
                    ) -> tuple[Untrusted, ...]:
        briefable = [BriefItem(i.title, i.summary, i.site, i.kind) for i in items if not i.flag]
        if not items:
            return ()
        bullets: tuple[str, ...] = ()
        if briefable:
            try:
                bullets = await self._summarizer.brief(briefable, settings.summary_prefs)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the TL;DR could not be written; using the summaries' leads")
                bullets = offline_brief(briefable)
        if not bullets:
            # Nothing to say beyond the titles, which the sections show: no TL;DR at all
            # beats one that reads the titles back.
            return ()
        return tuple(Untrusted(b) for b in bullets[:TLDR_BULLETS])

    async def publish(self, community: Community, period: Period,
                      post: Poster) -> Digest | None:
        """Build and post the period's digest once. None when it was already posted."""
        return (await self.deliver(community, period, post)).digest

    async def deliver(self, community: Community, period: Period, post: Poster, *,
                      skip_empty: bool = False) -> Publication:
        """Build and post the period's digest once, whoever else tries at the same time.

        The digest is built first, then the period is claimed together with what is about
        to go out, then posted, then recorded as posted with its picks marked published.
        A failed post releases the claim; a crash after claiming leaves it 'posting', which
        the scheduler settles as posted (see Scheduler.reconcile): never twice."""
        key = community.key
        if await self._store.digest_record(key, period.key) is not None:
            return Publication(Outcome.ALREADY_POSTED)
        digest = await self.build(community, period, fresh=True)
        if digest.empty and skip_empty:
            return Publication(Outcome.EMPTY, digest)
        from bot.render.json import render_json

        content = render_json(digest)
        picks = [item.submission_id for item in digest.picks]
        if not await self._store.begin_digest(key, period.key, self._clock(), content, picks):
            return Publication(Outcome.ALREADY_POSTED)
        try:
            url = await post(digest)
        except BaseException:
            # Nothing went out (the publisher raises only when the post failed): release the
            # claim so the period can be posted later.
            await self._store.abandon_digest(key, period.key)
            raise
        await self._store.finish_digest(key, period.key, content, self._clock(), picks,
                                        url or "")
        return Publication(Outcome.POSTED, digest)


def display_name(community: Community) -> str:
    """The community as members call it: the server or workspace name; for a community
    known only by its key (the console's "local"), the key made to look like a name."""
    name = " ".join(community.name.split())
    if name and name != community.key:
        return name
    words = community.key.replace("_", " ").replace("-", " ").split()
    return " ".join(w.capitalize() if w.islower() else w for w in words) or "Community"


def newsletter_name(community: Community) -> str:
    """The digest's name: the community's `name` setting, else its name + " digest"."""
    return " ".join(community.settings.name.split()) or f"{display_name(community)} digest"


def _previous_label(period: Period, key: str, settings: CommunitySettings) -> str:
    """"Last week's digest (Nov 9 – 15, 2026)", or "Previous digest (…)" when weeks were
    skipped in between."""
    try:
        previous = period_by_key(key, settings)
    except InvalidSetting:  # a key stored by an older version: still worth a link
        return "Previous digest"
    lead = "Last week's digest" if previous_period(period, settings).key == key else (
        "Previous digest")
    return f"{lead} ({date_range(previous, settings)})"


def date_range(period: Period, settings: CommunitySettings) -> str:
    """The seven days a period mostly covers, in the community's time zone: "Nov 16 – 22,
    2026" for a week from Monday 09:00 to Monday 09:00 (its last hours are not a day)."""
    zone = Schedule.of(settings).zone
    start = (period.start + timedelta(hours=12)).astimezone(zone).date()
    end = (period.end - timedelta(hours=12)).astimezone(zone).date()
    if start.year != end.year:
        return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day} – {end.day}, {end.year}"


def _sections(items: list[DigestItem], settings: CommunitySettings
              ) -> tuple[DigestSection, ...]:
    sections = []
    pinned = tuple(i for i in items if i.pinned)
    if pinned:
        sections.append(DigestSection("Editor's picks", pinned))
    others = [i for i in items if not i.pinned]
    if settings.group_by_kind:
        for kind, heading in KIND_SECTIONS.items():
            group = tuple(i for i in others if i.kind is kind)
            if group:
                sections.append(DigestSection(heading, group))
    elif others:
        sections.append(DigestSection("Top picks", tuple(others)))
    return tuple(sections)


def _item(rank: int, candidate: Candidate, s: Submission, names: dict[str, str]) -> DigestItem:
    return DigestItem(
        rank=rank,
        number=s.number,
        url=Untrusted(s.final_url or s.url),
        title=Untrusted(s.title or s.url),
        authors=tuple(Untrusted(a) for a in clean_authors(s.authors)),
        site=Untrusted(s.site_name),
        summary=Untrusted("" if s.flag is not None else s.summary),
        summary_source=s.summary_source,
        score=candidate.tally.score,
        voters=candidate.tally.voters,
        submitters=tuple(Untrusted(names.get(m, m)) for m in s.submitters),
        kind=s.kind,
        flag=s.flag,
        pinned=s.pinned,
        submission_id=s.id,
    )
