"""The digest desk: preview, post, and the moderators' commands. Called by every adapter.

Adapters decide who is a moderator (``Member.is_moderator``); this module enforces it.
"""

from __future__ import annotations

import logging

from bot.community import Community, CommunitySettings
from bot.curator import Curator
from bot.digest import Digest
from bot.digests import DigestService
from bot.errors import PermissionDenied, UserError
from bot.models import Member, ModerationStatus, Submission
from bot.period import Period
from bot.ports import DigestPublisher, VoteRecounter

log = logging.getLogger(__name__)

ACTIONS = ("drop", "restore", "pick", "unpick", "reject")


class Editor:
    def __init__(self, curator: Curator, digests: DigestService) -> None:
        self._curator = curator
        self._digests = digests
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

    async def post(self, community_key: str, member: Member, channel: str) -> Digest | None:
        """Post this period's digest to the configured digest channel, else ``channel``.
        Returns None when the period was already posted."""
        self.require_moderator(member, "post the digest")
        community = await self._curator.known_community(community_key)
        return await self.publish(community, self._digests.period(community),
                                  community.settings.digest_channel or channel)

    async def publish(self, community: Community, period: Period,
                      channel: str) -> Digest | None:
        publisher = self._publishers.get(community.platform)
        if publisher is None:
            raise UserError(f"Digests cannot be posted on {community.platform}.")

        async def post(digest: Digest) -> None:
            await publisher.publish_digest(community, channel, digest)

        return await self._digests.publish(community, period, post)

    async def moderate(self, community_key: str, member: Member, number: int, action: str,
                       reason: str = "") -> Submission:
        """drop | restore | pick (editor's pick) | unpick | reject (reason shown to the
        submitter)."""
        self.require_moderator(member, f"{action} submissions")
        submission = await self._curator.submission(community_key, number)
        store = self._curator.store
        if action == "drop":
            await store.set_moderation(submission.id, ModerationStatus.DROPPED)
        elif action == "restore":
            await store.set_moderation(submission.id, ModerationStatus.QUEUED)
        elif action in ("pick", "unpick"):
            await store.set_moderation(submission.id, submission.status,
                                       pinned=action == "pick")
        elif action == "reject":
            await store.set_moderation(submission.id, ModerationStatus.REJECTED, reason=reason)
        else:
            raise UserError(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.")
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
        self.require_moderator(member, "lock voting")
        community = await self._curator.known_community(community_key)
        period = self._digests.period(community)
        await self._curator.set_voting_lock(community_key, period.key, locked)
        return period.key

    async def configure(self, community_key: str, member: Member, name: str,
                        value: str) -> CommunitySettings:
        self.require_moderator(member, "change settings")
        community = await self._curator.known_community(community_key)
        updated = community.settings.updated(name, value)
        return (await self._curator.update_settings(community_key, updated)).settings
