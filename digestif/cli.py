"""The `digestif` command line.

Light to import: every CPU-pool worker process imports the program's main module (this one,
or the `digestif` script that imports it) before its first job, so the settings, pydantic and
asyncio are imported inside the functions that use them, in the bot's own process only."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from pydantic import ValidationError

    from bot.config import Settings

log = logging.getLogger("digestif")

# The commands that read pages (in the CPU pool's worker processes), and the `run` roles that
# do (bootstrap.ROLES with ingest; a test keeps the two in step).
READS_PAGES = frozenset({"console", "submit", "summarize", "demo"})
READING_ROLES = frozenset({"all", "worker"})

# Exit codes, documented in --help and the README.
OK, FAILED, USAGE, STORAGE, INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES = """\
exit codes:
  0    done (submit: every link is queued and was read)
  1    something failed (submit: a link was refused or could not be read; email: the
       mail server refused the digest)
  2    usage or settings error (the message names the option or setting; email: a
       period never posted, no email_to list, no mail server set up)
  3    storage error: the database or an output file could not be used
  130  interrupted"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("digestif")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def default_member() -> str:
    """Who is at the terminal: the operating system's user name, so what they share reads
    "Shared by alice" in the digest; "console" when the system cannot say."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no USER/LOGNAME and no passwd entry
        return "console"
    return " ".join(name.split())[:80] or "console"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digestif",
        description="A link-curation bot: members share links, vote, and get a weekly digest.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digestif {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def community(p: argparse.ArgumentParser) -> None:
        p.add_argument("--community", default=None, help="community name (default: local)")

    p = sub.add_parser("run", help="start the adapters configured in the environment "
                               "(the console when no platform token is set)")
    p.add_argument("--role", choices=["all", "gateway", "worker", "scheduler", "web"],
                   default="all",
                   help="what this process does when several share one database: gateway "
                        "(chat events), worker (read links), scheduler (weekly digests), "
                        "web (the web server); all (default): everything but web")
    # With no platform token, `run` is the console as the person at the terminal.
    p.set_defaults(community=None, member=default_member(), mod=False)
    p = sub.add_parser("console", help="chat with the bot in the terminal")
    community(p)
    p.add_argument("--as", dest="member", default=default_member(),
                   help="member name (default: your user name)")
    p.add_argument("--mod", action="store_true", help="start as a moderator")

    p = sub.add_parser("submit", help="submit links and wait until each is ready or failed",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("urls", nargs="+", metavar="URL")
    community(p)
    p.add_argument("--as", dest="member", default=default_member(),
                   help="member name (default: your user name)")

    p = sub.add_parser("queue", help="list the queue with scores")
    community(p)

    p = sub.add_parser("stats", help="top sharers and sites, links, votes and picks: the "
                                     "last 30 days and all time")
    community(p)

    p = sub.add_parser("digest", help="print a period's digest")
    community(p)
    p.add_argument("--format", choices=["markdown", "html", "json", "rss", "atom"],
                   default="markdown",
                   help="rss/atom: a feed of the community's published digests")
    p.add_argument("--period", default="this",
                   help="this, last, or a period label: 2026-12-03 (daily), "
                   "2026-W47 (weekly), 2026-W49+W50 (biweekly), 2026-12 (monthly)")
    p.add_argument("--out", default=None, help="write to this file instead of standard output")

    p = sub.add_parser("email", help="e-mail a posted digest to the community's email_to "
                                     "list again", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    community(p)
    p.add_argument("--period", required=True,
                   help="this, last, or an ISO week like 2026-W47 (it must have been posted)")

    p = sub.add_parser("summarize", help="show what the bot would post for one link")
    p.add_argument("url")

    sub.add_parser("demo", help="run a self-contained demo on bundled sample pages")
    sub.add_parser("serve", help="serve the web archive of posted digests on "
                                 "DIGESTIF_HTTP_HOST:DIGESTIF_HTTP_PORT")

    p = sub.add_parser("purge", help="delete the data of Slack workspaces that removed the "
                                     "app more than --days days ago")
    p.add_argument("--days", type=_days, default=30, help="days a removed workspace's data "
                                                          "is kept (default: 30)")

    p = sub.add_parser("db", help="the database: migrate it, or copy SQLite to PostgreSQL")
    db = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db.add_parser("migrate", help="bring the configured database to the current schema and "
                                  "print its version")
    p = db.add_parser(
        "copy", help="copy every table of a SQLite database into PostgreSQL (safe to re-run)",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", default=None, metavar="sqlite:///PATH",
                   help="the SQLite database (default: the configured file, DIGESTIF_DB); "
                        "sqlite:///relative/path or sqlite:////absolute/path")
    p.add_argument("--to", dest="target", default=None, metavar="postgresql://...",
                   help="the PostgreSQL database (default: DIGESTIF_DATABASE_URL)")
    return parser


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= 36_500:
        raise argparse.ArgumentTypeError(f"expected a number of days from 0 to 36500, not {text!r}")
    return days


def settings_errors(err: ValidationError) -> list[str]:
    """One line per bad setting, named by its environment variable. Values of secrets are
    never echoed."""
    from bot.config import Settings

    lines = []
    for problem in err.errors(include_url=False):
        reason = str(problem["msg"]).removeprefix("Value error, ")
        if not problem["loc"]:  # settings that do not fit together: the reason names them
            lines.append(f"digestif: settings are not valid: {reason}")
            continue
        name = str(problem["loc"][0])
        field = Settings.model_fields.get(name)
        alias = field.validation_alias if field is not None else None
        env = str(getattr(alias, "choices", [name])[0]).upper()
        value = problem.get("input")
        shown = ""
        if isinstance(value, str | int | float) and not _secret(env):
            shown = "=" + "".join(c if c.isprintable() else "?" for c in str(value)[:60])
        reason = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"digestif: setting {env}{shown} is not valid: {reason}")
    return lines


def _secret(env: str) -> bool:
    return env.endswith(("_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "DATABASE_URL"))


def load_settings() -> Settings | list[str]:
    """The settings, or the lines that explain why they cannot be used."""
    from pydantic import ValidationError

    from bot.config import Settings

    try:
        return Settings()
    except ValidationError as err:
        return settings_errors(err)
    except (OSError, UnicodeDecodeError) as err:  # an unreadable .env
        return [f"digestif: cannot read the settings file .env: {err}"]


def configure_logging(settings: Settings, command: str, role: str = "all") -> None:
    from digestif.bootstrap import configured_platforms

    level = settings.log_level
    if level is None:
        # A person watches the interactive commands (and `run` without a platform is the
        # console): quiet logs keep the prompt and the progress bar readable.
        serving = command == "serve" or (
            command == "run" and bool(configured_platforms(settings) or role != "all"))
        level = "INFO" if serving else "WARNING"
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if level != "DEBUG":
        # One INFO line per HTTP request drowns everything else; DEBUG brings it back.
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)


def loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop DIGESTIF_EVENT_LOOP asks for: uvloop's where it is installed (``auto``;
    not on Windows), else None, asyncio's own."""
    if choice == "auto":
        try:
            import uvloop
        except ImportError:
            return None
        return uvloop.new_event_loop
    return None


