"""Running the Slack app: Socket Mode with SLACK_APP_TOKEN, otherwise HTTP with the signing
secret on DIGESTIF_HTTP_HOST:DIGESTIF_HTTP_PORT at /slack/events, with /healthz beside it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import SlackInstallationStore, SlackStateStore
from adapters.slack.listeners import SlackAdapter
from adapters.slack.translate import api_error, error_code, valid_timestamp
from adapters.slack.workspaces import ROTATE_MINUTES, TeamClient
from adapters.web.server import WebServer
from bot.app import App
from bot.errors import ConfigError
from bot.lifecycle import Sleep, describe, one_line_logs, retrying

log = logging.getLogger(__name__)
SLACK_API = "https://slack.com/api/"
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
# The bot scopes a workspace grants at install; the same list as slack/manifest.yaml.
SCOPES = ("channels:history", "groups:history", "chat:write", "commands", "reactions:read",
          "reactions:write", "users:read")


def build(app: App) -> SlackAdapter:
    settings = app.settings
    if settings.slack_client_id is not None or settings.slack_client_secret is not None:
        return _distributed(app)
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError("HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for "
                          "Socket Mode)")
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(),
                            **_client_options(app))
    secret = settings.slack_signing_secret
    return SlackAdapter(app, client, secret.get_secret_value() if secret else None)


def _client_options(app: App) -> dict[str, Any]:
    base = app.settings.slack_api_url or SLACK_API
    # Slack's 429s (chat.postMessage allows about one message a second per channel) are
    # waited out as Retry-After says, a couple of times, before a call fails.
    return {"base_url": base if base.endswith("/") else base + "/",
            "retry_handlers": [AsyncConnectionErrorRetryHandler(),
                               AsyncRateLimitErrorRetryHandler(max_retry_count=2)]}


def _distributed(app: App) -> SlackAdapter:
    """The app installed in many workspaces: the OAuth flow at /slack/install and
    /slack/oauth_redirect, each workspace's token from our database, rotated when due."""
    settings = app.settings
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ConfigError("set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to distribute "
                          "the Slack app, or neither")
    if settings.slack_signing_secret is None:
        raise ConfigError("a distributed Slack app needs SLACK_SIGNING_SECRET (it runs in "
                          "HTTP mode)")
    if settings.slack_app_token is not None:
        raise ConfigError("a distributed Slack app runs in HTTP mode: unset SLACK_APP_TOKEN")
    redirect = settings.slack_redirect_uri or (
        settings.public_url.rstrip("/") + REDIRECT_PATH if settings.public_url else None)
    if redirect is None:
        raise ConfigError("set DIGESTIF_PUBLIC_URL (or SLACK_REDIRECT_URI) so Slack can send "
                          "installers back to " + REDIRECT_PATH)
    client_id = settings.slack_client_id
    client_secret = settings.slack_client_secret.get_secret_value()
    installations = SlackInstallationStore(app.installations, app.curator.clock)
    rotator_client = AsyncWebClient(**_client_options(app))
    rotator = AsyncTokenRotator(client_id=client_id, client_secret=client_secret,
                                client=rotator_client)
    client = TeamClient(installations, rotator, **_client_options(app))
    oauth = AsyncOAuthSettings(
        client_id=client_id, client_secret=client_secret, scopes=list(SCOPES), user_scopes=[],
        redirect_uri=redirect, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=installations, installation_store_bot_only=True,
        state_store=SlackStateStore(app.installations, app.curator.clock),
        token_rotation_expiration_minutes=ROTATE_MINUTES)
    # bolt's own authorizer would rotate tokens through slack.com; ours goes where the
    # client goes (SLACK_API_URL in tests).
    oauth.authorize = AsyncInstallationStoreAuthorize(
        logger=log, client_id=client_id, client_secret=client_secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES, installation_store=installations,
        bot_only=True, client=rotator_client)
    return SlackAdapter(app, client, settings.slack_signing_secret.get_secret_value(), oauth)


def mount(adapter: SlackAdapter, server: WebServer) -> None:
    """Slack's routes (events; with a distributed app, the install flow) on the app's one
    web server."""
    async def events(request: web.Request) -> web.Response:
        # bolt answers a non-numeric timestamp with a 500; it is simply an unsigned request.
        if not valid_timestamp(request.headers.get("X-Slack-Request-Timestamp", "")):
            return web.Response(status=401, text="invalid request")
        bolt_response = await adapter.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    router = server.application.router
    router.add_post("/slack/events", events)
    server.serving["Slack events"] = "/slack/events"
    flow = adapter.bolt.oauth_flow
    if flow is not None:
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request)))

        router.add_get(INSTALL_PATH, install)
        router.add_get(REDIRECT_PATH, redirect)
        server.serving["Slack install"] = INSTALL_PATH


def http_app(adapter: SlackAdapter) -> web.Application:
    """A web server with Slack's routes alone (tests)."""
    server = WebServer()
    mount(adapter, server)
    return server.application


async def serve(app: App, *, web_server: WebServer | None = None, events: bool = True,
                delays: Iterable[float] | None = None, sleep: Sleep | None = None) -> None:
    """Run the Slack adapter until cancelled: Socket Mode with SLACK_APP_TOKEN, else HTTP on
    ``web_server`` (the app's one server, which this then starts; a new one when None).
    ``events=False`` (a worker or scheduler process): the Web API only, to post cards and
    digests; no events are taken. ``delays`` and ``sleep`` tune reconnection pauses, for
    tests."""
    adapter = build(app)
    settings = app.settings
    if not events:
        try:
            await asyncio.Event().wait()
        finally:
            await adapter.drain()
    if settings.slack_app_token is not None:
        await _socket_mode(adapter, settings.slack_app_token.get_secret_value(), delays, sleep)
        return
    server = web_server if web_server is not None else WebServer()
    mount(adapter, server)
    try:
        if settings.slack_client_id is None:
            # Read back what was posted while the bot was away, once the server listens (a
            # distributed app's workspaces are not read back: README, "Distribute").
            adapter.catch_up_soon()
        await server.serve(settings.http_host, settings.http_port)
    finally:
        await adapter.drain()


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
