"""The command grammar shared by every adapter and the CLI.

Every command, its arguments, its usage line and its help text is listed once, in COMMANDS;
the console reads lines and Slack reads `/digest ...`, both through ``parse``, and Discord
builds the same ``Command`` values from its slash commands' typed options. One executor,
``bot.service_desk.ServiceDesk``, runs them; the reply texts come from ``bot.replies``.

Everything a member, a moderator or an operator types is parsed here, once: a number is a
submission number the store can hold, a period is one a calendar can compute. Anything
else is answered with the command's usage, never with a crash deeper down (SQLite INTEGER
overflow, ``date`` out of range, ``int('²')``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import UserError
from bot.period import MAX_YEAR, MIN_YEAR, PERIOD_HELP, parse_label
from bot.replies import unknown_setting
from bot.setting_types import TYPES

# SQLite INTEGER is a signed 64-bit number.
MAX_NUMBER = 2**63 - 1
MAX_NAME = 80

# ASCII digits only: str.isdigit() also accepts '²' and other digits int() refuses.
_NUMBER = re.compile(r"#?([0-9]{1,25})")


class Usage(UserError):
    """The arguments do not fit the command; the message is its usage line."""

    def __init__(self, usage: str) -> None:
        super().__init__(f"Usage: {usage}")
        self.usage = usage


class UnknownSetting(UserError):
    """``config NAME`` names no setting; each platform says where to find the list."""

    def __init__(self, name: str) -> None:
        super().__init__(unknown_setting(name[:40], f"Known: {', '.join(TYPES)}."))
        self.name = name


def number(text: str) -> int | None:
    """A submission number (1..2^63-1, ASCII digits, optional leading '#'), else None."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    value = int(match.group(1))
    return value if 1 <= value <= MAX_NUMBER else None


def one_number(args: Sequence[str], usage: str) -> int:
    """The single submission-number argument of a command, or its usage as a UserError."""
    value = number(args[0]) if len(args) == 1 else None
    if value is None:
        raise Usage(usage)
    return value


def member_switch(args: Sequence[str], usage: str = "/as NAME [--mod]") -> tuple[str, bool]:
    """``NAME [--mod]``: one name of at most MAX_NAME printable characters, and the flag."""
    names = [a for a in args if a != "--mod"]
    if len(names) != 1 or len(names[0]) > MAX_NAME or not names[0].isprintable():
        raise Usage(f"{usage} (a name is at most {MAX_NAME} printable characters)")
    return names[0], "--mod" in args


def period(text: str, usage: str) -> str:
    """'this', 'last' or a canonical period label of any cadence ('2026-12-03', '2026-W49',
    '2026-W49+W50', '2026-12'); otherwise the command's usage."""
    word = text.strip().lower()
    if word in ("this", "last"):
        return word
    label = parse_label(text)
    if label is None:
        raise Usage(f"{usage} (a period is {PERIOD_HELP}, years {MIN_YEAR}-{MAX_YEAR})")
    return label.key


# The grammar -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command as members read it: ``/NAME ARGS`` on the console, ``/digest NAME ARGS``
    on Slack, the ``/digest NAME`` slash command on Discord (``summary`` its description)."""

    name: str
    args: str
    summary: str
    moderators: bool = False

    @property
    def usage(self) -> str:
        return f"{self.name} {self.args}".strip()


COMMANDS = (
    CommandSpec("submit", "URL", "Submit a link"),
    CommandSpec("queue", "", "Show the queue"),
    CommandSpec("preview", "", "Preview this period's digest (only you see it)"),
    CommandSpec("post", "", "Post this period's digest", moderators=True),
    CommandSpec("pick", "N", "Make a submission an editor's pick", moderators=True),
    CommandSpec("unpick", "N", "Take back an editor's pick", moderators=True),
    CommandSpec("drop", "N", "Take a submission out of the digest", moderators=True),
    CommandSpec("restore", "N", "Bring a dropped submission back", moderators=True),
    CommandSpec("reject", "N [REASON]", "Reject a submission, telling its submitter why",
            moderators=True),
    CommandSpec("lock", "", "Lock voting for this period", moderators=True),
    CommandSpec("unlock", "", "Unlock voting for this period", moderators=True),
    CommandSpec("intro", "TEXT", "Set this period's intro; empty clears it", moderators=True),
    CommandSpec("stats", "", "Top sharers and sites, links, votes and picks"),
    CommandSpec("config", "[NAME [VALUE]]", "Show the settings, or change one (moderators change)"),
)
BY_NAME = {c.name: c for c in COMMANDS}
# Each setting as a chat platform's picker labels it.
SETTING_LABELS = {
    "submission_channels": "Submission channels (#channels, or none for all)",
    "digest_channel": "Digest channel (#channel, or none for where /digest post runs)",
    "cadence": "Cadence (daily, weekly, biweekly, monthly)",
    "digest_weekday": "Digest day (monday…sunday)", "digest_time": "Digest time (HH:MM)",
    "timezone": "Time zone (e.g. Europe/Paris)", "up_emoji": "Up-vote emoji",
    "down_emoji": "Down-vote emoji", "downvotes": "Down-votes (on/off)",
    "picks": "Picks per digest", "min_score": "Minimum score",
    "self_votes": "Self-votes count (on/off)", "moderators": "Moderator roles (@roles)",
    "summary_language": "Summary language", "summary_instructions": "Summary instructions",
    "summary_words": "Summary length in words (10-200)", "name": "Newsletter name",
    "also_shared_cap": "Also-shared links (0-100)",
    "carry_over_weeks": "Weeks a voted link carries over (0-12)",
    "group_by_kind": "Group picks by kind (on/off)",
    "archive": "Web archive (off/public)", "slug": "Web archive address (/c/<slug>/)",
    "email_to": "E-mail the digest to (addresses, or none)",
    "llm_summaries": "Model summaries for (all, voted, picked)",
    "footer_top_sharer": "Name the top sharer in the footer (on/off)",
    "member_limit": "Links per member per 24 hours (0: no limit)",
    "allow_domains": "Only these sites (example.com …, or none)",
    "deny_domains": "Never these sites (example.com …, or none)",
    "card": "Cards: reply, react (reactions only) or thread",
}


SUGGESTED = 25  # settings a picker suggests at most (Discord's autocomplete limit)


def _folded(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def setting_suggestions(typed: str) -> list[str]:
    """The settings whose name or label holds what a member typed so far (case, spaces and
    underscores alike), in SETTING_LABELS' order, SUGGESTED at most."""
    wanted = _folded(typed)
    return [name for name, label in SETTING_LABELS.items()
            if wanted in _folded(name) or wanted in _folded(label)][:SUGGESTED]


