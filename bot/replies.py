"""Every member-facing reply text, worded once for every adapter and the CLI.

The grammar (``bot.desk``) parses what members type and ``bot.service_desk.ServiceDesk``
runs it; what members, moderators and operators read back is worded here, by the
community's period where it names one (``this_period(unit)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.community import CommunitySettings
from bot.models import ModerationStatus, Submission, SubmissionState
from bot.period import zone
from bot.records import HeldLink, QueueEntry, VoteOutcome
from bot.stats import Ranked, StatsReport

# Failed links are listed apart, then forgotten by the queue view after this long.
FAILED_SHOWN_FOR = timedelta(days=7)

# The fetch guard's refusal, as a member sees it; the operator is also told the way out.
PRIVATE_ADDRESS = "that link points to a private or reserved address"
GAVE_UP = "reading it kept failing; share it again to retry"
ALLOW_HINT = "to let the bot read a private network, add it to DIGESTIF_FETCH_ALLOW_NETWORKS"
GENERIC_ERROR = "Sorry, something went wrong with that command. Nothing else was affected."


# Chat platforms' answer to an unexpected failure (the console adds that nothing was lost).
FAILED = "Something went wrong; the bot's operator has the details."
NOT_A_LINK = "That is not a link I can submit."
NO_LINK = "No link found."
MESSAGE_WITHOUT_LINK = "That message has no link."
NO_SUBMISSIONS_HERE = "This channel takes no submissions."
QUEUE_EMPTY = "The queue is empty."


def vote_reply(outcome: VoteOutcome, number: int) -> str:
    if not outcome.counted:
        return f"Not counted: {outcome.reason}."
    if not outcome.changed:
        return f"You already voted on #{number}."
    return f"Vote recorded on #{number}."


def unvote_reply(removed: bool, number: int) -> str:
    return f"Vote withdrawn on #{number}." if removed else f"You had no vote on #{number}."


def intro_reply(intro: str) -> str:
    return "Intro set." if intro else "Intro cleared."


def this_period(unit: str) -> str:
    """The current period in words, by its ``unit`` (period.UNITS: "day", "week",
    "fortnight", "month"): "this week", "this month"... and "today"."""
    return "today" if unit == "day" else f"this {unit}"


def posted_reply(posted: object, unit: str, current: bool = True) -> str:
    """After `post`: done, or the period's digest was out already (``posted`` is falsy);
    ``unit`` is the period's (period.UNITS), ``current`` whether it is the one under way."""
    if posted:
        return "Digest posted."
    which = this_period(unit) if current else f"that {unit}"
    return f"{which.capitalize()}'s digest was already posted."


def voting_locked(unit: str) -> str:
    """Why a vote was not counted while a moderator has locked voting."""
    return f"voting is locked for {this_period(unit)}"


def still_reading(count: int, unit: str, current: bool) -> str:
    """`/digest post` while links of the period are still being read."""
    which = this_period(unit) if current else f"that {unit}"
    reading = (f"{count} link{'s' if count != 1 else ''} of {which} "
               f"{'are' if count != 1 else 'is'} still being read")
    if current:
        return (f"{reading}. Try again in a minute, or post without "
                f"{'them' if count != 1 else 'it'}: /digest post now")
    return f"{reading}: try again in a minute."


def no_channel_hint(cadence: str) -> str:
    """Told to moderators once when a period is due and no digest channel is set."""
    return (f"No digest channel is set, so the {cadence} digest is not posted "
            "automatically. Set one with the digest_channel setting, or post it with "
            "the digest post command.")


def queue_heading(unit: str) -> str:
    """The heading of the queue where a chat platform shows it apart (Slack's App Home)."""
    return f"{this_period(unit).capitalize()}'s queue"


def posted_llm_note(calls: int, written: int) -> str:
    """After posting with an LLM configured: how many summaries the model wrote for it."""
    if calls == 0:
        return "Every pick already had its summary from the model: no LLM call was needed."
    line = f"{_summaries(written)} written by the model for this digest"
    if written < calls:
        line += (f"; {calls - written} kept the offline summary (the model failed or did not "
                 "answer in time)")
    return line + "."


def preview_llm_note(calls: int) -> str:
    """With a preview, when an LLM is configured: what posting it now would ask of the
    model (a preview never calls it)."""
    if calls == 0:
        return "Every pick has its summary from the model: posting takes no LLM call."
    return (f"Posting it now would take {calls} LLM call{'s' if calls != 1 else ''}: "
            f"{'these picks show' if calls != 1 else 'this pick shows'} the offline summary "
            "until then.")


def summary_written(number: int, summary: str) -> str:
    """Where a card cannot be edited (the console): the model's summary of #N, as a new
    line (``summary`` already made safe for the platform)."""
    return f"#{number} now has its summary from the model: {summary}"


def _summaries(n: int) -> str:
    return f"{n} summar{'ies' if n != 1 else 'y'}"


