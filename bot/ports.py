"""The core's store ports for communities, members, submissions and votes, and the
composed ``Store``. The digest, mail and running-state stores are in bot/state_ports.py; the
platform-facing ports (chat, mail, pages, summaries) in bot/platform_ports.py.
Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.community import Community, CommunitySettings
from bot.events import MessageRef
from bot.models import (
    Article,
    Member,
    ModerationStatus,
    Submission,
    SubmissionState,
    Summary,
)
from bot.records import (
    AddedSubmission,
    HeldLink,
    LinkedMessage,
    SharedLink,
    Tally,
    VoteRecord,
)
from bot.state_ports import (
    ChannelCursors,
    CommandSyncs,
    DigestStore,
    Installations,
    LeaseStore,
    MailLog,
    PeriodNotes,
    SeenEvents,
)
from bot.summarize.cache import SummaryCache

# Stores ------------------------------------------------------------------------------------
# One small port per concern; each consumer takes only the ones it uses, as one Protocol
# joining them (CuratorStore in bot/curator.py, IngestStore in bot/ingest.py, SchedulerStore
# in bot/scheduler.py, RecountStore in bot/recount.py).
# For every store method: it is atomic, and a failure of the underlying database raises
# StorageError (bot.errors) with a message naming the file and why. Methods documented as
# idempotent may be replayed freely (e.g. after a redelivered chat event).


class CommunityStore(Protocol):
    """Communities (a Discord guild, a Slack workspace, the console), their settings, and
    one-time notices sent to them."""

    async def ensure_community(self, key: str, platform: str, name: str) -> Community:
        """Return the community, creating it with default settings. Idempotent: an existing
        community keeps its platform, name and settings."""
        ...

    async def get_community(self, key: str) -> Community | None:
        """None when unknown. Settings stored badly (e.g. by an older version) load as
        defaults rather than raising."""
        ...

    async def save_settings(self, key: str, settings: CommunitySettings) -> None:
        """Replace the community's settings, and announce the change (``settings_version``
        moves). Idempotent; an unknown key changes nothing."""
        ...

    async def settings_version(self) -> int:
        """A number that changes whenever any process saves settings, so each process knows
        when to drop its cached communities. Cheap: it may be called before every event
        (a store with notifications answers it without a query)."""
        ...

    async def communities(self) -> list[Community]: ...

    async def first_notice(self, community: str, notice: str, now: datetime) -> bool:
        """Record a one-time notice; True only the first time for (community, notice)."""
        ...

    async def purge_community(self, key: str) -> int:
        """Delete the community and everything stored for it, in one transaction; returns
        the number of rows deleted (0 for an unknown key)."""
        ...


class MemberStore(Protocol):
    """Members' display names, so digests and the queue can credit people by name."""

    async def upsert_member(self, community: str, member: Member) -> None:
        """Record or rename a member. Idempotent."""
        ...

    async def member_names(self, community: str, ids: Sequence[str]) -> dict[str, str]:
        """Names of the known members among ``ids``; unknown ids are left out."""
        ...


class SubmissionStore(Protocol):
    """Submitted links: numbering, credit, lookups and moderation."""

    async def add_submission(
        self, community: str, url: str, original_url: str, member: Member, now: datetime
    ) -> AddedSubmission:
        """Queue ``url`` (canonical) as the next #N, or credit ``member`` on the existing
        submission of the same (canonical or final) URL. Idempotent per member. Raises
        StorageError for an unknown community."""
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

    async def submissions_by_ids(self, ids: Sequence[int]) -> list[Submission]:
        """Those submissions, in the order of ``ids``; unknown ids are left out."""
        ...

    async def set_moderation(self, submission_id: int, status: ModerationStatus, *,
                             pinned: bool | None = None, reason: str = "") -> None:
        """Set the moderation status (and the pin, unless None). Idempotent."""
        ...


class MessageStore(Protocol):
    """Which chat messages stand for which submission, so reactions on them count."""

    async def link_message(self, community: str, ref: MessageRef, submission_id: int,
                           role: str) -> None:
        """Map a chat message ('origin' or 'card') to a submission. Idempotent."""
        ...

    async def submission_for_message(self, community: str, message_id: str) -> Submission | None:
        ...

    async def messages_for(self, submission_id: int) -> list[LinkedMessage]:
        """The messages that stand for a submission: origins, then cards, each in the order
        they were linked."""
        ...


class IngestQueue(Protocol):
    """The fetch pipeline's state of submissions: pending → fetching → ready or failed, shared
    by every process's workers.

    A worker claims a job with a lease: its ``owner`` (a process-unique string) and an expiry.
    It renews the lease while it works; a job whose lease lapsed (its owner died) is claimable
    again. Finishing calls given an ``owner`` apply only while that owner still holds the
    lease, so a job taken over is finished once. Nothing is reset when a process starts.
    """

    async def set_state(self, submission_id: int, state: SubmissionState,
                        reason: str = "", *, owner: str | None = None) -> bool:
        """Set the state (``reason``: why it failed, shown to members) and end any lease.
        With ``owner``: only while that owner holds the lease. True when it was set."""
        ...

    async def claim(self, submission_id: int, owner: str, now: datetime,
                    until: datetime) -> Submission | None:
        """Lease one job to ``owner`` until ``until`` and count the attempt: a pending one, or
        one being fetched under a lease that lapsed before ``now``. None otherwise (someone
        else holds it, or it is done)."""
        ...

    async def claim_next(self, owner: str, now: datetime, until: datetime,
                         limit: int) -> list[Submission]:
        """Claim (as ``claim``) up to ``limit`` claimable jobs, oldest first. Workers of
        several processes claiming at once never get the same job."""
        ...

    async def renew(self, owner: str, ids: Sequence[int], until: datetime) -> list[int]:
        """Extend to ``until`` the leases ``owner`` still holds among ``ids``; returns
        those ids (the others were taken over or finished)."""
        ...

    async def release(self, owner: str, ids: Sequence[int]) -> None:
        """Give back, as pending, the jobs among ``ids`` that ``owner`` still holds (a worker
        stopping cleanly, so others need not wait for the leases to lapse)."""
        ...

    async def wait_for_jobs(self, pause: float) -> None:
        """Return once new jobs may have been queued by any process, or after ``pause``
        seconds. A store without notifications (SQLite) just waits: workers poll."""
        ...

    async def mark_ready(self, submission_id: int, article: Article, summary: Summary,
                         now: datetime, *, owner: str | None = None) -> bool:
        """Store what was read and summarized, and make the submission ready (with
        ``owner``: only while it holds the lease). True when stored."""
        ...

    async def merge_into(self, duplicate_id: int, existing_id: int, *,
                         owner: str | None = None) -> bool:
        """Fold a duplicate found after fetching into the existing submission: its
        submitters, messages and votes move over, and the duplicate is deleted (with
        ``owner``: only while it holds the duplicate's lease). True when merged."""
        ...


