"""Value objects shared by the core, the adapters and the stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SubmissionState(StrEnum):
    """Where a submission is in the ingest pipeline. Every step's outcome is stored."""

    PENDING = "pending"
    FETCHING = "fetching"
    READY = "ready"
    FAILED = "failed"


class ModerationStatus(StrEnum):
    QUEUED = "queued"
    DROPPED = "dropped"
    REJECTED = "rejected"
    PUBLISHED = "published"


class PageFlag(StrEnum):
    """Why a fetched page is not an article; such a page is never summarized."""

    PAYWALL = "paywall"
    LOGIN_WALL = "login_wall"
    COOKIE_WALL = "cookie_wall"
    BOT_CHALLENGE = "bot_challenge"
    JS_REQUIRED = "js_required"
    EMPTY = "empty"


class SourceKind(StrEnum):
    ARTICLE = "article"
    PAPER = "paper"
    CODE = "code"
    VIDEO = "video"


class SummarySource(StrEnum):
    LLM = "llm"
    OFFLINE = "offline"
    OFFLINE_FALLBACK = "offline_fallback"  # the LLM failed; the offline summarizer wrote it
    NONE = "none"  # flagged page: nothing to summarize


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A response that passed the fetch guard. ``text`` is the decoded body for text types."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction found on a page. All text fields are untrusted."""

    url: str
    title: str
    text: str
    authors: tuple[str, ...] = ()
    site_name: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) when known
    language: str = ""
    description: str = ""
    image: str = ""
    canonical_url: str = ""
    kind: SourceKind = SourceKind.ARTICLE
    flag: PageFlag | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    text: str
    source: SummarySource
    model: str = ""


@dataclass(frozen=True, slots=True)
class SummaryPrefs:
    """Per-community summary settings."""

    max_words: int = 55
    language: str = ""  # empty: the article's own language
    instructions: str = ""


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    is_bot: bool = False
    is_moderator: bool = False


@dataclass(frozen=True, slots=True)
class Submission:
    """A link queued in one community. ``number`` is the community-visible #N."""

    id: int
    community: str
    number: int
    url: str
    original_url: str
    state: SubmissionState
    status: ModerationStatus
    submitted_by: str
    submitted_at: datetime
    title: str = ""
    authors: tuple[str, ...] = ()
    site_name: str = ""
    published: str = ""
    language: str = ""
    description: str = ""
    kind: SourceKind = SourceKind.ARTICLE
    flag: PageFlag | None = None
    summary: str = ""
    summary_source: SummarySource = SummarySource.NONE
    failure_reason: str = ""
    final_url: str = ""
    ready_at: datetime | None = None
    pinned: bool = False
    reject_reason: str = ""
    attempts: int = 0
    submitters: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BriefItem:
    """One pick as the TL;DR writer sees it."""

    title: str
    summary: str
    site: str = ""
    kind: SourceKind = SourceKind.ARTICLE
