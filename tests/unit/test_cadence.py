"""Cadences: daily, weekly, biweekly and monthly periods, their labels, DST and year
boundaries, and the scheduler posting each period once. An injected clock, no sleeping."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import desk
from bot.community import CommunitySettings
from bot.compose import date_range
from bot.errors import InvalidSetting
from bot.period import (
    Period,
    next_period,
    parse_label,
    period_by_key,
    period_containing,
    previous_period,
)
from tests.digest_helpers import seed
from tests.fakes.pipeline import FakeClock
from tests.unit.test_scheduler import Bot, _bot

BERLIN = ZoneInfo("Europe/Berlin")


def _settings(cadence: str, **kw: object) -> CommunitySettings:
    return dataclasses.replace(CommunitySettings(), cadence=cadence, **kw)  # type: ignore[arg-type]


def _local(period: Period) -> tuple[str, str]:
    return (period.start.astimezone(BERLIN).isoformat(),
            period.end.astimezone(BERLIN).isoformat())


@pytest.mark.parametrize(("text", "key"), [
    ("2026-12-03", "2026-12-03"), ("2026-w49", "2026-W49"), ("2026-W1", "2026-W01"),
    ("2026-W49+W50", "2026-W49+W50"), ("2026-w53+w1", "2026-W53+W01"), ("2026-12", "2026-12"),
    ("2026-W53", "2026-W53"),
])
def test_every_label_form_is_read_in_one_place(text: str, key: str) -> None:
    label = parse_label(text)
    assert label is not None and label.key == key
    assert desk.parse(["/digest", text]).period == key
    assert desk.parse(["preview", text], prefix="").period == key


@pytest.mark.parametrize("text", [
    "2026-02-30", "2026-13", "2026-00", "2025-W53", "2026-W54", "2026-W50+W51",
    "2026-W49+W51", "1999-12", "3000-W01", "2026-W49+", "2026/12", "this week",
])
def test_labels_that_name_no_period_get_the_usage(text: str) -> None:
    assert parse_label(text) is None
    with pytest.raises(desk.Usage, match="2026-W49\\+W50"):
        desk.parse(["/digest", text])


def test_daily_periods_start_at_the_digest_time_and_keep_dst() -> None:
    settings = _settings("daily", timezone="Europe/Berlin", digest_time="02:30")
    # 2026-10-25: clocks go back at 03:00 CEST; 02:30 happens twice, the first one counts.
    day = period_containing(datetime(2026, 10, 25, 12, tzinfo=UTC), settings)
    assert day.key == "2026-10-25"
    assert _local(day) == ("2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00")
    assert day.end - day.start == timedelta(hours=25)
    # 2026-03-29: clocks go forward at 02:00; 02:30 does not exist that day.
    spring = period_by_key("2026-03-29", settings)
    assert spring.end - spring.start == timedelta(hours=23)
    assert previous_period(day, settings).key == "2026-10-24"
    before = period_containing(day.start - timedelta(seconds=1), settings)
    assert before.key == "2026-10-24" and before.end == day.start


def test_monthly_periods_run_from_the_first_across_dst_and_years() -> None:
    settings = _settings("monthly", timezone="Europe/Berlin")
    march = period_by_key("2026-03", settings)
    assert _local(march) == ("2026-03-01T09:00:00+01:00", "2026-04-01T09:00:00+02:00")
    assert march.end - march.start == timedelta(days=31, hours=-1)
    december = period_containing(datetime(2026, 12, 31, 23, tzinfo=UTC), settings)
    assert december.key == "2026-12"
    assert next_period(december, settings).key == "2027-01"
    # The 1st before the digest time still belongs to the month before.
    assert period_containing(datetime(2027, 1, 1, 7, 59, tzinfo=UTC), settings).key == "2026-12"
    assert date_range(december, settings) == "Dec 1 – 31, 2026"


def test_biweekly_pairs_run_on_across_a_53_week_year() -> None:
    settings = _settings("biweekly", digest_weekday=2)  # Wednesdays, 09:00 UTC
    pair = period_containing(datetime(2026, 12, 31, tzinfo=UTC), settings)
    assert pair.key == "2026-W53+W01"
    assert (pair.start, pair.end) == (datetime(2026, 12, 30, 9, tzinfo=UTC),
                                      datetime(2027, 1, 13, 9, tzinfo=UTC))
    assert previous_period(pair, settings).key == "2026-W51+W52"
    assert next_period(pair, settings).key == "2027-W02+W03"
    assert period_by_key("2026-W49+W50", settings).start == datetime(2026, 12, 2, 9, tzinfo=UTC)
    # A Monday before the Wednesday's digest time still belongs to the pair before.
    assert period_containing(datetime(2026, 12, 28, 12, tzinfo=UTC), settings).key == (
        "2026-W51+W52")


@pytest.mark.parametrize("cadence", ["daily", "weekly", "biweekly", "monthly"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York",
                                  "Australia/Lord_Howe"])
def test_periods_tile_time_and_their_labels_name_them(cadence: str, zone: str) -> None:
    """Two years of periods, through every DST change and the W52/W53/W01 turns of the
    years: each starts where the one before ends, its label names exactly it, and the
    moments inside it are in it."""
    settings = _settings(cadence, timezone=zone, digest_time="02:30", digest_weekday=6)
    period = period_containing(datetime(2025, 12, 1, tzinfo=UTC), settings)
    seen: set[str] = set()
    while period.start < datetime(2027, 12, 31, tzinfo=UTC):
        assert period.key not in seen
        seen.add(period.key)
        assert period_by_key(period.key, settings) == period
        assert period_containing(period.start, settings) == period
        assert period_containing(period.end - timedelta(microseconds=1), settings) == period
        following = next_period(period, settings)
        assert following.start == period.end
        assert previous_period(following, settings) == period
        period = following
    assert len(seen) > {"daily": 700, "weekly": 100, "biweekly": 50, "monthly": 24}[cadence]


def test_a_label_of_another_cadence_names_that_period() -> None:
    """A weekly digest posted before the community went monthly can still be shown."""
    settings = _settings("monthly")
    assert period_by_key("2026-W40", settings).end - period_by_key(
        "2026-W40", settings).start == timedelta(weeks=1)


def test_the_cadence_setting_is_checked() -> None:
    assert CommunitySettings().cadence == "weekly"
    assert CommunitySettings().updated("cadence", " Monthly ").cadence == "monthly"
    with pytest.raises(InvalidSetting, match="daily, weekly, biweekly, monthly"):
        CommunitySettings().updated("cadence", "hourly")
    assert CommunitySettings.from_json('{"cadence": "yearly"}').cadence == "weekly"


# the scheduler ------------------------------------------------------------------------------


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[Bot]:
    clock = FakeClock(datetime(2026, 12, 2, 12, tzinfo=UTC))
    async for bot in _bot(tmp_path / "d.sqlite3", clock):
        community = await bot.store.get_community("c")
        assert community is not None
        await bot.store.save_settings("c", dataclasses.replace(
            community.settings, cadence="daily", timezone="Europe/Berlin"))
        await seed(bot.store, "c", datetime(2026, 12, 2, 12, tzinfo=UTC), "story", votes=1)
        yield bot


async def test_a_daily_digest_is_posted_once_after_its_day(daily: Bot) -> None:
    assert await daily.scheduler.tick() == [("c", "2026-12-01", "empty")]
    assert await daily.scheduler.tick() == [], "today is not over"
    daily.clock.now = datetime(2026, 12, 3, 8, 5, tzinfo=UTC)  # 09:05 in Berlin
    assert await daily.scheduler.tick() == [("c", "2026-12-02", "posted")]
    assert await daily.scheduler.tick() == []
    daily.clock.advance(days=1)
    assert await daily.scheduler.tick() == [("c", "2026-12-03", "empty")]
    assert daily.publisher.posts == [("c", "news", "2026-12-02")]
    [digest] = daily.publisher.digests
    assert digest.date_range == "Dec 2, 2026"
    assert await daily.scheduler.next_wakeup() <= 24 * 3600


async def test_a_missed_monthly_digest_is_caught_up_within_grace(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 10, tzinfo=UTC))
    async for bot in _bot(tmp_path / "m.sqlite3", clock):
        community = await bot.store.get_community("c")
        assert community is not None
        await bot.store.save_settings("c", dataclasses.replace(community.settings,
                                                               cadence="monthly"))
        await seed(bot.store, "c", datetime(2026, 12, 5, tzinfo=UTC), "story", votes=1)
        bot.clock.now = datetime(2027, 1, 1, 20, tzinfo=UTC)  # down at 09:00, back by 20:00
        assert await bot.scheduler.tick() == [("c", "2026-12", "posted")]
        assert await bot.scheduler.tick() == []
        assert [d.period.key for d in bot.publisher.digests] == ["2026-12"]


def test_a_day_is_named_as_one_date() -> None:
    settings = _settings("daily")
    assert date_range(period_by_key("2026-12-03", settings), settings) == "Dec 3, 2026"
    assert date(2026, 12, 3).isoformat() == "2026-12-03"