class SummaryUpgrades(Protocol):
    """LLM summaries written after a link is ready (bot.upgrades): the article text kept for
    them, and each upgrade's stored state (kept → pending → done), so an upgrade cut short by
    a crash resumes."""

    async def keep_article(self, submission_id: int, text: str, requested: bool,
                           now: datetime) -> bool:
        """Keep a read article's text for its upgrade, asked for already when ``requested``
        (an upgrade asked for before the link was read stays asked for). Replaces what an
        earlier reading kept. Returns True when the upgrade is asked for. Idempotent."""
        ...

    async def request_upgrade(self, submission_id: int, now: datetime) -> bool:
        """Ask for the model's summary of a submission (its text may be kept later, when it
        is still being read). True only the first time (the caller then queues it); False
        when it was asked for before or is done. Idempotent."""
        ...

    async def pending_upgrades(self) -> list[int]:
        """Upgrades asked for and not done, of ready submissions, in id order: what a
        restart resumes."""
        ...

    async def upgrade_text(self, submission_id: int) -> str | None:
        """The kept article text while the upgrade is not done (asked for or not); None
        after it is done, or when nothing was kept."""
        ...

    async def upgradable(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` whose upgrade is not done (asked for or not), in the given
        order."""
        ...

    async def finish_upgrade(self, submission_id: int, summary: Summary,
                             now: datetime) -> None:
        """Store the summary the upgrade ended with (the model's, or the offline one recorded
        as a fallback), mark the upgrade done and drop the text, in one transaction.
        Idempotent."""
        ...


class VoteStore(Protocol):
    """Members' votes, and the live reactions behind them.

    A vote is a member's vote with one emoji on a submission; reactions on its messages cast
    it and, with the last of them, end it. A vote cast by number (``direct``) stays until
    withdrawn by number.
    """

    async def add_vote(self, submission_id: int, member_id: str, emoji: str, direction: int,
                       now: datetime, *, direct: bool = False) -> bool:
        """Record a vote (``direct``: cast by number or a button, not by a reaction, so
        recounts and reaction removals leave it). Returns False when it was already there.
        Idempotent."""
        ...

    async def remove_vote(self, submission_id: int, member_id: str, emoji: str) -> bool:
        """Withdraw the whole vote, reactions included. Returns False when there was no such
        vote. Idempotent."""
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
        stay, votes that stay keep their time, and reactions newer than ``now`` stay.
        Idempotent."""
        ...

    async def tallies(self, submission_ids: Sequence[int]) -> dict[int, Tally]:
        """Tallies of those submissions; ones without votes are left out."""
        ...


class HoldStore(Protocol):
    """Members' links held over the community's daily limit, and what the limit counts."""

    async def submitted_since(self, community: str, member_id: str,
                              since: datetime) -> list[datetime]:
        """When the member's own submissions (the ones they shared first) were queued, for
        those queued after ``since``, oldest first."""
        ...

    async def hold_link(self, held: HeldLink) -> bool:
        """Store a held link. False (and nothing changes) when the member already has that
        URL held. Idempotent."""
        ...

    async def held_links(self, community: str, member_id: str) -> list[HeldLink]:
        """The member's held links, by release time."""
        ...

    async def due_held_links(self, now: datetime) -> list[HeldLink]:
        """Every community's held links due at ``now``, by release time."""
        ...

    async def next_release(self) -> datetime | None:
        """The earliest release time of any held link; None when none is held."""
        ...

    async def release_held_link(self, community: str, member_id: str, url: str) -> bool:
        """Forget a held link about to be queued. True only for the caller that removed it,
        so two processes never queue it twice."""
        ...


class StatsStore(Protocol):
    """What /digest stats counts: links shared and votes cast since a moment."""

    async def shared_links(self, community: str, since: datetime | None) -> list[SharedLink]:
        """Every link shared at or after ``since`` (None: ever), merged duplicates counted
        once."""
        ...

    async def votes_cast(self, community: str, since: datetime | None) -> int:
        """Votes members cast at or after ``since`` (None: ever) that still stand."""
        ...


class Store(CommunityStore, MemberStore, SubmissionStore, MessageStore, IngestQueue,
            VoteStore, DigestStore, PeriodNotes, HoldStore, StatsStore, SummaryCache,
            SummaryUpgrades, MailLog, LeaseStore, SeenEvents, CommandSyncs, Installations,
            ChannelCursors, Protocol):
    """Every store port at once: what a storage backend implements, what the composition
    root (digestif/bootstrap.py) opens and the contract suite (tests/storage/) checks."""
