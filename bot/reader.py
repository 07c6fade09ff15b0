"""The PageReader: guarded fetch, then extraction off the event loop, with special sources.

Every request, including secondary ones (oEmbed, a video's watch page, the abs page behind an
arXiv PDF link), goes through the same guarded fetcher. Parsing runs in the CPU pool (worker
processes, or a thread with ``cpu_workers=0``), never on the event loop.
"""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar
from urllib.parse import parse_qs, quote, urlsplit

from lxml import etree

from bot.config import Settings
from bot.cpu import CpuPool
from bot.errors import ExtractError, FetchError, InvalidLink
from bot.fetch import JSON_TYPES, Fetcher, Resolver
from bot.links import canonicalize
from bot.models import Article
from bot.parsers import extract_article, parse_pdf  # lazy: the CPU workers parse
from bot.sources import Endpoints
from bot.sources.arxiv import ABS_PATH, parse_abs
from bot.sources.github import REPO_PATH, is_repository, parse_repo
from bot.sources.youtube import parse_oembed

T = TypeVar("T")
# What a parser may raise on hostile input; anything else is a bug and propagates.
_PARSE_ERRORS = (ValueError, LookupError, TypeError, etree.LxmlError)


class Reader:
    """Implements bot.platform_ports.PageReader.

    Use as ``async with build_reader(settings) as r``."""

    def __init__(self, fetcher: Fetcher, endpoints: Endpoints | None = None,
                 cpu: CpuPool | None = None) -> None:
        self._fetcher = fetcher
        self._endpoints = endpoints or Endpoints()
        self._cpu = cpu or CpuPool(0)

    async def read(self, url: str) -> Article:
        """The article at ``url``. Raises FetchError (member-safe ``reason``) or
        ExtractError; a paywall or similar stub comes back with ``Article.flag`` set."""
        try:
            canonical = canonicalize(url)
        except InvalidLink as err:
            raise FetchError("that is not a web address the bot can fetch") from err
        parts = urlsplit(canonical)
        host, path = parts.hostname or "", parts.path
        if host == "arxiv.org" and (match := ABS_PATH.match(path)):
            page = await self._fetcher.fetch(f"{self._endpoints.arxiv}/abs/{match['id']}")
            return await self._parse(parse_abs, page.text, canonical)
        if host == "github.com" and (match := REPO_PATH.match(path)) and is_repository(match):
            page = await self._fetcher.fetch(f"{self._endpoints.github}{path}")
            return await self._parse(parse_repo, page.text, canonical, match["owner"],
                                     match["repo"])
        if host == "www.youtube.com" and path == "/watch" and parse_qs(parts.query).get("v"):
            return await self._video(canonical, parts.query)
        return await self._generic(url)

    async def _generic(self, url: str) -> Article:
        page = await self._fetcher.fetch(url)
        if page.content_type == "application/pdf":
            article = await self._parse(parse_pdf, page.body, page.final_url)
        else:
            article = await self._parse(extract_article, page.text, page.final_url)
        return dataclasses.replace(article, url=page.final_url)

    async def _video(self, url: str, query: str) -> Article:
        oembed = await self._fetcher.fetch(
            f"{self._endpoints.youtube}/oembed?format=json&url={quote(url, safe='')}",
            accept=JSON_TYPES,
        )
        try:
            watch = (await self._fetcher.fetch(f"{self._endpoints.youtube}/watch?{query}")).text
        except FetchError:
            watch = ""  # the description is a nicety; title and channel are enough
        return await self._parse(parse_oembed, oembed.text, url, watch)

    async def _parse(self, parser: Callable[..., T], *args: object) -> T:
        try:
            return await self._cpu.run(parser, *args)
        except ExtractError:
            raise
        except _PARSE_ERRORS as err:
            raise ExtractError("the page could not be read") from err

    async def aclose(self) -> None:
        await self._fetcher.aclose()

    async def __aenter__(self) -> Reader:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.aclose()


def build_reader(settings: Settings, resolver: Resolver | None = None,
                 endpoints: Endpoints | None = None, cpu: CpuPool | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> Reader:
    """The reader the app uses. ``resolver``, ``endpoints`` and ``ssl_context`` (which must
    verify) let tests and benchmarks reach local servers; ``cpu`` is the shared CPU pool."""
    return Reader(Fetcher(
        allow=settings.fetch_allow_networks,
        resolver=resolver,
        max_bytes=settings.fetch_max_bytes,
        deadline=settings.fetch_deadline,
        connect_timeout=settings.fetch_connect_timeout,
        read_timeout=settings.fetch_read_timeout,
        max_redirects=settings.fetch_max_redirects,
        per_host=settings.fetch_per_host,
        max_in_flight=settings.ingest_concurrency,
        ssl_context=ssl_context,
    ), endpoints, cpu)
