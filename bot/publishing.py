"""Publishing a community's digest: one path for a preview, a moderator's post, the weekly
schedule and the exports (``digestif digest --format …``).

Every mode goes through ``Publishing.publish``: recount the votes the platform holds, compose
the digest (bot.compose), and, when it is to be posted, claim the period, hand the digest to
the platform's DigestPublisher, and record it as posted: never twice.

Adapters plug in once (``register``): where digests go, who recounts votes. What follows a
post (e-mailing it, bot.mailing) plugs in with ``on_posted``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.community import Community
from bot.compose import Composer
from bot.curator import known_community
from bot.digest import Digest
from bot.digest_snapshot import posted_content, stored_digest
from bot.editor import require_moderator
from bot.errors import UserError
from bot.ingest import IngestWorker
from bot.models import Member, Submission, SubmissionState
from bot.period import Period, named_period, period_unit
from bot.platform_ports import DigestPublisher, MessageLinker, Summarizer, VoteRecounter
from bot.ports import Store
from bot.recount import recount
from bot.replies import still_reading
from bot.upgrades import DigestSummaries, SummaryUpgrader

log = logging.getLogger(__name__)

# Told of each digest just posted: (community, period key). Returns at once (it starts any
# slow work in the background); a failure is logged and never fails the post.
PostedHook = Callable[[Community, str], None]

PENDING_WAIT = 30.0  # seconds /digest post waits for the week's links still being read
LLM_WAIT = 60.0  # seconds posting waits for the model to summarize the picks
# A preview recounts at most this often per community: every recount reads every
# candidate's reactions from the platform. Posting always recounts.
RECOUNT_EVERY = timedelta(minutes=5)


class Mode(StrEnum):
    PREVIEW = "preview"  # shown, not posted
    EXPORT = "export"  # written out by the CLI, not posted
    POST = "post"  # a moderator posts it now
    SCHEDULED = "scheduled"  # the weekly schedule posts it; an empty week is skipped

    @property
    def posts(self) -> bool:
        return self in (Mode.POST, Mode.SCHEDULED)


class Outcome(StrEnum):
    BUILT = "built"
    POSTED = "posted"
    ALREADY_POSTED = "already posted"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing did. ``llm``: the summaries the model was asked for to post this
    digest (a post), or would be asked for if it were posted now (a preview: ``written`` is
    0, nothing is spent); None when no LLM is configured, for an export, or without picks."""

    outcome: Outcome
    digest: Digest | None = None
    llm: DigestSummaries | None = None
    period: str = ""  # the period's label (also when it was posted already: no digest)


