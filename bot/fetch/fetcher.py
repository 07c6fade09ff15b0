"""The guarded fetcher: httpx, one checked address per hop, caps on time and size.

Every hop resolves its host once through the Guard and connects to that very address (the
URL carries the IP; Host and TLS SNI carry the name), so DNS cannot be switched between the
check and the connection. TLS verification stays on against the host name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
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
    ) -> None:
        self._guard = Guard(resolver or SystemResolver(), allow)
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

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch a page, following redirects through the guard. Raises FetchError."""
        try:
            async with asyncio.timeout(self._deadline):
                return await self._follow(url)
        except TimeoutError as err:
            raise FetchTimeout(f"the page took longer than {self._deadline:g}s") from err

    async def _follow(self, url: str) -> FetchedPage:
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
                    current = urljoin(current, location)
                    continue
                return await self._read(url, current, response)
            finally:
                await response.aclose()
        raise TooManyRedirects(f"more than {self._max_redirects} redirects")

    async def _read(self, url: str, final: str, response: httpx.Response) -> FetchedPage:
        if response.status_code >= 400:
            raise HttpStatus(response.status_code)
        content_type = response.headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in self._accept:
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


def _pinned(url: str, address: Address, port: int) -> str:
    parts = urlsplit(url)
    host = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
