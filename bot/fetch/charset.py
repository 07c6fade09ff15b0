"""Turning page bytes into text: header, meta, XML declaration, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Pages that claim ISO-8859-1 or ASCII are decoded as windows-1252, as browsers do.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def charset_from_content_type(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.IGNORECASE)
    return _known(match.group(1)) if match else None


def decode(body: bytes, content_type: str = "") -> str:
    """Decode a page; undecodable bytes become U+FFFD, never an exception."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    head = body[:4096]
    declared = charset_from_content_type(content_type)
    for pattern in (_META, _XML):
        if declared:
            break
        match = pattern.search(head)
        declared = _known(match.group(1).decode("ascii", "replace")) if match else None
    if declared:
        return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body[:65536]).best()
        encoding = best.encoding if best is not None else "utf-8"
        return body.decode(encoding, errors="replace")
