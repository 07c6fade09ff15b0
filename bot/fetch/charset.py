"""Turning page bytes into text: BOM, header, meta, XML declaration, then detection.
Undecodable bytes become U+FFFD; no page can make decoding raise."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
DETECT_BYTES = 65536


def _known(name: str | None) -> str | None:
    """A text codec for a declared charset, or None (unknown, or a bytes-to-bytes codec
    such as 'hex' or 'zlib' that a hostile page could name)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().lower())
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    # Pages that claim ISO-8859-1 or ASCII are decoded as windows-1252, as browsers do.
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


def charset_from_content_type(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.IGNORECASE)
    return _known(match.group(1)) if match else None


def _from_markup(head: bytes) -> str | None:
    for pattern in (_META, _XML):
        match = pattern.search(head)
        declared = _known(match.group(1).decode("ascii", "replace")) if match else None
        if declared:
            # A page that could be read far enough to find this is not UTF-16 (HTML spec).
            return "utf-8" if declared.startswith("utf-16") else declared
    return None


def decode(body: bytes, content_type: str = "") -> str:
    """Decode a page; undecodable bytes become U+FFFD, never an exception."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    declared = charset_from_content_type(content_type) or _from_markup(body[:4096])
    if declared:
        try:
            return body.decode(declared, errors="replace")
        except (LookupError, ValueError):
            pass  # a codec that cannot decode with replacement: fall through to detection
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body[:DETECT_BYTES]).best()
        encoding = best.encoding if best is not None else "utf-8"
        return body.decode(encoding, errors="replace")
