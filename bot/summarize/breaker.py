"""When to stop calling the LLM for a while, and how long to wait before a retry.

A bad key, model or base URL will not fix itself between two articles, and a server that
keeps timing out makes every article wait for nothing: the breaker opens, the offline
summary is used meanwhile, and one log line says why (not one per article).
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

RETRY_AFTER_CAP = 10.0  # the longest Retry-After we wait out inside one summary
MAX_PAUSE = 900.0  # the longest a server's Retry-After may silence the LLM
BASE_DELAY = 0.5


class Breaker:
    """Closed: calls go through. Open: no calls until the pause ends. ``threshold``
    consecutive failed calls open it for ``cooldown`` seconds."""

    def __init__(self, threshold: int = 3, cooldown: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._until = 0.0
        self._failures = 0
        self.reason = ""

    @property
    def is_open(self) -> bool:
        return self._clock() < self._until

    def open(self, seconds: float, reason: str) -> bool:
        """Pause calls for ``seconds``. True when it was closed, so the caller logs once."""
        was_open = self.is_open
        self._until = max(self._until, self._clock() + seconds)
        self.reason = reason
        return not was_open

    def success(self) -> None:
        self._failures = 0

    def failure(self, reason: str) -> bool:
        """Count a failed call; True when this failure opened the breaker."""
        self._failures += 1
        if self._failures >= self._threshold:
            self._failures = 0
            return self.open(self._cooldown, reason)
        return False


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks us to wait: ``retry-after-ms``, ``Retry-After`` in seconds
    or as an HTTP date. None when it says nothing usable."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(attempt: int, asked: float | None) -> float:
    """The server's Retry-After when given (capped), else exponential with jitter."""
    if asked is not None:
        return min(asked, RETRY_AFTER_CAP)
    return min(BASE_DELAY * 2.0**attempt, RETRY_AFTER_CAP) * random.uniform(0.8, 1.2)
