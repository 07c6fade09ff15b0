"""The guarded fetcher against a local server and a fake resolver. No real DNS, no network."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
)
from bot.fetch import Fetcher
from bot.fetch.guard import Address, is_public
from tests.fakes.web import PageServer, drip

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


class FakeResolver:
    """Maps names to addresses; records every lookup."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int) -> list[Address]:
        self.lookups.append(host)
        try:
            return [ipaddress.ip_address(a) for a in self.table[host]]
        except KeyError:
            return [ipaddress.ip_address(host)]


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    async with PageServer() as pages:
        pages.add("/ok", "<html><body><p>hello</p></body></html>")
        yield pages


def _fetcher(**kw: object) -> Fetcher:
    kw.setdefault("allow", LOOPBACK)
    return Fetcher(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "::1", "::",
    "fe80::1", "fc00::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::127.0.0.1",
    "2002:7f00:1::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b::a00:1", "2001:db8::1",
])
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:84e5", "1.1.1.1",
                                     "64:ff9b::5db8:d822", "::ffff:93.184.216.34"])
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


async def test_loopback_is_refused_without_allowlist(server: PageServer) -> None:
    fetcher = _fetcher(allow=())
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(server.url("/ok"))
    await fetcher.aclose()
    assert server.requests == [], "no connection reached the blocked target"


async def test_a_name_with_any_private_address_is_refused(server: PageServer) -> None:
    resolver = FakeResolver({"mixed.test": ["93.184.216.34", "10.0.0.1"]})
    fetcher = _fetcher(allow=(), resolver=resolver)
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(f"http://mixed.test:{server.port}/ok")
    await fetcher.aclose()


async def test_connects_to_the_checked_address_with_the_name_as_host(server: PageServer) -> None:
    resolver = FakeResolver({"news.test": ["127.0.0.1"]})
    fetcher = _fetcher(resolver=resolver)
    page = await fetcher.fetch(f"http://news.test:{server.port}/ok")
    await fetcher.aclose()
    assert page.text.startswith("<html>") and page.final_url.endswith("/ok")
    assert resolver.lookups == ["news.test"], "resolved once, connected to that address"


async def test_redirect_to_a_blocked_address_is_refused(server: PageServer) -> None:
    server.redirect("/hop", "http://169.254.169.254/latest/meta-data/")
    fetcher = _fetcher()
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(server.url("/hop"))
    await fetcher.aclose()


async def test_redirects_are_followed_relative_and_capped(server: PageServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "ok")
    for i in range(7):
        server.redirect(f"/loop{i}", f"/loop{i + 1}")
    server.redirect("/self", "/self")
    server.redirect("/empty", "")
    fetcher = _fetcher()
    page = await fetcher.fetch(server.url("/a"))
    assert page.final_url == server.url("/ok")
    for path in ("/loop0", "/self"):
        with pytest.raises(TooManyRedirects):
            await fetcher.fetch(server.url(path))
    with pytest.raises(FetchError):
        await fetcher.fetch(server.url("/empty"))
    await fetcher.aclose()


async def test_content_type_and_status_are_checked(server: PageServer) -> None:
    server.add("/json", body=b"{}", content_type="application/json")
    server.add("/gone", "<p>gone</p>", status=410)
    fetcher = _fetcher()
    with pytest.raises(UnsupportedContent):
        await fetcher.fetch(server.url("/json"))
    with pytest.raises(HttpStatus, match="410"):
        await fetcher.fetch(server.url("/gone"))
    await fetcher.aclose()


async def test_size_caps_declared_and_decoded(server: PageServer) -> None:
    server.add("/big", "x" * 5000)
    bomb = gzip.compress(b"<p>" + b"a" * 2_000_000)
    server.add("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    fetcher = _fetcher(max_bytes=1000)
    for path in ("/big", "/bomb"):
        with pytest.raises(TooLarge):
            await fetcher.fetch(server.url(path))
    await fetcher.aclose()
    assert len(bomb) < 10_000


async def test_a_dripping_server_hits_the_deadline(server: PageServer) -> None:
    async def slow_drip(request: web.Request) -> web.StreamResponse:
        return await drip(request, interval=0.05)

    server.handle("/drip", slow_drip)
    fetcher = _fetcher(deadline=0.5, read_timeout=5)
    with pytest.raises(FetchTimeout):
        await fetcher.fetch(server.url("/drip"))
    await fetcher.aclose()


async def test_unreachable_and_invalid_targets(server: PageServer) -> None:
    fetcher = _fetcher()
    with pytest.raises(FetchError):
        await fetcher.fetch("http://127.0.0.1:1/")  # nothing listens there
    with pytest.raises(FetchError):
        await fetcher.fetch("ftp://127.0.0.1/")
    await fetcher.aclose()


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("café".encode("cp1252"), "text/html; charset=windows-1252", "café"),
    ('<meta charset="iso-8859-1"><p>café'.encode("latin-1"), "text/html", "café"),
    ("<p>naïve</p>".encode(), "text/html", "naïve"),
    (b"<p>caf\xe9 \xff\xfe</p>", "text/html; charset=utf-8", "caf\ufffd"),
    ("<p>Привет, мир! Это тестовая страница.</p>".encode("koi8-r") * 5, "text/html",
     "Привет"),
])
async def test_charsets(server: PageServer, body: bytes, content_type: str,
                        expected: str) -> None:
    server.add("/c", body=body, content_type=content_type)
    fetcher = _fetcher()
    page = await fetcher.fetch(server.url("/c"))
    await fetcher.aclose()
    assert expected in page.text


