"""Shared helpers for renderers: untrusted text made inert and bounded."""

from __future__ import annotations

import re
from urllib.parse import quote

# Control characters, zero-width and joiner characters, bidirectional marks, embeddings,
# overrides and isolates (an RLO can make "gpj.exe" read as "exe.jpg"), BOM, interlinear
# annotation and tag characters: none of them belong in a title or a summary.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
MAX_URL = 2000
# Characters a URL may carry as they are; anything else (spaces, quotes, brackets, angle
# brackets, parentheses, newlines) is percent-encoded so no format can be broken out of.
_URL_SAFE = "/:?#[]@!$&*+,;=%~-._"


def plain(text: str, limit: int) -> str:
    """One line of visible text, at most ``limit`` characters, cut at a word."""
    flat = " ".join(_INVISIBLE.sub("", text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + "…"


def http_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL of sane length, made safe to embed in any
    format; else "" (no javascript:, data: or relative links)."""
    url = _INVISIBLE.sub("", url).strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > MAX_URL:
        return ""
    scheme, rest = url.split("//", 1)
    split = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, path = rest[:split], rest[split:]
    if not authority:
        return ""
    # "@" is encoded past the host so a link's text never reads as a chat mention.
    return (f"{scheme}//{quote(authority, safe=_URL_SAFE)}"
            f"{quote(path, safe=_URL_SAFE.replace('@', ''))}")


FLAG_WORDS = {"paywall": "a paywall", "login_wall": "a login wall", "cookie_wall": "a cookie wall",
              "bot_challenge": "a bot challenge", "js_required": "an empty JavaScript shell",
              "empty": "empty"}


def flag_note(flag: str) -> str:
    """Why a pick has no summary, for every renderer: 'Not summarized: the page is a paywall.'"""
    return f"Not summarized: the page is {FLAG_WORDS.get(flag, flag.replace('_', ' '))}."
