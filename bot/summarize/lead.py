"""One pick's TL;DR line: the sentence of its summary that best says what happened, short.

The summary's sentences are scored by how much they share with the rest of the summary and
with the title (the most central one says what the piece is about), a sentence that opens
with a pronoun is marked down (it leans on one before it), and a sentence that merely
repeats the title is never taken: the reader has the title already. A long sentence is
trimmed at a clause boundary (a comma, semicolon, colon, dash, or before a conjunction), so a
line always ends where a sentence or a clause ends, never mid-phrase.
"""

from __future__ import annotations

import math
import re

from bot.models import BriefItem
from bot.summarize.sanitize import strip_unsafe

MAX_WORDS = 28
MIN_WORDS = 4  # fewer words rarely say what happened
MIN_CLAUSE = 6  # a trimmed line keeps at least this many words



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ABBREVIATIONS = _words(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n inc ltd co corp fig approx "
    "jan feb mar apr jun jul aug sep sept oct nov dec gen gov sen rep est dept univ")
_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[^\W_a-z])|(?<=[。！？])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOP = _words(
    "the a an and or but of to in on at for with by from as is are was were be been being it "
    "its this that these those he she they we you i his her their our your has have had do "
    "does did not no so if than then there here which who whom what when where why how will "
    "would can could should may might must also just about into over after before more most "
    "new says said one two")
_PRONOUN_START = re.compile(r"^(?:he|she|it|they|this|that|these|those|his|her|their|its|"
                            r"but|and|also|however|meanwhile)\b", re.I)
# Words a clause can start with. Not "as", "so", "since": "such as", "so far" and "since
# 2020" are not clauses.
_CONJUNCTION = _words("and but while whereas because although though which who after "
                      "before")
_LIST_END = _words("and or")
_PREPOSITIONS = _words("during in of for by with to on at from under about into over "
                       "through within without among between")
# An opening that ends with a noun phrase set off by a comma ("Barack Obama, the most popular
# Democrat in America") has a subject and no verb yet.
_APPOSITION = re.compile(r"^[^,]{1,60}, (?:the|a|an|his|her|its|their|our)\s[^,]*$", re.I)
_TERMINAL = ".!?…。！？"
_DATELINE = re.compile(r"^(?:\(\w+\)\s*(?:--|[-—–])\s*|(?:--|[-—–])\s+|(?i:summary):?\s+"
                       r"(?=[A-Z])|[A-Z][A-Z'’.-]+(?:[ ,]+[A-Z][\w.'’-]*){0,3}\s*(?:--|[-—–])\s+)")
_FURNITURE = re.compile(r"^(?:related|read more|see also|advertisement|click here|subscribe|"
                        r"sign up|photo|image|video|listen)\b", re.I)
_WIDE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# An opening phrase a newsletter line can do without, when a comma closes it within a few
# words: "Following …,", "According to …,", "On Monday,", "In 2026,".
_LEAD_IN = re.compile(
    r"^(?:following|after|according to|as|amid|despite|during|in|on|at|with|for|since|"
    r"earlier|later|last|this|yesterday|today|meanwhile|however|now|still|also|"
    r"in addition|for example|for instance)\b[^,;:]{0,120},", re.I)


def lead_sentence(pick: BriefItem, max_words: int = MAX_WORDS) -> str:
    """The pick's best sentence, at most ``max_words`` words, ending at a sentence or clause
    end; "" when no sentence says more than the title."""
    title = strip_unsafe(pick.title)
    sentences = [s for s in map(_tidy, split_sentences(strip_unsafe(pick.summary))) if s]
    ranked = sorted(range(len(sentences)),
                    key=lambda i: (-_centrality(i, sentences, title), i))
    for i in ranked:
        for candidate in (sentences[i], without_lead_in(sentences[i])):
            line = trim_to_clause(candidate, max_words) if candidate else ""
            if line and count_words(line) >= MIN_WORDS and not repeats_title(line, title):
                return line
    return ""


def _tidy(sentence: str) -> str:
    """A sentence without a dateline ("MADRID —", "(Reuters) -"), a stray leading dash or a
    "Summary" label; "" for page furniture ("Related: …", "Read more …")."""
    if _FURNITURE.match(sentence):
        return ""
    return _DATELINE.sub("", sentence).strip()


def without_lead_in(sentence: str) -> str:
    """The sentence without an opening phrase set off by a comma ("Following the 16-inch
    model, Apple plans …" → "Apple plans …"), when it opens with one; else ""."""
    match = _LEAD_IN.match(sentence)
    if match is None:
        return ""
    rest = sentence[match.end():].lstrip()
    if len(rest.split()) < MIN_CLAUSE or not rest[:1].isalpha():
        return ""
    return rest[:1].upper() + rest[1:]


