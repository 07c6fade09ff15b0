"""Recounting votes before a digest: the platform re-reads reactions the bot may have missed
while it was offline, and the core applies its vote rules to them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.community import Community, CommunitySettings
from bot.models import Submission
from bot.platform_ports import SeenReaction, VoteRecounter
from bot.ports import MessageStore, SubmissionStore, VoteStore
from bot.records import VoteRecord
from bot.votes import decide

log = logging.getLogger(__name__)

CONCURRENCY = 4  # the recounter paces itself against rate limits; this bounds our side


class RecountStore(SubmissionStore, MessageStore, VoteStore, Protocol):
    """The stores a recount uses: the submissions, the messages that stand for them, and
    their votes."""


async def recount(store: RecountStore, recounter: VoteRecounter, community: Community,
                  submission_ids: Sequence[int], now: datetime) -> int:
    """Replace the stored votes of each submission with what the platform reports. A
    submission without messages, or whose platform cannot tell, keeps its votes. A failing
    recount is logged and keeps the stored votes too. Returns how many were recounted."""
    submissions = await store.submissions_by_ids(submission_ids)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(submission: Submission) -> bool:
        async with gate:
            refs = [ref for ref, _ in await store.messages_for(submission.id)]
            if not refs:
                return False
            try:
                seen = await recounter.reactions(community, refs)
            except Exception:
                log.exception("recounting #%d of %s failed; keeping its stored votes",
                              submission.number, community.key)
                return False
            if seen is None:
                return False
            await store.replace_votes(submission.id,
                                      recounted(community.settings, submission, seen), now)
            return True

    done = await asyncio.gather(*(one(s) for s in submissions))
    return sum(done)


def recounted(settings: CommunitySettings, submission: Submission,
              seen: Sequence[SeenReaction]) -> list[VoteRecord]:
    """The votes that count among the reactions seen: the same rules as live reactions."""
    records: dict[tuple[str, str, str, str], VoteRecord] = {}
    for reaction in seen:
        decision = decide(settings, submission, reaction.member, reaction.emoji)
        if decision.direction:
            # One record per live reaction, as live events store them: removing one of two
            # later keeps the member's vote.
            key = (reaction.member.id, reaction.emoji, reaction.message_id, reaction.reaction)
            records[key] = VoteRecord(reaction.member.id, reaction.emoji, decision.direction,
                                      reaction.message_id, reaction.reaction)
    return list(records.values())
