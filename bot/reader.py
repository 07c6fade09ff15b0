"""The PageReader: guarded fetch, then extraction off the event loop."""

from __future__ import annotations

import asyncio
import dataclasses
from types import TracebackType

from bot.config import Settings
from bot.errors import ExtractError
from bot.extract import extract_article
from bot.fetch import Fetcher, Resolver
from bot.models import Article


class Reader:
    """Implements bot.ports.PageReader."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    async def read(self, url: str) -> Article:
        page = await self._fetcher.fetch(url)
        if page.content_type == "application/pdf":
            raise ExtractError("PDF links are not supported yet")
        # Parsing is CPU work: keep it off the event loop so chat events stay responsive.
        article = await asyncio.to_thread(extract_article, page.text, page.final_url)
        return dataclasses.replace(article, url=page.final_url)

    async def aclose(self) -> None:
        await self._fetcher.aclose()

    async def __aenter__(self) -> Reader:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.aclose()


def build_reader(settings: Settings, resolver: Resolver | None = None) -> Reader:
    return Reader(Fetcher(
        allow=settings.fetch_allow_networks,
        resolver=resolver,
        max_bytes=settings.fetch_max_bytes,
        deadline=settings.fetch_deadline,
        connect_timeout=settings.fetch_connect_timeout,
        read_timeout=settings.fetch_read_timeout,
        max_redirects=settings.fetch_max_redirects,
        per_host=settings.fetch_per_host,
    ))
