"""A community's digest week: from its weekday and time, in its time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.community import CommunitySettings
from bot.errors import InvalidSetting


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # ISO week of the period's first local day, e.g. "2026-W47"
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC; exclusive

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _local_start(moment: datetime, settings: CommunitySettings) -> datetime:
    zone = ZoneInfo(settings.timezone)
    local = moment.astimezone(zone)
    hour, minute = (int(part) for part in settings.digest_time.split(":", 1))
    days_back = (local.weekday() - settings.digest_weekday) % 7
    day = local.date() - timedelta(days=days_back)
    start = datetime.combine(day, time(hour, minute), tzinfo=zone)
    if start > local:
        start = datetime.combine(day - timedelta(days=7), time(hour, minute), tzinfo=zone)
    return start


def _period_from_local(start_local: datetime) -> Period:
    zone = start_local.tzinfo
    end_local = datetime.combine(start_local.date() + timedelta(days=7), start_local.timetz())
    iso = start_local.date().isocalendar()
    # Wall-clock arithmetic in the zone, converted once: a DST change shortens or lengthens
    # the week by an hour instead of moving its boundary.
    del zone
    return Period(f"{iso.year}-W{iso.week:02d}", start_local.astimezone(UTC),
                  end_local.astimezone(UTC))


def period_containing(moment: datetime, settings: CommunitySettings) -> Period:
    return _period_from_local(_local_start(moment, settings))


def previous_period(period: Period, settings: CommunitySettings) -> Period:
    return period_containing(period.start - timedelta(seconds=1), settings)


def period_by_key(key: str, settings: CommunitySettings) -> Period:
    """The period whose first local day falls in ISO week ``key`` ("YYYY-Www")."""
    match = re.fullmatch(r"(\d{4})-W(\d{1,2})", key.strip().upper())
    try:
        if match is None:
            raise ValueError(key)
        monday = datetime.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as err:
        raise InvalidSetting(
            f"{key!r} is not a period: use this, last, or an ISO week like 2026-W48.") from err
    zone = ZoneInfo(settings.timezone)
    hour, minute = (int(part) for part in settings.digest_time.split(":", 1))
    day = monday.date() + timedelta(days=settings.digest_weekday)
    return _period_from_local(datetime.combine(day, time(hour, minute), tzinfo=zone))
