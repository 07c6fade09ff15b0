"""Caps, charsets, broken responses and politeness of the fetcher, against local servers."""

from __future__ import annotations

import asyncio
import codecs
import gzip
import ipaddress
import zlib
from collections.abc import AsyncIterator

import pytest

from bot.errors import (
    FetchError,
    FetchTimeout,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
)
from bot.fetch import JSON_TYPES, Fetcher
from tests.fakes.web import FakeResolver, PageServer

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    async with PageServer() as pages:
        pages.add("/ok", "<html><body><p>hello</p></body></html>")
        yield pages


def _fetcher(**kw: object) -> Fetcher:
    kw.setdefault("allow", LOOPBACK)
    return Fetcher(**kw)  # type: ignore[arg-type]


# -- charsets -------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("café".encode("cp1252"), "text/html; charset=windows-1252", "café"),
    ("café".encode("cp1252"), "text/html; charset=ISO-8859-1", "café"),
    ("café €".encode("cp1252"), 'text/html; charset="latin1"', "café €"),  # as browsers do
    ('<meta charset="iso-8859-15"><p>café'.encode("latin-1"), "text/html", "café"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>日本語'
     .encode("shift_jis"), "text/html", "日本語"),
    ('<?xml version="1.0" encoding="windows-1251"?><p>Привет'.encode("cp1251"),
     "application/xhtml+xml", "Привет"),
    (codecs.BOM_UTF8 + "<p>naïve</p>".encode(), "text/html; charset=latin-1", "naïve"),
    (codecs.BOM_UTF16_LE + "<p>naïve</p>".encode("utf-16-le"), "text/html", "naïve"),
    ("<p>naïve</p>".encode(), "text/html", "naïve"),
    ("<p>Привет, мир! Это тестовая страница о новостях.</p>".encode("koi8-r") * 5,
     "text/html", "Привет"),
    (b"<p>caf\xe9 \xff\xfe</p>", "text/html; charset=utf-8", "caf\ufffd"),  # wrong header
    ("<p>café</p>".encode(), "text/html; charset=nonsense-9", "café"),  # unknown name
    (b'<meta charset="hex"><p>plain</p>', "text/html", "plain"),  # not a text codec
    ("<p>café</p>".encode(), "text/html; charset=zlib_codec", "café"),
    ('<meta charset="utf-16"><p>café'.encode(), "text/html", "café"),  # meta cannot be 16
])
async def test_charsets(server: PageServer, body: bytes, content_type: str,
                        expected: str) -> None:
    server.add("/c", body=body, content_type=content_type)
    async with _fetcher() as fetcher:
        page = await fetcher.fetch(server.url("/c"))
    assert expected in page.text


async def test_random_bytes_never_crash_decoding(server: PageServer) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(20_000))
    server.add("/noise", body=noise, content_type="text/html")
    async with _fetcher() as fetcher:
        page = await fetcher.fetch(server.url("/noise"))
    assert isinstance(page.text, str) and page.text


# -- sizes and compression ------------------------------------------------------------------

async def test_declared_length_over_the_cap_is_refused_before_reading(server: PageServer
                                                                      ) -> None:
    server.huge("/declared", 50_000_000)
    async with _fetcher(max_bytes=1000) as fetcher:
        with pytest.raises(TooLarge, match="1,000 bytes"):
            await fetcher.fetch(server.url("/declared"))


async def test_streamed_body_over_the_cap_is_cut_off(server: PageServer) -> None:
    server.huge("/undeclared", 5_000_000, declare_length=False)
    server.huge("/fits", 900, declare_length=False)
    async with _fetcher(max_bytes=1000) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(server.url("/undeclared"))
        assert len((await fetcher.fetch(server.url("/fits"))).body) == 900


@pytest.mark.parametrize("layers", [1, 2])
async def test_gzip_bombs_are_capped_on_decoded_size(server: PageServer, layers: int) -> None:
    sent = server.gzip_bomb("/bomb", size=20_000_000, layers=layers)
    assert sent < 25_000
    async with _fetcher(max_bytes=100_000) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(server.url("/bomb"))


