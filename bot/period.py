"""A community's digest period: a day, a week, a fortnight or a month (the ``cadence``
setting), starting at its digest time, in its time zone.

Boundaries are computed as wall-clock times in the zone and compared as instants (UTC), so a
daylight-saving change makes one period an hour shorter or longer and never loses or doubles
an hour. A digest time that does not exist on a spring-forward day (02:30 in New York) is
taken as the same wall-clock offset before the change (03:30 daylight time); one that
happens twice on a fall-back day is taken at its first occurrence.

Labels (a period's key), one form per cadence, parsed here and only here:

- daily ``2026-12-03``: the local day the period starts, at the digest time;
- weekly ``2026-W49``: the ISO week whose ``digest_weekday`` starts it;
- biweekly ``2026-W49+W50``: two ISO weeks, starting on ``digest_weekday`` of the first.
  Fortnights are counted without a break from ISO week 2001-W01 (BIWEEKLY_ANCHOR), so a year
  with 53 weeks does not upset the rhythm: a pair may run across the new year
  (``2026-W53+W01``), and in 2026 the pairs start on odd weeks;
- monthly ``2026-12``: from the 1st of the month (``digest_weekday`` is not used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.community import CommunitySettings
from bot.errors import InvalidSetting
from bot.setting_types import CADENCES as CADENCES  # re-exported: the cadences, in order

# Periods the bot can talk about. Far enough on both sides for any real digest, and far from
# the limits of ``date`` (year 1 and 9999), where period arithmetic overflows.
MIN_YEAR, MAX_YEAR = 2000, 2999
LABEL_FORMS = "2026-12-03, 2026-W48, 2026-W49+W50 or 2026-12"
PERIOD_HELP = f"this, last, or a period like {LABEL_FORMS}"
# The Monday that starts a fortnight: ISO week 2001-W01. Every 14 days after it does too.
BIWEEKLY_ANCHOR = date(2001, 1, 1)
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-[Ww]([0-9]{1,2})")
_PAIR = re.compile(r"([0-9]{4})-[Ww]([0-9]{1,2})\+[Ww]([0-9]{1,2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # the period's label, e.g. "2026-W47" (see the module's docstring)
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC; exclusive

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Label:
    """A period label, parsed: its cadence and the local day its calendar unit begins (the
    day; the Monday of the (first) week; the 1st of the month)."""

    cadence: str
    begins: date

    @property
    def key(self) -> str:
        day = self.begins
        if self.cadence == "daily":
            return day.isoformat()
        if self.cadence == "monthly":
            return f"{day.year}-{day.month:02d}"
        iso = day.isocalendar()
        week = f"{iso.year}-W{iso.week:02d}"
        if self.cadence == "biweekly":
            return f"{week}+W{(day + timedelta(days=7)).isocalendar().week:02d}"
        return week


@dataclass(frozen=True, slots=True)
class Schedule:
    """A community's period rule, checked: cadence, weekday and time, in its zone."""

    zone: ZoneInfo
    weekday: int
    at: time
    cadence: str = "weekly"

    @classmethod
    def of(cls, settings: CommunitySettings) -> Schedule:
        return cls(zone(settings.timezone), weekday(settings.digest_weekday),
                   clock_time(settings.digest_time), settings.cadence)

    def instant(self, day: date) -> datetime:
        """The digest time on a local ``day``, as a UTC instant."""
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)

    def first_day(self, day: date) -> date:
        """The local day on which the period holding ``day`` starts (ignoring the time)."""
        if self.cadence == "daily":
            return day
        if self.cadence == "monthly":
            return day.replace(day=1)
        first = day - timedelta(days=(day.weekday() - self.weekday) % 7)
        if self.cadence == "biweekly" and _fortnight_week(first - timedelta(
                days=first.weekday())) == 1:
            first -= timedelta(days=7)
        return first

    def label(self, first: date) -> Label:
        if self.cadence in ("daily", "monthly"):
            return Label(self.cadence, first)
        return Label(self.cadence, first - timedelta(days=first.weekday()))

    def after(self, first: date) -> date:
        """The first day of the next period."""
        if self.cadence == "daily":
            return first + timedelta(days=1)
        if self.cadence == "weekly":
            return first + timedelta(days=7)
        if self.cadence == "biweekly":
            return first + timedelta(days=14)
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1)

    def period_from(self, first_day: date) -> Period:
        return Period(self.label(first_day).key, self.instant(first_day),
                      self.instant(self.after(first_day)))


def _fortnight_week(monday: date) -> int:
    """0 for the first week of a fortnight, 1 for the second."""
    return ((monday - BIWEEKLY_ANCHOR).days // 7) % 2


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
    first = schedule.first_day(moment.astimezone(schedule.zone).date())
    # Compared as instants: wall-clock comparison in one zone ignores the UTC offset, which
    # puts the repeated or skipped hour of a DST change in the wrong period.
    if schedule.instant(first) > moment:
        first = schedule.first_day(first - timedelta(days=1))
    return schedule.period_from(first)


def previous_period(period: Period, settings: CommunitySettings) -> Period:
    return period_containing(period.start - timedelta(microseconds=1), settings)


def next_period(period: Period, settings: CommunitySettings) -> Period:
    return period_containing(period.end, settings)


def period_by_key(key: str, settings: CommunitySettings) -> Period:
    """The period a label names, in the community's zone, weekday and time. A label of
    another cadence than the community's (a weekly digest posted before it went monthly)
    names that cadence's period."""
    label = parse_label(key)  # the one grammar of a label, with the years the bot knows
    if label is None:
        raise InvalidSetting(f"{key!r} is not a period: use {PERIOD_HELP}.")
    schedule = replace(Schedule.of(settings), cadence=label.cadence)
    if label.cadence in ("daily", "monthly"):
        return schedule.period_from(label.begins)
    return schedule.period_from(label.begins + timedelta(days=schedule.weekday))


def parse_label(text: str) -> Label | None:
    """A period label of any cadence, for a calendar day, week, fortnight or month that
    exists within the years the bot knows; None for anything else."""
    text = text.strip()
    try:
        if match := _DAY.fullmatch(text):
            found = Label("daily", date(*(int(g) for g in match.groups())))
        elif match := _PAIR.fullmatch(text):
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            second = (monday + timedelta(days=7)).isocalendar().week
            if _fortnight_week(monday) != 0 or second != int(match.group(3)):
                return None
            found = Label("biweekly", monday)
        elif match := _WEEK.fullmatch(text):
            found = Label("weekly", date.fromisocalendar(int(match.group(1)),
                                                        int(match.group(2)), 1))
        elif match := _MONTH.fullmatch(text):
            found = Label("monthly", date(int(match.group(1)), int(match.group(2)), 1))
        else:
            return None
    except ValueError:  # no such day, week (0, or 53 of a 52-week year) or month
        return None
    return found if MIN_YEAR <= int(match.group(1)) <= MAX_YEAR else None


UNITS = {"daily": "day", "weekly": "week", "biweekly": "fortnight", "monthly": "month"}


def period_unit(key: str) -> str:
    """What a period is called in a digest's words ("day", "week", "fortnight", "month"),
    from its label; "week" for a label the bot does not know."""
    label = parse_label(key)
    return UNITS[label.cadence] if label is not None else "week"


def named_period(which: str, now: datetime, settings: CommunitySettings) -> Period:
    """The period a member names: 'this' (containing ``now``), 'last', or a label."""
    current = period_containing(now, settings)
    if which == "this":
        return current
    if which == "last":
        return previous_period(current, settings)
    return period_by_key(which, settings)
