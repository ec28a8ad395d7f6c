"""Deadlines in Indonesian working days: weekends, libur nasional and cuti bersama off."""
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import lokal

log = logging.getLogger(__name__)


def _is_working_day(day: dt.date) -> bool:
    try:
        return lokal.is_working_day(day)
    except ValueError:  # no official holiday calendar for that year yet: weekends only
        log.warning("no holiday calendar for %s; counting weekends only", day.year)
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if _is_working_day(day):
            days -= 1
    return day


def local_date(utc: str, timezone: str) -> str:
    """The calendar date (ISO) an instant falls on in the region's time zone."""
    return dt.datetime.fromisoformat(utc).astimezone(ZoneInfo(timezone)).date().isoformat()


def due_at(start_utc: str, working_days: int, timezone: str) -> str:
    """End (23:59:59.999 local) of the `working_days`-th working day after `start_utc`, as UTC
    text with milliseconds, comparable as text with every other instant Simpul stores."""
    zone = ZoneInfo(timezone)
    local_start = dt.datetime.fromisoformat(start_utc).astimezone(zone)
    last_day = add_working_days(local_start.date(), working_days)
    end = dt.datetime.combine(last_day, dt.time(23, 59, 59, 999000), tzinfo=zone)
    return end.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
