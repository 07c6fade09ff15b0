"""The only two edits an offline summary may make to an article's sentence, and the test for
a sentence that cannot open a summary.

A reader trusts an extractive summary because every sentence in it is the author's own. So a
sentence is quoted word for word, except that (1) a leading clause that ends in a comma and only
connects or frames ("However, ...", "In this paper, we ...", "To address this, we ...") may be
dropped, and (2) a short aside in parentheses after a space ("the model (see Section 3)") may be
left out. A formula such as "ϕ(Ah_t+Bu_t)" has no space before its bracket and is never touched.
"""

from __future__ import annotations

import re

__all__ = ["drop_asides", "drop_lead_in", "edit", "refers_back"]

# A short aside: at most 60 characters, after a space, with no bracket inside (a nested or
# unbalanced one is left alone), followed by a space, punctuation or the end.
_ASIDE = re.compile(r"\s\([^()]{1,60}\)(?=[\s,.;:!?\"'”’]|$)")
_NESTED = re.compile(r"\([^()]*\(")
# Leading clauses that only connect to what came before or frame the sentence. A clause that
# carries a condition or a fact ("If it rains, ...", "On Monday, ...") is never dropped.
_LEAD_IN = re.compile(
    r"^(?:However|Moreover|Furthermore|In addition|Additionally|Meanwhile|Also|Thus|Hence|"
    r"Therefore|Finally|Indeed|Instead|Still|Nevertheless|Nonetheless|Consequently|"
    r"As a result|In particular|Specifically|In contrast|By contrast|Similarly|Likewise|"
    r"Importantly|Notably|Crucially|Interestingly|Surprisingly|Unfortunately|Fortunately|"
    r"Overall|In summary|In short|In conclusion|In practice|In this context|In turn|"
    r"On the other hand|First|Firstly|Second|Secondly|Third|Lastly|Next|Then|Here|"
    r"To this end|To that end|To do so|To do this|As such|Of course|"
    r"In this (?:[\w-]+ )?(?:paper|work|article|study|note|post|report|thesis|letter|chapter)|"
    r"To (?:address|tackle|solve|overcome|alleviate|mitigate|fix|remedy|bridge|handle|"
    r"resolve|close|fill|answer|meet|achieve|improve|study|investigate|understand|this end)"
    r"[^,.;:!?()]{0,60}),\s+"
    # Only when the rest reads as a sentence once capitalized: "we propose" -> "We propose",
    # never "iPhone" -> "IPhone".
    r"(?=[a-z]+(?![\w-]*[A-Z0-9]))")
# Words that lean on a sentence before them: a summary that opens with one points at nothing.
_REFERS_BACK = re.compile(
    r"^[\"'“‘(]?(?:This|That|These|Those|It|Its|He|She|His|Her|Him|They|Their|Them|But|And|"
    r"Or|Nor|However|Also|Still|Yet|So|Then|Meanwhile|Instead|Others|Such|Thus|Hence|"
    r"Therefore|Moreover|Furthermore|Additionally|Besides|Nevertheless|Nonetheless|"
    r"Consequently|Accordingly|Likewise|Similarly|Otherwise|Both|Another|Further|"
    r"In addition|As a result|Even so|The latter|The former|Again|Though|Although)\b")


def drop_asides(sentence: str) -> str:
    """``sentence`` without its short asides in parentheses."""
    if sentence.count("(") != sentence.count(")") or _NESTED.search(sentence):
        return sentence  # unbalanced or nested brackets: we cannot tell an aside from a formula
    kept = _ASIDE.sub("", sentence)
    return kept if kept.strip() else sentence


def drop_lead_in(sentence: str) -> str:
    """``sentence`` without a leading connective or framing clause that ends in a comma."""
    match = _LEAD_IN.match(sentence)
    if not match:
        return sentence
    rest = sentence[match.end():]
    return rest[:1].upper() + rest[1:]


def edit(sentence: str) -> str:
    """The form of ``sentence`` a summary quotes: the two allowed edits, nothing else."""
    return drop_lead_in(drop_asides(sentence))


def refers_back(sentence: str) -> bool:
    """Whether ``sentence`` opens with a word that refers to something said before it."""
    return bool(_REFERS_BACK.match(sentence))
