"""A community's digest week: from its weekday and time, in its time zone.

Boundaries are computed as wall-clock times in the zone and compared as instants (UTC), so a
daylight-saving change makes one week an hour shorter or longer and never loses or doubles
an hour. A weekly time that does not exist on a spring-forward day (02:30 in New York) is
taken as the same wall-clock offset before the change (03:30 daylight time); one that
happens twice on a fall-back day is taken at its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.community import CommunitySettings
from bot.errors import InvalidSetting

# Weeks the bot can talk about. Far enough on both sides for any real digest, and far from
# the limits of ``date`` (year 1 and 9999), where period arithmetic overflows.
MIN_YEAR, MAX_YEAR = 2000, 2999
PERIOD_HELP = "this, last, or an ISO week like 2026-W48"
_WEEK = re.compile(r"([0-9]{4})-[Ww]([0-9]{1,2})")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # ISO week of the period's first local day, e.g. "2026-W47"
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC; exclusive

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Schedule:
    """A community's weekly time, checked."""

    zone: ZoneInfo
    weekday: int
    at: time

    @classmethod
    def of(cls, settings: CommunitySettings) -> Schedule:
        return cls(zone(settings.timezone), weekday(settings.digest_weekday),
                   clock_time(settings.digest_time))

    def instant(self, day: date) -> datetime:
        """The weekly time on a local ``day``, as a UTC instant."""
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)

    def period_from(self, first_day: date) -> Period:
        iso = first_day.isocalendar()
        return Period(f"{iso.year}-W{iso.week:02d}", self.instant(first_day),
                      self.instant(first_day + timedelta(days=7)))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InvalidSetting(
            f"{name!r} is not a time zone: use an IANA name like Europe/Berlin.") from err


def weekday(value: int | str) -> int:
    """0 (Monday) to 6 (Sunday), from a number or a day name ("mon", "Monday")."""
    text = str(value).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for number, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return number
    raise InvalidSetting(f"{value!r} is not a weekday: use 0 (Monday) to 6, or a day name.")


def clock_time(text: str) -> time:
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InvalidSetting(f"{text!r} is not a time of day: use HH:MM, like 09:00.")
    return time(int(match.group(1)), int(match.group(2)))


def period_containing(moment: datetime, settings: CommunitySettings) -> Period:
    schedule = Schedule.of(settings)
    local_day = moment.astimezone(schedule.zone).date()
    first = local_day - timedelta(days=(local_day.weekday() - schedule.weekday) % 7)
    # Compared as instants: wall-clock comparison in one zone ignores the UTC offset, which
    # puts the repeated or skipped hour of a DST change in the wrong week.
    if schedule.instant(first) > moment:
        first -= timedelta(days=7)
    return schedule.period_from(first)


def previous_period(period: Period, settings: CommunitySettings) -> Period:
    return period_containing(period.start - timedelta(microseconds=1), settings)


def next_period(period: Period, settings: CommunitySettings) -> Period:
    return period_containing(period.end, settings)


def period_by_key(key: str, settings: CommunitySettings) -> Period:
    """The period whose first local day falls in ISO week ``key`` ("YYYY-Www")."""
    week = iso_week(key)  # the one grammar of a week, with the years the calendar can handle
    if week is None:
        raise InvalidSetting(f"{key!r} is not a period: use {PERIOD_HELP}.")
    monday = date.fromisocalendar(week[0], week[1], 1)
    schedule = Schedule.of(settings)
    return schedule.period_from(monday + timedelta(days=schedule.weekday))


def iso_week(text: str) -> tuple[int, int] | None:
    """(year, week) of an existing ISO week 'YYYY-Www' within the years the bot knows."""
    match = _WEEK.fullmatch(text.strip())
    if match is None:
        return None
    year, week = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:  # week 0, or week 53 of a 52-week year
        return None
    return year, week


def named_period(which: str, now: datetime, settings: CommunitySettings) -> Period:
    """The period a member names: 'this' (containing ``now``), 'last', or an ISO week
    'YYYY-Www'."""
    current = period_containing(now, settings)
    if which == "this":
        return current
    if which == "last":
        return previous_period(current, settings)
    return period_by_key(which, settings)
