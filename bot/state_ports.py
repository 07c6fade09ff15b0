"""The core's store ports for digests, period notes and the e-mail log, and for the bot's
own running state (leases, seen events, command syncs, installations, channel cursors).
bot.ports.Store composes them with the others, and the store conventions stated in
bot/ports.py (atomic methods, StorageError, idempotent replays) hold here too.
Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.digest import DigestTotals
from bot.records import (
    Candidate,
    DigestLink,
    DigestPlan,
    DigestRecord,
    MailRecord,
    PeriodClaim,
    PeriodNote,
    PostedDigest,
)


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
