"""The CPU pool's entry points for the heavy parsers, imported on first call.

The worker processes preload bot.extract (bot.preload), so a call there costs nothing extra;
a worker imports bot.sources.pdf on its first PDF. The bot's own process, which only hands
pages to the pool, never imports the extraction stack (trafilatura, pypdf): commands start
fetching sooner.
"""

from __future__ import annotations

from bot.models import Article


def extract_article(html: str, url: str) -> Article:
    from bot.extract import extract_article as extract

    return extract(html, url)


def parse_pdf(body: bytes, url: str) -> Article:
    from bot.sources.pdf import parse_pdf as parse

    return parse(body, url)
