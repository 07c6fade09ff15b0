"""Special sources through the real reader and guarded fetcher, against a local server."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ExtractError
from bot.links import canonicalize
from bot.models import SourceKind
from bot.reader import Reader, build_reader
from bot.sources import Endpoints
from tests.fakes.web import PageServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def make_pdf(title: str, author: str, lines: list[str]) -> bytes:
    """A minimal valid PDF with an Info dictionary and one page of text."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /Author ({author}) >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return out


@pytest.fixture
async def site() -> AsyncIterator[tuple[PageServer, Reader]]:
    async with PageServer() as server:
        server.add("/abs/2411.01234", (FIXTURES / "arxiv_abs.html").read_text())
        server.add("/acme/tinyllm", (FIXTURES / "github_repo.html").read_text())
        server.add("/watch", (FIXTURES / "youtube_watch.html").read_text())
        server.add("/oembed", body=(FIXTURES / "youtube_oembed.json").read_bytes(),
                   content_type="application/json")
        server.add("/paper.pdf", body=make_pdf(
            "Scaling Laws for Tiny Models", "Ada Byron",
            ["Scaling Laws for Tiny Models", "We study how small models scale.",
             "Loss falls as a power law in parameters."]), content_type="application/pdf")
        server.add("/broken.pdf", body=b"%PDF-1.4 garbage", content_type="application/pdf")
        base = server.url("")
        settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
        reader = build_reader(settings, endpoints=Endpoints(arxiv=base, github=base,
                                                            youtube=base))
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
    with pytest.raises(ExtractError, match="PDF"):
        await reader.read(server.url("/broken.pdf"))
