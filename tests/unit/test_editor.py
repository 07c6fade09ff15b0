"""The moderators' commands, wired for real (SQLite on tmp_path) with
fakes only at the ports (page reader, summarizer, recounter, publisher)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.community import Community
from bot.digest import Digest
from bot.editor import Editor
from bot.errors import InvalidSetting, PermissionDenied, UserError
from bot.events import MessageRef
from bot.models import BriefItem, Member, ModerationStatus, SourceKind, SummaryPrefs
from bot.platform_ports import SeenReaction
from bot.publishing import Publishing
from tests.fakes.pipeline import FakeClock, FakeReader, FakeSummarizer
from tests.unit.test_curator import ADA, GRACE, C, Core, _core

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
    publishing: Publishing
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
        yield Desk(core, core.app.editor, core.app.publishing, publisher)


@pytest.fixture
async def desk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Desk]:
    async for value in _desk(tmp_path, clock):
        yield value


async def test_moderation_is_for_moderators(desk: Desk) -> None:
    for call in (desk.editor.moderate(C, GRACE, 1, "drop"),
                 desk.editor.set_intro(C, GRACE, "hi"), desk.editor.lock(C, GRACE, True),
                 desk.editor.configure(C, GRACE, "picks", "3"),
                 desk.publishing.post(C, GRACE, "general")):
        with pytest.raises(PermissionDenied, match="Only moderators"):
            await call
    assert (await desk.publishing.preview(C, GRACE)).picks == ()  # anyone may preview


async def test_drop_restore_pick_reject(desk: Desk) -> None:
    core = desk.core
    assert await core.react(GRACE, "m2") and await core.react(GRACE, "m3")
    await desk.editor.moderate(C, MOD, 2, "drop")
    digest = await desk.publishing.preview(C, GRACE)
    assert [i.number for i in digest.picks] == [3]
    await desk.editor.moderate(C, MOD, 2, "restore")
    await desk.editor.moderate(C, MOD, 4, "pick")
    digest = await desk.publishing.preview(C, GRACE)
    assert [(s.title, [i.number for i in s.items]) for s in digest.sections] == [
        ("Editor's picks", [4]), ("Top picks", [2, 3])]
    rejected = await desk.editor.moderate(C, MOD, 3, "reject", "off\u202e topic\n" * 100)
    assert rejected.status is ModerationStatus.REJECTED
    assert rejected.reject_reason.startswith("off topic") and len(rejected.reject_reason) <= 300
    assert 3 not in [i.number for i in (await desk.publishing.preview(C, GRACE)).picks]
    with pytest.raises(UserError, match="Unknown action"):
        await desk.editor.moderate(C, MOD, 1, "burn")


async def test_published_picks_cannot_be_brought_back(desk: Desk) -> None:
    assert await desk.core.react(GRACE, "m1")
    posted = await desk.publishing.post(C, MOD, "general")
    assert posted is not None and [i.number for i in posted.picks] == [1]
    assert await desk.publishing.post(C, MOD, "general") is None, "never twice"
    for action in ("restore", "pick", "drop"):
        with pytest.raises(UserError, match="already published"):
            await desk.editor.moderate(C, MOD, 1, action)


async def test_intro_is_shown_and_cleared(desk: Desk) -> None:
    assert await desk.editor.set_intro(C, MOD, "  A quiet\nweek.  ") == "A quiet week."
    assert (await desk.publishing.preview(C, GRACE)).intro == "A quiet week."
    assert await desk.editor.set_intro(C, MOD, "") == ""
    assert (await desk.publishing.preview(C, GRACE)).intro == ""


async def test_a_locked_week_refuses_votes_until_unlocked(desk: Desk) -> None:
    await desk.editor.lock(C, MOD, True)
    outcome = await desk.core.curator.vote_on(C, 1, GRACE, "👍")
    assert not outcome.counted and outcome.reason == "voting is locked for this week"
    assert not await desk.core.react(GRACE, "m1")
    await desk.editor.lock(C, MOD, False)
    assert await desk.core.react(GRACE, "m1")
    await desk.editor.configure(C, MOD, "cadence", "daily")
    await desk.editor.lock(C, MOD, True)
    outcome = await desk.core.curator.vote_on(C, 1, GRACE, "👍")
    assert not outcome.counted and outcome.reason == "voting is locked for today"


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
