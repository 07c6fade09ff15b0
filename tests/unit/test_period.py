"""Digest weeks in a community's time zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.community import CommunitySettings
from bot.period import period_by_key, period_containing, previous_period


def test_default_week_starts_monday_0900_utc() -> None:
    period = period_containing(datetime(2026, 11, 25, 15, tzinfo=UTC), CommunitySettings())
    assert period.start == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert period.key == "2026-W48"
    just_before = period_containing(datetime(2026, 11, 23, 8, 59, tzinfo=UTC),
                                    CommunitySettings())
    assert just_before.key == "2026-W47"


@pytest.mark.parametrize(("zone", "day", "hours"), [
    ("Europe/Berlin", datetime(2026, 3, 25, tzinfo=UTC), 167),  # spring forward: a short week
    ("Europe/Berlin", datetime(2026, 10, 21, tzinfo=UTC), 169),  # fall back: a long week
    ("America/New_York", datetime(2026, 3, 4, tzinfo=UTC), 167),
    ("America/New_York", datetime(2026, 10, 28, tzinfo=UTC), 169),
    ("Asia/Tokyo", datetime(2026, 3, 25, tzinfo=UTC), 168),
])
def test_dst_weeks_keep_local_time_and_lose_no_hour(zone: str, day: datetime,
                                                    hours: int) -> None:
    settings = CommunitySettings(timezone=zone, digest_weekday=0, digest_time="09:00")
    period = period_containing(day, settings)
    assert (period.end - period.start) == timedelta(hours=hours)
    from zoneinfo import ZoneInfo

    for edge in (period.start, period.end):
        local = edge.astimezone(ZoneInfo(zone))
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    # Consecutive weeks tile time: no gap, no overlap.
    after = period_containing(period.end, settings)
    assert after.start == period.end
    assert previous_period(after, settings) == period


def test_every_moment_belongs_to_exactly_one_week() -> None:
    settings = CommunitySettings(timezone="America/New_York", digest_weekday=4,
                                 digest_time="17:30")
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment < datetime(2027, 1, 1, tzinfo=UTC):
        period = period_containing(moment, settings)
        assert period.contains(moment)
        moment += timedelta(hours=7)


def test_period_by_key_round_trips() -> None:
    settings = CommunitySettings(timezone="Europe/Berlin", digest_weekday=2, digest_time="08:15")
    period = period_containing(datetime(2026, 7, 9, 12, tzinfo=UTC), settings)
    assert period_by_key(period.key, settings) == period


# Weekly times inside the hour a DST change skips or repeats: Sunday is the change day in
# both zones (US: Mar 8 / Nov 1 2026; EU: Mar 29 / Oct 25 2026).
EDGE_SCHEDULES = [
    ("America/New_York", 6, "02:30"),  # does not exist on Mar 8
    ("America/New_York", 6, "01:30"),  # happens twice on Nov 1
    ("Europe/Berlin", 6, "02:30"),  # does not exist on Mar 29
    ("Europe/Berlin", 6, "02:15"),  # happens twice on Oct 25
    ("Europe/Berlin", 0, "09:00"),
    ("America/New_York", 0, "00:00"),
    ("Australia/Lord_Howe", 6, "01:45"),  # a half-hour DST change
]


@pytest.mark.parametrize(("zone", "weekday", "at"), EDGE_SCHEDULES)
def test_weeks_tile_time_across_every_dst_change(zone: str, weekday: int, at: str) -> None:
    settings = CommunitySettings(timezone=zone, digest_weekday=weekday, digest_time=at)
    period = period_containing(datetime(2025, 12, 20, tzinfo=UTC), settings)
    lengths = set()
    while period.start < datetime(2027, 1, 10, tzinfo=UTC):
        after = period_containing(period.end, settings)
        assert after.start == period.end, "no gap, no overlap"
        assert previous_period(after, settings) == period
        assert after.key != period.key
        assert period_by_key(period.key, settings) == period
        lengths.add(period.end - period.start)
        period = after
    assert lengths <= {timedelta(hours=h) for h in (167, 167.5, 168, 168.5, 169)}


@pytest.mark.parametrize(("zone", "weekday", "at"), EDGE_SCHEDULES)
def test_every_minute_around_a_change_is_in_exactly_its_week(zone: str, weekday: int,
                                                             at: str) -> None:
    settings = CommunitySettings(timezone=zone, digest_weekday=weekday, digest_time=at)
    for change in (datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC),
                   datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC),
                   datetime(2026, 4, 4, 15, tzinfo=UTC), datetime(2026, 10, 3, 15, tzinfo=UTC)):
        moment = change - timedelta(hours=3)
        while moment < change + timedelta(hours=3):
            period = period_containing(moment, settings)
            assert period.contains(moment)
            moment += timedelta(minutes=5)


def test_the_repeated_hour_is_counted_once() -> None:
    # Nov 1 2026, New York: 01:00-02:00 happens twice. A week starting Sunday 01:30 starts
    # at the first 01:30 (EDT); a link at the second 01:15 (EST) is in the new week.
    settings = CommunitySettings(timezone="America/New_York", digest_weekday=6,
                                 digest_time="01:30")
    first_0130 = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second_0115 = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)
    period = period_containing(second_0115, settings)
    assert period.start == first_0130 and period.contains(second_0115)
    assert period_containing(first_0130 - timedelta(seconds=1), settings).end == first_0130


def test_a_skipped_weekly_time_starts_after_the_gap() -> None:
    # Mar 8 2026, New York: 02:00-03:00 does not exist; "02:30" is read as 03:30 EDT.
    settings = CommunitySettings(timezone="America/New_York", digest_weekday=6,
                                 digest_time="02:30")
    period = period_containing(datetime(2026, 3, 8, 7, 45, tzinfo=UTC), settings)
    assert period.start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert period_containing(datetime(2026, 3, 8, 7, 15, tzinfo=UTC), settings).end == (
        period.start)


@pytest.mark.parametrize(("name", "value"), [
    ("timezone", "Mars/Olympus"), ("digest_time", "25:00"), ("digest_time", "9"),
])
def test_bad_schedule_settings_are_clear_errors(name: str, value: str) -> None:
    from bot.errors import InvalidSetting

    with pytest.raises(InvalidSetting, match=name):
        CommunitySettings().updated(name, value)  # refused before it is stored
    settings = CommunitySettings(**{name: value})  # built in code: the schedule still checks
    with pytest.raises(InvalidSetting):
        period_containing(datetime(2026, 1, 1, tzinfo=UTC), settings)


def test_weekday_names() -> None:
    from bot.period import weekday

    assert [weekday(v) for v in ("0", "mon", "Sunday", "fri", 3)] == [0, 0, 6, 4, 3]


@pytest.mark.parametrize(("weekday", "at", "zone", "label"), [
    (0, "09:00", "UTC", "Nov 16 – 22, 2026"),
    (4, "17:30", "America/New_York", "Nov 14 – 20, 2026"),
    (0, "00:00", "Europe/Berlin", "Nov 16 – 22, 2026"),
])
def test_the_date_range_names_seven_local_days(weekday: int, at: str, zone: str,
                                               label: str) -> None:
    from bot.compose import date_range

    settings = CommunitySettings(timezone=zone, digest_weekday=weekday, digest_time=at)
    period = period_containing(datetime(2026, 11, 19, 12, tzinfo=UTC), settings)
    assert date_range(period, settings) == label
    assert date_range(period_by_key("2026-W53", settings), settings).endswith("2027")
