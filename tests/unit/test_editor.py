"""The moderators' desk and the digest it builds, wired for real (SQLite on tmp_path) with
fakes only at the ports (page reader, summarizer, recounter, publisher)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.community import Community
from bot.digest import Digest
from bot.digests import DigestService
from bot.editor import Editor
from bot.errors import InvalidSetting, PermissionDenied, UserError
from bot.events import MessageRef
from bot.models import BriefItem, Member, ModerationStatus, SourceKind, SummaryPrefs
from bot.ports import SeenReaction
from bot.render.json import render_json
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer
from tests.unit.test_curator import ADA, GRACE, LINUS, ROBOT, C, Core, _core

MOD = Member("mo", "Mo", is_moderator=True)


@dataclass
class Recounter:
    """What the platform says is on each message now."""

    seen: dict[str, list[SeenReaction]] = field(default_factory=dict)
    calls: int = 0

    async def reactions(self, community: Community,
                        messages: Sequence[MessageRef]) -> list[SeenReaction] | None:
        self.calls += 1
        found = [r for m in messages for r in self.seen.get(m.message_id, [])]
        return found if any(m.message_id in self.seen for m in messages) else None


@dataclass
class Publisher:
    digests: list[Digest] = field(default_factory=list)

    async def publish_digest(self, community: Community, channel: str,
                             digest: Digest) -> str | None:
        self.digests.append(digest)
        return None


class BrokenBrief(FakeSummarizer):
    async def brief(self, picks: Sequence[BriefItem], prefs: SummaryPrefs) -> tuple[str, ...]:
        raise RuntimeError("the model is down")


@dataclass
class Desk:
    core: Core
    editor: Editor
    digests: DigestService
    publisher: Publisher


async def _desk(tmp_path: Path, clock: FakeClock, summarizer: FakeSummarizer | None = None
                ) -> AsyncIterator[Desk]:
    reader = FakeReader()
    for name in "abcdef":
        reader.add(f"https://news.test/{name}", title=f"Story {name}",
                   text=f"Story {name} is about models. " * 20, authors=("Kim",),
                   site_name="News", kind=SourceKind.PAPER if name == "e" else
                   SourceKind.ARTICLE)
    async for core in _core(tmp_path / "desk.sqlite3", reader, clock, summarizer):
        publisher = Publisher()
        core.app.register_platform("console", core.notifier, publisher)
        for i, name in enumerate("abcd"):
            await core.post(ADA, f"https://news.test/{name}", f"m{i + 1}")
        yield Desk(core, core.app.editor, core.app.digests, publisher)


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Desk]:
    async for value in _desk(tmp_path, clock):
        yield value


async def test_moderation_is_for_moderators(desk: Desk) -> None:
    for call in (desk.editor.moderate(C, GRACE, 1, "drop"),
                 desk.editor.set_intro(C, GRACE, "hi"), desk.editor.lock(C, GRACE, True),
                 desk.editor.configure(C, GRACE, "picks", "3"),
                 desk.editor.post(C, GRACE, "general")):
        with pytest.raises(PermissionDenied, match="Only moderators"):
            await call
    assert (await desk.editor.preview(C, GRACE)).picks == ()  # anyone may preview


async def test_drop_restore_pick_reject(desk: Desk) -> None:
    core = desk.core
    assert await core.react(GRACE, "m2") and await core.react(GRACE, "m3")
    await desk.editor.moderate(C, MOD, 2, "drop")
    digest = await desk.editor.preview(C, GRACE)
    assert [i.number for i in digest.picks] == [3]
    await desk.editor.moderate(C, MOD, 2, "restore")
    await desk.editor.moderate(C, MOD, 4, "pick")
    digest = await desk.editor.preview(C, GRACE)
    assert [(s.title, [i.number for i in s.items]) for s in digest.sections] == [
        ("Editor's picks", [4]), ("Top picks", [2, 3])]
    rejected = await desk.editor.moderate(C, MOD, 3, "reject", "off\u202e topic\n" * 100)
    assert rejected.status is ModerationStatus.REJECTED
    assert rejected.reject_reason.startswith("off topic") and len(rejected.reject_reason) <= 300
    assert 3 not in [i.number for i in (await desk.editor.preview(C, GRACE)).picks]
    with pytest.raises(UserError, match="Unknown action"):
        await desk.editor.moderate(C, MOD, 1, "burn")


async def test_published_picks_cannot_be_brought_back(desk: Desk) -> None:
    assert await desk.core.react(GRACE, "m1")
    posted = await desk.editor.post(C, MOD, "general")
    assert posted is not None and [i.number for i in posted.picks] == [1]
    assert await desk.editor.post(C, MOD, "general") is None, "never twice"
    for action in ("restore", "pick", "drop"):
        with pytest.raises(UserError, match="already published"):
            await desk.editor.moderate(C, MOD, 1, action)


async def test_intro_is_shown_and_cleared(desk: Desk) -> None:
    assert await desk.editor.set_intro(C, MOD, "  A quiet\nweek.  ") == "A quiet week."
    assert (await desk.editor.preview(C, GRACE)).intro == "A quiet week."
    assert await desk.editor.set_intro(C, MOD, "") == ""
    assert (await desk.editor.preview(C, GRACE)).intro == ""


async def test_a_locked_week_refuses_votes_until_unlocked(desk: Desk) -> None:
    await desk.editor.lock(C, MOD, True)
    outcome = await desk.core.curator.vote_on(C, 1, GRACE, "👍")
    assert not outcome.counted and "locked" in outcome.reason
    assert not await desk.core.react(GRACE, "m1")
    await desk.editor.lock(C, MOD, False)
    assert await desk.core.react(GRACE, "m1")


@pytest.mark.parametrize(("name", "value", "error"), [
    ("timezone", "Mars/Base", "time zone"), ("digest_time", "9am", "time of day"),
    ("digest_weekday", "someday", "weekday"), ("picks", "0", "between"),
    ("carry_over_weeks", "99", "between"), ("nonsense", "1", "Unknown setting"),
])
async def test_settings_are_checked(desk: Desk, name: str, value: str, error: str) -> None:
    with pytest.raises(InvalidSetting, match=error):
        await desk.editor.configure(C, MOD, name, value)


async def test_weekday_by_name(desk: Desk) -> None:
    assert (await desk.editor.configure(C, MOD, "digest_weekday", "Friday")).digest_weekday == 4


async def test_recount_applies_the_vote_rules(desk: Desk) -> None:
    recounter = Recounter({
        # Seen while the bot was offline: two members (one twice), a bot, the submitter.
        "m2": [SeenReaction(GRACE, "👍"), SeenReaction(LINUS, "👍"), SeenReaction(GRACE, "👍"),
               SeenReaction(ROBOT, "👍"), SeenReaction(ADA, "👍"), SeenReaction(LINUS, "🎉")],
    })
    desk.editor.add_recounter("console", recounter)
    assert await desk.core.react(GRACE, "m1")
    digest = await desk.editor.preview(C, GRACE)
    assert [(i.number, i.score) for i in digest.picks] == [(2, 2), (1, 1)]
    calls = recounter.calls
    await desk.editor.preview(C, GRACE)
    assert recounter.calls == calls, "previews do not hammer the platform"
    recounter.seen["m2"] = [SeenReaction(LINUS, "👍")]  # Grace withdrew hers
    posted = await desk.editor.post(C, MOD, "general")
    assert posted is not None and [(i.number, i.score) for i in posted.picks] == [(1, 1), (2, 1)]


async def test_down_votes_count_only_when_on(desk: Desk) -> None:
    community = await desk.core.curator.known_community(C)
    await desk.core.store.add_vote(1, "x", "👎", -1, desk.core.clock())  # left from a time
    for member in (GRACE, LINUS):  # when down-votes were on
        assert await desk.core.react(member, "m1")
    assert await desk.core.react(GRACE, "m2")
    digest = await desk.digests.build(community, desk.digests.period(community))
    assert [(i.number, i.score) for i in digest.picks] == [(1, 2), (2, 1)]
    on = dataclasses.replace(community, settings=dataclasses.replace(
        community.settings, downvotes=True))
    digest = await desk.digests.build(on, desk.digests.period(on))
    assert [(i.number, i.score) for i in digest.picks] == [(1, 1), (2, 1)]


async def test_the_queue_and_the_digest_count_votes_alike(desk: Desk) -> None:
    await desk.editor.configure(C, MOD, "downvotes", "on")
    for member in (GRACE, LINUS):
        assert await desk.core.react(member, "m1")
    assert await desk.core.react(MOD, "m1", "👎")
    assert await desk.core.react(GRACE, "m2")

    async def both() -> tuple[dict[int, int], dict[int, int]]:
        queue = {e.submission.number: e.tally.score for e in await desk.core.curator.queue(C)}
        digest = await desk.editor.preview(C, GRACE)
        return {n: queue[n] for n in (1, 2)}, {i.number: i.score for i in digest.picks}

    assert await both() == ({1: 1, 2: 1}, {1: 1, 2: 1})
    await desk.editor.configure(C, MOD, "downvotes", "off")
    assert await both() == ({1: 2, 2: 1}, {1: 2, 2: 1}), "stored down-votes no longer count"
    outcome = await desk.core.curator.vote_on(C, 2, LINUS, "👎")
    assert not outcome.counted and outcome.reason == "down-votes are off here"


async def test_ties_go_to_more_voters_then_the_earlier_link(desk: Desk) -> None:
    for message in ("m4", "m3"):
        assert await desk.core.react(GRACE, message)
    digest = await desk.editor.preview(C, GRACE)
    assert [i.number for i in digest.picks] == [3, 4]


async def test_the_tldr_never_falls_back_to_titles(tmp_path: Path, clock: FakeClock) -> None:
    # Every sentence of the summary opens with the title ("Story a is about models."): the
    # offline fallback finds nothing the title does not say, so there is no TL;DR rather
    # than one that reads the title back.
    async for desk in _desk(tmp_path, clock, BrokenBrief()):
        assert await desk.core.react(GRACE, "m1")
        digest = await desk.editor.preview(C, GRACE)
        assert digest.picks and digest.tldr == ()


async def test_grouping_by_kind_keeps_the_json_in_rank_order(desk: Desk) -> None:
    await desk.core.post(ADA, "https://news.test/e", "m5")
    for message in ("m5", "m1"):
        assert await desk.core.react(GRACE, message)
    assert await desk.core.react(LINUS, "m1")
    await desk.editor.configure(C, MOD, "group_by_kind", "on")
    digest = await desk.editor.preview(C, GRACE)
    assert [s.title for s in digest.sections] == ["Articles you should read", "Papers"]
    picks = json.loads(render_json(digest))["picks"]
    assert [(p["number"], p["rank"]) for p in picks] == [(1, 1), (5, 2)]


async def test_the_week_in_numbers(desk: Desk) -> None:
    await desk.core.post(GRACE, "https://news.test/a", "m9")  # credited, not a new link
    for member in (GRACE, LINUS):
        assert await desk.core.react(member, "m2")
    assert await desk.core.react(LINUS, "m1")
    digest = await desk.editor.preview(C, GRACE)
    assert (digest.totals.links, digest.totals.sharers, digest.totals.votes) == (4, 2, 3)
    assert digest.picks[1].submitters == ("Ada", "Grace")
    assert digest.date_range and digest.date_range in digest.title