def _reads_pages(args: argparse.Namespace) -> bool:
    if args.command == "run":
        return args.role in READING_ROLES
    return args.command in READS_PAGES


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if _reads_pages(args) and os.environ.get("DIGESTIF_CPU_WORKERS", "").strip() != "0":
        from bot.cpu import start_forkserver

        # First of all, before the settings are even read: the parsers' preload (~0.5 s) runs
        # on another core while the settings and the rest load here, so the workers are ready
        # when the first pages arrive. (DIGESTIF_CPU_WORKERS=0 set only in .env leaves this
        # forkserver idle; the pool itself follows the settings.)
        start_forkserver()
    loaded = load_settings()
    if isinstance(loaded, list):
        for line in loaded:
            print(line, file=sys.stderr)
        return USAGE
    configure_logging(loaded, args.command, getattr(args, "role", "all"))
    import asyncio

    from bot.errors import StorageError
    from digestif import commands

    try:
        factory = loop_factory(loaded.event_loop)
        with asyncio.Runner(loop_factory=factory) as runner:
            log.debug("event loop: %s", "uvloop" if factory else "asyncio")
            return runner.run(commands.dispatch(args, loaded))
    except KeyboardInterrupt:
        return INTERRUPTED
    except StorageError as err:
        # The database or an output file: the operator fixes the file, not the code.
        print(f"digestif: error: {err}", file=sys.stderr)
        return STORAGE


if __name__ == "__main__":
    raise SystemExit(main())
