"""Publishing: one path for previews, posts, the schedule and exports. Wired for real (SQLite
on tmp_path) with fakes only at the ports (page reader, summarizer, recounter, publisher)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.community import Community
from bot.errors import UserError
from bot.events import MessageRef
from bot.platform_ports import SeenReaction
from bot.publishing import Mode, Outcome
from bot.render.json import render_json
from tests.fakes.pipeline import FakeClock
from tests.unit.test_curator import ADA, GRACE, LINUS, ROBOT, C
from tests.unit.test_editor import MOD, BrokenBrief, Desk, Recounter, _desk


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Desk]:
    async for value in _desk(tmp_path, clock):
        yield value


async def _community(desk: Desk) -> Community:
    return await desk.core.curator.known_community(C)


async def test_previews_and_exports_post_nothing(desk: Desk) -> None:
    assert await desk.core.react(GRACE, "m1")
    community = await _community(desk)
    period = desk.publishing.period(community)
    for mode in (Mode.PREVIEW, Mode.EXPORT):
        shown = await desk.publishing.publish(community, period, mode)
        assert shown.outcome is Outcome.BUILT
        assert shown.digest is not None and [i.number for i in shown.digest.picks] == [1]
    assert desk.publisher.digests == []
    assert await desk.core.store.digest_record(C, period.key) is None
    posted = await desk.publishing.post(C, MOD, "general")
    assert posted is not None and desk.publisher.digests == [posted]


async def test_a_scheduled_empty_week_is_skipped_a_moderator_may_post_it(desk: Desk) -> None:
    community = await _community(desk)
    period = desk.publishing.period(community)
    skipped = await desk.publishing.publish(community, period, Mode.SCHEDULED, "news")
    assert skipped.outcome is Outcome.EMPTY and desk.publisher.digests == []
    assert await desk.core.store.digest_record(C, period.key) is None
    posted = await desk.publishing.publish(community, period, Mode.POST, "news")
    assert posted.outcome is Outcome.POSTED and posted.digest is not None
    assert posted.digest.empty and desk.publisher.digests == [posted.digest]
    again = await desk.publishing.publish(community, period, Mode.SCHEDULED, "news")
    assert again.outcome is Outcome.ALREADY_POSTED and len(desk.publisher.digests) == 1


async def test_a_platform_without_digests_is_told_so_and_nothing_is_claimed(desk: Desk
                                                                          ) -> None:
    community = dataclasses.replace(await _community(desk), platform="elsewhere")
    period = desk.publishing.period(community)
    with pytest.raises(UserError, match="cannot be posted on elsewhere"):
        await desk.publishing.publish(community, period, Mode.POST, "news")
    assert await desk.core.store.digest_record(C, period.key) is None


async def test_recount_applies_the_vote_rules(desk: Desk) -> None:
    recounter = Recounter({
        # Seen while the bot was offline: two members (one twice), a bot, the submitter.
        "m2": [SeenReaction(GRACE, "👍"), SeenReaction(LINUS, "👍"), SeenReaction(GRACE, "👍"),
               SeenReaction(ROBOT, "👍"), SeenReaction(ADA, "👍"), SeenReaction(LINUS, "🎉")],
    })
    desk.publishing.register("console", recounter=recounter)
    assert await desk.core.react(GRACE, "m1")
    digest = await desk.publishing.preview(C, GRACE)
    assert [(i.number, i.score) for i in digest.picks] == [(2, 2), (1, 1)]
    calls = recounter.calls
    await desk.publishing.preview(C, GRACE)
    assert recounter.calls == calls, "previews do not hammer the platform"
    recounter.seen["m2"] = [SeenReaction(LINUS, "👍")]  # Grace withdrew hers
    posted = await desk.publishing.post(C, MOD, "general")
    assert posted is not None and [(i.number, i.score) for i in posted.picks] == [(1, 1), (2, 1)]


async def test_down_votes_count_only_when_on(desk: Desk) -> None:
    community = await desk.core.curator.known_community(C)
    await desk.core.store.add_vote(1, "x", "👎", -1, desk.core.clock())  # left from a time
    for member in (GRACE, LINUS):  # when down-votes were on
        assert await desk.core.react(member, "m1")
    assert await desk.core.react(GRACE, "m2")
    digest = await desk.publishing.export(community, desk.publishing.period(community))
    assert [(i.number, i.score) for i in digest.picks] == [(1, 2), (2, 1)]
    on = dataclasses.replace(community, settings=dataclasses.replace(
        community.settings, downvotes=True))
    digest = await desk.publishing.export(on, desk.publishing.period(on))
    assert [(i.number, i.score) for i in digest.picks] == [(1, 1), (2, 1)]


async def test_the_queue_and_the_digest_count_votes_alike(desk: Desk) -> None:
    await desk.editor.configure(C, MOD, "downvotes", "on")
    for member in (GRACE, LINUS):
        assert await desk.core.react(member, "m1")
    assert await desk.core.react(MOD, "m1", "👎")
    assert await desk.core.react(GRACE, "m2")

    async def both() -> tuple[dict[int, int], dict[int, int]]:
        queue = {e.submission.number: e.tally.score for e in await desk.core.curator.queue(C)}
        digest = await desk.publishing.preview(C, GRACE)
        return {n: queue[n] for n in (1, 2)}, {i.number: i.score for i in digest.picks}

    assert await both() == ({1: 1, 2: 1}, {1: 1, 2: 1})
    await desk.editor.configure(C, MOD, "downvotes", "off")
    assert await both() == ({1: 2, 2: 1}, {1: 2, 2: 1}), "stored down-votes no longer count"
    outcome = await desk.core.curator.vote_on(C, 2, LINUS, "👎")
    assert not outcome.counted and outcome.reason == "down-votes are off here"


async def test_ties_go_to_more_voters_then_the_earlier_link(desk: Desk) -> None:
    for message in ("m4", "m3"):
        assert await desk.core.react(GRACE, message)
    digest = await desk.publishing.preview(C, GRACE)
    assert [i.number for i in digest.picks] == [3, 4]


async def test_the_tldr_never_falls_back_to_titles(tmp_path: Path, clock: FakeClock) -> None:
    # Every sentence of the summary opens with the title ("Story a is about models."): the
    # offline fallback finds nothing the title does not say, so there is no TL;DR rather
    # than one that reads the title back.
    async for desk in _desk(tmp_path, clock, BrokenBrief()):
        assert await desk.core.react(GRACE, "m1")
        digest = await desk.publishing.preview(C, GRACE)
        assert digest.picks and digest.tldr == ()


async def test_grouping_by_kind_keeps_the_json_in_rank_order(desk: Desk) -> None:
    await desk.core.post(ADA, "https://news.test/e", "m5")
    for message in ("m5", "m1"):
        assert await desk.core.react(GRACE, message)
    assert await desk.core.react(LINUS, "m1")
    await desk.editor.configure(C, MOD, "group_by_kind", "on")
    digest = await desk.publishing.preview(C, GRACE)
    assert [s.title for s in digest.sections] == ["Articles you should read", "Papers"]
    picks = json.loads(render_json(digest))["picks"]
    assert [(p["number"], p["rank"]) for p in picks] == [(1, 1), (5, 2)]


async def test_the_week_in_numbers(desk: Desk) -> None:
    await desk.core.post(GRACE, "https://news.test/a", "m9")  # credited, not a new link
    for member in (GRACE, LINUS):
        assert await desk.core.react(member, "m2")
    assert await desk.core.react(LINUS, "m1")
    digest = await desk.publishing.preview(C, GRACE)
    assert (digest.totals.links, digest.totals.sharers, digest.totals.votes) == (4, 2, 3)
    assert digest.picks[1].submitters == ("Ada", "Grace")
    assert digest.date_range and digest.date_range in digest.title


class Linker:
    """A platform's MessageLinker: a link per message, and one the platform fails on."""

    def __init__(self) -> None:
        self.asked: list[MessageRef] = []

    async def message_url(self, community: Community, ref: MessageRef) -> str | None:
        self.asked.append(ref)
        if ref.message_id == "m2":
            raise RuntimeError("the platform is down")
        return f"https://chat.test/{ref.channel}/{ref.message_id}"


async def test_each_item_links_to_the_message_that_first_shared_it(desk: Desk) -> None:
    linker = Linker()
    desk.publishing.register("console", linker=linker)
    await desk.core.post(LINUS, "https://news.test/a", "m9")  # shared again, later
    for member, message in ((GRACE, "m1"), (GRACE, "m9"), (GRACE, "m2")):
        assert await desk.core.react(member, message)
    posted = await desk.publishing.post(C, MOD, "general")
    assert posted is not None
    assert [(i.number, i.chat_url) for i in posted.picks] == [
        (1, "https://chat.test/general/m1"), (2, "")], "a link that cannot be had is left out"
    assert {i.number: i.chat_url for i in posted.also_shared} == {
        3: "https://chat.test/general/m3", 4: "https://chat.test/general/m4"}
    assert MessageRef("general", "m9") not in linker.asked, "the first share, not a later one"
    community = await _community(desk)
    again = await desk.publishing.export(community, desk.publishing.period(community))
    assert again == posted, "stored as posted, chat links included"
