"""The life of a case after routing, enforced in one place: who may move a case from which
status to which, and what each move must carry. Pure: the caller stores the case and its
history entry together, and announces the move.

    routed ─acknowledge→ acknowledged ─start→ in_progress ─resolve→ resolved ─confirm→ closed
      │  (reject → rejected; transfer → routed at another OPD)          ├─reopen→ reopened (same OPD)
    unroutable / rejected ─assign (TPH)→ routed                         └─deem_closed (no answer)→ closed
    linked: a duplicate joined to another open case; no moves.

Every move that changes the status sets the deadline that now runs (see sla.py).
"""
from dataclasses import dataclass
from typing import Optional

from . import sla

STATUSES = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "resolved",
            "reopened", "closed", "linked")
TRIAGE = ("unroutable", "rejected")
CLOSED = ("closed", "linked")
RESTARTS = ("transfer", "assign", "reopen")   # the OPD's clocks start again
OPEN_AT_OPD = ("routed", "acknowledged", "in_progress", "reopened")
OPD_STAFF = ("opd_officer", "opd_head")


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[str, ...]
    target: Optional[str]          # None: the status stays (an update)
    roles: tuple[str, ...]
    needs: tuple[str, ...] = ()     # fields the move must carry


MOVES = {m.action: m for m in (
    Move("acknowledge", ("routed", "reopened"), "acknowledged", OPD_STAFF),
    Move("start", ("acknowledged", "reopened"), "in_progress", OPD_STAFF),
    Move("update", ("acknowledged", "in_progress", "reopened"), None, OPD_STAFF, ("note",)),
    Move("resolve", ("acknowledged", "in_progress", "reopened"), "resolved", OPD_STAFF,
         ("resolution",)),
    Move("reject", OPEN_AT_OPD, "rejected", OPD_STAFF, ("reason",)),
    Move("transfer", OPEN_AT_OPD, "routed", (*OPD_STAFF, "tph"), ("opd_code", "reason")),
    Move("assign", ("unroutable", "rejected"), "routed", ("tph",), ("opd_code",)),
    Move("confirm", ("resolved",), "closed", ("kader", "citizen")),
    Move("reopen", ("resolved",), "reopened", ("kader", "citizen"), ("reason",)),
    Move("deem_closed", ("resolved",), "closed", ("system",)),
)}


class IllegalMove(Exception):
    """The move is refused and nothing changes: `status` 409 (not from this status), 403 (not
    by this actor), 422 (a field it needs is missing or wrong); `field` names the culprit."""

    def __init__(self, message: str, field: str = "action", status: int = 409):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Actor:
    role: str
    id: str
    opd_code: Optional[str] = None        # OPD staff
    posyandu_id: Optional[str] = None     # kader
    kabupaten_code: Optional[str] = None  # TPH
    name: Optional[str] = None

    @classmethod
    def from_dict(cls, data) -> "Actor":
        if not isinstance(data, dict):
            raise TypeError("an actor is a JSON object")
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


SYSTEM = Actor(role="system", id="routing", name="Simpul")
RECORDED = ("note", "resolution", "reason", "opd_code", "evidence")


def allowed_actions(case: dict) -> list[str]:
    return [m.action for m in MOVES.values() if case["status"] in m.sources]


def apply(case: dict, action: str, actor: Actor, at: str, details: dict,
          opds: Optional[dict] = None) -> tuple[dict, dict]:
    """The case after `action`, and the history entry that explains it. `opds`: code → name
    of the active OPD of the case's kabupaten/kota, for transfer and assign."""
    move = MOVES.get(action)
    if move is None:
        raise IllegalMove(f"tindakan {action!r} tidak dikenal")
    if case["status"] not in move.sources:
        raise IllegalMove(f"kasus berstatus {case['status']} tidak dapat di-{action}; "
                          f"yang mungkin: {', '.join(allowed_actions(case)) or 'tidak ada'}")
    _check_actor(case, move, actor)
    missing = [f for f in move.needs if not details.get(f)]
    if missing:
        raise IllegalMove(f"{action} memerlukan {', '.join(missing)}", field=missing[0],
                          status=422)
    after = dict(case, status=move.target or case["status"], updated_at=at)
    if action in ("transfer", "assign"):
        after.update(_new_opd(case, action, details["opd_code"], opds or {}))
    if action in ("reject", "transfer"):
        after["reason"] = details["reason"]
    if action == "reject":   # back to the TPH: no OPD holds it (the entry says which refused)
        after.update(opd_code=None, opd_name=None, unit_code=None, rule_id=None)
    if after["status"] != case["status"] or action in RESTARTS:
        after.update(sla.schedule(after, at, restart=action in RESTARTS))
    if after["status"] in CLOSED:
        after.pop("open_key", None)
    entry = {"action": action, "from": case["status"], "to": after["status"], "at": at,
             "actor": actor_entry(actor),
             **{k: v for k, v in details.items() if k in RECORDED and v is not None}}
    if action == "reject":
        entry["opd_code"] = case.get("opd_code")
    return after, entry


def actor_entry(actor: Actor) -> dict:
    return {k: v for k, v in (("role", actor.role), ("id", actor.id), ("name", actor.name))
            if v is not None}


def _new_opd(case: dict, action: str, opd_code, opds: dict) -> dict:
    if action == "transfer" and opd_code == case.get("opd_code"):
        raise IllegalMove("kasus sudah di OPD ini", field="opd_code")
    if not str(opd_code).startswith(f"{case['kabupaten_code']}/"):
        raise IllegalMove(f"OPD harus OPD {case['kabupaten_code']}", field="opd_code", status=422)
    if opd_code not in opds:
        raise IllegalMove(f"OPD {opd_code} tidak dikenal atau tidak aktif", field="opd_code",
                          status=422)
    return {"opd_code": opd_code, "opd_name": opds[opd_code], "unit_code": None,
            "rule_id": None, "reason": None}


def _check_actor(case: dict, move: Move, actor: Actor) -> None:
    if actor.role not in move.roles:
        raise IllegalMove(f"peran {actor.role} tidak dapat melakukan {move.action}", field="actor",
                          status=403)
    if actor.role in OPD_STAFF and actor.opd_code != case.get("opd_code"):
        raise IllegalMove("hanya OPD yang menangani kasus ini yang dapat melakukannya", field="actor",
                          status=403)
    if actor.role == "kader" and actor.posyandu_id != case.get("posyandu_id"):
        raise IllegalMove("hanya kader Posyandu asal laporan yang dapat melakukannya", field="actor",
                          status=403)
    if actor.role == "tph" and actor.kabupaten_code != case.get("kabupaten_code"):
        raise IllegalMove("hanya TPH kabupaten/kota kasus ini yang dapat melakukannya", field="actor",
                          status=403)
