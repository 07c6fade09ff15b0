"""Who is who on Slack: the workspace's community, and members from users.info (cached)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.translate import Profile, api_error, community_key, profile
from bot.community import Community
from bot.curator import Curator
from bot.models import Member

log = logging.getLogger(__name__)
PROFILE_TTL = 3600.0  # seconds a users.info answer is trusted (admin flags change rarely)
DRAIN_SECONDS = 5.0


class Members:
    def __init__(self, client: AsyncWebClient, curator: Curator) -> None:
        self._client = client
        self._curator = curator
        self._profiles: dict[str, tuple[float, Profile]] = {}
        self._team_names: dict[str, str] = {}

    async def community(self, team_id: str) -> Community:
        name = self._team_names.get(team_id)
        if name is None:
            try:
                name = str((await self._client.auth_test()).get("team") or "")
            except SlackApiError as err:
                log.warning("auth.test failed: %s", api_error(err))
                name = ""
            self._team_names[team_id] = name
        return await self._curator.community(community_key(team_id), "slack", name or team_id)

    async def member(self, team_id: str, user_id: str) -> Member:
        """Name, bot flag and admin flag from users.info (cached); moderators also from the
        community's list, read fresh so a config change applies at once."""
        community = await self.community(team_id)
        cached = self._profiles.get(user_id)
        if cached is None or time.monotonic() - cached[0] > PROFILE_TTL:
            try:
                user = (await self._client.users_info(user=user_id)).get("user") or {}
                cached = (time.monotonic(), profile(user_id, user))
                self._profiles[user_id] = cached
            except SlackApiError as err:  # not cached: the next event asks again
                log.warning("users.info failed for %s: %s", user_id, api_error(err))
                cached = (0.0, Profile(user_id, is_bot=False, is_admin=False))
        return cached[1].member(user_id, community.settings.moderators)


class Inflight:
    """The listener tasks bolt runs after its ack, so shutdown lets them finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def track(self) -> None:
        """Called first thing in every listener: remembers the task running it."""
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """On exit, after no more requests come in: let acknowledged work finish, briefly,
        then cancel what is left (the core's state never depends on it finishing)."""
        pending = set(self._tasks)
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=DRAIN_SECONDS)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
