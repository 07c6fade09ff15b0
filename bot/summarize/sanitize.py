"""Making model output safe to post in a shared channel, whatever the page told the model.

Applied to every LLM output before it is stored (and to offline summaries and TL;DR bullets,
whose words come from pages): no links, no mentions in any platform's syntax, no markup, no
control or direction-changing characters, bounded length. Renderers still escape for their
medium; this is the second line, not the only one.
"""

from __future__ import annotations

import html
import re
import unicodedata

from bot.summarize.sentences import (
    count_words,
    first_words,
    join_sentences,
    rough_sentences,
    word_units,
)

# C0/C1 controls, soft hyphen, bidi marks/embeddings/overrides/isolates, zero-width and
# invisible operators, BOM, interlinear annotations. ZWJ is handled apart (emoji need it).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0e\ufeff"
    "\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_EMOJI = "\u2190-\u2bff\U0001f000-\U0001faff\ufe0f"
_TAG_FLAG = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f")
# A joiner is only kept inside an emoji sequence ("🧑‍🏫"); elsewhere it hides text.
_STRAY_ZWJ = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")
_ANGLE_LINK = re.compile(r"<(?:https?|mailto|ftp|tel)[^>|]*\|([^>]*)>", re.IGNORECASE)
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]{1,15}://|www\.|mailto:)[^\s<>\"]+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|ai|co|xyz|ly|me|app|dev|info|biz|ru|cn|tk|uk|de"
    r"|fr|gg|link|click|top|site|online|shop|live|zip|mov|su|to|cc|ws|gl|gd|sh|fm|tv|us|eu"
    r"|in|ml|ga|cf|gq|pw|win|bid|icu|vip)(?:[/?#]\S*)?\b",
    re.IGNORECASE)
# <@id> <@!id> <@&id> <#id> <!here> <!channel> <!everyone> <!subteam^..> <!date^..>
# </command:id> <t:123> <:emoji:id> <a:emoji:id> <id:customize>
_PLATFORM_TOKEN = re.compile(r"<[@#!/:]?[^<>\s]*[@#!:^&][^<>]*>")
_AT_MENTION = re.compile(r"[@＠](?=[\w&!])")
_HTML_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|</?[a-zA-Z][^<>]*>|<!--.*?-->",
                       re.DOTALL | re.IGNORECASE)
_CODE_FENCE = re.compile(r"```[\w+-]*")
_MARKDOWN_MARK = re.compile(r"\*\*|__|~~|`+|\|\||(?<!\w)[*_]+|[*_]+(?!\w)")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|-#\s+|>+\s*|[-*+•·]\s+|\d{1,2}[.)]\s+)", re.MULTILINE)
_PREAMBLE = re.compile(
    r"^\s*(?:(?:sure|certainly|okay|ok|of course|absolutely)[,!.]?\s*)?"
    r"(?:here(?:'s| is| are)\s+(?:a |the |your |an )?(?:\w+[- ]){0,3}"
    r"(?:summary|summaries|overview|tl;?dr|bullets?)(?: of [^:.\n]{0,80})?\s*[:.]"
    r"|(?:summary|tl;?dr|in short|in summary)\s*[:.-])\s*",
    re.IGNORECASE)
_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry|i am sorry|sorry[,!.]|i (?:can ?not|can't|won't|am unable|'m unable|"
    r"do not|don't) |as an ai|as a language model|i apologi[sz]e|unfortunately[,]? (?:i|the "
    r"(?:article|text|page))|there is no (?:article|text|content)|the (?:provided|given) "
    r"(?:text|article|content) (?:is|does|appears|seems)|(?:error|warning)\s*:)",
    re.IGNORECASE)
# Chatter after the summary is dropped, not taken as a reason to refuse the whole answer.
_CHATTER = re.compile(
    r"^(?:let me know|i hope|hope this|feel free|would you like|do you want|if you (?:want|"
    r"need|would)|please note|note:)", re.IGNORECASE)
# A sentence that parrots an injection attempt says nothing about the article.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget) (?:all |any |the )?(?:previous|prior|above|earlier|your) "
    r"(?:instructions|rules|prompts?)\b|\bsystem prompt\b", re.IGNORECASE)
MIN_WORDS = 4
MAX_SENTENCES = 3
MAX_CHARS_PER_WORD = 40  # a 10,000-character "word" is not a word
_LEAKED_PROMPT = ("<<<", ">>>", "untrusted data", "ARTICLE>>>")


