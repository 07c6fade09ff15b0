"""Running the Slack app: Socket Mode with SLACK_APP_TOKEN, otherwise HTTP with the signing
secret on DIGESTIF_HTTP_HOST:DIGESTIF_HTTP_PORT at /slack/events, with /healthz beside it."""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Iterable

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.listeners import SlackAdapter
from adapters.slack.translate import api_error, error_code, valid_timestamp
from bot.app import App
from bot.errors import ConfigError
from bot.lifecycle import Sleep, describe, one_line_logs, retrying

log = logging.getLogger(__name__)
SLACK_API = "https://slack.com/api/"


def build(app: App) -> SlackAdapter:
    settings = app.settings
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError("HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for "
                          "Socket Mode)")
    base = settings.slack_api_url or SLACK_API
    # Slack's 429s (chat.postMessage allows about one message a second per channel) are
    # waited out as Retry-After says, a couple of times, before a call fails.
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(),
                            base_url=base if base.endswith("/") else base + "/",
                            retry_handlers=[AsyncConnectionErrorRetryHandler(),
                                            AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    secret = settings.slack_signing_secret
    return SlackAdapter(app, client, secret.get_secret_value() if secret else None)


def http_app(adapter: SlackAdapter) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        # bolt answers a non-numeric timestamp with a 500; it is simply an unsigned request.
        if not valid_timestamp(request.headers.get("X-Slack-Request-Timestamp", "")):
            return web.Response(status=401, text="invalid request")
        bolt_response = await adapter.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    application = web.Application()
    application.router.add_post("/slack/events", events)
    application.router.add_get("/healthz", health)
    return application


async def serve(app: App, *, delays: Iterable[float] | None = None,
                sleep: Sleep | None = None) -> None:
    """Run the Slack adapter until cancelled: Socket Mode with SLACK_APP_TOKEN, else HTTP.
    ``delays`` and ``sleep`` tune reconnection pauses, for tests."""
    adapter = build(app)
    settings = app.settings
    if settings.slack_app_token is not None:
        await _socket_mode(adapter, settings.slack_app_token.get_secret_value(), delays, sleep)
        return
    runner = web.AppRunner(http_app(adapter), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    except OSError as err:
        await runner.cleanup()
        raise ConfigError(f"cannot listen on {settings.http_host}:{settings.http_port} "
                          f"({_bind_error(err)}): set DIGESTIF_HTTP_HOST / DIGESTIF_HTTP_PORT"
                          ) from err
    log.info("Slack adapter listening on http://%s:%d/slack/events", settings.http_host,
             settings.http_port)
    adapter.catch_up_soon()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await adapter.drain()


def _bind_error(err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return "the port is already in use"
    if err.errno == errno.EACCES:
        return "permission denied"
    if err.errno == errno.EADDRNOTAVAIL:
        return "no such address on this machine"
    return describe(err)


# Token errors that no retry will fix.
REFUSED = frozenset({"invalid_auth", "not_authed", "not_allowed_token_type", "token_revoked",
                     "account_inactive", "token_expired"})


async def _socket_mode(adapter: SlackAdapter, app_token: str,
                       delays: Iterable[float] | None, sleep: Sleep | None) -> None:
    """Open the first connection ourselves, so Slack out of reach is one line per attempt with
    growing pauses (the SDK's own loop retries every few seconds with a traceback each time;
    it still handles reconnections later, logged on one line)."""
    handler = AsyncSocketModeHandler(adapter.bolt, app_token)
    client = handler.client
    one_line_logs(client.logger.name)

    async def on_hello(_: object, message: dict[str, object], raw: str | None) -> None:
        if message.get("type") == "hello":  # each connection, the first and every reconnect
            adapter.catch_up_soon()

    client.message_listeners.append(on_hello)

    async def open_connection() -> str:
        try:
            return str((await adapter.client.apps_connections_open(app_token=app_token))["url"])
        except SlackApiError as err:
            if error_code(err) in REFUSED:
                raise ConfigError(f"Slack refused SLACK_APP_TOKEN ({error_code(err)}): create "
                                  "an app-level token with connections:write") from err
            raise

    def explain(err: BaseException) -> str:
        return api_error(err) if isinstance(err, SlackApiError) else describe(err)

    try:
        client.wss_uri = await retrying(
            "Slack Socket Mode is out of reach", open_connection,
            (SlackApiError, aiohttp.ClientError, OSError, TimeoutError),
            delays=delays, sleep=sleep, explain=explain)
        log.info("Slack adapter running in Socket Mode")
        await handler.start_async()
    finally:
        await handler.close_async()
        await adapter.drain()