def lock_reply(locked: bool, period: str) -> str:
    return f"Voting {'locked' if locked else 'unlocked'} for {period}."


def moderated_reply(number: int, action: str, reason: str = "") -> str:
    """After pick/unpick/drop/restore/reject; ``reason`` already safe for the platform."""
    return f"#{number}: {action} done." + (f" Reason: {reason}" if reason else "")


# The console's wording (its transcript reads as a conversation, one line per step).
_PAST = {"drop": "dropped", "restore": "restored", "pick": "is an editor's pick",
         "unpick": "is no longer an editor's pick", "reject": "rejected"}
CONSOLE_QUEUE_EMPTY = "The queue is empty. Paste a link to submit it."

# The console's own lines (it has no /digest prefix, and a pasted link is a submission);
# console_help() words "{this}" by the community's cadence.
_CONSOLE_HELP = """\
Paste any line with links to submit them as the current member.
  /as NAME [--mod]   switch member (--mod: a moderator)
  +1 N  /  -1 N      vote for / against submission #N
  /unvote N          withdraw your votes on #N
  /queue             list the queue with scores
  /digest [PERIOD]   preview this period's digest (PERIOD: this, last, or a label like
                     2026-12-03, 2026-W48, 2026-W49+W50 or 2026-12, as the cadence makes them)
  /digest post [PERIOD]   post this period's (or that period's) digest (moderators)
  /stats             top sharers and sites, links, votes and picks: 30 days and all time
Moderators:
  /intro TEXT        set {this}'s intro paragraph (/intro alone clears it)
  /pick N, /unpick N make #N an editor's pick, or not
  /drop N, /restore N   take #N out of the digest, or put it back
  /reject N [REASON] reject #N, telling the submitter why
  /lock, /unlock     lock or unlock voting for {this}
  /config [NAME [VALUE]]  show the settings, or change one
  /help              this help"""


def console_help(unit: str) -> str:
    """The console's help, worded by the community's period ``unit`` (period.UNITS)."""
    return _CONSOLE_HELP.format(this=this_period(unit))


def console_moderated(number: int, action: str, reason: str = "") -> str:
    return f"#{number} {_PAST[action]}." + (f" Reason: {reason}" if reason else "")


def console_lock_reply(locked: bool, period: str) -> str:
    return f"Voting is locked for {period}." if locked else f"Voting is open again for {period}."


def unknown_setting(name: str, hint: str) -> str:
    return f"Unknown setting {name!r}. {hint}"



STATS_NAME = 40  # characters of a name or site shown in stats


def stats_lines(report: StatsReport, escape: Callable[[str], str]) -> list[str]:
    """`/digest stats`, worded once for every platform; ``escape`` makes a (truncated)
    name or site safe for the platform's markup."""
    lines = []
    for title, stats in ((f"Last {report.days} days", report.recent), ("All time", report.ever)):
        lines += [
            f"{title}: {stats.links} {_plural(stats.links, 'link')} shared · {stats.votes} "
            f"{_plural(stats.votes, 'vote')} cast · {stats.picks} {_plural(stats.picks, 'pick')}",
            "  Top sharers (links picked): " + _ranked(stats.sharers, escape),
            "  Top sites (links shared): " + _ranked(stats.sites, escape),
        ]
    return lines


def _ranked(ranked: Sequence[Ranked], escape: Callable[[str], str]) -> str:
    return ", ".join(f"{escape(_cut(r.name))} ({r.count})" for r in ranked) or "none yet"


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= STATS_NAME else flat[:STATS_NAME - 1] + "…"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def held(link: HeldLink, settings: CommunitySettings) -> str:
    """A link over the member's daily limit: when it will be queued, in the community's
    time zone."""
    when = link.release_at.astimezone(zone(settings.timezone))
    return (f"Held: you have shared {settings.member_limit} links in the last 24 hours. "
            f"This one will be queued on {when:%a %d %b at %H:%M} ({settings.timezone}).")


def submit_reply(submission: Submission | None, created: bool, error: str,
                 held_text: str = "") -> str:
    """What a member is told about one link of their message (``held_text``: ``held``, for
    a link held over the daily limit)."""
    if held_text:
        return held_text
    if submission is None:
        return f"Not queued: {error}"
    n = submission.number
    if created:
        return f"Queued as #{n}."
    if submission.status is ModerationStatus.REJECTED:
        why = f": {submission.reject_reason}" if submission.reject_reason else ""
        return f"Not queued: that link was rejected by a moderator as #{n}{why}."
    if submission.status is ModerationStatus.DROPPED:
        return f"Not queued: that link is #{n}, which a moderator took out of the digest."
    if submission.status is ModerationStatus.PUBLISHED:
        return f"Not queued: that link is #{n}, already published in a digest."
    if submission.state is SubmissionState.FAILED:
        return f"Already shared as #{n}, which could not be read before: trying again."
    return f"Already queued as #{n}."