def setting_named(typed: str) -> str:
    """The setting a member chose in a picker: a name, or a label typed out in full (case,
    spaces and underscores alike); anything else is an UnknownSetting."""
    wanted = _folded(typed)
    for name, label in SETTING_LABELS.items():
        if wanted in (_folded(name), _folded(label)):
            return name
    raise UnknownSetting(typed)


def usage(prefix: str) -> str:
    """Every command on one usage line, e.g. ``usage("/digest ")`` for Slack."""
    return f"Usage: {prefix}" + " | ".join(c.usage for c in COMMANDS)


def summary(name: str) -> str:
    """A command's help text, marked when only moderators may use it."""
    command = BY_NAME[name]
    return command.summary + (" (moderators)" if command.moderators else "")


# Parsing ------------------------------------------------------------------------------------

MODERATION = ("pick", "unpick", "drop", "restore", "reject")
# Every verb a member can type; the console's `/digest [post]` and `+1 N` / `-1 N` spellings
# are mapped onto them, and `/as` (switching the console's member) is the console's alone.
VERBS = frozenset({*BY_NAME, "help", "vote", "unvote", "digest", "+1", "-1"})
DIGEST_USAGE = "/digest [post] [this|last|PERIOD]"


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed command, whichever platform it was typed on (or built from Discord's typed
    options). Only the fields of its verb matter; the others keep their defaults."""

    verb: str  # one of COMMANDS' names, "help", "vote" or "unvote"
    number: int = 0  # vote, unvote and the moderation verbs: the submission's number
    text: str = ""  # submit: the message; intro: the text; reject: the reason
    period: str = "this"  # preview, post: 'this', 'last', a label, or 'now' (post only)
    up: bool = True  # vote: for (True) or against
    setting: str = ""  # config: the setting's name ('' lists them all)
    value: str | None = None  # config: the new value (None shows the setting)


def is_verb(word: str) -> bool:
    """Whether ``word`` (``queue``, ``/queue``, ``+1``...) names a command."""
    return _verb(word) in VERBS


def _verb(word: str) -> str:
    word = word.lower()
    return word[1:] if word.startswith("/") else word


def parse(words: Sequence[str], prefix: str = "/") -> Command:
    """The Command ``words`` spell: ``["/pick", "3"]`` on the console and ``["pick", "3"]`` on
    Slack alike. Bad arguments raise Usage with the command's usage line, written with
    ``prefix`` ("/" on the console, "" in Slack's ``/digest`` text). No words is ``help``."""
    if not words:
        return Command("help")
    verb, args = _verb(words[0]), list(words[1:])
    if verb not in VERBS:
        raise Usage(usage(prefix).removeprefix("Usage: "))
    if verb in ("+1", "-1"):
        return Command("vote", one_number(args, f"{verb} N"), up=verb == "+1")
    if verb == "vote":
        return Command("vote", one_number(args, f"{prefix}vote N"))
    if verb == "unvote":
        return Command("unvote", one_number(args, f"{prefix}unvote N"))
    if verb == "digest":  # the console's `/digest [post] [PERIOD]`
        post = [a.lower() for a in args[:1]] == ["post"]
        return _digest("post" if post else "preview", args[1:] if post else args,
                       DIGEST_USAGE)
    if verb in ("preview", "post"):
        return _digest(verb, args, f"{prefix}{verb} [{'now|' if verb == 'post' else ''}"
                                   "this|last|PERIOD]")
    if verb in MODERATION:
        number = one_number(args[:1], prefix + BY_NAME[verb].usage)
        return Command(verb, number, text=" ".join(args[1:]))
    if verb == "submit":
        if not args:
            raise Usage(prefix + BY_NAME[verb].usage)
        return Command(verb, text=" ".join(args))
    if verb == "intro":
        return Command(verb, text=" ".join(args))
    if verb == "config":
        return Command(verb, setting=args[0] if args else "",
                       value=" ".join(args[1:]) if len(args) > 1 else None)
    return Command(verb)  # help, queue, lock, unlock: arguments are ignored


def numbered(verb: str, value: int, text: str = "", prefix: str = "") -> Command:
    """A moderation command built from a typed option (Discord's integer), checked as
    ``parse`` checks a typed number: outside 1..MAX_NUMBER, the command's usage."""
    if not 1 <= value <= MAX_NUMBER:
        raise Usage(prefix + BY_NAME[verb].usage)
    return Command(verb, value, text=text)


def _digest(verb: str, args: Sequence[str], usage_line: str) -> Command:
    if len(args) > 1:
        raise Usage(usage_line)
    which = args[0] if args else "this"
    # "post now": this period's digest without the links still being read (Publishing.post)
    if verb == "post" and which.strip().lower() == "now":
        return Command(verb, period="now")
    return Command(verb, period=period(which, usage_line))
