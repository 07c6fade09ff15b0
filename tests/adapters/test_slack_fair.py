"""On Slack, through the bolt app and the signed-request fake: a denied site refused in the
message's thread, a held link told there, the site lists set with Slack's auto-linked text,
and `/digest stats` escaped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import Member
from tests.fakes.slack_world import COMMUNITY, World, message, slack_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with slack_world(tmp_path) as world:
        yield world


async def test_denied_and_held_links_are_answered_in_the_thread(world: World) -> None:
    # Slack turns a typed site into a link in the command's text.
    await world.command("UADMIN", "config deny_domains <http://localhost|localhost>")
    await world.slack.wait_for("chat.postEphemeral",
                               lambda a: a["text"] == "deny_domains = localhost")
    await world.event(message("UGRACE", f"<{world.pages.url('/moe', host='localhost')}>",
                              "801.1"))
    [refused] = await world.slack.wait_for("chat.postMessage",
                                           lambda a: a.get("thread_ts") == "801.1")
    assert refused["text"] == "Not queued: links to localhost are not accepted here."
    assert world.pages.requests == [], "nothing fetched"
    await world.command("UADMIN", "config member_limit 1")
    await world.slack.wait_for("chat.postEphemeral", lambda a: a["text"] == "member_limit = 1")
    await world.link("UGRACE", "/moe", "802.1")
    await world.event(message("UGRACE", f"<{world.pages.url('/evals')}>", "803.1"))
    [held] = await world.slack.wait_for("chat.postMessage",
                                        lambda a: a.get("thread_ts") == "803.1")
    assert held["text"].startswith("Held: you have shared 1 links in the last 24 hours.")
    assert [h.url for h in await world.app.store.held_links(COMMUNITY, "UGRACE")] == [
        world.pages.url("/evals")]


async def test_digest_stats_on_slack_is_escaped(world: World) -> None:
    await world.link("UADA", "/moe", "810.1")
    [submission] = await world.app.store.list_submissions(COMMUNITY)
    await world.app.store.finish_digest(COMMUNITY, "2026-W40", "", submission.submitted_at,
                                        [submission.id])
    await world.app.store.upsert_member(COMMUNITY, Member("UADA", "<!channel> <@UGRACE> & co"))
    await world.command("ULINUS", "stats")
    [shown] = await world.slack.wait_for("chat.postEphemeral", lambda a: a["user"] == "ULINUS")
    lines = shown["text"].split("\n")
    assert lines[0] == "Last 30 days: 1 link shared · 0 votes cast · 1 pick"
    assert "&lt;!channel&gt; &lt;@UGRACE&gt; &amp; co (1)" in lines[1]
    assert "<!channel>" not in shown["text"] and "<@UGRACE>" not in shown["text"]
