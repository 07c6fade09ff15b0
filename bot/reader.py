"""The PageReader: guarded fetch, then extraction off the event loop, with special sources.

Every request, including secondary ones (oEmbed, a video's watch page), goes through the same
guarded fetcher.
"""

from __future__ import annotations

import dataclasses
from types import TracebackType
from urllib.parse import parse_qs, quote, urlsplit

from bot.config import Settings
from bot.cpu import CpuPool
from bot.errors import FetchError
from bot.extract import extract_article
from bot.fetch import Fetcher, Resolver
from bot.models import Article
from bot.sources import Endpoints
from bot.sources.arxiv import ABS_PATH, parse_abs
from bot.sources.github import REPO_PATH, parse_repo
from bot.sources.pdf import parse_pdf
from bot.sources.youtube import parse_oembed

GITHUB_NOT_REPOS = frozenset({"orgs", "topics", "features", "marketplace", "sponsors",
                              "settings", "about", "pricing", "search", "explore", "login"})


class Reader:
    """Implements bot.ports.PageReader."""

    def __init__(self, fetcher: Fetcher, endpoints: Endpoints | None = None,
                 cpu: CpuPool | None = None) -> None:
        self._fetcher = fetcher
        self._endpoints = endpoints or Endpoints()
        self._cpu = cpu or CpuPool(0)

    async def read(self, url: str) -> Article:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
        if host == "arxiv.org" and (match := ABS_PATH.match(path)):
            page = await self._fetcher.fetch(f"{self._endpoints.arxiv}/abs/{match['id']}")
            return await self._cpu.run(parse_abs, page.text, url)
        if host == "github.com" and (match := REPO_PATH.match(path)) and (
                match["owner"] not in GITHUB_NOT_REPOS):
            page = await self._fetcher.fetch(f"{self._endpoints.github}{path}")
            return await self._cpu.run(parse_repo, page.text, url, match["owner"],
                                       match["repo"])
        if host == "www.youtube.com" and path == "/watch" and parse_qs(parts.query).get("v"):
            return await self._video(url, parts.query)
        return await self._generic(url)

    async def _generic(self, url: str) -> Article:
        page = await self._fetcher.fetch(url)
        if page.content_type == "application/pdf":
            article = await self._cpu.run(parse_pdf, page.body, page.final_url)
        else:
            article = await self._cpu.run(extract_article, page.text, page.final_url)
        return dataclasses.replace(article, url=page.final_url)

    async def _video(self, url: str, query: str) -> Article:
        oembed = await self._fetcher.fetch(
            f"{self._endpoints.youtube}/oembed?format=json&url={quote(url, safe='')}",
            accept=("application/json", "text/json"),
        )
        try:
            watch = (await self._fetcher.fetch(f"{self._endpoints.youtube}/watch?{query}")).text
        except FetchError:
            watch = ""  # the description is a nicety; title and channel are enough
        return await self._cpu.run(parse_oembed, oembed.body.decode("utf-8", "replace"), url,
                                   watch)

    async def aclose(self) -> None:
        await self._fetcher.aclose()

    async def __aenter__(self) -> Reader:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.aclose()


def build_reader(settings: Settings, resolver: Resolver | None = None,
                 endpoints: Endpoints | None = None, cpu: CpuPool | None = None) -> Reader:
    return Reader(Fetcher(
        allow=settings.fetch_allow_networks,
        resolver=resolver,
        max_bytes=settings.fetch_max_bytes,
        deadline=settings.fetch_deadline,
        connect_timeout=settings.fetch_connect_timeout,
        read_timeout=settings.fetch_read_timeout,
        max_redirects=settings.fetch_max_redirects,
        per_host=settings.fetch_per_host,
    ), endpoints, cpu)
