"""Building and publishing a community's digest for a period."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from bot.clock import Clock
from bot.community import Community, CommunitySettings
from bot.digest import Digest, DigestItem, DigestSection, DigestTotals, Untrusted
from bot.models import BriefItem, ModerationStatus, SourceKind, Submission, SubmissionState
from bot.period import Period, period_by_key, period_containing, previous_period
from bot.ports import SeenReaction, Store, Summarizer, Tally, VoteRecord, VoteRecounter
from bot.ranking import Ranked, rank
from bot.votes import decide

log = logging.getLogger(__name__)

Poster = Callable[[Digest], Awaitable[None]]
KIND_SECTIONS = {
    SourceKind.ARTICLE: "Articles you should read",
    SourceKind.PAPER: "Papers",
    SourceKind.CODE: "Code and tools",
    SourceKind.VIDEO: "Videos",
}


class DigestService:
    def __init__(self, store: Store, summarizer: Summarizer, clock: Clock) -> None:
        self._store = store
        self._summarizer = summarizer
        self._clock = clock
        self.recounters: dict[str, VoteRecounter] = {}

    def period(self, community: Community, which: str = "this") -> Period:
        """'this', 'last', or an ISO week 'YYYY-Www'."""
        current = period_containing(self._clock(), community.settings)
        if which == "this":
            return current
        if which == "last":
            return previous_period(current, community.settings)
        return period_by_key(which, community.settings)

    async def build(self, community: Community, period: Period) -> Digest:
        settings = community.settings
        await self._recount(community, period)
        candidates, tallies = await self._candidates(community, period)
        ranked = rank(Ranked(s, tallies.get(s.id, Tally())) for s in candidates)
        picks = [r for r in ranked
                 if r.submission.pinned or r.tally.score >= settings.min_score][:settings.picks]
        picked = {r.submission.id for r in picks}
        rest = [r for r in ranked if r.submission.id not in picked][:settings.also_shared_cap]
        names = await self._store.member_names(
            community.key, sorted({m for s in candidates for m in s.submitters})
        )
        items = [_item(i, r, names) for i, r in enumerate(picks, start=1)]
        tldr = await self._summarizer.brief(
            [BriefItem(i.title, i.summary, i.site, i.kind) for i in items if not i.flag],
            settings.summary_prefs,
        ) if items else ()
        intro, _ = await self._store.period_note(community.key, period.key)
        previous = previous_period(period, settings)
        record = await self._store.digest_record(community.key, previous.key)
        return Digest(
            community=community.key,
            community_name=Untrusted(community.name),
            period=period,
            title=f"{community.name} digest · {_span(period)}",
            intro=Untrusted(intro),
            tldr=tuple(Untrusted(b) for b in tldr),
            sections=_sections(items, settings),
            also_shared=tuple(_item(0, r, names) for r in rest),
            totals=DigestTotals(
                links=len(candidates),
                sharers=len({m for s in candidates for m in s.submitters}),
                votes=sum(t.voters for t in tallies.values()),
            ),
            previous_period=previous.key if record and record[0] == "posted" else "",
        )

    async def _candidates(self, community: Community, period: Period
                          ) -> tuple[list[Submission], dict[int, Tally]]:
        """Ready in the period, plus unpicked ones from the carry-over weeks that still have
        votes. Published, dropped and rejected submissions are never candidates."""
        carry_from = period.start - timedelta(weeks=community.settings.carry_over_weeks)
        queued = await self._store.list_submissions(
            community.key, states=[SubmissionState.READY], statuses=[ModerationStatus.QUEUED])
        window = [s for s in queued
                  if s.ready_at is not None and carry_from <= s.ready_at < period.end]
        tallies = await self._store.tallies([s.id for s in window])
        chosen = [s for s in window if s.ready_at is not None and (
            s.ready_at >= period.start or s.pinned or tallies.get(s.id, Tally()).voters > 0)]
        return chosen, {s.id: tallies[s.id] for s in chosen if s.id in tallies}

    async def _recount(self, community: Community, period: Period) -> None:
        """Ask the platform for reactions the bot may have missed while offline."""
        recounter = self.recounters.get(community.platform)
        if recounter is None:
            return
        candidates, _ = await self._candidates(community, period)
        for submission in candidates:
            refs = [ref for ref, _ in await self._store.messages_for(submission.id)]
            if not refs:
                continue
            seen = await recounter.reactions(community, refs)
            if seen is None:
                continue
            votes = _recounted(community.settings, submission, seen)
            await self._store.replace_votes(submission.id, votes, self._clock())

    async def publish(self, community: Community, period: Period, post: Poster) -> Digest | None:
        """Build and post the period's digest once. None when it was already claimed."""
        if not await self._store.begin_digest(community.key, period.key, self._clock()):
            return None
        try:
            digest = await self.build(community, period)
            await post(digest)
        except BaseException:
            # Nothing went out: release the claim so the period can be posted later.
            await self._store.abandon_digest(community.key, period.key)
            raise
        # Past this point the digest is out. A crash before the record is written leaves
        # the claim in 'posting', which the scheduler settles as posted: never twice.
        from bot.render.json import render_json

        await self._store.finish_digest(
            community.key, period.key, render_json(digest), self._clock(),
            [item.submission_id for item in digest.picks],
        )
        return digest


def _recounted(settings: CommunitySettings, submission: Submission,
               seen: Sequence[SeenReaction]) -> list[VoteRecord]:
    records: dict[tuple[str, str], VoteRecord] = {}
    for reaction in seen:
        decision = decide(settings, submission, reaction.member, reaction.emoji)
        if decision.direction:
            key = (reaction.member.id, reaction.emoji)
            records[key] = VoteRecord(reaction.member.id, reaction.emoji, decision.direction)
    return list(records.values())


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


def _item(rank_: int, ranked: Ranked, names: dict[str, str]) -> DigestItem:
    s = ranked.submission
    flagged = s.flag is not None
    return DigestItem(
        rank=rank_,
        number=s.number,
        url=Untrusted(s.final_url or s.url),
        title=Untrusted(s.title or s.url),
        authors=tuple(Untrusted(a) for a in s.authors),
        site=Untrusted(s.site_name),
        summary=Untrusted("" if flagged else s.summary),
        summary_source=s.summary_source,
        score=ranked.tally.score,
        voters=ranked.tally.voters,
        submitters=tuple(Untrusted(names.get(m, m)) for m in s.submitters),
        kind=s.kind,
        flag=s.flag,
        pinned=s.pinned,
        submission_id=s.id,
    )


def _span(period: Period) -> str:
    end = period.end - timedelta(seconds=1)
    return f"{period.start:%b %d} – {end:%b %d, %Y}"