@pytest.mark.parametrize(("encoding", "packed"), [
    ("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
    ("identity", lambda data: data),
])
async def test_compressed_pages_are_decoded(server: PageServer, encoding: str,
                                            packed: object) -> None:
    html = "<p>" + "compressed words " * 200 + "</p>"
    server.add("/z", body=packed(html.encode()), headers={"Content-Encoding": encoding})  # type: ignore[operator]
    async with _fetcher() as fetcher:
        assert (await fetcher.fetch(server.url("/z"))).text == html


@pytest.mark.parametrize(("encoding", "body"), [
    ("br", b"\x0b\x02\x80hello\x03"), ("gzip", b"not gzip at all"),
    ("gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(b"<p>x</p>")))),
])
async def test_unknown_or_corrupt_encodings_are_refused(server: PageServer, encoding: str,
                                                        body: bytes) -> None:
    server.add("/e", body=body, headers={"Content-Encoding": encoding})
    async with _fetcher() as fetcher:
        with pytest.raises(UnsupportedContent):
            await fetcher.fetch(server.url("/e"))


# -- time -----------------------------------------------------------------------------------

async def test_a_dripping_server_hits_the_overall_deadline(server: PageServer) -> None:
    server.drip("/drip", interval=0.02)  # each byte well inside the read timeout
    async with _fetcher(deadline=0.3, read_timeout=5) as fetcher:
        with pytest.raises(FetchTimeout, match=r"longer than 0\.3s"):
            await fetcher.fetch(server.url("/drip"))


async def test_a_silent_server_hits_the_read_timeout(server: PageServer) -> None:
    gate = server.hold("/silent")
    async with _fetcher(read_timeout=0.1, deadline=30) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.fetch(server.url("/silent"))
    gate.release.set()


async def test_a_truncated_body_is_a_clean_failure(server: PageServer) -> None:
    server.truncated("/cut", "<html><body><p>half a page", missing=500)
    async with _fetcher() as fetcher:
        with pytest.raises(FetchError, match="could not be read completely"):
            await fetcher.fetch(server.url("/cut"))


async def test_unreachable_host_and_unknown_name(server: PageServer) -> None:
    async with _fetcher(resolver=FakeResolver()) as fetcher:
        with pytest.raises(FetchError, match="could not be reached"):
            await fetcher.fetch("http://127.0.0.1:1/")  # nothing listens there
        with pytest.raises(FetchError, match="could not be found"):
            await fetcher.fetch("http://nowhere.test/")


# -- redirects ------------------------------------------------------------------------------

async def test_relative_locations_are_resolved(server: PageServer) -> None:
    server.redirect("/a/b", "c")  # relative to the directory
    server.redirect("/a/c", "../d?x=1#frag")
    server.redirect("/d", f"//127.0.0.1:{server.port}/e")  # scheme-relative
    server.redirect("/e", "  /ok  ", status=301)  # stray whitespace
    async with _fetcher() as fetcher:
        page = await fetcher.fetch(server.url("/a/b"))
    assert page.final_url == server.url("/ok")
    assert server.requests == ["/a/b", "/a/c", "/d?x=1", "/e", "/ok"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_every_redirect_status_is_followed(server: PageServer, status: int) -> None:
    server.redirect("/r", "/ok", status=status)
    async with _fetcher() as fetcher:
        assert (await fetcher.fetch(server.url("/r"))).final_url == server.url("/ok")


@pytest.mark.parametrize("location", ["", "http://[::1", "http://exa mple.test/",
                                      "http://127.0.0.1:99999/", "http:///nohost",
                                      "http://a\x01b.test/"])
async def test_broken_locations_are_clean_failures(server: PageServer, location: str) -> None:
    server.redirect("/broken", location)
    async with _fetcher() as fetcher:
        with pytest.raises(FetchError) as err:
            await fetcher.fetch(server.url("/broken"))
    assert err.value.reason and len(err.value.reason) < 80


async def test_redirect_loops_stop_early(server: PageServer) -> None:
    server.redirect_loop("/loop")
    server.redirect("/self", "/self")
    async with _fetcher() as fetcher:
        for path in ("/loop", "/self"):
            with pytest.raises(TooManyRedirects, match="loop"):
                await fetcher.fetch(server.url(path))
    assert server.requests == ["/loop", "/loop/b", "/self"]


# -- content types and statuses -------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/json", "image/png", "text/plain",
                                          "application/octet-stream", "video/mp4", ""])
async def test_other_content_types_are_refused_from_headers(server: PageServer,
                                                            content_type: str) -> None:
    server.add("/blob", body=b"x" * 100, content_type=content_type)
    async with _fetcher() as fetcher:
        with pytest.raises(UnsupportedContent, match="not a web page"):
            await fetcher.fetch(server.url("/blob"))


@pytest.mark.parametrize("content_type", ["text/html", "TEXT/HTML; charset=utf-8",
                                          "application/xhtml+xml", "application/pdf"])
async def test_web_pages_and_pdfs_are_taken(server: PageServer, content_type: str) -> None:
    server.add("/p", body=b"<p>x</p>", content_type=content_type)
    async with _fetcher() as fetcher:
        page = await fetcher.fetch(server.url("/p"))
    assert page.content_type == content_type.split(";")[0].lower()
    assert page.text == ("" if "pdf" in content_type else "<p>x</p>")


async def test_accept_can_be_widened_per_call(server: PageServer) -> None:
    server.add("/oembed", body=b'{"title": "t"}', content_type="application/json")
    async with _fetcher() as fetcher:
        page = await fetcher.fetch(server.url("/oembed"), accept=JSON_TYPES)
    assert page.text == '{"title": "t"}'


@pytest.mark.parametrize("status", [404, 410, 500, 503, 300, 304])
async def test_error_statuses(server: PageServer, status: int) -> None:
    server.add("/s", "<p>error page</p>", status=status)
    async with _fetcher() as fetcher:
        with pytest.raises(HttpStatus) as err:
            await fetcher.fetch(server.url("/s"))
    assert err.value.status == status and str(status) in err.value.reason


# -- politeness -----------------------------------------------------------------------------

async def test_concurrent_fetches_of_one_url_share_one_request(server: PageServer) -> None:
    gate = server.hold("/shared", "<p>shared</p>")
    async with _fetcher() as fetcher:
        waiting = [asyncio.create_task(fetcher.fetch(server.url("/shared"))) for _ in range(5)]
        await gate.entered.wait()
        waiting[0].cancel()  # one member's task giving up does not cancel the others'
        gate.release.set()
        pages = await asyncio.gather(*waiting[1:])
    assert {p.text for p in pages} == {"<p>shared</p>"}
    assert server.requests == ["/shared"]


async def test_fetches_of_different_urls_do_not_wait_for_each_other(server: PageServer
                                                                    ) -> None:
    gate = server.hold("/held")
    async with _fetcher() as fetcher:
        slow = asyncio.create_task(fetcher.fetch(server.url("/held")))
        await gate.entered.wait()
        assert "hello" in (await fetcher.fetch(server.url("/ok"))).text
        assert not slow.done()
        gate.release.set()
        await slow


async def test_failures_are_cached_for_a_while(server: PageServer) -> None:
    server.add("/down", "<p>down</p>", status=503)
    async with _fetcher(failure_ttl=60) as fetcher:
        for _ in range(3):
            with pytest.raises(HttpStatus):
                await fetcher.fetch(server.url("/down"))
        server.add("/down", "<p>up again</p>")
        with pytest.raises(HttpStatus):
            await fetcher.fetch(server.url("/down"))  # still remembered
    assert server.requests == ["/down"]
    async with _fetcher(failure_ttl=0) as fresh:
        assert "up again" in (await fresh.fetch(server.url("/down"))).text


async def test_per_host_limit(server: PageServer) -> None:
    gate = server.hold("/h")
    resolver = FakeResolver({"one.test": ["127.0.0.1"], "two.test": ["127.0.0.1"]})
    async with _fetcher(resolver=resolver, per_host=1) as fetcher:
        urls = [server.url(f"/h?{i}", host="one.test") for i in range(3)]
        urls.append(server.url("/h", host="two.test"))
        tasks = [asyncio.create_task(fetcher.fetch(u)) for u in urls]
        while len(gate.arrivals) < 2:
            await gate.entered.wait()
            gate.entered.clear()
        # The other one.test fetches wait for the first one's slot: they cannot be here yet.
        assert sorted(gate.arrivals) == ["one.test", "two.test"]
        gate.release.set()
        await asyncio.gather(*tasks)
    assert len(gate.arrivals) == 4


async def test_waiting_for_a_host_slot_does_not_eat_the_deadline(server: PageServer) -> None:
    server.slow("/slowish", 0.2, "<p>done</p>")
    async with _fetcher(per_host=1, deadline=0.5) as fetcher:
        pages = await asyncio.gather(*(fetcher.fetch(server.url(f"/slowish?{i}"))
                                       for i in range(4)))
    assert [p.text for p in pages] == ["<p>done</p>"] * 4
