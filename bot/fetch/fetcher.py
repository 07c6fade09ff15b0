"""The guarded fetcher: redirects hop by hop, caps on time and size, politeness.

Connections go through GuardedTransport (one checked address per new connection). Each
hop is checked for scheme and host before it is requested; the body is read only after
status, content type, declared length and content encoding were found acceptable.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Sequence
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.config import Network
from bot.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
)
from bot.fetch.body import ACCEPT_ENCODING, CappedDecoder
from bot.fetch.charset import decode
from bot.fetch.guard import Guard, Resolver, SystemResolver
from bot.fetch.politeness import FailureCache, HostSlots
from bot.fetch.transport import GuardedTransport, verifying_context
from bot.models import FetchedPage

log = logging.getLogger(__name__)

USER_AGENT = "digestif/0.1 (+link-curation bot)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf",)
JSON_TYPES = ("application/json", "text/json", "application/json+oembed")
_REDIRECTS = (301, 302, 303, 307, 308)
_PORTS = {"http": 80, "https": 443}
_DECODE_INLINE = 256 * 1024  # larger bodies are decoded in a thread, off the event loop


class Fetcher:
    """Fetches member links safely. ``fetch`` raises FetchError subclasses only."""

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
        accept: Sequence[str] = HTML_TYPES + PDF_TYPES,
        per_host: int = 4,
        max_in_flight: int = 16,
        failure_ttl: float = 300.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._guard = Guard(resolver or SystemResolver(), allow)
        self._hosts = HostSlots(per_host)
        # Requests in flight across all hosts. Only the network part of a read holds one:
        # a page waiting for a parser process does not keep the next fetch from starting.
        self._slots = asyncio.Semaphore(max(1, max_in_flight))
        self._failures = FailureCache(failure_ttl)
        self._in_flight: dict[tuple[str, tuple[str, ...]], asyncio.Future[FetchedPage]] = {}
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._max_redirects = max_redirects
        self._accept = tuple(accept)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self._guard, verifying_context(ssl_context)),
            trust_env=False,  # proxy variables must not route member links elsewhere
            follow_redirects=False,  # every hop is checked here
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=deadline),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        )

    async def aclose(self) -> None:
        for shared in list(self._in_flight.values()):
            shared.cancel()
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        await self.aclose()

    async def fetch(self, url: str, accept: Sequence[str] | None = None) -> FetchedPage:
        """Fetch a page, following redirects through the guard. ``accept`` overrides the
        content types taken (e.g. JSON for oEmbed).

        Concurrent fetches of one URL share a single request, and a failure is remembered
        for a while so a link pasted again does not hammer a broken site."""
        key = (url, tuple(accept or self._accept))
        self._failures.check(key)
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self._fetch_once(url, key[1]))
            self._in_flight[key] = shared
            shared.add_done_callback(lambda done: self._settle(key, done))
        # shield: one caller giving up must not cancel the fetch the others wait for.
        return await asyncio.shield(shared)

    def _settle(self, key: tuple[str, tuple[str, ...]], done: asyncio.Future[FetchedPage]
                ) -> None:
        if self._in_flight.get(key) is done:
            del self._in_flight[key]
        if not done.cancelled() and isinstance(done.exception(), FetchError):
            self._failures.remember(key, done.exception())  # type: ignore[arg-type]

    async def _fetch_once(self, url: str, accept: tuple[str, ...]) -> FetchedPage:
        try:
            return await self._follow(url, accept)
        except FetchError:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as err:
            log.info("fetch of %s failed: %r", url, err)
            raise FetchError("the site could not be reached") from err

    async def _follow(self, url: str, accept: tuple[str, ...]) -> FetchedPage:
        current, seen = url, {url}
        budget = self._deadline
        for _ in range(self._max_redirects + 1):
            host = _checked_host(current)
            # Waiting for the politeness slot is not the site's time: the deadline counts
            # only from the moment this fetch may talk to the site.
            async with self._hosts.slot(host), self._slots:
                started = time.monotonic()
                try:
                    async with asyncio.timeout(budget):
                        location = await self._hop(url, current, accept)
                except TimeoutError as err:
                    raise FetchTimeout(
                        f"the page took longer than {self._deadline:g}s to arrive") from err
                budget -= time.monotonic() - started
            if isinstance(location, FetchedPage):
                return location
            target = _redirect_target(current, location)
            if target in seen:
                raise TooManyRedirects("the site redirects in a loop")
            seen.add(target)
            current = target
        raise TooManyRedirects(f"more than {self._max_redirects} redirects")

    async def _hop(self, url: str, current: str, accept: tuple[str, ...]
                   ) -> FetchedPage | str:
        """One request: a page, or the Location of a redirect."""
        try:
            request = self._client.build_request("GET", current)
        except httpx.InvalidURL as err:
            raise FetchError("the link is not a valid web address") from err
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as err:
            raise FetchTimeout("the site did not answer in time") from err
        except (httpx.InvalidURL, httpx.RemoteProtocolError) as err:
            # httpx parses a Location header even when it does not follow it
            raise FetchError("the site sent a broken redirect or response") from err
        except httpx.HTTPError as err:
            raise FetchError("the site could not be reached") from err
        try:
            if response.status_code in _REDIRECTS:
                location = str(response.headers.get("location", "")).strip()
                if not location:
                    raise FetchError("the site sent a redirect without a target")
                return location
            return await self._read(url, current, response, accept)
        finally:
            await response.aclose()

    async def _read(self, url: str, final: str, response: httpx.Response,
                    accept: tuple[str, ...]) -> FetchedPage:
        if response.status_code >= 300:
            raise HttpStatus(response.status_code)
        content_type = response.headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in accept:
            raise UnsupportedContent(f"not a web page ({media[:40] or 'no content type'})")
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise TooLarge(f"the page is larger than {self._max_bytes:,} bytes")
        decoder = CappedDecoder(response.headers.get("content-encoding", ""), self._max_bytes)
        try:
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
        except httpx.TimeoutException as err:
            raise FetchTimeout("the site stopped sending the page") from err
        except httpx.HTTPError as err:
            raise FetchError("the page could not be read completely") from err
        body = decoder.finish()
        text = ""
        if media not in PDF_TYPES:
            text = (decode(body, content_type) if len(body) <= _DECODE_INLINE
                    else await asyncio.to_thread(decode, body, content_type))
        return FetchedPage(url=url, final_url=final, status=response.status_code,
                           content_type=media, body=body, text=text)


def _checked_host(url: str) -> str:
    """The host of a URL this fetcher may request (http or https with a host)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (parsing the port validates it)
    except ValueError as err:
        raise FetchError("the link is not a valid web address") from err
    if parts.scheme.lower() not in _PORTS:
        raise BlockedAddress("only http and https links can be fetched")
    if not parts.hostname:
        raise FetchError("the link is not a valid web address")
    return parts.hostname


def _redirect_target(base: str, location: str) -> str:
    try:
        target = urlsplit(urljoin(base, location))
        target.port  # noqa: B018
    except ValueError as err:
        raise FetchError("the site sent a broken redirect") from err
    if target.scheme.lower() not in _PORTS:
        raise BlockedAddress("the site redirected to a link that is not http or https")
    if not target.hostname:
        raise FetchError("the site sent a broken redirect")
    # Credentials in a redirect target would be sent as Basic auth: never.
    netloc = target.netloc.rsplit("@", 1)[-1]
    return urlunsplit((target.scheme, netloc, target.path or "/", target.query, ""))
