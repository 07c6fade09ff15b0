"""Sentence splitting and word tokens for the extractive summarizer, any language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "al", "fig",
    "no", "inc", "ltd", "co", "corp", "gen", "gov", "sen", "rep", "u.s", "u.k", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "eq",
    "sec", "vol", "mt", "ft", "z.b", "bzw", "ca", "cf",
})
_END = re.compile(r"([.!?。！？…]+[\"'”’)\]»]*)(\s+|(?=[A-Z\"“‘(«]))")
# A CJK full stop ends a sentence together with the closing quotes or brackets after it.
_CJK_END = re.compile(r"[。！？]+[”’」』）】\"')]*")
_LAST_WORD = re.compile(r"[\w.]+$")
_WORD = re.compile(r"\w+", re.UNICODE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, paragraph by paragraph. Abbreviations, initials and decimals do
    not end a sentence; a full stop glued to the next sentence ("end.Next") does."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = " ".join(paragraph.split())
        for chunk in _split_cjk(paragraph):
            sentences.extend(_split_latin(chunk))
    return [s for s in sentences if s]


def _split_cjk(text: str) -> list[str]:
    out, start = [], 0
    for match in _CJK_END.finditer(text):
        out.append(text[start:match.end()])
        start = match.end()
    out.append(text[start:])
    return out


def _split_latin(text: str) -> list[str]:
    out, start = [], 0
    for match in _END.finditer(text):
        head = text[start:match.start(1)]
        before = _LAST_WORD.findall(head)
        word = before[0].lower() if before else ""
        following = text[match.end():match.end() + 1]
        if match.group(1) == "." and (
            word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)
            or (before and _is_initial(before[0], head, text[match.end():match.end() + 3]))
        ):
            continue
        if following and not (following.isupper() or following in "\"“‘(«"
                              or following.isdigit() or not following.isascii()):
            continue
        out.append(text[start:match.end(1)].strip())
        start = match.end()
    out.append(text[start:].strip())
    return out


def _is_initial(word: str, head: str, after: str) -> bool:
    """Whether a one-letter word before a full stop is a name's initial ("George W. Bush",
    "by J. Smith") rather than a symbol ending a sentence ("... for all t.", "matrix A.")."""
    if len(word) != 1 or not word.isupper():
        return False
    previous = head[:-1].split()[-1:] or [""]
    return (previous[0][:1].isupper() or previous[0].lower() in _BEFORE_NAMES
            or bool(re.match(r"[A-Z]\.\s", after)))


_BEFORE_NAMES = frozenset({"by", "and", "with", "from", "of", "to", "for", "&", ""})


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]


# Chinese and Japanese put no spaces between words: a run of their characters counts as one
# word per two characters, so a budget in words means about the same length in any script.
_WIDE_CHAR = re.compile("[\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WIDE_CHARS_PER_WORD = 2


def word_units(token: str) -> int:
    wide = len(_WIDE_CHAR.findall(token))
    return max(1, -(-wide // WIDE_CHARS_PER_WORD)) if wide else 1


def count_words(text: str) -> int:
    """Whitespace words, with runs of CJK characters counted by length (never fewer than
    ``len(text.split())``)."""
    if not _WIDE_CHAR.search(text):
        return len(text.split())
    return sum(word_units(t) for t in text.split())


def first_words(text: str, max_words: int) -> tuple[str, bool]:
    """The longest start of ``text`` within ``max_words`` (as count_words counts), cut at a
    word boundary, or between CJK characters but never inside a grapheme; and whether
    anything was cut."""
    kept: list[str] = []
    left = max_words
    for token in text.split():
        units = word_units(token)
        if units <= left:
            kept.append(token)
            left -= units
            continue
        if left > 0 and units > 1:
            kept.append(_wide_prefix(token, left * WIDE_CHARS_PER_WORD))
        return " ".join(k for k in kept if k), True
    return " ".join(kept), False


def _wide_prefix(token: str, max_wide: int) -> str:
    wide, end = 0, 0
    for i, ch in enumerate(token):
        if _WIDE_CHAR.match(ch):
            if wide == max_wide:
                break
            wide += 1
        end = i + 1
    while 0 < end < len(token) and unicodedata.category(token[end]).startswith("M"):
        end -= 1
    return token[:end]


_CLAUSE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


def rough_sentences(text: str) -> list[str]:
    """Sentences of already clean prose (a model's answer): split after end punctuation."""
    return [s for s in _CLAUSE_END.split(text) if s]


def join_sentences(parts: Iterable[str]) -> str:
    # Chinese and Japanese sentences follow each other without a space.
    out = ""
    for part in parts:
        out += part if not out or out.endswith(("。", "！", "？")) else " " + part
    return out
