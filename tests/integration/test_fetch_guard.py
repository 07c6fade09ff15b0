"""The fetch guard against local servers and a fake resolver: every refused target is
refused before any connection reaches it. No real DNS, no network."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import BlockedAddress, FetchError, TooManyRedirects
from bot.fetch import USER_AGENT, Fetcher, is_public
from tests.fakes.web import ConnectionRecorder, FakeResolver, PageServer

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
PAGE = "<html><body><p>hello</p></body></html>"


@pytest.fixture
async def server() -> AsyncIterator[PageServer]:
    async with PageServer() as pages:
        pages.add("/ok", PAGE)
        yield pages


@pytest.fixture
async def internal() -> AsyncIterator[ConnectionRecorder]:
    async with ConnectionRecorder() as recorder:
        yield recorder


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3",
    "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "192.0.2.1",
    "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.19.255.1", "192.88.99.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "100::1",
    "2001:db8::1", "3fff::1", "2001:2::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible
    "::ffff:0:7f00:1",  # IPv4-translated
    "2002:7f00:1::", "2002:a00:1::1",  # 6to4 of loopback and private
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1",  # Teredo
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1",  # NAT64
])
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "8.8.8.8",
                                     "2606:4700::6810:84e5", "2a00:1450:4001::200e",
                                     "64:ff9b::5db8:d822", "::ffff:93.184.216.34",
                                     "2002:5db8:d822::1"])
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


async def test_loopback_is_refused_without_allowlist(server: PageServer) -> None:
    async with Fetcher() as fetcher:  # the system resolver: 127.0.0.1 is numeric
        with pytest.raises(BlockedAddress) as err:
            await fetcher.fetch(server.url("/ok"))
    assert err.value.reason == "that link points to a private or reserved address"
    assert server.connections == 0, "no connection reached the blocked target"


@pytest.mark.parametrize(("host", "refusal"), [
    ("2130706433", BlockedAddress), ("0x7f000001", BlockedAddress), ("127.1", BlockedAddress),
    ("0x7f.1", BlockedAddress), ("[::ffff:127.0.0.1]", BlockedAddress),
    ("[::1]", BlockedAddress), ("localhost", BlockedAddress),
    ("0177.0.0.1", FetchError),  # httpx itself refuses octal with a leading zero
])
async def test_numeric_and_local_forms_are_caught_after_resolution(
    host: str, refusal: type[FetchError]
) -> None:
    resolver = FakeResolver({"localhost": ["127.0.0.1", "::1"]})
    async with PageServer() as server, Fetcher(resolver=resolver) as fetcher:
        server.add("/ok", PAGE)
        with pytest.raises(refusal):
            await fetcher.fetch(server.url("/ok", host=host))
        assert server.connections == 0


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0"])
async def test_numeric_forms_really_are_loopback(host: str) -> None:
    """The same forms reach the local server once loopback is allowed: the guard refused
    them for what they are, not because they failed to parse. (0 is 0.0.0.0, which Linux
    connects to the local host.)"""
    async with PageServer("0.0.0.0" if host == "0" else "127.0.0.1") as server:
        server.add("/ok", PAGE)
        allow = (*LOOPBACK, ipaddress.ip_network("0.0.0.0/32"))
        async with Fetcher(allow=allow) as fetcher:
            page = await fetcher.fetch(server.url("/ok", host=host))
    assert "hello" in page.text


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "100.64.0.1", "fd00::1",
                                     "::ffff:192.168.0.1", "64:ff9b::a9fe:a9fe"])
async def test_names_resolving_to_internal_addresses_are_refused(address: str) -> None:
    resolver = FakeResolver({"evil.test": [address]})
    async with Fetcher(resolver=resolver, allow=LOOPBACK) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch("http://evil.test/")
    assert resolver.lookups == ["evil.test"]


async def test_a_name_with_any_non_public_address_is_refused(server: PageServer) -> None:
    resolver = FakeResolver({"mixed.test": ["93.184.216.34", "127.0.0.1"]})
    async with Fetcher(resolver=resolver) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(server.url("/ok", host="mixed.test"))
    assert server.connections == 0


async def test_connects_to_the_checked_address_after_one_lookup() -> None:
    """The server listens on 127.0.0.2 only and the name exists only in the fake resolver:
    the page arrives only if the fetcher connected to the address it checked."""
    async with PageServer("127.0.0.2") as server:
        server.add("/ok", PAGE)
        resolver = FakeResolver({"news.test": ["127.0.0.2"]})
        async with Fetcher(resolver=resolver, allow=LOOPBACK) as fetcher:
            page = await fetcher.fetch(server.url("/ok", host="news.test"))
    assert "hello" in page.text
    assert resolver.lookups == ["news.test"], "resolved once, no second lookup"
    assert server.hosts == [f"news.test:{server.port}"], "the Host header keeps the name"


async def test_rebinding_after_the_check_cannot_redirect_the_connection() -> None:
    """A resolver that answers differently each time (DNS rebinding) is asked once per
    connection; a later answer pointing inside is refused, never connected to."""
    async with PageServer("127.0.0.2") as server, ConnectionRecorder() as inside:
        server.redirect("/first", f"http://rebind.test:{inside.port}/second")
        answers = iter([["127.0.0.2"], ["127.0.0.1"]])

        class Rebinding(FakeResolver):
            async def resolve(self, host: str, port: int) -> list[ipaddress.IPv4Address]:
                self.lookups.append(host)
                return [ipaddress.IPv4Address(a) for a in next(answers)]

        resolver = Rebinding()
        allow = (ipaddress.ip_network("127.0.0.2/32"),)
        async with Fetcher(resolver=resolver, allow=allow) as fetcher:
            with pytest.raises(BlockedAddress):
                await fetcher.fetch(f"http://rebind.test:{server.port}/first")
    assert inside.connections == 0
    assert resolver.lookups == ["rebind.test", "rebind.test"]


async def test_allowlist_is_the_only_way_in_and_any_port_works(server: PageServer) -> None:
    only_other = (ipaddress.ip_network("127.0.0.2/32"),)
    async with Fetcher(allow=only_other) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(server.url("/ok"))
    assert server.connections == 0
    async with Fetcher(allow=(ipaddress.ip_network("127.0.0.1/32"),)) as fetcher:
        assert "hello" in (await fetcher.fetch(server.url("/ok"))).text  # a random high port


async def test_redirect_to_an_internal_target_is_refused(internal: ConnectionRecorder) -> None:
    async with PageServer("127.0.0.2") as server:
        server.redirect("/ip", f"http://127.0.0.1:{internal.port}/admin")
        server.redirect("/name", f"http://metadata.test:{internal.port}/latest/")
        server.redirect("/mapped", f"http://[::ffff:127.0.0.1]:{internal.port}/")
        server.redirect("/decimal", f"http://2130706433:{internal.port}/")
        resolver = FakeResolver({"metadata.test": ["127.0.0.1"]})
        allow = (ipaddress.ip_network("127.0.0.2/32"),)
        async with Fetcher(resolver=resolver, allow=allow) as fetcher:
            for path in ("/ip", "/name", "/mapped", "/decimal"):
                with pytest.raises(BlockedAddress):
                    await fetcher.fetch(server.url(path))
    assert internal.connections == 0


@pytest.mark.parametrize(("location", "refusal"), [
    ("ftp://127.0.0.1/x", BlockedAddress), ("file:///etc/passwd", BlockedAddress),
    ("gopher://127.0.0.1:6379/_x", BlockedAddress),
    ("javascript:alert(1)", FetchError),  # httpx finds this Location broken first
])
async def test_redirect_to_other_schemes_is_refused(server: PageServer, location: str,
                                                    refusal: type[FetchError]) -> None:
    server.redirect("/away", location)
    async with Fetcher(allow=LOOPBACK) as fetcher:
        with pytest.raises(refusal):
            await fetcher.fetch(server.url("/away"))


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "file:///etc/passwd", "gopher://x/"])
async def test_only_http_and_https_are_fetched(url: str) -> None:
    async with Fetcher(allow=LOOPBACK) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(url)


async def test_at_most_five_redirects(server: PageServer) -> None:
    server.redirect_chain("/five", 5, "/ok")
    server.redirect_chain("/six", 6, "/ok")
    async with Fetcher(allow=LOOPBACK) as fetcher:
        page = await fetcher.fetch(server.url("/five"))
        assert page.final_url == server.url("/ok") and page.url == server.url("/five")
        with pytest.raises(TooManyRedirects):
            await fetcher.fetch(server.url("/six"))
    assert server.requests.count("/ok") == 1 and "/six/5" in server.requests


async def test_credentials_in_a_redirect_are_never_sent(server: PageServer) -> None:
    server.redirect("/creds", server.url("/ok").replace("://", "://admin:secret@"))
    async with Fetcher(allow=LOOPBACK) as fetcher:
        await fetcher.fetch(server.url("/creds"))
    assert "Authorization" not in server.headers[-1]


async def test_proxy_environment_is_ignored(server: PageServer, internal: ConnectionRecorder,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = f"http://127.0.0.1:{internal.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Fetcher(allow=LOOPBACK) as fetcher:
        assert "hello" in (await fetcher.fetch(server.url("/ok"))).text
    assert internal.connections == 0


async def test_an_honest_user_agent(server: PageServer) -> None:
    async with Fetcher(allow=LOOPBACK) as fetcher:
        await fetcher.fetch(server.url("/ok"))
    assert server.headers[0]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("digestif/0.1 (+link-curation bot")


# -- TLS: verification always on, against the host name, while connecting to the IP ---------

@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate authority")
    root = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (root / "ext").write_text("subjectAltName=DNS:secure.test\nbasicConstraints=CA:FALSE\n"
                              "extendedKeyUsage=serverAuth\n")
    commands = [
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=digestif test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign"],
        ["req", *ec, "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=secure.test"],
        ["x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "site.pem", "-days", "2", "-extfile", "ext"],
    ]
    for command in commands:
        subprocess.run(["openssl", *command], cwd=root, check=True, capture_output=True)
    return root


@pytest.fixture
async def tls_server(certificates: Path) -> AsyncIterator[PageServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "site.pem", certificates / "site.key")
    async with PageServer(ssl_context=context) as pages:
        pages.add("/ok", PAGE)
        yield pages


def _trusting(certificates: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates / "ca.pem"))


async def test_tls_checks_the_name_while_connecting_to_the_checked_address(
    tls_server: PageServer, certificates: Path
) -> None:
    resolver = FakeResolver({"secure.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    async with Fetcher(resolver=resolver, allow=LOOPBACK,
                       ssl_context=_trusting(certificates)) as fetcher:
        page = await fetcher.fetch(tls_server.url("/ok", host="secure.test"))
        assert "hello" in page.text
        with pytest.raises(FetchError):  # the certificate is not for this name
            await fetcher.fetch(tls_server.url("/ok", host="other.test"))
        with pytest.raises(FetchError):  # nor for the bare address
            await fetcher.fetch(tls_server.url("/ok"))
    assert tls_server.requests == ["/ok"]


async def test_tls_verification_cannot_be_turned_off(tls_server: PageServer) -> None:
    resolver = FakeResolver({"secure.test": ["127.0.0.1"]})
    async with Fetcher(resolver=resolver, allow=LOOPBACK) as fetcher:  # public CAs only
        with pytest.raises(FetchError):
            await fetcher.fetch(tls_server.url("/ok", host="secure.test"))
    assert tls_server.requests == []
    lax = ssl.create_default_context()
    lax.check_hostname = False
    lax.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="verify"):
        Fetcher(ssl_context=lax)
