"""The vote rules, as a pure decision: who may vote, with what, on what."""

from __future__ import annotations

from dataclasses import dataclass

from bot.community import CommunitySettings
from bot.models import Member, ModerationStatus, Submission


@dataclass(frozen=True, slots=True)
class VoteDecision:
    direction: int  # +1, -1, or 0 when the reaction does not count
    reason: str = ""  # why it does not count, for the member


def decide_reaction(settings: CommunitySettings, member: Member, emoji: str) -> VoteDecision:
    """The rules that need no submission: who reacts, with what. The rest (the submission is
    queued; a member does not vote on their own link unless allowed) is applied atomically by
    the store's conditional write, and explained by ``decide`` when it refuses."""
    if member.is_bot:
        return VoteDecision(0, "bots don't vote")
    direction = settings.vote_direction(emoji)
    if direction == 0 and emoji in settings.down_emoji:
        return VoteDecision(0, "down-votes are off here")
    if direction == 0:
        return VoteDecision(0, f"{emoji} is not a vote here")
    return VoteDecision(direction)


def decide(settings: CommunitySettings, submission: Submission, member: Member,
           emoji: str) -> VoteDecision:
    """Every vote rule, for one reaction on one submission."""
    first = decide_reaction(settings, member, emoji)
    if first.direction == 0:
        return first
    direction = first.direction
    if not settings.self_votes and member.id in submission.submitters:
        return VoteDecision(0, "votes on your own submission don't count here")
    if submission.status in (ModerationStatus.DROPPED, ModerationStatus.REJECTED):
        return VoteDecision(0, f"#{submission.number} was {submission.status}")
    if submission.status is ModerationStatus.PUBLISHED:
        return VoteDecision(0, f"#{submission.number} was already published")
    return VoteDecision(direction)
