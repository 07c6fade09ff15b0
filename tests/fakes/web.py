"""A local web server on 127.0.0.1 serving fixture pages, with scripted faults.

    async with PageServer() as server:
        server.add("/a", "<html>...</html>")
        server.drip("/slow", interval=1.0)
        url = server.url("/a")                     # http://127.0.0.1:PORT/a
        named = server.url("/a", host="news.test")  # for a fake resolver mapping news.test

``requests`` records every path (with query) asked for, ``hosts`` the Host header of each,
and ``connections`` counts TCP connections accepted, so a test can assert that nothing
reached a target the guard must refuse.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web

from bot.errors import FetchError
from bot.fetch.guard import Address, numeric_host

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Gate:
    """A page that waits: ``entered`` is set when a request arrives (``arrivals`` holds its
    Host), and the answer goes out once ``release`` is set."""

    html: str
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrivals: list[str] = field(default_factory=list)

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self.arrivals.append(request.host.rsplit(":", 1)[0])
        self.entered.set()
        await self.release.wait()
        return web.Response(text=self.html, content_type="text/html")


class PageServer:
    """``async with PageServer() as server: server.add("/a", html=...); server.url("/a")``."""

    def __init__(self, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
                 ) -> None:
        self._host = host
        self._ssl = ssl_context
        self._pages: dict[str, _Page] = {}
        self._handlers: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self.port = 0
        self.requests: list[str] = []
        self.hosts: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.connections = 0

    # -- pages -------------------------------------------------------------------------
    def add(self, path: str, html: str | None = None, *, body: bytes | None = None,
            content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: dict[str, str] | None = None) -> None:
        data = body if body is not None else (html or "").encode("utf-8")
        self._pages[path] = _Page(data, content_type, status, dict(headers or {}))

    def handle(self, path: str, handler: Handler) -> None:
        """Serve ``path`` with a custom aiohttp handler."""
        self._handlers[path] = handler

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self._ssl is not None else "http"
        return f"{scheme}://{host or self._host}:{self.port}{path}"

    # -- scripted faults ---------------------------------------------------------------
    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, body=b"", status=status, headers={"Location": location})

    def redirect_loop(self, path: str) -> None:
        """``path`` redirects to ``path/b``, which redirects back."""
        self.redirect(path, f"{path}/b")
        self.redirect(f"{path}/b", path)

    def redirect_chain(self, path: str, hops: int, final: str) -> None:
        """``path`` -> ``path/1`` -> ... -> ``path/hops-1`` -> ``final``."""
        names = [path, *(f"{path}/{i}" for i in range(1, hops))]
        for here, there in zip(names, [*names[1:], final], strict=True):
            self.redirect(here, there)

    def slow(self, path: str, delay: float, html: str = "<p>late</p>") -> None:
        """Answers after ``delay`` seconds."""
        async def handler(request: web.Request) -> web.StreamResponse:
            await asyncio.sleep(delay)
            return web.Response(text=html, content_type="text/html")
        self.handle(path, handler)

    def drip(self, path: str, interval: float = 1.0) -> None:
        """Sends one byte per ``interval`` forever: must not hold a worker."""
        async def handler(request: web.Request) -> web.StreamResponse:
            return await drip(request, interval)
        self.handle(path, handler)

    def hold(self, path: str, html: str = "<p>held</p>") -> Gate:
        gate = Gate(html)
        self.handle(path, gate)
        return gate

    def huge(self, path: str, size: int, *, declare_length: bool = True) -> None:
        """An HTML page of ``size`` bytes, streamed (with or without Content-Length)."""
        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            if declare_length:
                response.content_length = size
            await response.prepare(request)
            sent, block = 0, b"<p>" + b"x" * 65533
            while sent < size:
                part = block[: size - sent]
                await response.write(part)
                sent += len(part)
            await response.write_eof()
            return response
        self.handle(path, handler)

    def gzip_bomb(self, path: str, size: int = 50_000_000, layers: int = 1) -> int:
        """A small gzip body that inflates to ``size`` bytes (``layers`` times gzipped,
        as "Content-Encoding: gzip, gzip"). Returns the bytes actually sent."""
        data = gzip.compress(b"<p>" + b"\0" * size, 9)
        for _ in range(layers - 1):
            data = gzip.compress(data, 9)
        self.add(path, body=data, headers={"Content-Encoding": ", ".join(["gzip"] * layers)})
        return len(data)

    def truncated(self, path: str, html: str, missing: int = 100) -> None:
        """Declares ``missing`` bytes more than it sends, then closes the connection."""
        async def handler(request: web.Request) -> web.StreamResponse:
            data = html.encode()
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            response.content_length = len(data) + missing
            await response.prepare(request)
            await response.write(data)
            assert request.transport is not None
            request.transport.close()
            return response
        self.handle(path, handler)

    # -- serving -----------------------------------------------------------------------
    async def _serve(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        self.hosts.append(request.host)
        self.headers.append(dict(request.headers))
        handler = self._handlers.get(request.path)
        if handler is not None:
            return await handler(request)
        page = self._pages.get(request.path)
        if page is None:
            return web.Response(status=404, text="not found")
        response = web.Response(status=page.status, body=page.body, headers=page.headers)
        response.headers["Content-Type"] = page.content_type
        return response

    async def __aenter__(self) -> PageServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        make = self._runner.server
        assert make is not None

        def accept() -> asyncio.Protocol:
            self.connections += 1
            return make()

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(accept, self._host, 0, ssl=self._ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._server is not None:
            self._server.close()
        if self._runner is not None:
            await self._runner.cleanup()


class FakeResolver:
    """Implements bot.fetch.Resolver from a table (name -> addresses); no DNS. Numeric
    hosts are parsed as the system resolver would; unknown names go to ``default`` or are
    not found. ``lookups`` records every name asked for."""

    def __init__(self, table: dict[str, list[str]] | None = None,
                 default: str | None = None) -> None:
        self.table = dict(table or {})
        self.default = default
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int) -> list[Address]:
        self.lookups.append(host)
        numeric = numeric_host(host)
        if numeric is not None:
            return [numeric]
        names = self.table.get(host) or ([self.default] if self.default else [])
        if not names:
            raise FetchError(f"the host {host} could not be found")
        return [ipaddress.ip_address(a) for a in names]


class ConnectionRecorder:
    """A bare TCP listener that records every connection and closes it: the stand-in for
    an internal service the guard must never reach (``async with ConnectionRecorder()``)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def __aenter__(self) -> ConnectionRecorder:
        self._server = await asyncio.start_server(self._accept, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._server is not None:
            self._server.close()


async def start(app: web.Application, host: str = "127.0.0.1") -> tuple[web.AppRunner, int]:
    """Serve ``app`` on a free port of ``host``; returns the runner (to clean up) and port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    return runner, runner.addresses[0][1]


async def drip(request: web.Request, interval: float = 1.0) -> web.StreamResponse:
    """A server that sends one byte per ``interval`` forever: must not hold a worker."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    while True:
        await response.write(b"<")
        await asyncio.sleep(interval)
