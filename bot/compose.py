"""Composing a community's digest for a period: what the week's picks are and how they
are grouped, as one platform-neutral Digest (bot.digest). Publishing it is bot.publishing."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.archive import archive_url
from bot.bylines import clean_authors
from bot.community import Community, CommunitySettings
from bot.digest import Digest, DigestItem, DigestSection, Untrusted
from bot.errors import InvalidSetting
from bot.models import BriefItem, SourceKind, Submission
from bot.period import Period, Schedule, period_by_key, period_unit, previous_period
from bot.platform_ports import MessageLinker, Summarizer
from bot.ports import Store
from bot.ranking import choose, counted, eligible
from bot.records import Candidate
from bot.summarize.brief import offline_brief

log = logging.getLogger(__name__)

KIND_SECTIONS = {
    SourceKind.ARTICLE: "Articles you should read",
    SourceKind.PAPER: "Papers",
    SourceKind.CODE: "Code and tools",
    SourceKind.VIDEO: "Videos",
}
TLDR_BULLETS = 6  # one per top pick (up to five), then the "Also:" line


class Composer:
    """Assembles a period's platform-neutral Digest from the store: the picks as the
    community ranks them, their sections, the TL;DR, the week's numbers. Reads only; votes
    are recounted and digests posted by bot.publishing."""

    def __init__(self, store: Store, summarizer: Summarizer,
                 linkers: Mapping[str, MessageLinker] | None = None, public_url: str = ""
                 ) -> None:
        self._store = store
        self._summarizer = summarizer
        # Per platform, who links an item back to the message that shared it (read when a
        # digest is built, so adapters registered later count).
        self._linkers = linkers if linkers is not None else {}
        self._public_url = public_url  # DIGESTIF_PUBLIC_URL: where the web archive is

    async def build(self, community: Community, period: Period,
                    brief_within: float | None = None) -> Digest:
        """The period's digest as it stands in the store. ``brief_within``: seconds the
        TL;DR may take (then the summaries' leads make it); None for no limit."""
        settings = community.settings
        candidates = await self.candidates(community, period)
        picks, rest = choose(candidates, settings.picks, settings.min_score,
                             settings.also_shared_cap)
        chosen = [c.submission_id for c in [*picks, *rest]]
        rows = {s.id: s for s in await self._store.submissions_by_ids(chosen)}
        names = await self._store.member_names(
            community.key, sorted({m for s in rows.values() for m in s.submitters}))
        items = [_item(i, c, rows[c.submission_id], names)
                 for i, c in enumerate((c for c in picks if c.submission_id in rows), start=1)]
        also = [_item(0, c, rows[c.submission_id], names) for c in rest if c.submission_id in rows]
        items = await self._with_chat_urls(community, items)
        also = await self._with_chat_urls(community, also)
        previous = await self._store.previous_digest(community.key, period.key)
        intro, _ = await self._store.period_note(community.key, period.key)
        top, top_picks = top_sharer(items) if settings.footer_top_sharer else ("", 0)
        return Digest(
            community=community.key,
            community_name=Untrusted(community.display_name),
            period=period,
            title=f"{community.newsletter_name} · {date_range(period, settings)}",
            intro=Untrusted(intro),
            tldr=await self._tldr(items, settings, brief_within),
            sections=_sections(items, settings),
            also_shared=tuple(also),
            totals=await self._store.period_totals(community.key, period.start, period.end),
            previous_period=previous[0] if previous else "",
            previous_url=self._previous_url(community, *previous) if previous else "",
            previous_public=bool(previous) and self._archived(community),
            previous_label=_previous_label(period, previous[0], settings) if previous else "",
            date_range=date_range(period, settings),
            top_sharer=Untrusted(top),
            top_sharer_picks=top_picks,
        )

    def _previous_url(self, community: Community, period: str, posted_url: str) -> str:
        """Where last week's digest reads: its archive page when the archive is public and
        DIGESTIF_PUBLIC_URL says where it is served; else the platform's permalink."""
        if self._archived(community):
            return archive_url(self._public_url, community.slug, period)
        return posted_url

    def _archived(self, community: Community) -> bool:
        return bool(self._public_url) and community.public

    async def pick_ids(self, community: Community, period: Period) -> list[int]:
        """The submissions the period's digest would pick, as ``build`` ranks them."""
        settings = community.settings
        picks, _ = choose(await self.candidates(community, period), settings.picks,
                          settings.min_score, settings.also_shared_cap)
        return [c.submission_id for c in picks]

    async def candidates(self, community: Community, period: Period) -> list[Candidate]:
        """Ready in the period, plus unpicked ones from the carry-over weeks that still have
        votes, counted as the community counts votes."""
        settings = community.settings
        since = period.start - timedelta(weeks=max(0, settings.carry_over_weeks))
        found = await self._store.digest_candidates(community.key, since, period.start,
                                                    period.end)
        return [c for c in (counted(c, settings.downvotes) for c in found) if eligible(c)]

    async def _with_chat_urls(self, community: Community, items: list[DigestItem]
                              ) -> list[DigestItem]:
        """Each item with the link to the message that first shared it, where the platform
        can say; an item whose link cannot be had keeps none."""
        linker = self._linkers.get(community.platform)
        if linker is None:
            return items
        linked = []
        for item in items:
            origins = [ref for ref, role in await self._store.messages_for(item.submission_id)
                       if role == "origin"]
            url = ""
            if origins:
                try:
                    url = await linker.message_url(community, origins[0]) or ""
                except Exception:
                    log.exception("no chat link for #%d of %s", item.number, community.key)
            linked.append(dataclasses.replace(item, chat_url=url) if url else item)
        return linked

    async def _tldr(self, items: Sequence[DigestItem], settings: CommunitySettings,
                    within: float | None = None) -> tuple[Untrusted, ...]:
        briefable = [BriefItem(i.title, i.summary, i.site, i.kind) for i in items if not i.flag]
        if not items:
            return ()
        bullets: tuple[str, ...] = ()
        if briefable:
            try:
                async with asyncio.timeout(within):
                    bullets = await self._summarizer.brief(briefable, settings.summary_prefs)
            except TimeoutError:
                log.warning("the TL;DR was not written in time; using the summaries' leads")
                bullets = offline_brief(briefable)
            except Exception:
                log.exception("the TL;DR could not be written; using the summaries' leads")
                bullets = offline_brief(briefable)
        if not bullets:
            # Nothing to say beyond the titles, which the sections show: no TL;DR at all
            # beats one that reads the titles back.
            return ()
        return tuple(Untrusted(b) for b in bullets[:TLDR_BULLETS])


LAST = {"day": "Yesterday's digest", "week": "Last week's digest",
        "fortnight": "Last fortnight's digest", "month": "Last month's digest"}


def top_sharer(items: Sequence[DigestItem]) -> tuple[str, int]:
    """The member who first shared the most picks, and how many ("", 0 without picks); a
    tie goes to whoever shared the better-ranked pick."""
    counts: dict[str, int] = {}
    for item in sorted(items, key=lambda i: i.rank):
        if item.submitters:
            counts[item.submitters[0]] = counts.get(item.submitters[0], 0) + 1
    if not counts:
        return "", 0
    best = max(counts.values())
    return next(name for name, n in counts.items() if n == best), best


def _previous_label(period: Period, key: str, settings: CommunitySettings) -> str:
    """"Last week's digest (Nov 9 – 15, 2026)" (or day, fortnight, month, as the cadence
    goes), or "Previous digest (…)" when periods were skipped in between."""
    try:
        previous = period_by_key(key, settings)
    except InvalidSetting:  # a key stored by an older version: still worth a link
        return "Previous digest"
    lead = LAST[period_unit(key)] if previous_period(period, settings).key == key else (
        "Previous digest")
    return f"{lead} ({date_range(previous, settings)})"


def date_range(period: Period, settings: CommunitySettings) -> str:
    """The days a period mostly covers, in the community's time zone: "Nov 16 – 22, 2026"
    for a week from Monday 09:00 to Monday 09:00 (its last hours are not a day); "Dec 3,
    2026" for a day."""
    zone = Schedule.of(settings).zone
    start = (period.start + timedelta(hours=12)).astimezone(zone).date()
    end = (period.end - timedelta(hours=12)).astimezone(zone).date()
    if start >= end:  # a day
        return f"{start:%b} {start.day}, {start.year}"
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