async def test_concurrent_fetches_do_not_block_each_other(server: PageServer) -> None:
    release = asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response(text="<p>late</p>", content_type="text/html")

    server.handle("/held", held)
    fetcher = _fetcher()
    slow = asyncio.create_task(fetcher.fetch(server.url("/held")))
    fast = await fetcher.fetch(server.url("/ok"))
    assert "hello" in fast.text and not slow.done()
    release.set()
    assert "late" in (await slow).text
    await fetcher.aclose()


async def test_concurrent_fetches_of_one_url_share_one_request(server: PageServer) -> None:
    release, entered = asyncio.Event(), asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        entered.set()
        await release.wait()
        return web.Response(text="<p>shared</p>", content_type="text/html")

    server.handle("/shared", held)
    fetcher = _fetcher()
    waiting = [asyncio.create_task(fetcher.fetch(server.url("/shared"))) for _ in range(5)]
    await entered.wait()
    release.set()
    pages = await asyncio.gather(*waiting)
    await fetcher.aclose()
    assert {p.text for p in pages} == {"<p>shared</p>"}
    assert server.requests == ["/shared"]


async def test_failures_are_cached_for_a_while(server: PageServer) -> None:
    server.add("/down", "<p>down</p>", status=503)
    fetcher = _fetcher(failure_ttl=60)
    for _ in range(3):
        with pytest.raises(HttpStatus):
            await fetcher.fetch(server.url("/down"))
    await fetcher.aclose()
    assert server.requests == ["/down"]
    fresh = _fetcher(failure_ttl=0)
    for _ in range(2):
        with pytest.raises(HttpStatus):
            await fresh.fetch(server.url("/down"))
    await fresh.aclose()
    assert server.requests.count("/down") == 3


async def test_per_host_limit(server: PageServer) -> None:
    release, two_in = asyncio.Event(), asyncio.Event()
    arrived: list[str] = []

    async def held(request: web.Request) -> web.StreamResponse:
        arrived.append(request.host.split(":")[0])
        if len(arrived) == 2:
            two_in.set()
        await release.wait()
        return web.Response(text="<p>x</p>", content_type="text/html")

    server.handle("/h", held)
    resolver = FakeResolver({"one.test": ["127.0.0.1"], "two.test": ["127.0.0.1"]})
    fetcher = _fetcher(resolver=resolver, per_host=1)
    urls = [f"http://one.test:{server.port}/h?{i}" for i in range(3)]
    urls.append(f"http://two.test:{server.port}/h")
    tasks = [asyncio.create_task(fetcher.fetch(u)) for u in urls]
    await two_in.wait()
    # The other two one.test fetches wait for the first one's slot: they cannot be here yet.
    assert sorted(arrived) == ["one.test", "two.test"], "one at a time per host, hosts in parallel"
    release.set()
    await asyncio.gather(*tasks)
    await fetcher.aclose()
    assert len(arrived) == 4


async def test_broken_location_is_a_clean_failure(server: PageServer) -> None:
    server.redirect("/broken", "http://[::1")
    fetcher = _fetcher()
    with pytest.raises(FetchError):
        await fetcher.fetch(server.url("/broken"))
    await fetcher.aclose()


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0", "[::ffff:7f00:1]"])
async def test_numeric_spellings_of_loopback_are_caught_after_resolution(
    server: PageServer, host: str
) -> None:
    fetcher = _fetcher(allow=())  # the system resolver: these never leave the machine
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(f"http://{host}:{server.port}/ok")
    await fetcher.aclose()
    assert server.requests == []


async def test_proxy_variables_are_ignored(server: PageServer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    async with PageServer() as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url(""))
        fetcher = _fetcher()
        page = await fetcher.fetch(server.url("/ok"))
        await fetcher.aclose()
        assert "hello" in page.text and proxy.requests == []


async def test_a_truncated_body_is_a_clean_failure(server: PageServer) -> None:
    async def truncated(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html",
                                               "Content-Length": "10000"})
        await response.prepare(request)
        await response.write(b"<p>only the beginning")
        assert request.transport is not None
        request.transport.close()  # the connection drops mid-body
        return response

    server.handle("/cut", truncated)
    fetcher = _fetcher()
    with pytest.raises(FetchError):
        await fetcher.fetch(server.url("/cut"))
    await fetcher.aclose()


async def test_xml_declaration_charset(server: PageServer) -> None:
    body = '<?xml version="1.0" encoding="iso-8859-1"?><html><p>déjà vu</p></html>'
    server.add("/x", body=body.encode("latin-1"), content_type="application/xhtml+xml")
    fetcher = _fetcher()
    page = await fetcher.fetch(server.url("/x"))
    await fetcher.aclose()
    assert "déjà vu" in page.text
