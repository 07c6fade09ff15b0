"""PDF links: title, author and text from the PDF itself (pypdf), page- and size-capped.
The body is already capped by the fetcher; here the work is capped too."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from bot.errors import ExtractError
from bot.models import Article, SourceKind

MAX_PAGES = 20
MAX_CHARS = 200_000
logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs are common and noisy


def parse_pdf(body: bytes, url: str) -> Article:
    try:
        reader = PdfReader(io.BytesIO(body))
        # Many PDFs are "encrypted" only to set permissions, with an empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("the PDF is encrypted")
        info = reader.metadata
        parts, size = [], 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_CHARS:
                break
        title = " ".join(str(info.title or "").split()) if info else ""
        author = " ".join(str(info.author or "").split()) if info else ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError,
            NotImplementedError, RecursionError) as err:
        raise ExtractError("the PDF could not be read") from err
    text = "\n".join(" ".join(line.split()) for p in parts for line in p.splitlines())[:MAX_CHARS]
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines and not title:
        raise ExtractError("the PDF has no text (a scan?)")
    body_text = "\n".join(lines)
    return Article(url=url, title=title or (lines[0][:200] if lines else url),
                   text=body_text, authors=(author,) if author else (),
                   description=body_text[:300], kind=SourceKind.PAPER)
