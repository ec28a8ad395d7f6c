"""A case (routing's view, docs/routing-rpc.md) as an Open311 service request. Open311 reads
need no key, so a request shows nothing personal: not the description (free text, sealed), not
the citizen, not the notes staff wrote on the case; its status notes are made here from the
status alone, its place is the desa, never coordinates. `closed` is where a case ends
(docs/case-lifecycle.md): confirmed or deemed closed, or joined to another open case; every
other status, `resolved` (awaiting the reporter's confirmation) included, is `open`."""
import datetime as dt
from typing import get_args

from ..schemas.cases import CaseStatus
from .services import notice

ENDED = ("closed", "linked")
SIMPUL_STATUSES = {"open": tuple(s for s in get_args(CaseStatus) if s not in ENDED),
                   "closed": ENDED}
NO_OPD_YET = ("unroutable", "rejected", "linked")   # no OPD holds it, nothing is expected of one
NOTES = {
    "routed": "Diteruskan ke {opd}; menunggu ditanggapi.",
    "acknowledged": "Diterima oleh {opd}.",
    "in_progress": "Sedang ditangani {opd}.",
    "resolved": "Selesai ditangani {opd}; menunggu konfirmasi pelapor.",
    "reopened": "Dibuka kembali; ditangani lagi oleh {opd}.",
    "unroutable": "Belum ada OPD yang berwenang; ditelaah Tim Pengurus Harian (TPH).",
    "rejected": "Dikembalikan oleh OPD; ditelaah Tim Pengurus Harian (TPH) untuk diteruskan.",
    "closed": "Selesai.",
    "linked": "Digabung dengan laporan {linked_to} yang masih ditangani.",
}
LATE = " Melewati batas waktu."


def open311_status(status: str) -> str:
    return "closed" if status in ENDED else "open"


def status_notes(case: dict) -> str:
    opd = (case.get("opd") or {}).get("name") or "OPD"
    notes = NOTES.get(case["status"], "").format(opd=opd, linked_to=case.get("linked_to"))
    return notes + (LATE if case.get("overdue") else "")


def service_request(case: dict, entry: dict | None, region: dict | None) -> dict:
    """The request of `case`, named by its catalogue `entry`, placed by its desa's `region`."""
    held = case["status"] not in NO_OPD_YET
    return {
        "service_request_id": case["id"],
        "status": open311_status(case["status"]),
        "status_notes": status_notes(case),
        "service_name": entry["label_id"] if entry else case["service_type"],
        "service_code": case["service_type"],
        "description": None,   # personal data: never in an Open311 read
        "agency_responsible": (case.get("opd") or {}).get("name") if held else None,
        "service_notice": notice(entry) if entry else None,
        "requested_datetime": w3(case["routed_at"]),
        "updated_datetime": w3(case.get("updated_at") or case["routed_at"]),
        "expected_datetime": w3(case.get("due_at")) if held else None,
        "address": (region or {}).get("path"),
        "address_id": case["desa_code"],
        "zipcode": (region or {}).get("postal_code"),
        "lat": None, "long": None, "media_url": None,
    }


def w3(text: str | None) -> str | None:
    """An instant as the spec writes it (W3C-DTF, seconds and an offset); None stays None."""
    if not text:
        return None
    moment = instant(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).isoformat(
        timespec="seconds")


def instant(text: str) -> dt.datetime:
    """An ISO-8601 instant as stored (`Z` or an offset); ValueError when it is none."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
