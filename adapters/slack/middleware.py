"""Bolt middleware for rules every Slack listener shares, so no listener repeats them.

Only the event dedup lives here. In-flight tracking (`members.Inflight.track`) stays the first
line of each event listener: bolt runs middleware in the task that answers Slack, then starts
each listener in a task of its own after the ack, and that task is the one shutdown must
wait for."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.platform_state import PlatformState

log = logging.getLogger(__name__)

# How long an event id is remembered: Slack retries a delivery three times within minutes.
KEEP_EVENTS = timedelta(hours=1)
SCOPE = "slack"


class EventDedup(AsyncMiddleware):
    """Acknowledges an event Slack delivers again (a retry carries the same ``event_id``)
    without running any listener; everything else goes on down the chain. The ids seen are
    kept in the store, so a retry that reaches another process is dropped there too.

    Registered with ``AsyncApp.use`` after bolt's own middleware, so only signed requests
    (when verification is on) can mark an id as seen."""

    def __init__(self, state: PlatformState, keep: timedelta = KEEP_EVENTS) -> None:
        self._state = state
        self.keep = keep

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]],
                            ) -> BoltResponse | None:
        if await self.first_time(str(req.body.get("event_id") or "")):
            return await next()
        log.debug("dropped a retried Slack event")
        return BoltResponse(status=200, body="")  # ack it, or Slack keeps retrying

    async def first_time(self, event_id: str) -> bool:
        """False for an event id already seen by any process; requests without one always
        pass."""
        if not event_id:
            return True
        return await self._state.first_sighting(SCOPE, event_id, self.keep)
