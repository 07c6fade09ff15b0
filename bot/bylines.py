"""Authors as a reader expects them in a by-line: "Tom Krisher", not "By TOM KRISHER, AP Auto
Writer".

Pages give author metadata in every shape: with "By" (sometimes twice, once from the page and
once from the template), with a role or an agency after a comma, in capitals, with an e-mail
address, several names in one string. ``clean_authors`` turns them into names; ``join_names``
joins names as a sentence would; ``byline`` is the part after an item's title, the same in
every renderer. The results are still untrusted text: renderers escape them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

MAX_NAME_WORDS = 6  # longer than this is a sentence or a tagline, not a name
MAX_NAME_CHARS = 60
MAX_SHOWN = 3
MAX_FIELD = 500  # an author field longer than this is not a by-line; cut before parsing

_EMAIL = re.compile(r"[<(\[]?\s*(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[>)\]]?", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_HANDLE = re.compile(r"\(\s*@\w+\s*\)|(?<!\w)@(?=\w)")
_PREFIX = re.compile(r"^\s*(?:(?:written|posted|words|story|reported|text|article)\s+)?"
                     r"by\s*[:\-–—]?\s+", re.I)
# Several authors in one string.
_SEPARATORS = re.compile(r"\s*(?:;|\||\s&\s|\band\b|\n)\s*", re.I)
# What follows a name after a comma or a dash when it is a role or an employer.
_ROLE = re.compile(
    r"\b(?:writers?|reporters?|correspondents?|editors?|editorial|staff|contribut\w*|"
    r"columnists?|journalists?|analysts?|producers?|photographers?|photos?|critic|"
    r"associated press|press|reuters|afp|ap|dpa|upi|bloomberg|cnn|bbc|news|times|post|"
    r"journal|magazine|daily|herald|tribune|gazette|guardian|wire|desk|bureau|team|"
    r"special|senior|chief|deputy|managing|head|lead|intern|fellow|professor|researcher|"
    r"scientist|engineer|founder|ceo|cto|director|manager|host|author|freelance\w*|"
    r"ph\.?\s?d\.?|m\.?\s?d\.?|md|phd|msc|mba|updated|published)\b", re.I)
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.I)
_DASH = re.compile(r"\s+[-–—|]\s+")
# Words that stay lowercase inside a name written in capitals ("VAN DER BERG").
_PARTICLES = frozenset({"van", "der", "den", "de", "di", "da", "du", "del", "della", "dos",
                        "das", "von", "zu", "la", "le", "bin", "ibn", "ten", "ter", "y"})
_ROMAN = re.compile(r"^(?=[ivxlc]{2,}$)(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3})$", re.I)
# A whole part that is an employer or a desk, not a person ("The Associated Press").
_ORG = re.compile(r"^(?:the\s.+|associated press|reuters|afp|ap|dpa|upi|bloomberg(?:\s.+)?|"
                  r".*\b(?:news(?:room)?|media|network|group|agency|press)\b.*|"
                  r".*\.(?:com|org|net|co\.uk)\b.*)$", re.I)
# A job title alone ("AP National Political Writer") is never an author, whatever else is there.
_JOB = re.compile(r"^[^,]*\b(?:staff|writers?|reporters?|correspondents?|editors?|desk|bureau|"
                  r"contributors?|columnists?)$", re.I)
_LETTERS = re.compile(r"[^\W\d_]")


def clean_author(raw: str) -> tuple[str, ...]:
    """The names in one author field (one field may hold several), cleaned; () when nothing
    in it reads as a name."""
    text = _URL.sub(" ", _EMAIL.sub(" ", raw[:MAX_FIELD]))
    text = _HANDLE.sub("", " ".join(text.split()))
    while True:
        stripped = _PREFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    parts = [p.strip() for p in _SEPARATORS.split(text) if p.strip()]
    parts = [p for p in parts if not _JOB.match(_DASH.split(p, maxsplit=1)[0].strip(" .,"))]
    people = [p for p in parts if not _ORG.match(p.strip(" .,"))]
    names: list[str] = []
    for part in people or parts[:1]:  # an agency alone is still the author
        names += _comma_names(part)
    return tuple(n for n in (_shape(name) for name in names) if n)


def clean_authors(authors: Iterable[str]) -> tuple[str, ...]:
    """Every author field cleaned, in order, each name once."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in authors:
        for name in clean_author(raw):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                out.append(name)
    return tuple(out)


