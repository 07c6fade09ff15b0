"""The core's ports. Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.community import Community, CommunitySettings
from bot.digest import Digest, DigestTotals
from bot.events import MessageRef
from bot.models import (
    Article,
    BriefItem,
    Member,
    ModerationStatus,
    Submission,
    SubmissionState,
    Summary,
    SummaryPrefs,
)
from bot.summarize.cache import SummaryCache


class PageReader(Protocol):
    """Turns a URL into an Article: guarded fetch, extraction, special sources.

    Raises FetchError (with a member-safe ``reason``) when the page cannot be fetched and
    ExtractError when it has no usable content. A page that is a paywall, login wall or
    similar is *returned* with ``Article.flag`` set, not raised. Safe to call concurrently.
    """

    async def read(self, url: str) -> Article: ...


class Summarizer(Protocol):
    """Writes the 1-3 sentence summary of an article and the digest's TL;DR.

    ``summarize`` never raises for an LLM failure: it falls back to the offline summary and
    says so in ``Summary.source``. Output is plain text already checked to be safe to post
    (no mentions, no links, no control characters). Flagged articles get SummarySource.NONE.
    """

    async def summarize(self, article: Article, prefs: SummaryPrefs) -> Summary: ...

    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        """Three to five TL;DR bullets, each led by an emoji, covering the picks."""
        ...


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


class Store(SummaryCache, Protocol):
    """Persistence for communities, submissions, votes and digests.

    Every method is atomic. Methods documented as idempotent may be replayed freely.
    Failures of the underlying database raise StorageError.
    """

    async def ensure_community(self, key: str, platform: str, name: str) -> Community:
        """Return the community, creating it with default settings. Idempotent."""
        ...

    async def get_community(self, key: str) -> Community | None: ...

    async def save_settings(self, key: str, settings: CommunitySettings) -> None: ...

    async def communities(self) -> list[Community]: ...

    async def upsert_member(self, community: str, member: Member) -> None:
        """Record or rename a member. Idempotent."""
        ...

    async def member_names(self, community: str, ids: Sequence[str]) -> dict[str, str]: ...

    async def add_submission(
        self, community: str, url: str, original_url: str, member: Member, now: datetime
    ) -> tuple[Submission, bool]:
        """Queue ``url`` (canonical) as the next #N, or credit ``member`` on the existing
        submission of the same URL. Returns (submission, created). Idempotent per member."""
        ...

    async def link_message(self, community: str, ref: MessageRef, submission_id: int,
                           role: str) -> None:
        """Map a chat message ('origin' or 'card') to a submission. Idempotent."""
        ...

    async def submission_for_message(self, community: str, message_id: str) -> Submission | None:
        ...

    async def messages_for(self, submission_id: int) -> list[tuple[MessageRef, str]]:
        """The (message, role) pairs that stand for a submission."""
        ...

    async def get_submission(self, community: str, number: int) -> Submission | None: ...

    async def get_submission_by_id(self, submission_id: int) -> Submission | None: ...

    async def find_by_url(self, community: str, url: str) -> Submission | None:
        """The submission whose canonical or final URL is ``url``."""
        ...

    async def list_submissions(
        self,
        community: str,
        *,
        states: Sequence[SubmissionState] = (),
        statuses: Sequence[ModerationStatus] = (),
    ) -> list[Submission]:
        """Submissions in number order, filtered when filters are given."""
        ...

    async def set_state(self, submission_id: int, state: SubmissionState,
                        reason: str = "") -> None: ...

    async def claim(self, submission_id: int) -> Submission | None:
        """Move a pending submission to fetching and count the attempt. None if it was not
        pending (someone else has it, or it is done)."""
        ...

    async def pending_ids(self) -> list[int]:
        """After a restart: every submission left fetching goes back to pending; returns all
        pending ids in submission order."""
        ...

    async def mark_ready(self, submission_id: int, article: Article, summary: Summary,
                         now: datetime) -> None: ...

    async def merge_into(self, duplicate_id: int, existing_id: int) -> None:
        """Fold a duplicate found after fetching into the existing submission: its
        submitters, messages and votes move over, and the duplicate is deleted."""
        ...

    async def set_moderation(self, submission_id: int, status: ModerationStatus, *,
                             pinned: bool | None = None, reason: str = "") -> None: ...

    async def add_vote(self, submission_id: int, member_id: str, emoji: str, direction: int,
                       now: datetime, *, direct: bool = False) -> bool:
        """Record a vote (``direct``: cast by number or a button, not by a reaction, so
        recounts and reaction removals leave it). Returns False when it was already there.
        Idempotent."""
        ...

    async def remove_vote(self, submission_id: int, member_id: str, emoji: str) -> bool:
        """Returns False when there was no such vote. Idempotent."""
        ...

    async def add_vote_on_message(self, community: str, message_id: str, member_id: str,
                                  emoji: str, direction: int, now: datetime, *,
                                  allow_self: bool, reaction: str = "") -> bool:
        """Record a member's reaction (``reaction``, default ``emoji``) on a message, and
        their vote on the submission it stands for, atomically and only if that submission is
        still queued and (unless ``allow_self``) the member did not share it. Returns False
        when nothing was recorded. Idempotent."""
        ...

    async def remove_vote_on_message(self, community: str, message_id: str, member_id: str,
                                     emoji: str, reaction: str = "") -> bool:
        """Remove a member's reaction on a message; their vote ends with their last matching
        reaction (a vote cast by number stays). Returns False when nothing changed.
        Idempotent."""
        ...

    async def clear_votes(self, submission_id: int, emoji: str | None = None, *,
                          message_id: str | None = None, reaction: str | None = None) -> int:
        """Remove every vote (of ``emoji``); with ``message_id``, only the reactions on that
        message (only ``reaction``, when given: 👍 and not 👍🏽) and the votes left without
        any. Returns how many votes ended."""
        ...

    async def replace_votes(self, submission_id: int, votes: Sequence[VoteRecord],
                            now: datetime) -> None:
        """Make the stored reaction votes exactly ``votes`` (a recount); votes cast by number
        stay. Idempotent."""
        ...

    async def tallies(self, submission_ids: Sequence[int]) -> dict[int, Tally]: ...

    async def begin_digest(self, community: str, period: str, now: datetime,
                           content: str = "", picks: Sequence[int] = ()) -> bool:
        """Claim a period for posting, with what is about to go out (``content`` and the
        pick ids, so a crash can be settled). False when it is already posting or posted."""
        ...

    async def finish_digest(self, community: str, period: str, content: str, now: datetime,
                            published: Sequence[int], url: str = "") -> None:
        """Record the period as posted (``url``: where it can be read, if known) and its picks
        as published, in one transaction."""
        ...

    async def digest_plan(self, community: str, period: str) -> tuple[str, list[int]] | None:
        """(content, pick ids) of a 'posting' claim; None when there is no such claim."""
        ...

    async def previous_digest(self, community: str, period: str) -> tuple[str, str] | None:
        """(period, url) of the latest posted digest before ``period``, if any."""
        ...

    async def digest_candidates(self, community: str, since: datetime, start: datetime,
                                end: datetime) -> list[Candidate]:
        """Queued, ready submissions that became ready in [start, end), plus those that
        became ready in [since, start) and are pinned or still have votes; each with its
        tally. Published, dropped and rejected submissions are never candidates."""
        ...

    async def submissions_by_ids(self, ids: Sequence[int]) -> list[Submission]:
        """Those submissions, in the order of ``ids``; unknown ids are left out."""
        ...

    async def period_totals(self, community: str, start: datetime,
                            end: datetime) -> DigestTotals:
        """The week's numbers: links submitted in [start, end), the members who shared
        them, and the votes cast in it."""
        ...

    async def first_notice(self, community: str, notice: str, now: datetime) -> bool:
        """Record a one-time notice; True only the first time for (community, notice)."""
        ...

    async def digest_record(self, community: str, period: str) -> tuple[str, str] | None:
        """(state, content) of a period's digest, if any."""
        ...

    async def posted_digests(self, community: str) -> list[tuple[str, str, datetime]]:
        """(period, content, posted_at) of every posted digest, newest first."""
        ...

    async def abandon_digest(self, community: str, period: str) -> None:
        """Forget a 'posting' claim whose post did not happen."""
        ...

    async def stale_postings(self, before: datetime) -> list[tuple[str, str]]:
        """(community, period) of 'posting' claims started before ``before``: a crash came
        between claiming and recording."""
        ...

    async def period_note(self, community: str, period: str) -> tuple[str, bool]:
        """(intro, voting locked) of a period; ("", False) when nothing was set."""
        ...

    async def set_period_note(self, community: str, period: str, *, intro: str | None = None,
                              locked: bool | None = None) -> None:
        """Set the intro and/or the voting lock of a period. Idempotent."""
        ...


