"""The one web server the app runs on DIGESTIF_HTTP_HOST:DIGESTIF_HTTP_PORT: the web archive
(adapters/web/archive.py) and Slack's HTTP mode add their routes to it before it starts.

Every response carries a strict Content-Security-Policy (no script, no frames, no forms),
``nosniff`` and no referrer. Paths are checked before any route sees them: anything but plain
ASCII path characters (percent-encodings, backslashes, NUL), ``..``, ``//`` or a huge path is
404. Pages answer ETag and Last-Modified, and a conditional GET 304.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import re
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.errors import ConfigError
from bot.lifecycle import describe

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
MAX_PATH = 200
# Every path we serve is made of these; anything else is not ours.
_PATH = re.compile(r"/[A-Za-z0-9._/-]*")


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    raw = request.raw_path.partition("?")[0]
    if len(raw) > MAX_PATH or not _PATH.fullmatch(raw) or ".." in raw or "//" in raw:
        raise web.HTTPNotFound()
    return await handler(request)


async def _secure(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


class WebServer:
    """Built once; parts add routes to ``application``; ``serve`` runs it until cancelled."""

    def __init__(self) -> None:
        self.application = web.Application(middlewares=[_guard])
        self.application.on_response_prepare.append(_secure)
        self.application.router.add_get("/healthz", _health)
        self.serving: dict[str, str] = {}  # what is mounted, and where, for the log line
        self.listening = asyncio.Event()  # set once the port is bound

    async def serve(self, host: str, port: int) -> None:
        """Listen on host:port until cancelled. A port that cannot be used is a ConfigError
        naming the settings."""
        runner = web.AppRunner(self.application, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as err:
            await runner.cleanup()
            raise ConfigError(f"cannot listen on {host}:{port} ({_bind_error(err)}): set "
                              "DIGESTIF_HTTP_HOST / DIGESTIF_HTTP_PORT") from err
        base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
        parts = ", ".join(f"{what} at {base}{path}" for what, path in self.serving.items())
        log.info("web server listening on %s (%s)", base, parts or "health check only")
        self.listening.set()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


def _bind_error(err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return "the port is already in use"
    if err.errno == errno.EACCES:
        return "permission denied"
    if err.errno == errno.EADDRNOTAVAIL:
        return "no such address on this machine"
    return describe(err)


def cached(request: web.Request, body: str, content_type: str,
           modified: datetime | None) -> web.Response:
    """``body`` with a strong ETag (its hash) and Last-Modified; 304 when the client's
    If-None-Match or If-Modified-Since says it already has it."""
    data = body.encode("utf-8")
    etag = hashlib.sha256(data).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": "public, max-age=300"}
    if modified is not None:
        modified = modified.astimezone(UTC).replace(microsecond=0)
        headers["Last-Modified"] = _http_date(modified)
    if _fresh(request, etag, modified):
        return web.Response(status=304, headers=headers)
    return web.Response(body=data, headers=headers, content_type=content_type,
                        charset="utf-8")


def _fresh(request: web.Request, etag: str, modified: datetime | None) -> bool:
    if request.if_none_match is not None:  # wins over If-Modified-Since (RFC 9110 13.2.2)
        return any(tag.value in (etag, "*") for tag in request.if_none_match)
    since = request.if_modified_since
    return modified is not None and since is not None and modified <= since


def _http_date(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
