"""The guarded fetcher: httpx, one checked address per hop, caps on time and size.

Every hop resolves its host once through the Guard and connects to that very address (the
URL carries the IP; Host and TLS SNI carry the name), so DNS cannot be switched between the
check and the connection. TLS verification stays on against the host name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.config import Network
from bot.errors import (
    FetchError,
    FetchTimeout,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
)
from bot.fetch.charset import decode
from bot.fetch.guard import Address, Guard, Resolver, SystemResolver
from bot.models import FetchedPage

log = logging.getLogger(__name__)

USER_AGENT = "digestif/0.1 (+link-curation bot; fetches pages members share)"
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
PDF_TYPES = ("application/pdf",)
_REDIRECTS = (301, 302, 303, 307, 308)
_PORTS = {"http": 80, "https": 443}


class Fetcher:
    def __init__(
        self,
        *,
        allow: Sequence[Network] = (),
        resolver: Resolver | None = None,
        max_bytes: int = 5_000_000,
        deadline: float = 20.0,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        max_redirects: int = 5,
        accept: Sequence[str] = TEXT_TYPES + PDF_TYPES,
        per_host: int = 4,
        failure_ttl: float = 300.0,
    ) -> None:
        self._guard = Guard(resolver or SystemResolver(), allow)
        self._per_host = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._in_flight: dict[str, asyncio.Future[FetchedPage]] = {}
        self._failures: dict[str, tuple[float, FetchError]] = {}
        self._failure_ttl = failure_ttl
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._max_redirects = max_redirects
        self._accept = tuple(accept)
        self._client = httpx.AsyncClient(
            trust_env=False,  # proxy variables must not route member links elsewhere
            verify=True,
            follow_redirects=False,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": USER_AGENT,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, accept: Sequence[str] | None = None) -> FetchedPage:
        """Fetch a page, following redirects through the guard. Raises FetchError.
        ``accept`` overrides the content types taken (e.g. JSON for oEmbed).

        Concurrent fetches of one URL share a single request, and a failure is remembered
        for a while so a link pasted again does not hammer a broken site."""
        failed = self._failures.get(url)
        if failed is not None:
            if failed[0] > time.monotonic():
                raise failed[1]
            del self._failures[url]
        shared = self._in_flight.get(url)
        if shared is None:
            shared = asyncio.ensure_future(self._fetch_once(url, tuple(accept or self._accept)))
            self._in_flight[url] = shared
            shared.add_done_callback(lambda _: self._in_flight.pop(url, None))
        # shield: one caller giving up must not cancel the fetch the others wait for.
        return await asyncio.shield(shared)

    async def _fetch_once(self, url: str, accept: tuple[str, ...]) -> FetchedPage:
        try:
            async with asyncio.timeout(self._deadline):
                return await self._follow(url, accept)
        except TimeoutError as err:
            failure: FetchError = FetchTimeout(f"the page took longer than {self._deadline:g}s")
            self._remember(url, failure)
            raise failure from err
        except FetchError as err:
            self._remember(url, err)
            raise

    def _remember(self, url: str, failure: FetchError) -> None:
        if len(self._failures) > 10_000:  # bounded: forget the oldest half
            for key in list(self._failures)[:5_000]:
                del self._failures[key]
        self._failures[url] = (time.monotonic() + self._failure_ttl, failure)

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self._per_host)
        return slot

    async def _follow(self, url: str, accept: tuple[str, ...]) -> FetchedPage:
        current = url
        for _ in range(self._max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in _PORTS or not parts.hostname:
                raise FetchError("only http and https links can be fetched")
            port = parts.port or _PORTS[parts.scheme]
            address = await self._guard.address_for(parts.hostname, port)
            request = self._client.build_request(
                "GET", _pinned(current, address, port),
                headers={"Host": parts.netloc.rsplit("@", 1)[-1]},
                extensions={"sni_hostname": parts.hostname} if parts.scheme == "https" else {},
            )
            async with self._host_slot(parts.hostname):  # politeness: a few per host
                try:
                    response = await self._client.send(request, stream=True)
                except httpx.TimeoutException as err:
                    raise FetchTimeout("the site did not answer in time") from err
                except httpx.HTTPError as err:
                    raise FetchError("the site could not be reached") from err
                try:
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location", "").strip()
                        if not location:
                            raise FetchError("the site sent a redirect without a target")
                        current = _join(current, location)
                        continue
                    return await self._read(url, current, response, accept)
                finally:
                    await response.aclose()
        raise TooManyRedirects(f"more than {self._max_redirects} redirects")

    async def _read(self, url: str, final: str, response: httpx.Response,
                    accept: tuple[str, ...]) -> FetchedPage:
        if response.status_code >= 400:
            raise HttpStatus(response.status_code)
        content_type = response.headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in accept:
            raise UnsupportedContent(f"not a web page ({media or 'no content type'})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise TooLarge(f"the page is larger than {self._max_bytes:,} bytes")
        chunks, size = [], 0
        try:
            async for chunk in response.aiter_bytes():  # decoded: a gzip bomb is capped too
                size += len(chunk)
                if size > self._max_bytes:
                    raise TooLarge(f"the page is larger than {self._max_bytes:,} bytes")
                chunks.append(chunk)
        except httpx.TimeoutException as err:
            raise FetchTimeout("the site stopped sending the page") from err
        except httpx.HTTPError as err:
            raise FetchError("the page could not be read completely") from err
        body = b"".join(chunks)
        text = "" if media in PDF_TYPES else decode(body, content_type)
        return FetchedPage(url=url, final_url=final, status=response.status_code,
                           content_type=media, body=body, text=text)


def _join(base: str, location: str) -> str:
    try:
        return urljoin(base, location)
    except ValueError as err:
        raise FetchError("the site sent a broken redirect") from err


def _pinned(url: str, address: Address, port: int) -> str:
    parts = urlsplit(url)
    host = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
