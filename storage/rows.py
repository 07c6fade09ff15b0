"""Mapping stored rows to core values."""

from __future__ import annotations

import json
from datetime import datetime

from bot.models import (
    ModerationStatus,
    PageFlag,
    SourceKind,
    Submission,
    SubmissionState,
    SummarySource,
)
from storage.db import Row

# Every column submission_from_row reads; "submitters" lists the credited members in order,
# joined by the unit separator (group_concat is SQLite's; the PostgreSQL schema defines it).
SUBMISSION_COLUMNS = """
    s.id, s.community, s.number, s.url, s.original_url, s.state, s.status, s.submitted_by,
    s.submitted_at, s.title, s.authors, s.site_name, s.published, s.language, s.description,
    s.kind, s.flag, s.summary, s.summary_source, s.failure_reason, s.final_url, s.ready_at,
    s.pinned, s.reject_reason, s.attempts,
    (SELECT group_concat(member_id, '\x1f') FROM
        (SELECT member_id FROM submitters WHERE submission_id = s.id ORDER BY position) AS t)
        AS submitters
"""
# Selects submissions as ``s``; callers add joins, WHERE and ORDER BY.
SELECT_SUBMISSIONS = f"SELECT {SUBMISSION_COLUMNS} FROM submissions s"


def submission_from_row(row: Row) -> Submission:
    """A row selected with SELECT_SUBMISSIONS, read by column name."""
    submitters = (tuple(row["submitters"].split("\x1f")) if row["submitters"]
                  else (row["submitted_by"],))
    return Submission(
        id=row["id"],
        community=row["community"],
        number=row["number"],
        url=row["url"],
        original_url=row["original_url"],
        state=SubmissionState(row["state"]),
        status=ModerationStatus(row["status"]),
        submitted_by=row["submitted_by"],
        submitted_at=datetime.fromisoformat(row["submitted_at"]),
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        site_name=row["site_name"],
        published=row["published"],
        language=row["language"],
        description=row["description"],
        kind=SourceKind(row["kind"]),
        flag=PageFlag(row["flag"]) if row["flag"] else None,
        summary=row["summary"],
        summary_source=SummarySource(row["summary_source"]),
        failure_reason=row["failure_reason"],
        final_url=row["final_url"],
        ready_at=datetime.fromisoformat(row["ready_at"]) if row["ready_at"] else None,
        pinned=bool(row["pinned"]),
        reject_reason=row["reject_reason"],
        attempts=row["attempts"],
        submitters=submitters,
    )
