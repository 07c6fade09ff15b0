"""The moderators' commands: drop, restore, pick, reject, the intro, the voting lock, the
settings. Called by every adapter; previews and posts are bot.publishing.

Adapters decide who is a moderator (``Member.is_moderator``); this module enforces it.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.clock import Clock
from bot.community import Community, CommunitySettings
from bot.curator import Curator
from bot.errors import InvalidSetting, PermissionDenied, UserError
from bot.models import Member, ModerationStatus, Submission
from bot.period import period_containing
from bot.ports import Store
from bot.render.text import plain

log = logging.getLogger(__name__)

ACTIONS = ("drop", "restore", "pick", "unpick", "reject")
MAX_REASON = 300


def require_moderator(member: Member, what: str) -> None:
    if not member.is_moderator:
        raise PermissionDenied(f"Only moderators can {what}.")


class Editor:
    def __init__(self, curator: Curator, store: Store, clock: Clock) -> None:
        self._curator = curator
        self._store = store
        self._clock = clock

    async def moderate(self, community_key: str, member: Member, number: int, action: str,
                       reason: str = "") -> Submission:
        """drop | restore | pick (editor's pick) | unpick | reject. Returns the submission
        as it now is; after a reject its ``reject_reason`` is the reason (bounded, one line)
        for the adapter to show the submitter. A published submission cannot be moderated:
        published picks never return."""
        require_moderator(member, f"{action} submissions")
        if action not in ACTIONS:
            raise UserError(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.")
        submission = await self._curator.submission(community_key, number)
        if submission.status is ModerationStatus.PUBLISHED:
            raise UserError(f"#{number} was already published in a digest.")
        store = self._store
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
        require_moderator(member, "set the digest intro")
        community = await self._curator.known_community(community_key)
        intro = " ".join(text.split())[:2000]
        period = period_containing(self._clock(), community.settings)
        await self._store.set_period_note(community_key, period.key, intro=intro)
        return intro

    async def lock(self, community_key: str, member: Member, locked: bool) -> str:
        """Lock or unlock voting for this period. Returns the period key."""
        require_moderator(member, "lock voting" if locked else "unlock voting")
        community = await self._curator.known_community(community_key)
        period = period_containing(self._clock(), community.settings)
        await self._curator.set_voting_lock(community_key, period.key, locked)
        return period.key

    async def configure(self, community_key: str, member: Member, name: str,
                        value: str) -> CommunitySettings:
        """Change one setting from a moderator's text. Every setting has a type with bounds
        (bot.setting_types), so a bad value is refused with a clear message, never stored."""
        require_moderator(member, "change settings")
        community = await self._curator.known_community(community_key)
        updated = community.settings.updated(name, value)
        if name in ("slug", "archive"):
            await self._check_slug_free(name, dataclasses.replace(community, settings=updated))
        return (await self._curator.update_settings(community_key, updated)).settings

    async def _check_slug_free(self, name: str, community: Community) -> None:
        """One archive address per community: no two communities share a slug."""
        for other in await self._store.communities():
            if other.key != community.key and other.slug == community.slug:
                raise InvalidSetting(f"{name} not changed: the archive address "
                                     f"{community.slug!r} is taken by another community. "
                                     "Choose another with /config slug NAME.")
