"""The digest: one platform-neutral value that every renderer and adapter shows.

Every field typed ``Untrusted`` came from a page, a member or a model: renderers must escape
it for their medium, and must never let it mention anyone or inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

from bot.bylines import byline, join_names
from bot.models import PageFlag, SourceKind, SummarySource
from bot.period import Period

Untrusted = NewType("Untrusted", str)


@dataclass(frozen=True, slots=True)
class DigestItem:
    rank: int
    number: int
    url: Untrusted
    title: Untrusted
    authors: tuple[Untrusted, ...]  # cleaned names (bot.bylines), not raw page metadata
    site: Untrusted
    summary: Untrusted
    summary_source: SummarySource
    score: int
    voters: int
    submitters: tuple[Untrusted, ...]  # display names, first is who shared it first
    kind: SourceKind = SourceKind.ARTICLE
    flag: PageFlag | None = None
    pinned: bool = False
    submission_id: int = 0  # internal; not exported
    # Where it was first shared in chat (a Discord jump link, a Slack permalink), or "".
    # For members only: chat renders and the JSON export show it, public outputs never do.
    chat_url: str = ""

    @property
    def byline(self) -> str:
        """'by Ada and Linus · site', the part after the title (untrusted)."""
        return byline(self.authors, self.site)

    @property
    def author(self) -> str:
        """The authors as one phrase: 'Ada, Linus and Grace' (untrusted)."""
        return join_names(self.authors)


@dataclass(frozen=True, slots=True)
class DigestSection:
    title: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class DigestTotals:
    """The week's numbers: links shared in the period, members who shared them, votes cast
    in it."""

    links: int
    sharers: int
    votes: int


@dataclass(frozen=True, slots=True)
class Digest:
    community: str
    community_name: Untrusted
    period: Period
    title: str
    intro: Untrusted
    tldr: tuple[Untrusted, ...]
    sections: tuple[DigestSection, ...]
    also_shared: tuple[DigestItem, ...]
    totals: DigestTotals
    previous_period: str = ""  # key of the latest digest posted before this one, if any
    previous_url: str = ""  # where that digest can be read, when the platform said
    previous_public: bool = False  # previous_url is its public archive page, not the chat
    # How a reader sees that link: "Last week's digest (Nov 9 – 15, 2026)".
    previous_label: str = ""
    date_range: str = ""  # the period in the community's time zone, e.g. "Nov 16 – 23, 2026"
    # Who shared the most picks (the footer names them, unless footer_top_sharer is off).
    top_sharer: Untrusted = Untrusted("")
    top_sharer_picks: int = 0

    @property
    def picks(self) -> tuple[DigestItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def ranked_picks(self) -> tuple[DigestItem, ...]:
        """The picks in rank order (sections may group them by kind)."""
        return tuple(sorted(self.picks, key=lambda item: item.rank))

    @property
    def empty(self) -> bool:
        return not self.picks
