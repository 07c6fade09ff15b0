"""Plain-text rendering for the terminal. Untrusted text loses control characters so a page
title cannot move the cursor, clear the screen or reorder text."""

from __future__ import annotations

import re

from bot.bylines import byline as item_byline
from bot.bylines import clean_authors
from bot.models import Submission, SubmissionState
from bot.records import QueueEntry
from bot.render.text import cut, flag_note, strip_invisible

# Line breaks and tabs become spaces (a title stays on its line); other invisible characters
# go, emoji sequences stay whole.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str, limit: int = 200) -> str:
    flat = " ".join(strip_invisible(_BREAKS.sub(" ", text)).split())
    return flat if len(flat) <= limit else cut(flat, limit - 1) + "…"


def byline(submission: Submission) -> str:
    return clean(item_byline(clean_authors(submission.authors), submission.site_name), 140)


def card(submission: Submission) -> str:
    lines = [f"#{submission.number} ready: {clean(submission.title or submission.url)}"]
    if byline(submission):
        lines.append(f"    {byline(submission)}")
    if submission.flag:
        lines.append(f"    ({flag_note(submission.flag)})")
    elif submission.summary:
        lines.append(f"    {clean(submission.summary, 600)}")
    return "\n".join(lines)


def queue_line(entry: QueueEntry) -> str:
    s = entry.submission
    if s.state is SubmissionState.READY:
        what = clean(s.title or s.url, 80)
        if s.flag:
            what += f" [{s.flag.replace('_', ' ')}]"
    elif s.state is SubmissionState.FAILED:
        what = f"{clean(s.url, 80)} (failed: {clean(s.failure_reason, 80)})"
    else:
        what = f"{clean(s.url, 80)} ({s.state})"
    pin = " 📌" if s.pinned else ""
    shared = ", ".join(clean(n, 40) for n in entry.submitter_names)
    return f"#{s.number:<4} {entry.tally.score:+d}  {what}{pin} · shared by {shared}"
