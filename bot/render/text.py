"""Shared helpers for renderers: untrusted text made inert and bounded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from bot.bylines import join_names
from bot.digest import Digest
from bot.period import period_unit

# Control characters, zero-width and joiner characters, bidirectional marks, embeddings,
# overrides and isolates (an RLO can make "gpj.exe" read as "exe.jpg"), BOM, interlinear
# annotation and tag characters: none of them belong in a title or a summary, except where
# an emoji needs them (see _EMOJI_SEQUENCE).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_PICTO = "\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff"
_MODIFIERS = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff"
# The invisible characters an emoji is made of: a joiner between two pictographs
# ("🧑‍🏫" is 🧑 ZWJ 🏫), and the tag letters of a subdivision flag (🏴 + tags + cancel tag).
# These survive; the same characters anywhere else could hide text, so they do not.
_EMOJI_SEQUENCE = re.compile(
    f"(?<=[{_PICTO}{_MODIFIERS}])\u200d(?=[{_PICTO}])"
    "|\U0001f3f4[\U000e0061-\U000e007a\U000e0030-\U000e0039]{2,7}\U000e007f")


def strip_invisible(text: str) -> str:
    """Text without invisible characters, emoji sequences kept whole."""
    kept: list[str] = []
    last = 0
    for match in _EMOJI_SEQUENCE.finditer(text):
        kept += [_INVISIBLE.sub("", text[last:match.start()]), match.group()]
        last = match.end()
    kept.append(_INVISIBLE.sub("", text[last:]))
    return "".join(kept)


def _joined(text: str, at: int) -> bool:
    """True when a cut before ``at`` would split an emoji sequence or a grapheme."""
    if at <= 0 or at >= len(text):
        return False
    after, before = text[at], text[at - 1]
    if after in "\u200d\ufe0e\ufe0f\u20e3" or before == "\u200d":
        return True
    if 0x1F3FB <= ord(after) <= 0x1F3FF or 0xE0020 <= ord(after) <= 0xE007F:
        return True
    if unicodedata.combining(after):
        return True
    if 0x1F1E6 <= ord(after) <= 0x1F1FF:  # regional indicators pair up into flags
        run = 0
        while at - run - 1 >= 0 and 0x1F1E6 <= ord(text[at - run - 1]) <= 0x1F1FF:
            run += 1
        return run % 2 == 1
    return False


def cut(text: str, at: int) -> str:
    """``text[:at]``, backed off so no emoji sequence or grapheme is split."""
    while at > 0 and _joined(text, at):
        at -= 1
    return text[:at]
MAX_URL = 2000
# Characters a URL may carry as they are; anything else (spaces, quotes, brackets, angle
# brackets, parentheses, newlines) is percent-encoded so no format can be broken out of.
_URL_SAFE = "/:?#[]@!$&*+,;=%~-._"


def plain(text: str, limit: int) -> str:
    """One line of visible text, at most ``limit`` characters, cut at a word."""
    flat = " ".join(strip_invisible(text).split())
    if len(flat) <= limit:
        return flat
    head = cut(flat, limit - 1)
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2:] else head) + "…"


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


# The label of an item's link back to the message that shared it (chat renders only).
CHAT_LINK = "💬 Discussion"


def shared_line(names: list[str], score: int) -> str:
    """'Shared by Ada and Linus · 3 votes' from names already escaped for the medium. The
    submission's number stays out: it means something only in the queue."""
    votes = "vote" if score == 1 else "votes"
    return f"Shared by {join_names(names, most=5) or 'a member'} · {score} {votes}"


def previous_shown(digest: Digest, chat_links: bool) -> bool:
    """Whether the footer links to the previous digest: its public archive page always; the
    platform's permalink of it only where the reader is a member (``chat_links``)."""
    return bool(digest.previous_label) and (chat_links or digest.previous_public)


def totals_line(links: int, sharers: int, votes: int, unit: str = "week") -> str:
    """The footer's numbers, worded the same in every renderer (``unit``: the period's
    name, bot.period.period_unit)."""
    return (f"This {unit}: {links} {_plural(links, 'link')} shared by {sharers} "
            f"{_plural(sharers, 'member')} · {votes} {_plural(votes, 'vote')} cast")


def footer_text(digest: Digest, name: Callable[[str], str]) -> str:
    """The digest's footer before the link to the previous digest, in every renderer: the
    period's numbers, then its top sharer (``name`` escapes their name for the medium)."""
    totals = digest.totals
    text = totals_line(totals.links, totals.sharers, totals.votes, period_unit(digest.period.key))
    if digest.top_sharer:
        picks = digest.top_sharer_picks
        text += f" · Top sharer: {name(digest.top_sharer)} ({picks} {_plural(picks, 'pick')})"
    return text


def no_picks(unit: str = "week") -> str:
    """What an empty digest says, in every renderer."""
    return f"No picks this {unit}: share some links and vote on them!"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


FLAG_WORDS = {"paywall": "a paywall", "login_wall": "a login wall", "cookie_wall": "a cookie wall",
              "bot_challenge": "a bot challenge", "js_required": "an empty JavaScript shell",
              "empty": "empty"}


def flag_note(flag: str) -> str:
    """Why a pick has no summary, for every renderer: 'Not summarized: the page is a paywall.'"""
    return f"Not summarized: the page is {FLAG_WORDS.get(flag, flag.replace('_', ' '))}."
