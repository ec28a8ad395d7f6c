"""Service-level deadlines of a case, in Indonesian working days, and the escalation ladder.

Each open status has one deadline running (see docs/case-lifecycle.md):

| status                         | deadline     | due                                         |
|--------------------------------|--------------|---------------------------------------------|
| routed, reopened               | acknowledge  | `acknowledge_working_days` after (re)routing |
| acknowledged, in_progress      | resolve      | `follow_up_working_days` after (re)routing   |
| unroutable, rejected           | triage       | `triage_working_days` after it reached the TPH |
| resolved                       | deem_close   | `deem_closed_working_days` after resolution  |

An acknowledge or resolve deadline of two working days or more first gives a warning at the
end of its last-but-one working day (`case.due_soon`), unless the OPD is done by then or the
deadline has already passed when the warning would go out.

A missed acknowledge or resolve deadline climbs the ladder one rung at a time, every
`escalation_step_working_days`: OPD head (1), TPH (2), Sekda (3). A missed triage deadline
goes to the Sekda (3) at once, since the TPH already holds the case. A missed deem_close
deadline closes the case. The next instant the case needs attention is `timer_at`, stored
with the case, so timers survive restarts and any replica can act on them. A deadline is
met up to and including its instant (23:59:59.999 local); it is missed after it.
"""
from simpul_common.contracts import ESCALATION_TARGETS

from .deadlines import due_at

TOP_LEVEL = len(ESCALATION_TARGETS) - 1   # 3: the Sekda
DEFAULT_NORMS = {
    "acknowledge_working_days": 3,       # SP4N-LAPOR!: verification and forwarding
    "follow_up_working_days": 5,         # the agency drafts its follow-up
    "triage_working_days": 3,            # the TPH assigns an unroutable or rejected case
    "deem_closed_working_days": 10,      # no answer from the reporter after the follow-up
    "escalation_step_working_days": 2,   # between two rungs of the ladder
}
DEADLINE_OF = {"routed": "acknowledge", "reopened": "acknowledge", "acknowledged": "resolve",
               "in_progress": "resolve", "unroutable": "triage", "rejected": "triage",
               "resolved": "deem_close"}
DUE_FIELD = {"acknowledge": "acknowledge_due_at", "resolve": "due_at",
             "triage": "triage_due_at", "deem_close": "deem_closed_at"}


def norms_for(service_norms: dict | None) -> dict:
    """The norms a new case keeps for its whole life: the service type's, over the defaults."""
    chosen = dict(DEFAULT_NORMS)
    for field in ("acknowledge_working_days", "follow_up_working_days"):
        if service_norms and isinstance(service_norms.get(field), int):
            chosen[field] = service_norms[field]
    return chosen


def schedule(case: dict, at: str, restart: bool) -> dict:
    """The deadline fields of `case` (already in its new status) from `at` on. `restart`:
    the case was (re)routed or reopened, so the OPD's clocks start again at `at`."""
    norms, zone, status = case["norms"], case["timezone"], case["status"]
    if not restart and case.get("deadline") and DEADLINE_OF.get(status) == case["deadline"]:
        return {}   # the same deadline keeps running (acknowledged → in_progress), and its ladder
    fields = {"deadline": DEADLINE_OF.get(status), "escalation_level": 0}
    if restart or status in ("unroutable", "rejected"):
        fields["clock_started_at"] = at
    if status in ("routed", "reopened") and restart:
        fields["acknowledge_due_at"] = due_at(at, norms["acknowledge_working_days"], zone)
        fields["due_at"] = due_at(at, norms["follow_up_working_days"], zone)
    elif status in ("unroutable", "rejected"):
        fields["triage_due_at"] = due_at(at, norms["triage_working_days"], zone)
    elif status == "resolved":
        fields["deem_closed_at"] = due_at(at, norms["deem_closed_working_days"], zone)
    current = {**case, **fields}
    due = current.get(DUE_FIELD[fields["deadline"]]) if fields["deadline"] else None
    days = {"acknowledge": norms["acknowledge_working_days"],
            "resolve": norms["follow_up_working_days"]}.get(fields["deadline"], 0)
    warn = due_at(current.get("clock_started_at") or at, days - 1, zone) if days >= 2 else None
    fields.update(warn_at=warn, warn_pending=warn is not None, timer_at=warn or due)
    return fields


def warning(case: dict, now: str) -> dict | None:
    """The due-soon warning owed at `now`: the case's new fields, and whether to announce it
    (not when the deadline itself has passed by now: the ladder speaks instead)."""
    if not case.get("warn_pending") or not case.get("timer_at") or case["timer_at"] >= now:
        return None
    due = case[DUE_FIELD[case["deadline"]]]
    return {"fields": {"warn_pending": False, "timer_at": due}, "announce": due >= now,
            "deadline": case["deadline"], "due": due}


def escalation(case: dict, now: str) -> dict | None:
    """The next rung of the ladder if the case's timer has passed at `now`: the new fields of
    the case and the facts of the escalation; None if nothing is due (or the top is reached)."""
    timer, deadline = case.get("timer_at"), case.get("deadline")
    if not timer or timer >= now or deadline in (None, "deem_close") or case.get("warn_pending"):
        return None
    level = TOP_LEVEL if deadline == "triage" else case.get("escalation_level", 0) + 1
    if level > TOP_LEVEL:
        return None
    next_timer = None if level == TOP_LEVEL else \
        due_at(timer, case["norms"]["escalation_step_working_days"], case["timezone"])
    return {"fields": {"escalation_level": level, "timer_at": next_timer},
            "level": level, "target": ESCALATION_TARGETS[level], "deadline": deadline,
            "overdue_since": case[DUE_FIELD[deadline]]}


def deem_close_due(case: dict, now: str) -> bool:
    return case.get("deadline") == "deem_close" and bool(case.get("timer_at")) \
        and case["timer_at"] < now


def overdue(case: dict, now: str) -> bool:
    deadline = case.get("deadline")
    if deadline in (None, "deem_close"):
        return False
    due = case.get(DUE_FIELD[deadline])
    return bool(due) and due < now
