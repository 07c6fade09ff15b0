"""Values the stores hand back: vote counts, digest candidates, and named results where a
store method returns more than one thing.

Named results are NamedTuples so that callers written for the earlier plain tuples
(``submission, created = ...``) keep working while new code reads fields by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from bot.events import MessageRef
from bot.models import Member, Submission


@dataclass(frozen=True, slots=True)
class Tally:
    """Counted votes of one submission: distinct members per direction."""

    up: int = 0
    down: int = 0
    both: int = 0  # members among both ``up`` and ``down``: each is one voter

    @property
    def score(self) -> int:
        return self.up - self.down

    @property
    def voters(self) -> int:
        """Distinct members who voted (the ranking's tie-break)."""
        return self.up + self.down - self.both

    def counted(self, downvotes: bool) -> Tally:
        """The tally as the community counts it, the one rule for the queue and the digest:
        stored down-votes are ignored while down-votes are off (they may remain from a time
        they were on)."""
        return self if downvotes or not self.down else Tally(up=self.up)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One line of the queue: a submission, its votes, and who shared it by name."""

    submission: Submission
    tally: Tally
    submitter_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """What a vote event did: whether it counts, whether it changed anything, and why not."""

    submission: Submission | None
    counted: bool
    changed: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A digest candidate as ranking sees it; full rows are loaded only for the chosen few."""

    submission_id: int
    number: int
    submitted_at: datetime
    pinned: bool
    tally: Tally
    carried_over: bool = False  # became ready before the period: a carry-over


@dataclass(frozen=True, slots=True)
class VoteRecord:
    member_id: str
    emoji: str
    direction: int
    message_id: str = ""  # the message reacted on, when the vote comes from a reaction
    reaction: str = ""  # the platform's own reaction ("👍🏽"), when it differs from ``emoji``


class AddedSubmission(NamedTuple):
    """What ``add_submission`` did: the stored submission, and whether it is new (False when
    the member was credited on an earlier submission of the same URL)."""

    submission: Submission
    created: bool


class LinkedMessage(NamedTuple):
    """A chat message that stands for a submission: the member's post ('origin') or the
    bot's card ('card')."""

    ref: MessageRef
    role: str


class DigestPlan(NamedTuple):
    """What a 'posting' claim was about to post: the digest JSON and the pick ids."""

    content: str
    picks: list[int]


class DigestRecord(NamedTuple):
    """A period's digest row: ``state`` is 'posting' (claimed) or 'posted'."""

    state: str
    content: str


class DigestLink(NamedTuple):
    """Where an earlier posted digest can be read; ``url`` is "" when the platform gave none."""

    period: str
    url: str


class PostedDigest(NamedTuple):
    period: str
    content: str
    posted_at: datetime


class PeriodClaim(NamedTuple):
    """A (community, period) whose digest was claimed for posting."""

    community: str
    period: str


@dataclass(frozen=True, slots=True)
class MailRecord:
    """A period's e-mail: ``state`` is 'sending' (claimed), 'sent' or 'failed'; ``attempt``
    counts the sends (1 after posting, one more each time it is sent again on purpose)."""

    state: str
    attempt: int
    started_at: datetime
    finished_at: datetime | None = None
    recipients: int = 0  # addresses the server accepted
    error: str = ""  # why the last attempt failed


class PeriodNote(NamedTuple):
    """A period's moderator settings: the digest's intro and whether voting is locked."""

    intro: str = ""
    locked: bool = False


@dataclass(frozen=True, slots=True)
class HeldLink:
    """A member's link over the community's daily limit: stored, and queued at
    ``release_at`` as if it were shared then (``url`` is canonical; ``origin`` is the message
    that shared it, for the card to answer)."""

    community: str
    member: Member
    url: str
    original_url: str
    origin: MessageRef | None
    held_at: datetime
    release_at: datetime


class SharedLink(NamedTuple):
    """A link shared in a community, as stats count it: its URL (final, when it was read),
    who shared it first, and whether it was picked (published in a digest)."""

    url: str
    submitter: str
    picked: bool
