"""Deadlines in Indonesian working days: weekends, libur nasional and cuti bersama off."""
import datetime as dt
from zoneinfo import ZoneInfo

from simpul_common.workdays import add_working_days, is_working_day  # noqa: F401 (re-exported)


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
