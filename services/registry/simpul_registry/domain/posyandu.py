"""A Posyandu as the registry keeps it, and the checks of a new or changed one."""
from simpul_common.codes import REGISTRATION_NUMBER_PATTERN
from simpul_common.regions import is_desa_code

from .checks import Problems, only

FIELDS = {"registration_number", "name", "desa_code", "ilp", "six_spm", "active", "kader"}


def checked(data: dict, desa_of, problems: Problems | None = None) -> dict:
    """A complete Posyandu (without its id) from client data. `desa_of(code)` is the registry's
    desa/kelurahan, or None."""
    problems = problems or Problems()
    for field in sorted(set(data) - FIELDS):
        problems.add(field, "kolom tidak dikenal")
    posyandu = {
        "registration_number": problems.text(data, "registration_number", 3, 40, REGISTRATION_NUMBER_PATTERN),
        "name": problems.text(data, "name", 3, 120),
        "desa_code": _desa(data, desa_of, problems),
        "ilp": problems.boolean(data, "ilp", False),
        "six_spm": problems.boolean(data, "six_spm", False),
        "active": problems.boolean(data, "active", True),
        "kader": _kader(data.get("kader", []), problems),
    }
    problems.raise_if_any()
    desa = posyandu["desa_code"]
    return {**posyandu, "kecamatan_code": desa[:8], "kabupaten_code": desa[:5]}


def changed(current: dict, changes: dict, desa_of) -> dict:
    problems = only(changes, FIELDS)
    given = {k: v for k, v in changes.items() if k in FIELDS}
    keep = {k: current[k] for k in FIELDS if k not in given}
    return {"_id": current["id"], **checked({**keep, **given}, desa_of, problems)}


def new_id(desa_code: str, taken: set[str]) -> str:
    """`P` + the desa code's digits + the first free two-digit (then three-digit) number."""
    digits = desa_code.replace(".", "")
    number = 1
    while f"P{digits}{number:02d}" in taken:
        number += 1
    return f"P{digits}{number:02d}"


def _desa(data: dict, desa_of, problems: Problems):
    code = data.get("desa_code")
    if code is None:
        problems.add("desa_code", "wajib diisi")
    elif not is_desa_code(code):
        problems.add("desa_code", "bukan kode desa/kelurahan Kemendagri (contoh 33.25.01.2001)")
    elif desa_of(code) is None:
        problems.add("desa_code", f"desa/kelurahan {code} tidak ada di registry")
    else:
        return code
    return None


def _kader(names, problems: Problems) -> list[str]:
    if not isinstance(names, list) or len(names) > 50 or not all(
            isinstance(n, str) and 2 <= len(n.strip()) <= 120 for n in names):
        problems.add("kader", "harus daftar nama kader (2–120 karakter, paling banyak 50)")
        return []
    return [n.strip() for n in names]
