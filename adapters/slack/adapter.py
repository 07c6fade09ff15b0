"""The Slack adapter's entry point. The adapter is laid out as: listeners (bolt listeners
that filter, translate and make one core call; the core's ports), commands (`/digest`, the
shortcut, vote buttons, the App Home), middleware (bolt middleware every listener passes:
event dedup), outbox (sending), members (who is who), translate and render (pure functions),
and server (Socket Mode or HTTP)."""

from __future__ import annotations

from adapters.slack.server import serve

__all__ = ["serve"]
