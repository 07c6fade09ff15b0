"""Special sources through the real reader and guarded fetcher, against a local server."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ExtractError, FetchError, HttpStatus, TooLarge
from bot.links import canonicalize
from bot.models import SourceKind
from bot.reader import Reader, build_reader
from bot.sources import Endpoints
from tests.fakes.web import FakeResolver, PageServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


@pytest.fixture
async def site() -> AsyncIterator[tuple[PageServer, Reader]]:
    async with PageServer() as server:
        server.add("/abs/2411.01234", (FIXTURES / "arxiv_abs.html").read_text())
        server.add("/acme/tinyllm", (FIXTURES / "github_repo.html").read_text())
        server.add("/watch", (FIXTURES / "youtube_watch.html").read_text())
        server.add("/oembed", body=(FIXTURES / "youtube_oembed.json").read_bytes(),
                   content_type="application/json")
        for name in ("paper.pdf", "untitled.pdf", "encrypted.pdf"):
            server.add(f"/{name}", body=(FIXTURES / name).read_bytes(),
                       content_type="application/pdf")
        server.add("/broken.pdf", body=b"%PDF-1.4 garbage", content_type="application/pdf")
        base = server.url("")
        settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
        # Names are never looked up in real DNS: only numeric hosts resolve.
        reader = build_reader(settings, resolver=FakeResolver(),
                              endpoints=Endpoints(arxiv=base, github=base, youtube=base))
        async with reader:
            yield server, reader


@pytest.mark.parametrize("link", [
    "https://arxiv.org/abs/2411.01234", "https://arxiv.org/pdf/2411.01234v2.pdf",
    "https://arxiv.org/abs/2411.01234v1", "http://export.arxiv.org/abs/2411.01234",
])
async def test_arxiv_links_read_the_abs_page(site: tuple[PageServer, Reader], link: str) -> None:
    server, reader = site
    article = await reader.read(canonicalize(link))
    assert article.title == "Sparse Routing for Mixture-of-Experts Without Auxiliary Losses"
    assert article.authors == ("Lena Fischer", "Dana Okafor")
    assert article.text.startswith("Mixture-of-experts layers route each token")
    assert (article.kind, article.site_name, article.published) == (
        SourceKind.PAPER, "arXiv", "2024-11-02")
    assert article.url == "https://arxiv.org/abs/2411.01234"
    assert server.requests == ["/abs/2411.01234"]


async def test_github_repository(site: tuple[PageServer, Reader]) -> None:
    _, reader = site
    article = await reader.read(canonicalize("https://github.com/acme/tinyllm"))
    assert (article.title, article.kind, article.site_name) == (
        "acme/tinyllm", SourceKind.CODE, "GitHub")
    assert article.description == "Run small language models on a laptop, fast."
    assert "runs quantized language models on ordinary laptops" in article.text
    assert "Sign in" not in article.text


async def test_youtube_through_oembed(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    article = await reader.read(canonicalize("https://youtu.be/abc123?si=x"))
    assert (article.title, article.authors, article.kind) == (
        "Attention, visually explained", ("Tensor Tutorials",), SourceKind.VIDEO)
    assert article.text.startswith("A 12-minute visual walk through self-attention")
    oembed = next(r for r in server.requests if r.startswith("/oembed"))
    assert "url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3Dabc123" in oembed


async def test_youtube_without_a_watch_page_still_has_title_and_channel(
    site: tuple[PageServer, Reader]
) -> None:
    server, reader = site
    server.add("/watch", "gone", status=404)
    article = await reader.read("https://www.youtube.com/watch?v=abc123")
    assert (article.title, article.text) == ("Attention, visually explained", "")


async def test_pdf_links(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    article = await reader.read(server.url("/paper.pdf"))
    assert (article.title, article.authors, article.kind) == (
        "Scaling Laws for Tiny Models", ("Ada Byron",), SourceKind.PAPER)
    assert "Loss falls as a power law in parameters." in article.text
    untitled = await reader.read(server.url("/untitled.pdf"))
    assert (untitled.title, untitled.authors) == ("A Field Guide to Tokenizers", ())
    for path in ("/broken.pdf", "/encrypted.pdf"):
        with pytest.raises(ExtractError, match="PDF"):
            await reader.read(server.url(path))


async def test_pdf_links_are_size_capped() -> None:
    async with PageServer() as server:
        server.add("/paper.pdf", body=(FIXTURES / "paper.pdf").read_bytes(),
                   content_type="application/pdf")
        settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),),
                            fetch_max_bytes=500)
        async with build_reader(settings) as reader:
            with pytest.raises(TooLarge):
                await reader.read(server.url("/paper.pdf"))


async def test_sources_on_their_real_names_through_a_fake_resolver() -> None:
    """Without injected endpoints: the special-source hosts resolve (fake resolver) to a
    local server that loopback is allowed for. Plain http stands in for their https."""
    async with PageServer() as server:
        server.add("/abs/2411.01234", (FIXTURES / "arxiv_abs.html").read_text())
        resolver = FakeResolver(default="127.0.0.1")
        settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
        endpoints = Endpoints(arxiv=f"http://arxiv.org:{server.port}")
        async with build_reader(settings, resolver=resolver, endpoints=endpoints) as reader:
            article = await reader.read("https://arxiv.org/pdf/2411.01234v3")
    assert article.title.startswith("Sparse Routing") and resolver.lookups == ["arxiv.org"]
    assert server.hosts == [f"arxiv.org:{server.port}"]


async def test_github_pages_that_are_not_repositories_are_read_as_pages(
    site: tuple[PageServer, Reader]
) -> None:
    server, reader = site
    with pytest.raises(FetchError, match="could not be found"):  # the fake knows no names
        await reader.read("https://github.com/topics/llm")
    assert server.requests == []


async def test_youtube_oembed_failure_is_a_fetch_error(site: tuple[PageServer, Reader]) -> None:
    server, reader = site
    server.add("/oembed", "Unauthorized", status=401)  # a private video
    with pytest.raises(HttpStatus):
        await reader.read("https://www.youtube.com/watch?v=private1")
