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
