"""A cheap language guess for pages that do not declare one: the script, then stopwords.

Good enough to choose a summary language; it returns "" rather than guess on little text.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")
MIN_HITS = 5


def _words(line: str) -> frozenset[str]:
    return frozenset(line.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for it with was on as are be this by have"),
    "de": _words("der die und das ist nicht mit den von zu ein eine sich auch auf für"),
    "fr": _words("le la les et des est une un du pour dans que qui pas sur au avec"),
    "es": _words("el la los las y de que en un una por con para es se del al"),
    "pt": _words("o a os as e de que em um uma para com não é do da dos no na"),
    "it": _words("il la le di che e è un una per non con del della sono gli nel"),
    "nl": _words("de het een en van is dat op te in niet zijn met voor er"),
    "sv": _words("och att det som en på är av för med till den har inte om"),
    "pl": _words("i w na nie się z że do jest to jak o od po przez"),
    "ru": _words("и в не на что с по как это он она из за то но"),
    "tr": _words("ve bir bu da de için ile çok ne gibi olarak daha ama"),
    "id": _words("yang dan di ini itu dengan untuk dari dalam tidak akan pada"),
}
# Scripts that name their language outright, checked before any word is counted.
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
SAMPLE_CHARS = 4000


def guess_language(text: str) -> str:
    sample = text[:SAMPLE_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    if not letters:
        return ""
    for code, script in _SCRIPTS:
        if len(script.findall(sample)) > letters * 0.2:
            return code
    words = Counter(w.lower() for w in _WORD.findall(sample))
    scores = {code: sum(words[w] for w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] >= MIN_HITS else ""
