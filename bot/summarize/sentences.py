"""Sentence splitting and word tokens for the extractive summarizer, any language."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "al", "fig",
    "no", "inc", "ltd", "co", "corp", "gen", "gov", "sen", "rep", "u.s", "u.k", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "eq",
    "sec", "vol", "mt", "ft", "z.b", "bzw", "ca", "cf",
})
_END = re.compile(r"([.!?。！？…]+[\"'”’)\]»]*)(\s+|(?=[A-Z\"“‘(«]))")
_CJK_END = re.compile(r"(?<=[。！？])")
_LAST_WORD = re.compile(r"[\w.]+$")
_WORD = re.compile(r"\w+", re.UNICODE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, paragraph by paragraph. Abbreviations, initials and decimals do
    not end a sentence; a full stop glued to the next sentence ("end.Next") does."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        paragraph = " ".join(paragraph.split())
        for chunk in _CJK_END.split(paragraph):
            sentences.extend(_split_latin(chunk))
    return [s for s in sentences if s]


def _split_latin(text: str) -> list[str]:
    out, start = [], 0
    for match in _END.finditer(text):
        before = _LAST_WORD.findall(text[start:match.start(1)])
        word = before[0].lower() if before else ""
        following = text[match.end():match.end() + 1]
        if match.group(1) == "." and (
            word in _ABBREVIATIONS or re.fullmatch(r"[a-z]|(?:[a-z]\.)+[a-z]", word)
        ):
            continue
        if following and not (following.isupper() or following in "\"“‘(«"
                              or following.isdigit() or not following.isascii()):
            continue
        out.append(text[start:match.end(1)].strip())
        start = match.end()
    out.append(text[start:].strip())
    return out


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]