def denied_site(domain: str) -> str:
    """Why a link to a denied site (``domain``, from the community's list) is refused."""
    return f"links to {domain} are not accepted here."


def not_allowed_site(allowed: Sequence[str]) -> str:
    """Why a link to a site not on the community's allow list is refused."""
    shown = ", ".join(allowed[:5]) + (", …" if len(allowed) > 5 else "")
    return f"only links to {shown} are accepted here."


def refused(reason: str) -> str:
    """The answer to a member's message whose link was refused (``reason`` made safe)."""
    return f"Not queued: {reason}"
# With `card = react`, a link is answered by reactions on the member's message only: 👀 when it
# is taken, then one of these once it is read (or found to be a page already queued).
READ_OK = "✅"
READ_FAILED = "⚠️"


def thread_name(number: int, title: str) -> str:
    """The name of the thread a card opens (`card = thread` on Discord): plain text, 100 at
    most (thread names show no markup and ping nobody)."""
    name = " ".join(f"#{number} {title}".split())
    return name if len(name) <= 100 else name[:99] + "…"


def credited(number: int) -> str:
    """A link turned out to be the same page as #number (chat platforms' answer)."""
    return f"Already queued as #{number}: you are credited too."


def unreadable(reason: str) -> str:
    """A link could not be read; ``reason`` comes already made safe for the platform."""
    return f"Couldn't read that link: {reason}"


def rejected(number: int, reason: str = "") -> str:
    """What the submitter is told when a moderator rejects their link. ``reason`` comes
    already made safe for the platform's markup (the adapter escapes it)."""
    return f"#{number} won't be in the digest." + (f" Reason: {reason}" if reason else "")


def submit_note(submission: Submission, created: bool) -> str:
    """The CLI's short note after a link that was not new ('' for a new one)."""
    if created:
        return ""
    return {
        ModerationStatus.REJECTED: "rejected",
        ModerationStatus.DROPPED: "dropped by a moderator",
        ModerationStatus.PUBLISHED: "already published",
    }.get(submission.status, "already queued")


def operator_reason(reason: str) -> str:
    """A failure reason for the CLI and the log: the member's text, plus what to change."""
    return f"{reason} ({ALLOW_HINT})" if reason == PRIVATE_ADDRESS else reason


def unknown_community(key: str) -> str:
    return (f"There is no community {key!r} yet: check the name (--community or "
            "DIGESTIF_COMMUNITY), or share a link there first.")


@dataclass(frozen=True, slots=True)
class QueueView:
    """The queue as members see it: links to vote on, and recent links that failed."""

    queued: tuple[QueueEntry, ...]
    unreadable: tuple[QueueEntry, ...]


def queue_view(entries: Sequence[QueueEntry], now: datetime) -> QueueView:
    """Failed links apart from the ones to vote on; failed ones older than a week dropped
    from the view (they stay in the database, and sharing the link again retries it)."""
    queued, unreadable = [], []
    for entry in entries:
        s = entry.submission
        if s.state is not SubmissionState.FAILED:
            queued.append(entry)
        elif now - s.submitted_at <= FAILED_SHOWN_FOR:
            unreadable.append(entry)
    return QueueView(tuple(queued), tuple(unreadable))


# E-mail (bot/mailing.py): told to moderators, or printed by `digestif email` --------------

MAIL_NOT_CONFIGURED = ("email_to is set, but this bot has no mail server: its operator sets "
                       "SMTP_HOST and DIGESTIF_MAIL_FROM. Digests are not e-mailed until then.")
NO_MAIL_SERVER = "E-mail is not set up: set SMTP_HOST and DIGESTIF_MAIL_FROM."


def no_mail_list(community: str) -> str:
    return (f"{community} has no e-mail addresses: a moderator sets them with "
            "/config email_to ADDRESSES.")


def never_posted(period: str) -> str:
    return f"The digest {period} was never posted, so there is nothing to e-mail."


def not_stored_as_posted(period: str) -> str:
    return (f"The digest {period} was posted before digests were stored as posted, so it "
            "cannot be e-mailed as it went out.")


def mail_under_way(period: str) -> str:
    return f"The digest {period} is being e-mailed right now; try again in a few minutes."


def mail_sent(period: str, count: int) -> str:
    return f"E-mailed the digest {period} to {count} address{'es' if count != 1 else ''}."


def mail_failed(period: str, reason: str) -> str:
    return (f"The digest {period} could not be e-mailed: {reason}. The bot's operator can send "
            f"it again with: digestif email --period {period}")


def mail_partly_refused(period: str, refused: Sequence[str]) -> str:
    shown = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10
                                        else "")
    return f"The digest {period} was e-mailed, but the mail server refused {shown}."


def mail_interrupted(period: str) -> str:
    return (f"The bot stopped while e-mailing the digest {period}: it may or may not have gone "
            f"out. The bot's operator can send it again with: digestif email --period {period}")
