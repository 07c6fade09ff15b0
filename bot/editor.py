"""The digest desk: preview, post, and the moderators' commands. Called by every adapter.

Adapters decide who is a moderator (``Member.is_moderator``); this module enforces it.
"""

from __future__ import annotations

import logging

from bot.community import Community, CommunitySettings
from bot.curator import Curator
from bot.digest import Digest
from bot.digests import DigestService, Publication
from bot.errors import PermissionDenied, UserError
from bot.ingest import IngestWorker
from bot.models import Member, ModerationStatus, Submission, SubmissionState
from bot.period import Period
from bot.ports import DigestPublisher, VoteRecounter
from bot.render.text import plain

log = logging.getLogger(__name__)

ACTIONS = ("drop", "restore", "pick", "unpick", "reject")
PENDING_WAIT = 30.0  # seconds /digest post waits for the week's links still being read
MAX_REASON = 300


class Editor:
    def __init__(self, curator: Curator, digests: DigestService,
                 ingest: IngestWorker | None = None, pending_wait: float = PENDING_WAIT
                 ) -> None:
        self._curator = curator
        self._digests = digests
        self._ingest = ingest
        self.pending_wait = pending_wait
        self._publishers: dict[str, DigestPublisher] = {}

    def add_publisher(self, platform: str, publisher: DigestPublisher) -> None:
        self._publishers[platform] = publisher

    def add_recounter(self, platform: str, recounter: VoteRecounter) -> None:
        self._digests.recounters[platform] = recounter

    @staticmethod
    def require_moderator(member: Member, what: str) -> None:
        if not member.is_moderator:
            raise PermissionDenied(f"Only moderators can {what}.")

    async def preview(self, community_key: str, member: Member, which: str = "this") -> Digest:
        """Anyone may preview; adapters show it only to the requester where they can."""
        community = await self._curator.known_community(community_key)
        return await self._digests.build(community, self._digests.period(community, which))

    async def post(self, community_key: str, member: Member, channel: str,
                   which: str = "this") -> Digest | None:
        """Post a period's digest ('this', 'last' or 'YYYY-Www') to the configured digest
        channel, else ``channel``. Returns None when the period was already posted.

        Links of that week still being read are waited for (``pending_wait`` seconds); if
        some still are, nothing is posted and the moderator is told how many, and that
        ``which='now'`` posts this week's digest without them."""
        self.require_moderator(member, "post the digest")
        community = await self._curator.known_community(community_key)
        wait = which.strip().lower() != "now"
        period = self._digests.period(community, which if wait else "this")
        if wait:
            await self._wait_for_links(community, period, which)
        return await self.publish(community, period,
                                  community.settings.digest_channel or channel)

    async def _wait_for_links(self, community: Community, period: Period, which: str) -> None:
        async def still_reading() -> list[Submission]:
            found = await self._curator.store.list_submissions(
                community.key, states=[SubmissionState.PENDING, SubmissionState.FETCHING])
            return [s for s in found if period.contains(s.submitted_at)]

        pending = await still_reading()
        if pending and self._ingest is not None and self.pending_wait > 0:
            await self._ingest.wait_for([s.id for s in pending], self.pending_wait)
            pending = await still_reading()
        if pending:
            n = len(pending)
            week = "this week" if which == "this" else "that week"
            reading = (f"{n} link{'s' if n != 1 else ''} of {week} {'are' if n != 1 else 'is'}"
                       " still being read")
            if which == "this":
                raise UserError(f"{reading}. Try again in a minute, or post without "
                                f"{'them' if n != 1 else 'it'}: /digest post now")
            raise UserError(f"{reading}: try again in a minute.")

    async def publish(self, community: Community, period: Period,
                      channel: str) -> Digest | None:
        """Post the period's digest to ``channel`` once. None when it was already posted."""
        return (await self.deliver(community, period, channel)).digest

    async def deliver(self, community: Community, period: Period, channel: str, *,
                      skip_empty: bool = False) -> Publication:
        """Like publish, with the outcome spelled out (the scheduler skips empty weeks)."""
        publisher = self._publishers.get(community.platform)
        if publisher is None:
            raise UserError(f"Digests cannot be posted on {community.platform}.")

        async def post(digest: Digest) -> str | None:
            return await publisher.publish_digest(community, channel, digest)

        return await self._digests.deliver(community, period, post, skip_empty=skip_empty)

    async def moderate(self, community_key: str, member: Member, number: int, action: str,
                       reason: str = "") -> Submission:
        """drop | restore | pick (editor's pick) | unpick | reject. Returns the submission
        as it now is; after a reject its ``reject_reason`` is the reason (bounded, one line)
        for the adapter to show the submitter. A published submission cannot be moderated:
        published picks never return."""
        self.require_moderator(member, f"{action} submissions")
        if action not in ACTIONS:
            raise UserError(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.")
        submission = await self._curator.submission(community_key, number)
        if submission.status is ModerationStatus.PUBLISHED:
            raise UserError(f"#{number} was already published in a digest.")
        store = self._curator.store
        if action == "drop":
            await store.set_moderation(submission.id, ModerationStatus.DROPPED)
        elif action == "restore":
            await store.set_moderation(submission.id, ModerationStatus.QUEUED)
        elif action == "pick":
            # Pinning is a moderator's explicit choice, so it also brings back a dropped link.
            await store.set_moderation(submission.id, ModerationStatus.QUEUED, pinned=True)
        elif action == "unpick":
            await store.set_moderation(submission.id, submission.status, pinned=False,
                                       reason=submission.reject_reason)
        else:
            await store.set_moderation(submission.id, ModerationStatus.REJECTED,
                                       reason=plain(reason, MAX_REASON))
            rejected = await self._curator.submission(community_key, number)
            await self._curator.submission_rejected(rejected)  # the submitter is told
            return rejected
        return await self._curator.submission(community_key, number)

    async def set_intro(self, community_key: str, member: Member, text: str) -> str:
        """Set (or, with empty text, clear) the intro paragraph of this period's digest."""
        self.require_moderator(member, "set the digest intro")
        community = await self._curator.known_community(community_key)
        intro = " ".join(text.split())[:2000]
        await self._curator.store.set_period_note(
            community_key, self._digests.period(community).key, intro=intro)
        return intro

    async def lock(self, community_key: str, member: Member, locked: bool) -> str:
        """Lock or unlock voting for this period. Returns the period key."""
        self.require_moderator(member, "lock voting" if locked else "unlock voting")
        community = await self._curator.known_community(community_key)
        period = self._digests.period(community)
        await self._curator.set_voting_lock(community_key, period.key, locked)
        return period.key

    async def configure(self, community_key: str, member: Member, name: str,
                        value: str) -> CommunitySettings:
        """Change one setting from a moderator's text. Every setting has a type with bounds
        (bot.setting_types), so a bad value is refused with a clear message, never stored."""
        self.require_moderator(member, "change settings")
        community = await self._curator.known_community(community_key)
        updated = community.settings.updated(name, value)
        return (await self._curator.update_settings(community_key, updated)).settings
