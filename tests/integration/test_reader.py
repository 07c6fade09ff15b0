"""The reader end to end: guarded fetch, extraction in the CPU pool, final URLs, flags."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.cpu import CpuPool
from bot.errors import BlockedAddress, ExtractError, FetchError, UnsupportedContent
from bot.models import PageFlag, SourceKind
from bot.platform_ports import PageReader
from bot.reader import Reader, build_reader
from tests.fakes.web import FakeResolver, PageServer

PARAGRAPH = ("Researchers released a new open model this week, and early tests suggest it "
             "matches larger systems on reasoning tasks while costing far less to run. ")
ARTICLE = f"""<html lang="en"><head><title>Open model matches larger rivals | Daily AI</title>
<meta property="og:site_name" content="Daily AI">
<meta name="author" content="Ada Writer">
<link rel="canonical" href="https://news.test/2024/open-model"></head>
<body><nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<article><h1>Open model matches larger rivals</h1>
{"".join(f"<p>{PARAGRAPH * 2} Paragraph {i}.</p>" for i in range(6))}
</article><footer>About us · Privacy</footer></body></html>"""
PAYWALL = """<html><head><title>Big story</title></head><body><article><h1>Big story</h1>
<p>The first lines of a story.</p><div class="paywall"><p>Subscribe to continue reading.
Already a subscriber? Log in.</p></div></article></body></html>"""


@pytest.fixture
async def site() -> AsyncIterator[tuple[PageServer, Reader]]:
    async with PageServer() as server:
        server.add("/2024/open-model", ARTICLE)
        server.redirect("/s/abc", "/2024/open-model?utm_source=short")
        server.add("/paywalled", PAYWALL)
        server.add("/empty", "<html><body></body></html>")
        server.add("/image.png", body=b"\x89PNG", content_type="image/png")
        settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
                            fetch_max_bytes=200_000)
        async with build_reader(settings, resolver=FakeResolver({"news.test": ["127.0.0.1"]})
                                ) as reader:
            yield server, reader


def test_the_reader_is_a_page_reader() -> None:
    reader: PageReader = build_reader(Settings())
    assert hasattr(reader, "read")


async def test_an_article_is_fetched_and_extracted(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    article = await reader.read(server.url("/2024/open-model", host="news.test"))
    assert article.title.startswith("Open model matches larger rivals")
    assert "matches larger systems on reasoning tasks" in article.text
    assert "Privacy" not in article.text
    assert article.authors == ("Ada Writer",) and article.site_name == "Daily AI"
    assert article.kind == SourceKind.ARTICLE and article.flag is None
    assert article.canonical_url == "https://news.test/2024/open-model"


async def test_the_article_url_is_the_final_url_after_redirects(
    site: tuple[PageServer, Reader]
) -> None:
    server, reader = site
    article = await reader.read(server.url("/s/abc", host="news.test"))
    assert article.url == server.url("/2024/open-model?utm_source=short", host="news.test")
    assert article.canonical_url == "https://news.test/2024/open-model"


async def test_stubs_are_returned_flagged_not_raised(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    assert (await reader.read(server.url("/paywalled"))).flag == PageFlag.PAYWALL
    assert (await reader.read(server.url("/empty"))).flag == PageFlag.EMPTY


async def test_fetch_failures_carry_a_member_safe_reason(site: tuple[PageServer, Reader]
                                                         ) -> None:
    server, reader = site
    with pytest.raises(UnsupportedContent) as err:
        await reader.read(server.url("/image.png"))
    assert err.value.reason == "not a web page (image/png)"
    with pytest.raises(FetchError, match="404"):
        await reader.read(server.url("/missing"))
    with pytest.raises(FetchError, match="not a web address"):
        await reader.read("javascript:alert(1)")


async def test_the_guard_applies_to_the_reader() -> None:
    async with PageServer() as server, build_reader(Settings()) as reader:
        server.add("/a", ARTICLE)
        with pytest.raises(BlockedAddress):
            await reader.read(server.url("/a"))
    assert server.connections == 0


async def test_extraction_in_worker_processes() -> None:
    """With CPU workers the extraction runs in another process; the result is the same."""
    cpu = CpuPool(1)
    try:
        async with PageServer() as server:
            server.add("/a", ARTICLE)
            settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
            async with build_reader(settings, cpu=cpu) as reader:
                article = await reader.read(server.url("/a"))
    finally:
        await cpu.aclose()
    assert article.title.startswith("Open model matches larger rivals")


async def test_parser_failures_become_extract_errors(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    server.add("/bad.pdf", body=b"%PDF-1.7\n" + bytes(range(256)) * 4,
               content_type="application/pdf")
    with pytest.raises(ExtractError):
        await reader.read(server.url("/bad.pdf"))
