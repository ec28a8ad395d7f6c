"""Routing rules as an admin changes them: a new rule from a date, or an end date for an old
one. Neither reaches into the past, so how a report was routed stays explainable."""
from simpul_common.catalogue import AREA_WILDCARDS, SERVICE_TYPES
from simpul_common.regions import is_region_code

from .checks import Problems, Rejected, only

FIELDS = {"region_prefix", "service_type", "opd_code", "unit_code", "valid_from", "valid_to"}


def checked(data: dict, today: str, region_of, opd_of) -> dict:
    """A complete rule from client data. `region_of(code)` and `opd_of(code)` are the registry's
    answers (None when unknown); `today` is the kabupaten/kota's own date."""
    problems = only(data, FIELDS)
    prefix = data.get("region_prefix")
    region = region_of(prefix) if is_region_code(prefix) and "." in prefix else None
    if region is None:
        problems.add("region_prefix", "harus kode kabupaten/kota, kecamatan atau desa/kelurahan "
                                      "yang ada di registry")
    kabupaten = prefix[:5] if region else None
    service_type = data.get("service_type")
    if not isinstance(service_type, str) or (service_type not in SERVICE_TYPES and
                                             service_type not in AREA_WILDCARDS):
        problems.add("service_type", "harus kode jenis layanan SPM atau <bidang>.*")
    opd = opd_of(data.get("opd_code")) if isinstance(data.get("opd_code"), str) else None
    if opd is None or not opd["active"]:
        problems.add("opd_code", "OPD tidak ada atau tidak aktif")
    elif kabupaten and opd["kabupaten_code"] != kabupaten:
        problems.add("opd_code", f"OPD ini bukan OPD {kabupaten}")
    unit = data.get("unit_code")
    if unit is not None and (not isinstance(unit, str) or (
            opd is not None and unit not in {u["code"] for u in opd["units"]})):
        problems.add("unit_code", "unit ini bukan unit OPD tersebut")
    valid_from = problems.date(data, "valid_from") or today
    valid_to = problems.date(data, "valid_to")
    if valid_from < today:
        problems.add("valid_from", f"tidak boleh sebelum hari ini ({today}): riwayat tidak diubah")
    if valid_to is not None and valid_to <= valid_from:
        problems.add("valid_to", "harus sesudah valid_from")
    problems.raise_if_any()
    return {"kabupaten_code": kabupaten, "region_prefix": prefix, "service_type": service_type,
            "opd_code": opd["id"], "unit_code": unit, "valid_from": valid_from, "valid_to": valid_to}


def end_date(rule: dict, valid_to, today: str) -> str:
    """The checked end date of a rule: from today on, after its start, not after its end."""
    problems = Problems()
    day = problems.date({"valid_to": valid_to}, "valid_to", required=True)
    if day is not None:
        if day < today:
            problems.add("valid_to", f"tidak boleh sebelum hari ini ({today})")
        elif day <= rule["valid_from"]:
            problems.add("valid_to", f"harus sesudah valid_from ({rule['valid_from']})")
        elif rule["valid_to"] is not None and day > rule["valid_to"]:
            problems.add("valid_to", f"aturan ini sudah berakhir {rule['valid_to']}")
    problems.raise_if_any()
    return day


def still_needed(rules_in_force: list[dict], opd_after: dict) -> None:
    """An OPD may not lose a unit, or go inactive, while a rule that is in force or still to
    come names it: end or replace those rules first."""
    units = {u["code"] for u in opd_after["units"]}
    for rule in rules_in_force:
        if not opd_after["active"]:
            raise Rejected(409, [{"field": "active", "message":
                                  f"aturan {rule['id']} masih menunjuk OPD ini"}])
        if rule["unit_code"] is not None and rule["unit_code"] not in units:
            raise Rejected(409, [{"field": "units", "message":
                                  f"unit {rule['unit_code']} masih dipakai aturan {rule['id']}"}])
