"""The `digestif` command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence

from bot.config import Settings
from bot.errors import StorageError

log = logging.getLogger("digestif")


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
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def community(p: argparse.ArgumentParser) -> None:
        p.add_argument("--community", default=None, help="community name (default: local)")

    sub.add_parser("run", help="start the adapters configured in the environment "
                               "(the console when no platform token is set)")
    p = sub.add_parser("console", help="chat with the bot in the terminal")
    community(p)
    p.add_argument("--as", dest="member", default=default_member(),
                   help="member name (default: your user name)")
    p.add_argument("--mod", action="store_true", help="start as a moderator")

    p = sub.add_parser("submit", help="submit links and wait until each is ready or failed")
    p.add_argument("urls", nargs="+", metavar="URL")
    community(p)
    p.add_argument("--as", dest="member", default=default_member(),
                   help="member name (default: your user name)")

    p = sub.add_parser("queue", help="list the queue with scores")
    community(p)

    p = sub.add_parser("digest", help="print a period's digest")
    community(p)
    p.add_argument("--format", choices=["markdown", "html", "json", "rss", "atom"],
                   default="markdown",
                   help="rss/atom: a feed of the community's published digests")
    p.add_argument("--period", default="this", help="this, last, or an ISO week like 2026-W47")
    p.add_argument("--out", default=None, help="write to this file instead of standard output")

    p = sub.add_parser("summarize", help="show what the bot would post for one link")
    p.add_argument("url")

    sub.add_parser("demo", help="run a self-contained demo on bundled sample pages")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from bot import commands

    try:
        return asyncio.run(commands.dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except StorageError as err:
        # The database or an output file: the operator fixes the file, not the code.
        print(f"digestif: error: {err}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
