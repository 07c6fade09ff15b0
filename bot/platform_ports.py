"""The core's platform-facing ports: reading pages, summarizing, and what chat and mail
adapters implement. Implementations need no inheritance; they only match these shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from bot.community import Community
from bot.digest import Digest
from bot.events import MessageRef, MissedMessage
from bot.models import (
    Article,
    BriefItem,
    Member,
    Submission,
    Summary,
    SummaryPrefs,
)
from bot.records import (
    HeldLink,
)


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
