"""The chrome that extractors let through at the end of articles.

The tail of an article is where sites put author contacts, newsletter pitches, "follow us"
lines and "you may also like" headers; the same words in the middle of a story are more likely
part of it, so only the last few lines are looked at (dev set: 12 pages up on 11 sites).
"""

from __future__ import annotations

import re

_TAIL_LINE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|twitter\.com/|\bfollow (us|me|him|her|them)\b|^follow\b|"
    r"newsletter|\bsubscri(be|bing|ption)\b|\bsign up\b|"
    r"^(you may also like|you might also like|more from|related|recommended|comments?|"
    r"tags?|topics?|source|copyright|listen|download|itunes|share)\b|©|"
    r"^(updated|published|posted)( at| on)?\b", re.IGNORECASE)
TAIL_LINES = 6
TAIL_MAX_WORDS = 35


def trim_tail(text: str) -> str:
    """``text`` without up to TAIL_LINES short chrome lines at its end."""
    lines = text.splitlines()
    trimmed = 0
    while lines and trimmed < TAIL_LINES:
        last = lines[-1]
        if len(last.split()) > TAIL_MAX_WORDS or not _TAIL_LINE.search(last):
            break
        lines.pop()
        trimmed += 1
    return "\n".join(lines)