class Notifier(Protocol):
    """Tells a community's chat what happened to its submissions. Implemented by adapters.

    Calls are best-effort: an implementation logs its own failures and never raises for a
    platform error, so the core's state never depends on a chat message going out.
    """

    async def submission_ready(self, community: Community, submission: Submission,
                               origin: MessageRef | None) -> MessageRef | None:
        """Post the submission card (in reply to ``origin`` where the platform allows).
        Returns the card's message so votes on it count."""
        ...

    async def submission_failed(self, community: Community, submission: Submission,
                                origin: MessageRef | None) -> None: ...

    async def duplicate_found(self, community: Community, existing: Submission,
                              origin: MessageRef | None) -> None:
        """A link turned out, after fetching, to be the same page as ``existing``."""
        ...

    async def submission_rejected(self, community: Community, submission: Submission,
                                  origin: MessageRef | None) -> None:
        """A moderator rejected ``submission``: tell its submitter, in answer to ``origin``
        (the message that shared it) where the platform allows. The reason, if any, is
        ``submission.reject_reason``; desk.rejected is the text."""
        ...

    async def tell_moderators(self, community: Community, text: str) -> None:
        """A hint meant for the community's moderators (e.g. no digest channel is set)."""
        ...


@dataclass(frozen=True, slots=True)
class SeenReaction:
    """A reaction a platform reports on a message, as found by a recount."""

    member: Member
    emoji: str
    message_id: str = ""  # which message it is on
    reaction: str = ""  # the platform's own reaction, when it differs from ``emoji``


class VoteRecounter(Protocol):
    """Re-reads the reactions on a submission's messages, so votes cast or withdrawn while the
    bot was offline are counted. Implemented by adapters whose platform can list reactions.

    Returns None when the platform cannot tell (the stored votes are kept). Respects the
    platform's rate limits. The core applies the vote rules to what it returns.
    """

    async def reactions(self, community: Community,
                        messages: Sequence[MessageRef]) -> list[SeenReaction] | None: ...


class DigestPublisher(Protocol):
    """Posts a rendered digest to a channel, split within the platform's limits, in order.

    Raises PublishError when the platform refuses or fails, so the period is not recorded
    as posted. Never lets digest text mention anyone. May return a link to the posted digest
    (a message permalink), which next week's digest links to.
    """

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None: ...