def strip_unsafe(text: str) -> str:
    """Remove links (keeping their text), mentions, markup and invisible characters;
    collapse whitespace. The result cannot ping anyone or link anywhere on any platform."""
    # Entities first, so "&lt;@&amp;123&gt;" is seen as the mention it would render as.
    text = unicodedata.normalize("NFC", html.unescape(html.unescape(text)))
    # Removing one thing can join the pieces of another ("@<b>everyone", "ht**tp://"), so
    # the passes repeat until nothing changes.
    for _ in range(5):
        cleaned = _strip_once(text)
        if cleaned == text:
            break
        text = cleaned
    return " ".join(text.split())


def _strip_controls(text: str) -> str:
    """_CONTROL removed, except the tag letters of a subdivision flag (🏴 + tags + cancel),
    which are part of the emoji, not hidden text."""
    parts = _TAG_FLAG.split(text)
    flags = _TAG_FLAG.findall(text)
    return "".join(_CONTROL.sub("", part) + (flags[i] if i < len(flags) else "")
                   for i, part in enumerate(parts))


def _strip_once(text: str) -> str:
    text = _STRAY_ZWJ.sub("", _strip_controls(text))
    text = _CODE_FENCE.sub(" ", text)
    text = _ANGLE_LINK.sub(r"\1", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _PLATFORM_TOKEN.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _LINE_MARK.sub("", text)
    text = _MARKDOWN_MARK.sub("", text)
    # Whatever markup is left half-open cannot be closed safely: drop its brackets.
    text = re.sub(r"[<>\[\]]", "", text)
    text = _URL.sub("", text)
    text = _BARE_DOMAIN.sub("", text)
    return _AT_MENTION.sub("", text)


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.match(text))


def strip_preamble(text: str) -> str:
    for _ in range(2):  # "Sure! Here is the summary: Summary: ..." has two layers
        text = _PREAMBLE.sub("", text, count=1)
    return text


def looks_like_summary(text: str, min_words: int = MIN_WORDS) -> bool:
    """Prose with enough words, mostly letters, not a question back to the user, and no
    trace of our own prompt."""
    if count_words(text) < min_words or any(mark in text for mark in _LEAKED_PROMPT):
        return False
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    return letters >= 0.6 * visible and not text.rstrip().endswith("?")


def clean_summary(text: str, max_words: int, max_sentences: int = MAX_SENTENCES,
                  min_words: int = MIN_WORDS) -> str:
    """A model's answer as a postable summary, or "" when it is not a usable summary
    (empty, a refusal, a preamble only, chatter, a question, a leaked prompt)."""
    if any(mark in text for mark in _LEAKED_PROMPT):
        return ""
    text = strip_preamble(strip_unsafe(strip_preamble(text.strip())))
    if not text or is_refusal(text):
        return ""
    sentences = [s for s in rough_sentences(text)
                 if not _CHATTER.match(s) and not _INJECTION.search(s)]
    text = join_sentences(sentences[:max_sentences])
    text = fit_words(text, max_words)
    return text if looks_like_summary(text, min_words) else ""


def fit_words(text: str, max_words: int) -> str:
    """At most ``max_words`` words (CJK counted by length): whole sentences when they fit,
    else cut at a word (and grapheme) boundary with an ellipsis."""
    if max_words <= 0:
        return ""
    text = " ".join(_fit_word(w) for w in text.split())
    if count_words(text) <= max_words:
        return text
    kept, count = [], 0
    for sentence in rough_sentences(text):
        size = count_words(sentence)
        if count + size > max_words:
            break
        kept.append(sentence)
        count += size
    # Whole sentences, unless they would leave most of the budget unused.
    if kept and count >= max_words // 2:
        return join_sentences(kept)
    return first_words(text, max_words)[0].rstrip(",;:–-— ") + "…"


def _fit_word(word: str) -> str:
    if len(word) <= MAX_CHARS_PER_WORD or word_units(word) > 1:
        return word
    cut = MAX_CHARS_PER_WORD
    # Never split a grapheme: back off over combining marks, joiners and variation selectors.
    while cut > 1 and (unicodedata.combining(word[cut]) or word[cut] in "\u200d\ufe0e\ufe0f"
                       or 0x1F3FB <= ord(word[cut]) <= 0x1F3FF
                       or unicodedata.category(word[cut]) in ("Mn", "Me", "Mc")):
        cut -= 1
    return word[:cut] + "…"
