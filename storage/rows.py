"""Mapping stored rows to core values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.models import (
    ModerationStatus,
    PageFlag,
    SourceKind,
    Submission,
    SubmissionState,
    SummarySource,
)


def submission_from_row(row: Sequence[Any]) -> Submission:
    """A row selected with storage.sqlite._SUBMISSION_COLUMNS."""
    submitters = tuple(row[25].split("\x1f")) if row[25] else (row[7],)
    return Submission(
        id=row[0],
        community=row[1],
        number=row[2],
        url=row[3],
        original_url=row[4],
        state=SubmissionState(row[5]),
        status=ModerationStatus(row[6]),
        submitted_by=row[7],
        submitted_at=datetime.fromisoformat(row[8]),
        title=row[9],
        authors=tuple(json.loads(row[10])),
        site_name=row[11],
        published=row[12],
        language=row[13],
        description=row[14],
        kind=SourceKind(row[15]),
        flag=PageFlag(row[16]) if row[16] else None,
        summary=row[17],
        summary_source=SummarySource(row[18]),
        failure_reason=row[19],
        final_url=row[20],
        ready_at=datetime.fromisoformat(row[21]) if row[21] else None,
        pinned=bool(row[22]),
        reject_reason=row[23],
        attempts=row[24],
        submitters=submitters,
    )
