"""The people Simpul knows, each bound where their role acts: a kader to one Posyandu, an OPD
officer or head to one OPD, a TPH member to one kabupaten/kota; admins and viewers to one
kabupaten/kota or, without one, the whole country."""
import re

import lokal

from simpul_common import sealing
from simpul_common.codes import ROLES
from simpul_common.regions import KABUPATEN_PATTERN

from .checks import Problems, only

FIELDS = {"name", "role", "posyandu_id", "opd_code", "kabupaten_code", "phone", "email", "active"}
EDITABLE = FIELDS - {"role"}
_BOUND_ELSEWHERE = ("kader", "opd_officer", "opd_head")   # their kabupaten/kota follows the binding
_UNBOUND = {"posyandu_id": "kader harus terikat pada satu Posyandu yang ada di registry",
            "opd_code": "petugas dan kepala OPD harus terikat pada satu OPD yang ada"}
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}")


def checked(data: dict, posyandu_of, opd_of, kabupaten_of, problems: Problems | None = None) -> dict:
    """A complete person from client data; the look-ups answer None for what is unknown."""
    problems = problems or Problems()
    for field in sorted(set(data) - FIELDS):
        problems.add(field, "kolom tidak dikenal")
    role = data.get("role")
    if role not in ROLES:
        problems.add("role", f"harus salah satu dari {', '.join(ROLES)}")
    person = {
        "name": problems.text(data, "name", 2, 120), "role": role,
        "posyandu_id": None, "opd_code": None, "kabupaten_code": None,
        "phone": _phone(data.get("phone"), problems),
        "email": _email(data.get("email"), problems),
        "active": problems.boolean(data, "active", True),
    }
    if role in ROLES:
        person.update(_binding(role, data, posyandu_of, opd_of, kabupaten_of, problems))
    problems.raise_if_any()
    return person


def changed(current: dict, changes: dict, posyandu_of, opd_of, kabupaten_of) -> dict:
    problems = only(changes, EDITABLE)
    derived = {"kabupaten_code"} if current["role"] in _BOUND_ELSEWHERE else set()
    given = {k: v for k, v in changes.items() if k in EDITABLE}
    keep = {k: current[k] for k in FIELDS - derived if k not in given and current.get(k) is not None}
    merged = {**keep, **given}
    return {"_id": current["id"], **checked(merged, posyandu_of, opd_of, kabupaten_of, problems)}


def _binding(role, data, posyandu_of, opd_of, kabupaten_of, problems: Problems) -> dict:
    needs = {"kader": "posyandu_id", "opd_officer": "opd_code", "opd_head": "opd_code",
             "tph": "kabupaten_code"}.get(role)
    for field in ("posyandu_id", "opd_code", "kabupaten_code"):
        if data.get(field) is not None and field != needs and not (
                field == "kabupaten_code" and role in ("admin", "viewer")):
            problems.add(field, f"tidak berlaku untuk peran {role}")
    if needs in _UNBOUND:
        key = data.get(needs)
        found = (posyandu_of if needs == "posyandu_id" else opd_of)(key) if isinstance(key, str) else None
        if found is None:
            problems.add(needs, _UNBOUND[needs])
            return {}
        return {needs: found["id"], "kabupaten_code": found["kabupaten_code"]}
    kabupaten = data.get("kabupaten_code")
    if kabupaten is None and role in ("admin", "viewer"):
        return {}
    if not (isinstance(kabupaten, str) and re.fullmatch(KABUPATEN_PATTERN, kabupaten)
            and kabupaten_of(kabupaten) is not None):
        problems.add("kabupaten_code", "harus kode kabupaten/kota yang ada di registry")
        return {}
    return {"kabupaten_code": kabupaten}


def _phone(value, problems: Problems):
    if value is None:
        return None
    if sealing.looks_sealed(value):   # checked and sealed by the gateway (docs/privacy.md)
        return value
    normalized = lokal.normalize_phone(value) if isinstance(value, str) else None
    if normalized is None:
        problems.add("phone", "nomor telepon Indonesia tidak sah")
    return normalized


def _email(value, problems: Problems):
    if value is None:
        return None
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        problems.add("email", "alamat email tidak sah")
        return None
    return value.strip().lower()
