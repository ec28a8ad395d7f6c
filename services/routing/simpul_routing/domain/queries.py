"""Which cases a reader asks for: filters checked and turned into one storage query."""
import re

from simpul_common.codes import OPD_CODE_PATTERN
from simpul_common.regions import KABUPATEN_PATTERN

from .lifecycle import STATUSES, TRIAGE
from .sla import DUE_FIELD

QUEUES = {
    "triage": {"status": {"$in": list(TRIAGE)}},                   # the TPH's queue
    "open": {"status": {"$nin": ["closed", "linked"]}},
    "awaiting_confirmation": {"status": "resolved"},               # the kader's queue
}
_TEXT = re.compile(r"^[\x21-\x7e]{1,128}$")
PATTERNS = {"opd_code": OPD_CODE_PATTERN, "kabupaten_code": KABUPATEN_PATTERN}
FILTERS = ("opd_code", "kabupaten_code", "posyandu_id", "visit_id", "household_ref", "status",
           "queue", "overdue", "escalation_level", "service_type", "spm_area")


class BadFilter(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def case_query(filters: dict, now: str) -> dict:
    """The storage query of `filters` (AND of every filter given); BadFilter names the field."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise BadFilter(unknown[0], "filter tidak dikenal")
    parts = []
    for field in ("opd_code", "kabupaten_code", "posyandu_id", "visit_id", "household_ref",
                  "service_type", "spm_area"):
        value = filters.get(field)
        if value is None:
            continue
        if not isinstance(value, str) or not re.fullmatch(PATTERNS.get(field, _TEXT.pattern), value):
            raise BadFilter(field, "nilai tidak sah")
        parts.append({field: value})
    status = filters.get("status")
    if status is not None:
        statuses = [status] if isinstance(status, str) else \
            list(status) if isinstance(status, (list, tuple)) else [None]
        bad = [s for s in statuses if not isinstance(s, str) or s not in STATUSES]
        if bad or not statuses:
            raise BadFilter("status", f"harus salah satu dari {', '.join(STATUSES)}")
        parts.append({"status": {"$in": statuses}})
    queue = filters.get("queue")
    if queue is not None:
        if not isinstance(queue, str) or queue not in QUEUES:
            raise BadFilter("queue", f"harus salah satu dari {', '.join(QUEUES)}")
        parts.append(QUEUES[queue])
    level = filters.get("escalation_level")
    if level is not None:
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3:
            raise BadFilter("escalation_level", "harus 0 sampai 3 (paling rendah)")
        parts.append({"escalation_level": {"$gte": level}})
    if filters.get("overdue") is not None:
        if not isinstance(filters["overdue"], bool):
            raise BadFilter("overdue", "harus true atau false")
        late = {"$or": [{"deadline": deadline, field: {"$lt": now}}
                        for deadline, field in DUE_FIELD.items() if deadline != "deem_close"]}
        parts.append(late if filters["overdue"] else {"$nor": late["$or"]})
    return {"$and": parts} if len(parts) > 1 else (parts[0] if parts else {})
