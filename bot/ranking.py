"""Ranking: a total, stable order of candidates, and the choice of picks.

Order: editor's picks first, then score (up-votes minus down-votes), then more distinct
voters, then earlier submission (and the community's #N, which is unique, last).
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.records import Candidate

OrderKey = tuple[bool, int, int, datetime, int]


def order_key(candidate: Candidate) -> OrderKey:
    return (not candidate.pinned, -candidate.tally.score, -candidate.tally.voters,
            candidate.submitted_at, candidate.number)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=order_key)


def counted(candidate: Candidate, downvotes: bool) -> Candidate:
    """The candidate as the community counts it (``Tally.counted``, as the queue does)."""
    tally = candidate.tally.counted(downvotes)
    return candidate if tally is candidate.tally else dataclasses.replace(candidate,
                                                                          tally=tally)


def eligible(candidate: Candidate) -> bool:
    """A carry-over stays a candidate only while it still has votes (or a moderator's pin)."""
    return not candidate.carried_over or candidate.pinned or candidate.tally.voters > 0


def choose(candidates: Sequence[Candidate], picks: int, min_score: int,
           also_cap: int) -> tuple[list[Candidate], list[Candidate]]:
    """(picks, also shared). Every editor's pick is a pick; the best others with at least
    ``min_score`` fill the remaining places up to ``picks``; the next ones, capped, are
    "also shared". Only the leading part of the order is sorted."""
    pinned = sum(1 for c in candidates if c.pinned)
    head = heapq.nsmallest(pinned + max(0, picks) + max(0, also_cap), candidates,
                           key=order_key)
    chosen: list[Candidate] = []
    rest: list[Candidate] = []
    for candidate in head:
        if candidate.pinned or (len(chosen) < picks and candidate.tally.score >= min_score):
            chosen.append(candidate)
        else:
            rest.append(candidate)
    return chosen, rest[:max(0, also_cap)]
