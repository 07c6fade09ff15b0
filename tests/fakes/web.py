"""A local web server on 127.0.0.1 serving fixture pages, with scripted faults."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class PageServer:
    """``async with PageServer() as server: server.add("/a", html=...); server.url("/a")``.

    ``requests`` records every path asked for, so tests can assert what was (not) fetched.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._pages: dict[str, _Page] = {}
        self._handlers: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.requests: list[str] = []

    def add(self, path: str, html: str | None = None, *, body: bytes | None = None,
            content_type: str = "text/html; charset=utf-8", status: int = 200,
            headers: dict[str, str] | None = None) -> None:
        data = body if body is not None else (html or "").encode("utf-8")
        self._pages[path] = _Page(data, content_type, status, dict(headers or {}))

    def handle(self, path: str, handler: Handler) -> None:
        """Serve ``path`` with a custom handler (slow, dripping, redirecting...)."""
        self._handlers[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, body=b"", status=status, headers={"Location": location})

    def url(self, path: str) -> str:
        return f"http://{self._host}:{self.port}{path}"

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path_qs)
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
        self._runner, self.port = await start(app, self._host)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


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