class Publishing:
    def __init__(self, store: Store, summarizer: Summarizer, clock: Clock,
                 ingest: IngestWorker | None = None, pending_wait: float = PENDING_WAIT,
                 upgrader: SummaryUpgrader | None = None, llm_wait: float = LLM_WAIT,
                 public_url: str = "") -> None:
        self._store = store
        self._clock = clock
        self._ingest = ingest
        self._upgrader = upgrader
        self.llm_wait = llm_wait
        self._linkers: dict[str, MessageLinker] = {}
        self._composer = Composer(store, summarizer, self._linkers, public_url)
        self.pending_wait = pending_wait
        self._publishers: dict[str, DigestPublisher] = {}
        self._recounters: dict[str, VoteRecounter] = {}
        self._recounted_at: dict[str, datetime] = {}
        self._posted_hooks: list[PostedHook] = []

    def register(self, platform: str, publisher: DigestPublisher | None = None,
                 recounter: VoteRecounter | None = None,
                 linker: MessageLinker | None = None) -> None:
        """Where a platform's digests go, who re-reads its votes, and who links an item
        back to the message that shared it."""
        if publisher is not None:
            self._publishers[platform] = publisher
        if recounter is not None:
            self._recounters[platform] = recounter
        if linker is not None:
            self._linkers[platform] = linker

    def on_posted(self, hook: PostedHook) -> None:
        """Call ``hook`` after each digest is posted and recorded (a moderator's post or the
        schedule)."""
        self._posted_hooks.append(hook)

    def period(self, community: Community, which: str = "this") -> Period:
        """'this', 'last', or an ISO week 'YYYY-Www'."""
        return named_period(which, self._clock(), community.settings)

    async def last_digest(self, community: str) -> tuple[str, str] | None:
        """(period, digest JSON) of the community's newest posted digest, for an adapter to
        show (Slack's App Home); None before the first one."""
        posted = await self._store.posted_digests(community)
        return (posted[0][0], posted[0][1]) if posted else None

    # Entry points -----------------------------------------------------------------------------

    async def preview(self, community_key: str, member: Member, which: str = "this") -> Digest:
        """Anyone may preview; adapters show it only to the requester where they can."""
        digest = (await self.preview_publication(community_key, member, which)).digest
        assert digest is not None, "a digest that is not posted is always built"
        return digest

    async def preview_publication(self, community_key: str, member: Member,
                                  which: str = "this") -> Publication:
        """``preview``, with what posting it would ask of the model. A preview spends no
        LLM call: it shows the summaries as they are and counts the ones the model would
        write if the digest were posted now (``Publication.llm``)."""
        community = await known_community(self._store, community_key)
        return await self.publish(community, self.period(community, which), Mode.PREVIEW)

    async def export(self, community: Community, period: Period,
                     mode: Mode = Mode.EXPORT) -> Digest:
        """The period's digest as it stands, posted nowhere (previews and exports)."""
        digest = (await self.publish(community, period, mode)).digest
        assert digest is not None, "a digest that is not posted is always built"
        return digest

    async def post(self, community_key: str, member: Member, channel: str,
                   which: str = "this") -> Digest | None:
        """``post_publication``'s digest: None when the period was already posted."""
        return (await self.post_publication(community_key, member, channel, which)).digest

    async def post_publication(self, community_key: str, member: Member, channel: str,
                               which: str = "this") -> Publication:
        """A moderator posts a period's digest ('this', 'last' or 'YYYY-Www') to the
        configured digest channel, else ``channel``. The digest is None when the period was
        already posted; ``llm`` counts the summaries the model was asked for.

        Links of that week still being read are waited for (``pending_wait`` seconds); if
        some still are, nothing is posted and the moderator is told how many, and that
        ``which='now'`` posts this week's digest without them."""
        require_moderator(member, "post the digest")
        community = await known_community(self._store, community_key)
        wait = which.strip().lower() != "now"
        period = self.period(community, which if wait else "this")
        if wait:
            await self._wait_for_links(community, period, which)
        channel = community.settings.digest_channel or channel
        return await self.publish(community, period, Mode.POST, channel)

    # The one path -----------------------------------------------------------------------------

    async def publish(self, community: Community, period: Period, mode: Mode,
                      channel: str = "") -> Publication:
        """Recount, compose, and for a post: claim the period, post, record it as posted.

        Posting happens once, whoever else tries at the same time: the digest is composed
        first, then the period is claimed together with what is about to go out, then posted,
        then recorded with its picks marked published. A failed post releases the claim; a
        crash after claiming leaves it 'posting', which the scheduler settles as posted (see
        Scheduler.reconcile)."""
        if not mode.posts:
            # A posted period shows what was posted, whatever the settings or votes say now.
            record = await self._store.digest_record(community.key, period.key)
            posted = stored_digest(record.content) if record is not None else None
            if posted is not None:
                return Publication(Outcome.BUILT, posted, period=period.key)
            await self._recount(community, period, fresh=False)
            digest = await self._composer.build(community, period)
            llm = None
            if self._upgrader is not None and mode is Mode.PREVIEW and digest.picks:
                to_write = await self._upgrader.to_write(
                    [item.submission_id for item in digest.picks])
                llm = DigestSummaries(calls=len(to_write))
            return Publication(Outcome.BUILT, digest, llm, period.key)
        publisher = self._publishers.get(community.platform)
        if publisher is None:
            raise UserError(f"Digests cannot be posted on {community.platform}.")
        key = community.key
        if await self._store.digest_record(key, period.key) is not None:
            return Publication(Outcome.ALREADY_POSTED, period=period.key)
        await self._recount(community, period, fresh=True)
        llm, brief_within = None, None
        if self._upgrader is not None:
            # The picks' summaries first (the model's, where it answers in time), so the
            # TL;DR is written from them; both within llm_wait, so the digest is on time.
            deadline = asyncio.get_running_loop().time() + self.llm_wait
            pick_ids = await self._composer.pick_ids(community, period)
            if pick_ids:
                llm = await self._upgrader.for_digest(pick_ids, self.llm_wait)
            brief_within = max(0.0, deadline - asyncio.get_running_loop().time())
        digest = await self._composer.build(community, period, brief_within)
        if digest.empty and mode is Mode.SCHEDULED:
            return Publication(Outcome.EMPTY, digest, llm, period.key)
        content = posted_content(digest)
        picks = [item.submission_id for item in digest.picks]
        if not await self._store.begin_digest(key, period.key, self._clock(), content, picks):
            return Publication(Outcome.ALREADY_POSTED, period=period.key)
        try:
            url = await publisher.publish_digest(community, channel, digest)
        except BaseException:
            # Nothing went out (the publisher raises only when the post failed): release the
            # claim so the period can be posted later.
            await self._store.abandon_digest(key, period.key)
            raise
        await self._store.finish_digest(key, period.key, content, self._clock(), picks,
                                        url or "")
        for hook in self._posted_hooks:
            try:
                hook(community, period.key)
            except Exception:
                log.exception("after posting the digest %s of %s", period.key, key)
        return Publication(Outcome.POSTED, digest, llm, period.key)

    async def _recount(self, community: Community, period: Period, fresh: bool) -> None:
        """Re-read the candidates' votes from the platform (``fresh``: even if that was done
        moments ago)."""
        recounter = self._recounters.get(community.platform)
        if recounter is None:
            return
        now = self._clock()
        last = self._recounted_at.get(community.key)
        if not fresh and last is not None and now - last < RECOUNT_EVERY:
            return
        candidates = await self._composer.candidates(community, period)
        await recount(self._store, recounter, community,
                      [c.submission_id for c in candidates], now)
        self._recounted_at[community.key] = now

    async def _wait_for_links(self, community: Community, period: Period, which: str) -> None:
        async def being_read() -> list[Submission]:
            found = await self._store.list_submissions(
                community.key, states=[SubmissionState.PENDING, SubmissionState.FETCHING])
            return [s for s in found if period.contains(s.submitted_at)]

        pending = await being_read()
        if pending and self._ingest is not None and self.pending_wait > 0:
            await self._ingest.wait_for([s.id for s in pending], self.pending_wait)
            pending = await being_read()
        if pending:
            raise UserError(still_reading(len(pending), period_unit(period.key),
                                          current=which == "this"))
