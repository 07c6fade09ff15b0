"""E-mailing a posted digest to a community's list (the ``email_to`` setting).

After a digest is posted (a moderator's post or the schedule, see Publishing.on_posted), it
is e-mailed in the background: the chat post never waits for the mail server and never fails
because of it. The message is rendered from the stored snapshot, so it is the digest exactly
as posted (bot.mail_message builds it).

At most once per community and period: the period's e-mail is claimed in the store before
anything is sent ('sending'), and recorded 'sent' or 'failed' after (bot.state_ports.MailLog). A
claim, once made, is never sent again by itself, whatever restarts in between; only
``send(..., again=True)`` (the operator's `digestif email --period`) sends it again, as a new
attempt with a new Message-ID.

Temporary failures (a 4xx reply, the server unreachable or timing out) are retried after
growing pauses (RETRY_DELAYS); a permanent one (5xx) is not. When the last try fails, the
failure is logged and the moderators are told once.

A process that stops mid-send leaves its claim 'sending': the message may or may not have
gone out, and nothing can ask the server. ``reconcile`` (run by the scheduler on start and
before every tick) settles such a claim older than STALE_SEND as failed and tells the
moderators, who can have it sent again; it is never re-sent automatically, so nobody gets
the same digest twice. The claim is the background task's first step, moments after the post
is recorded: a stop in between loses that week's e-mail (at most once, not at least once;
`digestif email` sends it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

from bot import replies
from bot.clock import Clock
from bot.community import Community
from bot.digest_snapshot import stored_digest
from bot.errors import ConfigError, MailError, UserError
from bot.lifecycle import Sleep, describe
from bot.mail_message import digest_message
from bot.platform_ports import MailTransport
from bot.ports import CommunityStore
from bot.state_ports import DigestStore, MailLog

log = logging.getLogger(__name__)

Hint = Callable[[str, str], Awaitable[None]]  # (community key, text) to its moderators

RETRY_DELAYS = (30.0, 120.0, 600.0)  # pauses before the 2nd, 3rd and 4th try
# Longer than every try and pause of one send can take (the transport's timeouts included):
# a claim still 'sending' after this belongs to a process that stopped.
STALE_SEND = timedelta(hours=1)
CLOSE_GRACE = 10.0  # seconds the e-mails under way get to finish when the bot stops


class MailStore(MailLog, DigestStore, CommunityStore, Protocol):
    """What e-mailing reads and writes: the e-mail log, the posted digests, one-time
    notices."""


class MailOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to do: no list, or already claimed


@dataclass(frozen=True, slots=True)
class Mailed:
    outcome: MailOutcome
    period: str
    attempt: int = 0
    accepted: int = 0  # addresses the server took it for
    refused: tuple[str, ...] = ()  # addresses it refused, while taking the others
    error: str = ""


class Mailing:
    def __init__(self, store: MailStore, clock: Clock, transport: MailTransport | None = None,
                 sender: str | None = None, hint: Hint | None = None,
                 delays: Sequence[float] = RETRY_DELAYS, sleep: Sleep | None = None) -> None:
        """``transport`` and ``sender`` (a checked address) are None when the operator set up
        no mail server. ``hint`` tells a community's moderators something."""
        self._store = store
        self._clock = clock
        self._transport = transport
        self._sender = sender
        self._hint = hint
        self._delays = tuple(delays)
        self._sleep = sleep or asyncio.sleep
        self._tasks: set[asyncio.Task[None]] = set()

    # After a post ------------------------------------------------------------------------

    def after_post(self, community: Community, period: str) -> None:
        """Start e-mailing a digest just posted, in the background (Publishing.on_posted).
        Returns at once; nothing it does can fail the post."""
        if not community.settings.email_to:
            return
        task = asyncio.create_task(self._after_post(community, period),
                                   name=f"mail-{community.key}-{period}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after_post(self, community: Community, period: str) -> None:
        try:
            if self._transport is None or self._sender is None:
                if await self._store.first_notice(community.key, "mail-not-configured",
                                                  self._clock()):
                    log.warning("community %s has email_to set, but no SMTP server is "
                                "configured: digests are not e-mailed", community.key)
                    await self._tell(community.key, replies.MAIL_NOT_CONFIGURED)
                return
            await self.send(community, period)
        except UserError as err:
            log.warning("the digest %s of %s was not e-mailed: %s", period, community.key, err)
        except Exception:
            log.exception("e-mailing the digest %s of %s failed", period, community.key)

    async def drain(self) -> None:
        """Wait for the e-mails under way (tests, and a command that must not exit before
        they are done)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float = CLOSE_GRACE) -> None:
        """Shutting down: the e-mails under way get ``grace`` seconds to finish (a console
        session that just posted usually ends right after), then are stopped; the claims of
        those stopped stay 'sending' and are settled by ``reconcile`` (see above)."""
        pending = set(self._tasks)
        if pending and grace > 0:
            _, pending = await asyncio.wait(pending, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # Sending -------------------------------------------------------------------------------

    async def send(self, community: Community, period: str, *, again: bool = False) -> Mailed:
        """E-mail a posted period's digest, as posted, to the community's list. Without
        ``again`` it goes at most once, ever; with it, it goes once more (unless another
        send is under way). Raises UserError when there is nothing to send (never posted,
        no list, a send under way) and ConfigError when no mail server is set up; a mail
        server's refusal is a FAILED outcome, already logged and told to the moderators."""
        recipients = community.settings.email_to
        if self._transport is None or self._sender is None:
            raise ConfigError(replies.NO_MAIL_SERVER)
        if not recipients:
            raise UserError(replies.no_mail_list(community.key))
        record = await self._store.digest_record(community.key, period)
        if record is None or record.state != "posted":
            raise UserError(replies.never_posted(period))
        digest = stored_digest(record.content)
        if digest is None:
            raise UserError(replies.not_stored_as_posted(period))
        now = self._clock()
        attempt = await self._store.begin_mail(community.key, period, now, again=again,
                                               stale_before=now - STALE_SEND)
        if attempt is None:
            if again:
                raise UserError(replies.mail_under_way(period))
            return Mailed(MailOutcome.SKIPPED, period)
        message = digest_message(digest, sender=self._sender,
                                 list_name=community.newsletter_name, attempt=attempt, now=now)
        try:
            refused = await self._deliver(community.key, period, message, recipients)
        except MailError as err:
            reason = describe(err, 300)
            await self._store.finish_mail(community.key, period, attempt, self._clock(),
                                          sent=False, error=reason)
            log.error("e-mailing the digest %s of %s failed: %s", period, community.key, reason)
            await self._tell(community.key, replies.mail_failed(period, reason))
            return Mailed(MailOutcome.FAILED, period, attempt, error=reason)
        accepted = len(recipients) - len(refused)
        await self._store.finish_mail(community.key, period, attempt, self._clock(), sent=True,
                                      recipients=accepted)
        log.info("e-mailed the digest %s of %s to %d addresses (attempt %d)", period,
                 community.key, accepted, attempt)
        if refused:
            log.warning("the mail server refused %d addresses of %s: %s", len(refused),
                        community.key, "; ".join(f"{a}: {r}" for a, r in refused.items()))
            await self._tell(community.key, replies.mail_partly_refused(period, list(refused)))
        return Mailed(MailOutcome.SENT, period, attempt, accepted, tuple(refused))

    async def _deliver(self, community: str, period: str, message: EmailMessage,
                       recipients: Sequence[str]) -> dict[str, str]:
        """Send, retrying temporary failures after each pause in turn."""
        assert self._transport is not None and self._sender is not None
        pauses = iter(self._delays)
        while True:
            try:
                return await self._transport.send(message, self._sender, recipients)
            except MailError as err:
                pause = next(pauses, None) if err.temporary else None
                if pause is None:
                    raise
                log.warning("e-mailing the digest %s of %s: %s; trying again in %gs", period,
                            community, describe(err), pause)
                await self._sleep(pause)

    # After a crash -------------------------------------------------------------------------

    async def reconcile(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Settle sends a stopped process left 'sending' as failed, and tell the moderators
        they may have gone out. Returns them as (community, period)."""
        now = now or self._clock()
        settled = []
        for community, period in await self._store.stale_mailings(now - STALE_SEND):
            record = await self._store.mail_record(community, period)
            if record is None or record.state != "sending":
                continue
            await self._store.finish_mail(community, period, record.attempt, now, sent=False,
                                          error="stopped while sending")
            log.warning("the digest %s of %s was being e-mailed when its process stopped; it "
                        "may or may not have gone out, and is not sent again by itself",
                        period, community)
            await self._tell(community, replies.mail_interrupted(period))
            settled.append((community, period))
        return settled

    async def _tell(self, community: str, text: str) -> None:
        if self._hint is None:
            return
        try:
            await self._hint(community, text)
        except Exception:
            log.exception("telling the moderators of %s failed", community)
