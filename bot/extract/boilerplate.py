"""Line rules on the extracted text: the chrome that trafilatura lets through around articles.

Rules at the end of the text are looser than anywhere else: the tail of an article is where
sites put author contacts, newsletter pitches, "follow us" lines and "you may also like" headers,
and a sentence like that in the middle of a story is more likely to be part of it.
"""

from __future__ import annotations

import re

BOILERPLATE_LINE = re.compile(
    r"^(advertisement|share( this)?|related( articles| stories)?:?|read more|sign up|"
    r"subscribe|follow us|click here|all rights reserved)\b", re.IGNORECASE)
_TAIL_LINE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|twitter\.com/|\bfollow (us|me|him|her|them)\b|^follow\b|"
    r"newsletter|\bsubscri(be|bing|ption)\b|\bsign up\b|"
    r"^(you may also like|you might also like|more from|related|recommended|comments?|"
    r"tags?|topics?|source|copyright|listen|download|itunes|share)\b|©|"
    r"^(updated|published|posted)( at| on)?\b", re.IGNORECASE)
TAIL_LINES = 6
TAIL_MAX_WORDS = 35
LINE_MAX_WORDS = 8


def drop_boilerplate(text: str, rules: frozenset[str]) -> str:
    lines = text.splitlines()
    if "boilerplate_lines" in rules:
        lines = [line for line in lines
                 if len(line.split()) > LINE_MAX_WORDS or not BOILERPLATE_LINE.match(line)]
    trimmed = 0 if "tail_trim" in rules else TAIL_LINES
    while lines and trimmed < TAIL_LINES:
        last = lines[-1]
        if len(last.split()) > TAIL_MAX_WORDS or not _TAIL_LINE.search(last):
            break
        lines.pop()
        trimmed += 1
    return "\n".join(lines)
