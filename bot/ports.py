"""The core's ports. Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from bot.community import Community, CommunitySettings
from bot.digest import Digest, DigestTotals
from bot.events import MessageRef, MissedMessage
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
from bot.records import (
    AddedSubmission,
    DigestLink,
    DigestPlan,
    DigestRecord,
    HeldLink,
    LinkedMessage,
    MailRecord,
    PeriodClaim,
    PeriodNote,
    PostedDigest,
    SharedLink,
)
from bot.records import Candidate as Candidate  # re-exported: the store's values live there
from bot.records import QueueEntry as QueueEntry
from bot.records import Tally as Tally
from bot.records import VoteRecord as VoteRecord
from bot.summarize.cache import SummaryCache as SummaryCache


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


class LeaseStore(Protocol):
    """Named locks held with a lease, for work one process at a time should do (the digest
    scheduler's tick)."""

    async def try_lease(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lock ``name`` for ``owner`` until ``until``: True when it was
        free, lapsed before ``now``, or already ``owner``'s."""
        ...

    async def drop_lease(self, name: str, owner: str) -> None:
        """Let go of ``name`` if ``owner`` holds it. Idempotent."""
        ...


class SeenEvents(Protocol):
    """Events already handled, shared by every process (Slack retries a delivery)."""

    async def first_sighting(self, scope: str, event_id: str, now: datetime,
                             keep: timedelta) -> bool:
        """Record the event; True the first time it is seen within ``keep`` (older sightings
        have expired and are forgotten)."""
        ...


class CommandSyncs(Protocol):
    """What a chat platform's command registration last was, so a login syncs only when the
    commands changed."""

    async def synced_hash(self, application: str) -> str | None: ...

    async def record_sync(self, application: str, digest: str, now: datetime) -> None:
        """Remember ``digest`` as the commands now registered for ``application``."""
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


class DigestStore(Protocol):
    """Each period's digest, claimed before posting and recorded after, so it is posted at
    most once; and what the digest is built from."""

    async def begin_digest(self, community: str, period: str, now: datetime,
                           content: str = "", picks: Sequence[int] = ()) -> bool:
        """Claim a period for posting, with what is about to go out (``content`` and the
        pick ids, so a crash can be settled). False when it is already posting or posted."""
        ...

    async def finish_digest(self, community: str, period: str, content: str, now: datetime,
                            published: Sequence[int], url: str = "") -> None:
        """Record the period as posted (``url``: where it can be read, if known) and its picks
        as published, in one transaction. Idempotent."""
        ...

    async def abandon_digest(self, community: str, period: str) -> None:
        """Forget a 'posting' claim whose post did not happen. A posted digest stays.
        Idempotent."""
        ...

    async def digest_plan(self, community: str, period: str) -> DigestPlan | None:
        """What a 'posting' claim was about to post; None when there is no such claim."""
        ...

    async def digest_record(self, community: str, period: str) -> DigestRecord | None:
        """A period's digest (claimed or posted), if any."""
        ...

    async def previous_digest(self, community: str, period: str) -> DigestLink | None:
        """The latest posted digest before ``period``, if any."""
        ...

    async def posted_digests(self, community: str) -> list[PostedDigest]:
        """Every posted digest, newest first."""
        ...

    async def stale_postings(self, before: datetime) -> list[PeriodClaim]:
        """'posting' claims started before ``before``: a crash came between claiming and
        recording."""
        ...

    async def digest_candidates(self, community: str, since: datetime, start: datetime,
                                end: datetime) -> list[Candidate]:
        """Queued, ready submissions that became ready in [start, end), plus those that
        became ready in [since, start) and are pinned or still have votes; each with its
        tally. Published, dropped and rejected submissions are never candidates."""
        ...

    async def period_totals(self, community: str, start: datetime,
                            end: datetime) -> DigestTotals:
        """The week's numbers: links submitted in [start, end), the members who shared
        them, and the votes cast in it."""
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


class PeriodNotes(Protocol):
    """What moderators set for one period (week): the digest's intro and the voting lock."""

    async def period_note(self, community: str, period: str) -> PeriodNote:
        """The period's note; PeriodNote("", False) when nothing was set."""
        ...

    async def set_period_note(self, community: str, period: str, *, intro: str | None = None,
                              locked: bool | None = None) -> None:
        """Set the intro and/or the voting lock of a period (None leaves it). Idempotent."""
        ...


class Installations(Protocol):
    """Where a chat app is installed (a Slack workspace, for an app distributed to many), with
    the credentials to speak there, and the OAuth flow's one-time state values. ``data`` is
    the platform SDK's own record, stored as JSON text and never read by the core."""

    async def save_installation(self, platform: str, team: str, data: str,
                                now: datetime) -> None:
        """Record (or replace) an installation; a re-install clears an earlier removal."""
        ...

    async def find_installation(self, platform: str, team: str) -> str | None:
        """The stored data; None when never installed or removed."""
        ...

    async def remove_installation(self, platform: str, team: str, now: datetime) -> None:
        """Forget the credentials and note when; the community's data stays until purged.
        Idempotent: a second removal keeps the first time."""
        ...

    async def removed_before(self, platform: str, cutoff: datetime) -> list[str]:
        """Teams whose installation was removed before ``cutoff`` and not renewed."""
        ...

    async def forget_installation(self, platform: str, team: str) -> None:
        """Drop the installation row itself (after its community was purged)."""
        ...

    async def issue_state(self, state: str, expires: datetime) -> None: ...

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not expired; it is gone afterwards."""
        ...


class MailLog(Protocol):
    """Each period's e-mail, claimed before sending and recorded after, so a posted digest is
    e-mailed at most once unless someone sends it again on purpose."""

    async def begin_mail(self, community: str, period: str, now: datetime, *,
                         again: bool = False, stale_before: datetime | None = None
                         ) -> int | None:
        """Claim a period's e-mail ('sending') and return the attempt number: 1 the first
        time, one more each time it is sent ``again``. None when it is not to be sent:
        without ``again``, whenever the period was ever claimed; with ``again``, only while
        another send is under way (a 'sending' claim started at or after ``stale_before``,
        or any 'sending' claim when that is None)."""
        ...

    async def finish_mail(self, community: str, period: str, attempt: int, now: datetime, *,
                          sent: bool, recipients: int = 0, error: str = "") -> None:
        """Record how ``attempt`` ended, 'sent' or 'failed' (``error``: why). An attempt
        that is no longer the latest changes nothing. Idempotent."""
        ...

    async def mail_record(self, community: str, period: str) -> MailRecord | None:
        """A period's e-mail, if it was ever claimed."""
        ...

    async def stale_mailings(self, before: datetime) -> list[PeriodClaim]:
        """'sending' claims started before ``before``: their process stopped mid-send."""
        ...


class ChannelCursors(Protocol):
    """The last message seen in each chat channel, so what was posted while the bot was
    offline is read back once (bot/backfill.py). A cursor is the platform's message position
    written so that a later message's cursor sorts after an earlier one's, as text."""

    async def last_seen(self, community: str, channel: str) -> str | None:
        """The cursor of the last message seen in the channel; None when none was."""
        ...

    async def mark_seen(self, community: str, channel: str, cursor: str,
                        now: datetime) -> None:
        """Record a message seen. Only moves forward: a cursor that sorts before the stored
        one changes nothing. Idempotent."""
        ...

    async def seen_channels(self, community: str) -> list[str]:
        """The channels with a cursor, in name order."""
        ...


class Store(CommunityStore, MemberStore, SubmissionStore, MessageStore, IngestQueue,
            VoteStore, DigestStore, PeriodNotes, HoldStore, StatsStore, SummaryCache,
            SummaryUpgrades, MailLog, LeaseStore, SeenEvents, CommandSyncs, Installations,
            ChannelCursors, Protocol):
    """Every store port at once: what a storage backend implements, what the composition
    root (digestif/bootstrap.py) opens and the contract suite (tests/storage/) checks."""


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
        ``submission.reject_reason``; replies.rejected is the text."""
        ...

    async def tell_moderators(self, community: Community, text: str) -> None:
        """A hint meant for the community's moderators (e.g. no digest channel is set)."""
        ...

    async def summary_updated(self, community: Community, submission: Submission,
                              card: MessageRef | None) -> None:
        """The model wrote ``submission``'s summary after its card went out: update the card
        (``card``, the message submission_ready returned, None when there was none) where the
        platform can edit messages; otherwise say so where it fits, or do nothing."""
        ...

    async def link_refused(self, community: Community, url: str, reason: str,
                           origin: MessageRef) -> None:
        """A link in the member's message ``origin`` was refused before anything was fetched
        (its site is denied, or not allowed): answer it. ``reason`` is desk's text, naming
        a site (escape it for the platform); replies.refused words the answer."""
        ...

    async def link_held(self, community: Community, held: HeldLink) -> None:
        """A link over the member's daily limit is held: answer its message
        (``held.origin``) with when it will be queued; replies.held words it."""
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


class MessageLinker(Protocol):
    """Where a member opens a chat message: Discord's jump link, Slack's permalink.
    Implemented by adapters whose platform has such links.

    Returns None when there is no link (the message is gone, the platform refused). Never
    raises for a platform error: a digest item without its chat link is still posted.
    """

    async def message_url(self, community: Community, ref: MessageRef) -> str | None: ...


class MailTransport(Protocol):
    """Hands a message to the mail server, for the envelope's recipients only (headers name
    no recipient). Returns the recipients the server refused, each with its reply, when it
    took the message for the others; raises MailError when it took it for none. Safe to
    call concurrently."""

    async def send(self, message: EmailMessage, sender: str,
                   recipients: Sequence[str]) -> dict[str, str]: ...


class ChannelHistory(Protocol):
    """Reads what was posted in a channel while the bot was away. Implemented by adapters
    whose platform keeps channel history (bot/backfill.py calls it).

    Returns the members' messages posted after the cursor ``after`` (all of them when None)
    and not before ``since``, oldest first, at most ``limit``, each as the LinkPosted the
    live path would have made, with its cursor. Respects the platform's rate limits; a
    platform error is logged and ends the read with what was read so far.
    """

    async def missed(self, community: Community, channel: str, after: str | None,
                     since: datetime, limit: int) -> list[MissedMessage]: ...


class DigestPublisher(Protocol):
    """Posts a rendered digest to a channel, split within the platform's limits, in order.

    Raises PublishError when the platform refuses or fails, so the period is not recorded
    as posted. Never lets digest text mention anyone. May return a link to the posted digest
    (a message permalink), which next week's digest links to.
    """

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None: ...
