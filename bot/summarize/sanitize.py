"""Making model output safe to post in a shared channel, whatever the page told the model.

Applied to every LLM output before it is stored: no links, no mentions in any platform's
syntax, no markup, no control or direction-changing characters, bounded length. Renderers
still escape for their medium; this is the second line, not the only one.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb]"
)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ANGLE_LINK = re.compile(r"<(?:https?|mailto|ftp)[^>|]*\|([^>]*)>", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|ai|co|xyz|ly|me|app|dev"
                          r"|info|biz|ru|cn|tk)(?:/[^\s]*)?\b", re.IGNORECASE)
_PLATFORM_MENTION = re.compile(r"<[@#!][^>]*>")  # <@id> <@!id> <@&id> <#id> <!here> <!subteam^..>
_AT_MENTION = re.compile(r"@(?=[\w&!])")
_HTML_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|</?[a-zA-Z][^<>]*>|<!--.*?-->",
                       re.DOTALL | re.IGNORECASE)
_MARKDOWN_MARK = re.compile(r"(\*\*|__|~~|`+|\|\|)")
_LINE_MARK = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+•]\s+|\d+[.)]\s+)", re.MULTILINE)
_PREAMBLE = re.compile(
    r"^\s*(?:(?:sure|certainly|okay|ok)[,!.]?\s*)?(?:here(?:'s| is) (?:a |the |your )?"
    r"(?:\w+[- ]){0,3}summary(?: of [^:.\n]{0,80})?[:.]|summary:|tl;?dr:?)\s*",
    re.IGNORECASE)
_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry|i am sorry|sorry,|i (?:can ?not|can't|won't|am unable|'m unable)|"
    r"as an ai|i apologi[sz]e|unfortunately, i)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
MIN_WORDS = 4
MAX_CHARS_PER_WORD = 40  # a 10,000-character "word" is not a word


def strip_unsafe(text: str) -> str:
    """Remove links, mentions, markup and invisible characters; collapse whitespace."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    text = _ANGLE_LINK.sub(r"\1", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _PLATFORM_MENTION.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _URL.sub("", text)
    text = _BARE_DOMAIN.sub("", text)
    text = _AT_MENTION.sub("", text)
    text = _LINE_MARK.sub("", text)
    text = _MARKDOWN_MARK.sub("", text)
    text = text.replace("<", "").replace(">", "")
    return " ".join(text.split())


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.match(text))


def clean_summary(text: str, max_words: int) -> str:
    """A model's answer as a postable summary, or "" when it is not a usable summary."""
    text = strip_unsafe(_PREAMBLE.sub("", text.strip()))
    text = _PREAMBLE.sub("", text)
    if not text or is_refusal(text):
        return ""
    text = fit_words(text, max_words)
    return text if len(text.split()) >= MIN_WORDS else ""


def fit_words(text: str, max_words: int) -> str:
    """At most ``max_words`` words: whole sentences when they fit, else cut at a word (and
    grapheme) boundary with an ellipsis."""
    words = [_fit_word(w) for w in text.split()]
    if len(words) <= max_words:
        return " ".join(words)
    kept, count = [], 0
    for sentence in _SENTENCE_END.split(" ".join(words)):
        size = len(sentence.split())
        if count + size > max_words:
            break
        kept.append(sentence)
        count += size
    if kept:
        return " ".join(kept)
    return " ".join(words[:max_words]).rstrip(",;:–-") + "…"


def _fit_word(word: str) -> str:
    if len(word) <= MAX_CHARS_PER_WORD:
        return word
    cut = MAX_CHARS_PER_WORD
    # Never split a grapheme: back off over combining marks, joiners and variation selectors.
    while cut > 1 and (unicodedata.combining(word[cut]) or word[cut] in "\u200d\ufe0e\ufe0f"
                       or 0x1F3FB <= ord(word[cut]) <= 0x1F3FF):
        cut -= 1
    return word[:cut] + "…"
