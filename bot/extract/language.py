"""The article's language as an ISO 639-1 code: what the page declares, else what
py3langid (a maintained langid.py, 97 languages) reads in the text.

The code goes into the summarizer's prompt, so a guess it is not sure of is worse than none:
below MIN_CONFIDENCE, or on too little text, the answer is "".
"""

from __future__ import annotations

import functools
import re
from typing import Any

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 3000

# ISO 639-1, the two-letter codes a model and a reader both know.
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())
# Codes pages and the detector use that name an ISO 639-1 language another way: retired
# two-letter codes, common three-letter ones, and the detector's regional varieties.
ALIASES = {
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr", "nb": "no",
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "por": "pt",
    "ita": "it", "nld": "nl", "dut": "nl", "dan": "da", "swe": "sv", "nor": "no", "nob": "no",
    "fin": "fi", "ces": "cs", "cze": "cs", "pol": "pl", "rus": "ru", "ukr": "uk", "jpn": "ja",
    "zho": "zh", "chi": "zh", "kor": "ko", "ara": "ar", "tur": "tr", "ell": "el", "gre": "el",
    "hun": "hu", "ron": "ro", "rum": "ro", "heb": "he", "hin": "hi", "ind": "id", "vie": "vi",
    "fil": "tl", "ary": "ar", "arz": "ar", "uzs": "uz", "wuu": "zh", "yue": "zh", "gug": "gn",
    "fuv": "ff", "sdh": "ku",
}
_SPLIT = re.compile(r"[-_.@\s]")


def normalize(code: str) -> str:
    """"pt-BR", "da_DK", "DEU", "iw" -> "pt", "da", "de", "he"; anything else -> ""."""
    head = _SPLIT.split(code.strip().lower(), maxsplit=1)[0]
    head = ALIASES.get(head, head)
    return head if head in ISO_639_1 else ""


def detect_language(text: str) -> str:
    """The language ``text`` is written in, or "" when it is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return ""
    code, confidence = _identifier().classify(sample)
    return normalize(str(code)) if confidence >= MIN_CONFIDENCE else ""


def article_language(declared: str, text: str) -> str:
    """The page's declared language wins: the publisher knows, and a declaration costs nothing.
    The detector answers only when the page says nothing usable."""
    return normalize(declared) or detect_language(text)


@functools.cache
def _identifier() -> Any:
    # Loaded on first need, once per process: the CPU pool's forkserver loads it before it
    # forks any worker (bot/preload.py), mapped from the unpacked copy on disk.
    from bot.extract.langid_model import load_identifier

    return load_identifier()


def warm() -> None:
    """Load the detector's model now rather than on the first page that needs it."""
    _identifier()
