"""Shared helpers for renderers: untrusted text made inert and bounded."""

from __future__ import annotations

import re

_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str, limit: int) -> str:
    """One line of visible text, at most ``limit`` characters, cut at a word."""
    flat = " ".join(_INVISIBLE.sub("", text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + "…"


def http_url(url: str) -> str:
    """The URL if it is http(s), else "" (no javascript:, data: or relative links)."""
    return url if url.lower().startswith(("http://", "https://")) else ""
