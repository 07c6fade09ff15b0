"""Ranking: a total, stable order of candidates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.models import Submission
from bot.ports import Tally


@dataclass(frozen=True, slots=True)
class Ranked:
    submission: Submission
    tally: Tally


def rank(candidates: Iterable[Ranked]) -> list[Ranked]:
    """Editor's picks first, then score, then more distinct voters, then earlier submission."""
    return sorted(
        candidates,
        key=lambda r: (not r.submission.pinned, -r.tally.score, -r.tally.voters,
                       r.submission.submitted_at, r.submission.number),
    )
