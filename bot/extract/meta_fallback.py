"""Second-source metadata: trafilatura's extract_metadata fills the fields that the publisher's
own declarations (metadata.py) leave empty. It looks at the visible markup too (by-lines), and
dates pages through htmldate (original publication date, not the last update)."""

from __future__ import annotations

import logging
import re
from typing import Any

from trafilatura import extract_metadata

from bot.extract.metadata import Metadata, date_of, one_line, without_site

# the fallback's own warnings (unparsable JSON-LD and the like) are normal on real pages
logging.getLogger("trafilatura.metadata").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)
FIELDS = ("title", "authors", "site_name", "published", "description", "image")
# By-lines run into the date beside them ("Jeff Foust Monday, November 18"); the date is not
# part of the name. A month name alone ends a name only where it cannot be one ("Theresa May").
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
          r"december)")
_DATE_WORDS = re.compile(
    r"(?:^|\s+)(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|published|updated|posted)\b.*$|"
    rf"(?:^|\s+){_MONTH}\s*\d.*$|^{_MONTH}$", re.IGNORECASE)
_TRAILING_MONTH = re.compile(rf"^(\S+\s+\S+.*?)\s+{_MONTH}$", re.IGNORECASE)
MAX_NAME = 80


def fill_gaps(md: Metadata, tree: Any, url: str) -> None:
    """Fill md's empty fields in place. ``tree`` is only read."""
    if all(getattr(md, name) for name in FIELDS):
        return
    try:
        found = extract_metadata(tree, default_url=url or None, extensive=False)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return  # a page odd enough to break the fallback keeps what it had
    if not md.site_name:
        md.site_name = one_line(found.sitename)
        md.title = without_site(md.title, md.site_name)
    if not md.title:
        md.title = without_site(one_line(found.title), md.site_name)
    if not md.authors and found.author:
        md.authors = _names(str(found.author))
    if not md.description:
        md.description = one_line(found.description)
    if not md.image and str(found.image or "").startswith(("http://", "https://")):
        md.image = str(found.image)
    if not md.published:
        md.published = date_of(str(found.date or ""))


def _names(raw: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in raw.split(";"):
        name = _DATE_WORDS.sub("", one_line(part)).strip(" ,.|")
        name = _TRAILING_MONTH.sub(r"\1", name)  # "Carrie Arnold November", not "Theresa May"
        if name and len(name) <= MAX_NAME and not any(ch.isdigit() for ch in name):
            out.append(name)
    return tuple(dict.fromkeys(out))[:8]
