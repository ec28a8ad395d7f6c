"""Numbers and moments as an Indonesian reader writes them: 1.236 laporan, 87,5%,
30 November 2026 pukul 17.00 WIB."""
import datetime as dt
from zoneinfo import ZoneInfo

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
NOTHING = "–"   # no figure: an empty denominator, or nothing to measure yet


def number(value) -> str:
    """Thousands separated by `.`, decimals after `,` (one at most, as reporting rounds)."""
    if value is None:
        return NOTHING
    if isinstance(value, float) and not value.is_integer():
        whole, _, decimals = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + decimals
    return f"{int(value):,}".replace(",", ".")


def percent(value) -> str:
    return NOTHING if value is None else number(value) + "%"


def moment(instant: str | None, timezone: str, with_time: bool = True) -> str:
    """An ISO-8601 instant in the region's own time zone."""
    if not instant:
        return NOTHING
    local = dt.datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZoneInfo(timezone))
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    if not with_time:
        return day
    return f"{day} pukul {local:%H.%M} {ZONES.get(timezone, timezone)}"


def shown(value, column: str, timezone: str = "Asia/Jakarta") -> str:
    """A table's value as the page shows it, by what its column measures."""
    if column.endswith("_pct"):
        return percent(value)
    if column == "due":
        return moment(value, timezone)
    return number(value)
