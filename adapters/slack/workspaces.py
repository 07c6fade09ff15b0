"""Which bot token speaks for which Slack workspace.

With one workspace (SLACK_BOT_TOKEN) every call uses that token. With the app distributed to
many (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), every call speaks for the workspace in
``current_team``: bolt's middleware sets it for each incoming request, and each core port
method (a card, a recount, a scheduled digest) sets it from its community. ``TeamClient``
then looks the token up in the installation store, rotating it first when it is about to
expire, so no call can reach one workspace with another's token.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.community import Community
from bot.errors import PublishError

current_team: ContextVar[str | None] = ContextVar("slack_team", default=None)
# Rotate a token this long before it expires (Slack's rotated tokens last 12 hours).
ROTATE_MINUTES = 120
TOKEN_TTL = 60.0  # seconds a workspace's token is used before it is read from the store again

PortMethod = TypeVar("PortMethod", bound=Callable[..., Coroutine[Any, Any, Any]])


@contextlib.contextmanager
def speaking_for(team: str) -> Iterator[None]:
    token = current_team.set(team)
    try:
        yield
    finally:
        current_team.reset(token)


def team_of(community: Community) -> str:
    return community.key.removeprefix("slack:")


def for_community(method: PortMethod) -> PortMethod:
    """A core port method (self, community, ...): every Slack call it makes speaks for its
    community's workspace."""
    @wraps(method)
    async def scoped(self: object, community: Community, *args: Any, **kwargs: Any) -> Any:
        with speaking_for(team_of(community)):
            return await method(self, community, *args, **kwargs)
    return cast(PortMethod, scoped)


class TeamClient(AsyncWebClient):
    """An AsyncWebClient whose calls carry the bot token of the workspace in
    ``current_team`` (a call that names its own token, like the OAuth flow's, keeps it)."""

    def __init__(self, installations: AsyncInstallationStore, rotator: AsyncTokenRotator,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._installations = installations
        self._rotator = rotator
        self._rotating: dict[str, asyncio.Lock] = {}
        # Bots read from the store, each with when: read again after TOKEN_TTL seconds, so
        # another process's rotation or an uninstall is seen, not on every call.
        self._bots: dict[str, tuple[float, Bot]] = {}

    async def api_call(self, api_method: str, *, params: dict[str, Any] | None = None,
                       json: dict[str, Any] | None = None, **kwargs: Any
                       ) -> AsyncSlackResponse:
        named = "token" in (params or {}) or "token" in (json or {})
        if not named and not api_method.startswith("oauth."):
            params = {**(params or {}), "token": await self.token_for(current_team.get())}
        return await super().api_call(api_method, params=params, json=json, **kwargs)

    async def token_for(self, team: str | None) -> str:
        if not team:
            raise PublishError("a Slack call was made for no workspace")
        # One rotation at a time per workspace: a refresh token is spent once.
        async with self._rotating.setdefault(team, asyncio.Lock()):
            now = time.monotonic()
            read_at, bot = self._bots.get(team, (-math.inf, None))
            if bot is None or now - read_at > TOKEN_TTL:
                bot = await self._installations.async_find_bot(enterprise_id=None,
                                                               team_id=team)
                if bot is None:
                    self._bots.pop(team, None)
                    raise PublishError(f"digestif is not installed in Slack workspace {team}")
                read_at = now
            refreshed = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES)
            if refreshed is not None:
                await self._installations.async_save_bot(refreshed)
                bot = refreshed
            self._bots[team] = (read_at, bot)
        return str(bot.bot_token)