def count_words(text: str) -> int:
    """Words, with a run of Chinese or Japanese characters (written without spaces) counted
    as one word per two characters."""
    total = 0
    for token in text.split():
        wide = len(_WIDE.findall(token))
        total += max(1, (wide + 1) // 2) if wide else 1
    return total


def repeats_title(line: str, title: str) -> bool:
    """True when the line is the title, starts with it, or is the start of it: a TL;DR line
    like that tells the reader nothing the title has not."""
    a, b = _normal(line), _normal(title)
    if not a or not b:
        return False
    return a == b or a.startswith(b) or b.startswith(a)


def split_sentences(text: str) -> list[str]:
    """Sentences of a summary (already one line): split at end punctuation followed by a
    capital, a digit or an opening quote, except after an abbreviation or an initial."""
    text = " ".join(text.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        before = text[start:match.start()].rstrip("\"'”’)]")
        last = before.rsplit(" ", 1)[-1].lower().rstrip(".")
        if before.endswith(".") and (last in _ABBREVIATIONS or len(last) == 1
                                     or re.fullmatch(r"(?:\w\.)+\w", last)
                                     or (last == "no" and text[match.end():][:1].isdigit())):
            continue  # "Dr. Smith", "J. Smith", "U.S. officials", "No. 5"
        out.append(text[start:match.start()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _trim_wide(sentence: str, max_words: int) -> str:
    """A Chinese or Japanese sentence cut at its last comma (、，) that fits the budget."""
    budget = 2 * max_words
    cut = max(sentence.rfind(mark, 0, budget) for mark in "、，,")
    if cut < budget // 3:
        return ""
    return sentence[:cut] + "。"


def trim_to_clause(sentence: str, max_words: int = MAX_WORDS) -> str:
    """The sentence if it fits, else its longest opening that ends at a clause boundary and
    fits (ended with a full stop); "" when no such opening keeps enough words. A semicolon,
    colon or dash ends a clause more surely than a conjunction, and a conjunction more surely
    than a comma, so the longest cut of the surest kind wins."""
    words = sentence.split()
    truncated = sentence.endswith(("…", "...")) and not sentence.endswith(("\"…", "”…"))
    if truncated:  # cut by a summarizer mid-sentence: only a clause before the cut will do
        max_words = min(max_words, len(words) - 1)
    elif count_words(sentence) <= max_words:
        return _finished(sentence)
    if len(words) <= 2:  # written without spaces
        return _trim_wide(sentence, max_words)
    cuts: dict[int, int] = {}  # strength -> longest opening of that strength
    for k in range(min(max_words, len(words) - 1), MIN_CLAUSE - 1, -1):
        strength = _boundary(words, k)
        opening = " ".join(words[:k])
        if (strength and strength not in cuts and _balanced(opening)
                and not _LEAD_IN.fullmatch(opening)  # "In a new study out Monday," alone
                and not _APPOSITION.search(opening.rstrip(",;:"))):
            cuts[strength] = k
    if not cuts:
        return ""
    return _finished(" ".join(words[:cuts[max(cuts)]]))


def _boundary(words: list[str], k: int) -> int:
    """How surely a clause ends between words[k-1] and words[k]: 3 at ; : or a dash; 2
    before a conjunction ("while", "because", "which"); 1 at a comma that does not sit inside
    a list ("ignore, misread or embellish", "A, B, and C"); 0 for no boundary."""
    word, following = words[k - 1], words[k].lower().strip("\"'“”‘’(")
    if word.endswith((";", ":")) or following in ("—", "–", "-"):
        return 3
    if (following in _CONJUNCTION and following not in _LIST_END and not word.endswith(",")
            and not (following in ("which", "who") and word.lower() in _PREPOSITIONS)):
        # "during which" opens a clause one word earlier than "which" does
        return 2
    if word.endswith(","):
        if following in _LIST_END:
            # ", and …" joins clauses, unless it closes a list ("A, B, and C").
            return 0 if any(w.endswith(",") for w in words[max(0, k - 5):k - 1]) else 1
        ahead = words[k:k + 4]
        in_list = any(w.lower() in _LIST_END for w in ahead) and not any(
            w.endswith((",", ";", ".")) for w in ahead[:-1])
        return 0 if in_list else 1
    return 0  # a bare "and"/"or" joins nouns as often as clauses: never cut there


def _finished(text: str) -> str:
    text = text.rstrip(",;:—–- ")
    return text if text.endswith(tuple(_TERMINAL)) or text.endswith(("\"", "”", ")")) else (
        text + ".")


def _balanced(text: str) -> bool:
    return (text.count("(") == text.count(")") and text.count("“") == text.count("”")
            and text.count('"') % 2 == 0)


def _content(text: str) -> set[str]:
    return {w for w in (m.lower() for m in _WORD.findall(text))
            if len(w) > 2 and w not in _STOP}


def _centrality(index: int, sentences: list[str], title: str) -> float:
    """Shared content words with the other sentences and the title, length-normalised; a
    sentence leaning on an earlier one, or too short to say much, scores lower."""
    own = _content(sentences[index])
    if not own:
        return 0.0
    others = [_content(s) for j, s in enumerate(sentences) if j != index]
    others.append(_content(title))
    score = sum(len(own & other) / math.sqrt(len(own) * len(other))
                for other in others if other)
    if _PRONOUN_START.match(sentences[index]):
        score *= 0.5
    if len(sentences[index].split()) < MIN_WORDS:
        score *= 0.5
    # The opening sentence of a summary is usually its lead: a small edge on ties.
    return score + (0.15 if index == 0 else 0.0)


def _normal(text: str) -> str:
    return " ".join(m.lower() for m in _WORD.findall(text))