def join_names(names: Sequence[str], most: int = MAX_SHOWN) -> str:
    """'Ada', 'Ada and Linus', 'Ada, Linus and Grace', 'Ada, Linus, Grace and 2 others'."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) > most:
        rest = len(names) - most
        return f"{', '.join(names[:most])} and {rest} other{'s' if rest > 1 else ''}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def byline(authors: Sequence[str], site: str) -> str:
    """'by Ada and Linus · site', 'by Ada', 'site' or '': the part after an item's title.
    ``authors`` are already clean (see clean_authors)."""
    parts = []
    names = join_names(authors)
    if names:
        parts.append(f"by {names}")
    if site.strip():
        parts.append(" ".join(site.split()))
    return " · ".join(parts)


def _comma_names(part: str) -> list[str]:
    """A part split at commas: names kept, roles and employers dropped. What follows a
    spaced dash ("Jane Doe - Senior Reporter") is an affiliation, never a second name."""
    part = _DASH.split(part, maxsplit=1)[0]
    pieces = [p.strip(" .,-–—") for p in part.split(",")]
    pieces = [p for p in pieces if p]
    if not pieces:
        return []
    if (part.count(",") == 1 and len(pieces) == 2 and len(pieces[0].split()) == 1
            and 1 <= len(pieces[1].split()) <= 3
            and not _ROLE.search(pieces[1]) and not _SUFFIX.match(pieces[1])
            and pieces[1][:1].isupper()):
        # "Vaswani, Ashish" (how papers list authors): the given names go first.
        given = " ".join(w + "." if len(w) == 1 else w for w in pieces[1].split())
        return [f"{given} {pieces[0]}"]
    names = [pieces[0]]
    for piece in pieces[1:]:
        if _SUFFIX.match(piece):
            names[-1] += f" {piece.capitalize().rstrip('.')}" + (
                "." if piece.lower().startswith(("jr", "sr")) else "")
        elif _ROLE.search(piece) or len(piece.split()) == 1:
            # "Tom Krisher, AP Auto Writer"; a single word after a comma is a role or a
            # place ("Jane Doe, Berlin"), never a second author.
            break
        else:
            names.append(piece)
    if len(names) == 1 and _ROLE.fullmatch(names[0]) and len(pieces) > 1:
        return []
    return names


def _shape(name: str) -> str:
    name = " ".join(name.strip(" .,:;-–—'\"()[]").split())
    if not name or len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS:
        return ""
    if not _LETTERS.search(name) or re.search(r"\d{3,}", name):
        return ""  # a date, a number, punctuation: not a name
    if name.lower() in {"by", "staff", "admin", "anonymous", "unknown", "none", "null"}:
        return ""
    letters = _LETTERS.findall(name)
    if len(name.split()) == 1 and len(letters) <= 4 and name.isupper():
        return name  # an acronym: "AP", "BBC"
    if len(letters) > 1 and all(ch.isupper() for ch in letters if ch.isalpha() and ch.lower()
                                != ch.upper()):
        name = _uncapitalize(name)
    return name


def _uncapitalize(name: str) -> str:
    """A name written in capitals in the case it is usually written in."""
    words = name.split()
    return " ".join(_word_case(w, first=i == 0, last=i == len(words) - 1)
                    for i, w in enumerate(words))


def _word_case(word: str, first: bool, last: bool) -> str:
    bare = word.strip(".")
    if re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?", word) or len(bare) == 1:
        return word.upper()  # initials: "J.", "J.R.R."
    if _ROMAN.match(bare) and last and not first and bare.lower() not in _PARTICLES:
        return word.upper()
    if bare.lower() in _PARTICLES and not first and not last:
        return word.lower()
    return "-".join(_part_case(p) for p in word.split("-"))


def _part_case(part: str) -> str:
    low = part.lower()
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2:].capitalize()
    if "'" in low or "’" in low:  # O'Brien, D'Angelo
        quote = "'" if "'" in low else "’"
        head, _, tail = low.partition(quote)
        return f"{head.capitalize()}{quote}{tail.capitalize()}" if len(head) == 1 else (
            low.capitalize())
    return low.capitalize()
