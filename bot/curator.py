"""The core's use cases: links posted, reactions changed, the queue. One object per process."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

from bot.clock import Clock
from bot.community import Community, CommunitySettings
from bot.errors import InvalidLink, UnknownSubmission
from bot.events import LinkPosted, MessageRef, ReactionChanged, ReactionsCleared
from bot.holds import Holds
from bot.ingest import IngestResult, IngestWorker, lane
from bot.links import canonicalize, find_urls
from bot.models import Member, ModerationStatus, Submission, SubmissionState
from bot.period import UNITS, period_containing
from bot.platform_ports import Notifier
from bot.ports import (
    CommunityStore,
    HoldStore,
    IngestQueue,
    MemberStore,
    MessageStore,
    SubmissionStore,
    VoteStore,
)
from bot.records import HeldLink, QueueEntry, Tally, VoteOutcome
from bot.replies import held, submit_reply, voting_locked
from bot.sites import site_refusal
from bot.state_ports import PeriodNotes
from bot.turns import Turn, Turns
from bot.upgrades import VOTED, SummaryUpgrader
from bot.votes import VoteDecision, decide, decide_reaction

log = logging.getLogger(__name__)

SETTINGS_CHECK = 1.0  # seconds between looks at whether another process changed settings


class CuratorStore(CommunityStore, MemberStore, SubmissionStore, MessageStore, IngestQueue,
                   VoteStore, PeriodNotes, HoldStore, Protocol):
    """The stores the curator uses: it is the one place links, reactions and the queue
    change (IngestQueue only to re-queue a link that failed before)."""


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """One link of a message: queued, already queued (and credited), or refused."""

    url: str
    submission: Submission | None = None
    created: bool = False
    error: str = ""
    held: str = ""  # replies.held's text, for a link held over the member's daily limit

    @property
    def message(self) -> str:
        return submit_reply(self.submission, self.created, self.error, self.held)


async def known_community(store: CommunityStore, key: str) -> Community:
    """The stored community, or a clear message that there is none."""
    found = await store.get_community(key)
    if found is None:
        raise InvalidLink(f"There is no community {key!r}.")
    return found


class Curator:
    def __init__(self, store: CuratorStore, worker: IngestWorker, clock: Clock,
                 max_links_per_message: int = 5,
                 upgrader: SummaryUpgrader | None = None, *,
                 settings_check: float = SETTINGS_CHECK) -> None:
        self._store = store
        # Cached communities and voting locks are dropped when any process changed settings
        # (CommunityStore.settings_version), looked at most every ``settings_check`` seconds.
        self._settings_check = settings_check
        self._settings_version: int | None = None
        self._checked_at = -math.inf
        self._worker = worker
        self._upgrader = upgrader
        self._clock = clock
        self._max_links = max_links_per_message
        self._communities: dict[str, Community] = {}
        self._members: dict[tuple[str, str], Member] = {}
        self._notifiers: dict[str, Notifier] = {}
        self._locks: dict[tuple[str, str], bool] = {}
        self._turns = Turns()
        self.holds: Holds[SubmitOutcome] = Holds(store, clock, self._release)
        worker.subscribe(self._on_ingested)
        if upgrader is not None:
            upgrader.subscribe(self._on_summary_written)

    @property
    def store(self) -> CuratorStore:
        return self._store

    @property
    def clock(self) -> Clock:
        return self._clock

    def add_notifier(self, platform: str, notifier: Notifier) -> None:
        self._notifiers[platform] = notifier

    # communities -----------------------------------------------------------------------

    async def _drop_stale_settings(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self._settings_check:
            return
        self._checked_at = now
        version = await self._store.settings_version()
        if version != self._settings_version:
            self._settings_version = version
            self._communities.clear()
            self._locks.clear()

    async def community(self, key: str, platform: str = "console", name: str = "") -> Community:
        """The community, created with default settings on first sight."""
        await self._drop_stale_settings()
        found = self._communities.get(key)
        if found is None:
            found = await self._store.ensure_community(key, platform, name or key)
            self._communities[key] = found
        return found

    async def known_community(self, key: str) -> Community:
        await self._drop_stale_settings()
        found = self._communities.get(key) or await known_community(self._store, key)
        self._communities[key] = found
        return found

    async def settings_for(self, key: str) -> CommunitySettings:
        return (await self.known_community(key)).settings

    async def update_settings(self, key: str, settings: CommunitySettings) -> Community:
        await self._store.save_settings(key, settings)
        self._communities.pop(key, None)
        return await self.known_community(key)

    async def remember(self, community: str, member: Member) -> None:
        if not member.name:
            return  # not known yet (a platform's cold start): never replaces a known name
        if self._members.get((community, member.id)) != member:
            await self._store.upsert_member(community, member)
            self._members[(community, member.id)] = member

    # links -----------------------------------------------------------------------------

    async def post_link(self, event: LinkPosted) -> list[SubmitOutcome]:
        """Queue every link in a member's message. Bots' messages are ignored."""
        if event.author.is_bot:
            return []
        community = await self.known_community(event.community)
        allowed = community.settings.submission_channels
        if allowed and event.home_channel and event.home_channel not in allowed:
            return []
        credited = event.credited_to or event.author
        outcomes = []
        for url in find_urls(event.text, self._max_links):
            outcomes.append(await self._submit(community, url, credited, event.origin))
        return outcomes

    async def _submit(self, community: Community, url: str, member: Member,
                      origin: MessageRef | None, limited: bool = True) -> SubmitOutcome:
        """Queue one link; refused by its site before anything is fetched, held when the
        member is over the daily limit (``limited``: False for a held link now due)."""
        try:
            canonical = canonicalize(url)
        except InvalidLink as err:
            log.info("refused link %r in %s: %s", url, community.key, err)
            return SubmitOutcome(url, error=str(err))
        refusal = site_refusal(community.settings, canonical)
        if refusal:
            log.info("refused link %r in %s: %s", url, community.key, refusal)
            notifier = self._notifiers.get(community.platform)
            if notifier is not None and origin is not None:
                await notifier.link_refused(community, url, refusal, origin)
            return SubmitOutcome(url, error=refusal)
        await self.remember(community.key, member)
        if limited:
            release_at = await self.holds.release_time(community, member, canonical)
            if release_at is not None:
                link = HeldLink(community.key, member, canonical, url, origin, self._clock(),
                                release_at)
                notifier = self._notifiers.get(community.platform)
                if await self.holds.hold(link) and notifier is not None and origin is not None:
                    await notifier.link_held(community, link)
                return SubmitOutcome(url, held=held(link, community.settings))
        submission, created = await self._store.add_submission(
            community.key, canonical, url, member, self._clock()
        )
        if origin is not None:
            await self._store.link_message(community.key, origin, submission.id, "origin")
        turn = lane(community.key, member.id)
        if created:
            self._worker.enqueue(submission.id, turn)
        elif submission.state is SubmissionState.FAILED:
            # Someone shared a link that failed before: give it another try.
            await self._store.set_state(submission.id, SubmissionState.PENDING)
            self._worker.enqueue(submission.id, turn)
        return SubmitOutcome(url, submission, created)

    async def _release(self, link: HeldLink) -> SubmitOutcome:
        """Queue a held link now due (``Holds.release_due``), as if its member shared it now."""
        community = await self.known_community(link.community)
        return await self._submit(community, link.original_url, link.member, link.origin,
                                  limited=False)

    async def _on_ingested(self, result: IngestResult) -> None:
        community = await self.known_community(result.submission.community)
        notifier = self._notifiers.get(community.platform)
        if notifier is None:
            return
        submission = result.duplicate_of or result.submission
        origins = [ref for ref, role in await self._store.messages_for(submission.id)
                   if role == "origin"]
        origin = origins[-1] if origins else None
        if result.duplicate_of is not None:
            await notifier.duplicate_found(community, result.duplicate_of, origin)
        elif submission.state is SubmissionState.READY:
            card = await notifier.submission_ready(community, submission, origin)
            if card is not None:
                await self._store.link_message(community.key, card, submission.id, "card")
        else:
            await notifier.submission_failed(community, submission, origin)

    async def _on_summary_written(self, submission: Submission) -> None:
        """The model wrote a ready link's summary: its card says so where it can."""
        community = await self.known_community(submission.community)
        notifier = self._notifiers.get(community.platform)
        if notifier is None:
            return
        cards = [ref for ref, role in await self._store.messages_for(submission.id)
                 if role == "card"]
        await notifier.summary_updated(community, submission, cards[-1] if cards else None)

    async def _voted_for(self, settings: CommunitySettings, submission_id: int) -> None:
        """A counted up-vote: with llm_summaries = voted, the first one asks the model for
        the link's summary (the store makes sure it is asked once)."""
        if self._upgrader is not None and settings.llm_summaries == VOTED:
            await self._upgrader.request(submission_id)

    async def submission_rejected(self, submission: Submission) -> None:
        """Tell the submitter that a moderator rejected their link, on their platform, in
        answer to the first message that shared it."""
        community = await self.known_community(submission.community)
        notifier = self._notifiers.get(community.platform)
        if notifier is None:
            return
        origins = [ref for ref, role in await self._store.messages_for(submission.id)
                   if role == "origin"]
        await notifier.submission_rejected(community, submission,
                                           origins[0] if origins else None)

    async def tell_moderators(self, community_key: str, text: str) -> None:
        community = await self.known_community(community_key)
        notifier = self._notifiers.get(community.platform)
        if notifier is not None:
            await notifier.tell_moderators(community, text)

    async def message_deleted(self, community: str, message_id: str) -> Submission | None:
        """A member deleted the message that submitted a link: withdraw the submission if
        nobody has voted for it yet (then it is dropped, not deleted, so nothing is lost)."""
        submission = await self._store.submission_for_message(community, message_id)
        if submission is None or submission.status is not ModerationStatus.QUEUED:
            return None
        origins = [r for r, role in await self._store.messages_for(submission.id)
                   if role == "origin"]
        if [r.message_id for r in origins] != [message_id]:
            return None  # a card, or a link others shared too: it stays
        if (await self._store.tallies([submission.id])).get(submission.id, Tally()).voters:
            return None
        await self._store.set_moderation(submission.id, ModerationStatus.DROPPED)
        return submission

    async def wait_idle(self) -> None:
        """Wait until every queued link is ready or failed, and every summary asked of the
        model is written."""
        await self._worker.drain()
        if self._upgrader is not None:
            await self._upgrader.drain()

    # votes -----------------------------------------------------------------------------

    async def set_voting_lock(self, community: str, period: str, locked: bool) -> None:
        await self._store.set_period_note(community, period, locked=locked)
        self._locks[(community, period)] = locked

    async def _voting_locked(self, community: str, settings: CommunitySettings) -> bool:
        period = period_containing(self._clock(), settings).key
        await self._drop_stale_settings()
        locked = self._locks.get((community, period))
        if locked is None:  # cached: the lock is read once per period, not once per vote
            _, locked = await self._store.period_note(community, period)
            self._locks[(community, period)] = locked
        return locked

    def turn(self, community: str, member_id: str) -> Turn:
        """A member's turn for their reactions: ``async with curator.turn(...)``, taken before
        the adapter's first await, applies their events in the order they arrived."""
        return self._turns.take((community, member_id))

    async def react(self, event: ReactionChanged) -> VoteOutcome:
        """Apply one reaction on a member's message or the bot's card. Replays are no-ops.
        A vote is the member's, not the reaction's: it ends with their last matching
        reaction. Adapters call this inside the member's ``turn``."""
        settings = await self.settings_for(event.community)
        member, store = event.member, self._store
        if not event.added:
            # Withdrawing is always allowed, so a rule change never strands a vote.
            changed = await store.remove_vote_on_message(
                event.community, event.message_id, member.id, event.emoji, event.reaction)
            return VoteOutcome(None, counted=changed, changed=changed)
        first = decide_reaction(settings, member, event.emoji)
        if first.direction == 0:
            return VoteOutcome(None, counted=False, changed=False, reason=first.reason)
        if await self._voting_locked(event.community, settings):
            return VoteOutcome(None, counted=False, changed=False,
                               reason=voting_locked(UNITS[settings.cadence]))
        await self.remember(event.community, member)
        if await store.add_vote_on_message(
            event.community, event.message_id, member.id, event.emoji, first.direction,
            self._clock(), allow_self=settings.self_votes, reaction=event.reaction,
        ):
            if first.direction > 0 and settings.llm_summaries == VOTED:
                voted = await store.submission_for_message(event.community, event.message_id)
                if voted is not None:
                    await self._voted_for(settings, voted.id)
            return VoteOutcome(None, counted=True, changed=True)
        # Not recorded: find out why, for the member (the rare path).
        submission = await store.submission_for_message(event.community, event.message_id)
        if submission is None:
            return VoteOutcome(None, counted=False, changed=False, reason="not a submission")
        return self._explain(decide(settings, submission, member, event.emoji), submission)

    async def vote_on(self, community: str, number: int, member: Member, emoji: str,
                      added: bool = True) -> VoteOutcome:
        """Vote by submission number (console commands, vote buttons)."""
        submission = await self.submission(community, number)
        settings = await self.settings_for(community)
        if not added:
            changed = await self._store.remove_vote(submission.id, member.id, emoji)
            return VoteOutcome(submission, counted=changed, changed=changed)
        decision = decide(settings, submission, member, emoji)
        if decision.direction == 0:
            return self._explain(decision, submission)
        if await self._voting_locked(community, settings):
            return VoteOutcome(submission, counted=False, changed=False,
                               reason=voting_locked(UNITS[settings.cadence]))
        await self.remember(community, member)
        changed = await self._store.add_vote(
            submission.id, member.id, emoji, decision.direction, self._clock(), direct=True
        )
        if decision.direction > 0:
            await self._voted_for(settings, submission.id)
        return VoteOutcome(submission, counted=True, changed=changed)

    @staticmethod
    def _explain(decision: VoteDecision, submission: Submission) -> VoteOutcome:
        if decision.direction == 0:
            return VoteOutcome(submission, counted=False, changed=False, reason=decision.reason)
        return VoteOutcome(submission, counted=True, changed=False)  # a replay

    async def clear_reactions(self, event: ReactionsCleared) -> int:
        submission = await self._store.submission_for_message(event.community, event.message_id)
        if submission is None:
            return 0
        return await self._store.clear_votes(submission.id, event.emoji,
                                             message_id=event.message_id,
                                             reaction=event.reaction)

    # queue -----------------------------------------------------------------------------

    async def submission(self, community: str, number: int) -> Submission:
        found = await self._store.get_submission(community, number)
        if found is None:
            raise UnknownSubmission(number)
        return found

    async def queue(self, community: str) -> list[QueueEntry]:
        """Queued submissions (any ingest state) with their votes counted as the digest
        counts them, in number order."""
        known = self._communities.get(community) or await self._store.get_community(community)
        downvotes = (known.settings if known else CommunitySettings()).downvotes
        subs = await self._store.list_submissions(community, statuses=[ModerationStatus.QUEUED])
        tallies = {i: t.counted(downvotes)
                   for i, t in (await self._store.tallies([s.id for s in subs])).items()}
        ids = sorted({m for s in subs for m in s.submitters})
        names = await self._store.member_names(community, ids)
        return [
            QueueEntry(s, tallies.get(s.id, Tally()),
                       tuple(names.get(m, m) for m in s.submitters))
            for s in subs
        ]
