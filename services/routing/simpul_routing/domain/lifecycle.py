"""The life of a case after routing, enforced in one place: who may move a case from which
status to which, and what each move must carry. Pure: the caller stores the case and its
history entry together, and announces the move.

    routed ─acknowledge→ acknowledged ─start→ in_progress ─resolve→ resolved ─confirm→ closed
      │  (reject → rejected; transfer → routed at another OPD)          ├─reopen→ reopened (same OPD)
    unroutable / rejected ─assign (TPH)→ routed                         └─deem_closed (no answer)→ closed
"""
from dataclasses import dataclass
from typing import Optional

STATUSES = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "resolved",
            "reopened", "closed")
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
    """409: this actor may not make this move on a case in this status; nothing changes."""

    def __init__(self, message: str, field: str = "action"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Actor:
    role: str
    id: str
    opd_code: Optional[str] = None        # OPD staff
    posyandu_id: Optional[str] = None     # kader
    kabupaten_code: Optional[str] = None  # TPH


def allowed_actions(case: dict) -> list[str]:
    return [m.action for m in MOVES.values() if case["status"] in m.sources]


def apply(case: dict, action: str, actor: Actor, at: str, details: dict) -> tuple[dict, dict]:
    """The case after `action`, and the history entry that explains it."""
    move = MOVES.get(action)
    if move is None:
        raise IllegalMove(f"tindakan {action!r} tidak dikenal")
    if case["status"] not in move.sources:
        raise IllegalMove(f"kasus berstatus {case['status']} tidak dapat di-{action}; "
                          f"yang mungkin: {', '.join(allowed_actions(case)) or 'tidak ada'}")
    _check_actor(case, move, actor)
    missing = [f for f in move.needs if not details.get(f)]
    if missing:
        raise IllegalMove(f"{action} memerlukan {', '.join(missing)}", field=missing[0])
    after = dict(case, status=move.target or case["status"], updated_at=at)
    if action in ("transfer", "assign"):
        if details["opd_code"] == case.get("opd_code") and action == "transfer":
            raise IllegalMove("kasus sudah di OPD ini", field="opd_code")
        if not str(details["opd_code"]).startswith(f"{case['kabupaten_code']}/"):
            raise IllegalMove(f"OPD harus OPD {case['kabupaten_code']}", field="opd_code")
        after.update(opd_code=details["opd_code"], escalation_level=0)
    entry = {"action": action, "from": case["status"], "to": after["status"], "at": at,
             "actor": {"role": actor.role, "id": actor.id},
             **{k: v for k, v in details.items() if k in ("note", "resolution", "reason",
                                                            "opd_code", "evidence")}}
    return after, entry


def _check_actor(case: dict, move: Move, actor: Actor) -> None:
    if actor.role not in move.roles:
        raise IllegalMove(f"peran {actor.role} tidak dapat melakukan {move.action}", field="actor")
    if actor.role in OPD_STAFF and actor.opd_code != case.get("opd_code"):
        raise IllegalMove("hanya OPD yang menangani kasus ini yang dapat melakukannya", field="actor")
    if actor.role == "kader" and actor.posyandu_id != case.get("posyandu_id"):
        raise IllegalMove("hanya kader Posyandu asal laporan yang dapat melakukannya", field="actor")
    if actor.role == "tph" and actor.kabupaten_code != case.get("kabupaten_code"):
        raise IllegalMove("hanya TPH kabupaten/kota kasus ini yang dapat melakukannya", field="actor")
