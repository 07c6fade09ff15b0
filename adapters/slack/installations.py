"""Slack's installation and OAuth state stores, kept in our own database through the core's
Installations port (slack_sdk's SQLite stores would block the event loop). Only the bot's
credentials are kept: digestif asks for no user scopes."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.clock import Clock
from bot.state_ports import Installations

log = logging.getLogger(__name__)
PLATFORM = "slack"


def installation_key(enterprise_id: str | None, team_id: str | None,
                     is_enterprise_install: bool | None = False) -> str:
    """A workspace's team id; an organization-wide install is keyed by its enterprise id."""
    return str((enterprise_id if is_enterprise_install else team_id) or enterprise_id or "")


def _dumps(bot: Bot) -> str:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value
    return json.dumps({key: plain(value) for key, value in bot.to_dict().items()})


class SlackInstallationStore(AsyncInstallationStore):
    """Bot installations per workspace. A removal keeps the workspace's row without its
    token, so `digestif purge` can delete the community's data 30 days later."""

    def __init__(self, store: Installations, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        key = installation_key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self._store.save_installation(PLATFORM, key, _dumps(bot), self._clock())

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        key = installation_key(enterprise_id, team_id, is_enterprise_install)
        data = await self._store.find_installation(PLATFORM, key) if key else None
        if not data:
            return None
        return Bot(**json.loads(data))

    async def async_find_installation(self, *, enterprise_id: str | None,
                                      team_id: str | None, user_id: str | None = None,
                                      is_enterprise_install: bool | None = False
                                      ) -> Installation | None:
        return None  # bot-only: bolt is configured with installation_store_bot_only

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        key = installation_key(enterprise_id, team_id)
        if key:
            await self._store.remove_installation(PLATFORM, key, self._clock())
            log.info("Slack workspace %s removed the app; its data is kept for 30 days", key)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None, user_id: str | None = None
                                        ) -> None:
        if user_id is None:
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class SlackStateStore(AsyncOAuthStateStore):
    """One-time state values for the OAuth flow, valid for ``expiration`` seconds."""

    def __init__(self, store: Installations, clock: Clock, expiration: int = 600) -> None:
        self._store = store
        self._clock = clock
        self._expiration = timedelta(seconds=expiration)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self._store.issue_state(state, self._clock() + self._expiration)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self._store.consume_state(state, self._clock())
