"""Bolt middleware for rules every Slack listener shares, so no listener repeats them.

Only the event dedup lives here. In-flight tracking (`members.Inflight.track`) stays the first
line of each event listener: bolt runs middleware in the task that answers Slack, then starts
each listener in a task of its own after the ack, and that task is the one shutdown must
wait for."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

SEEN_EVENTS = 2000  # event ids remembered, so Slack's retries change nothing


class EventDedup(AsyncMiddleware):
    """Acknowledges an event Slack delivers again (a retry carries the same ``event_id``)
    without running any listener; everything else goes on down the chain.

    Registered with ``AsyncApp.use`` after bolt's own middleware, so only signed requests
    (when verification is on) can mark an id as seen."""

    def __init__(self, remembered: int = SEEN_EVENTS) -> None:
        self.remembered = remembered
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]],
                            ) -> BoltResponse | None:
        if self.first_time(str(req.body.get("event_id") or "")):
            return await next()
        log.debug("dropped a retried Slack event")
        return BoltResponse(status=200, body="")  # ack it, or Slack keeps retrying

    def first_time(self, event_id: str) -> bool:
        """False for an event id already seen; requests without one always pass."""
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > self.remembered:
            self._seen.popitem(last=False)
        return True
