"""An OPD of a kabupaten/kota, its field units (Puskesmas per kecamatan, UPT) and the channels
its notifications go out on."""
import re

from simpul_common import contracts
from simpul_common.codes import OPD_SHORT_CODE_PATTERN, UNIT_CODE_PATTERN, WEBHOOK_URL_PATTERN

from .checks import Problems, only

FIELDS = {"kabupaten_code", "short_code", "name", "units", "channels", "active"}
EDITABLE = {"name", "units", "channels", "active"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def checked(data: dict, kecamatan_codes: set[str], problems: Problems | None = None) -> dict:
    """A complete OPD from client data; its kabupaten/kota must exist (the caller checks) and
    every unit's kecamatan must lie in it."""
    problems = problems or Problems()
    for field in sorted(set(data) - FIELDS):
        problems.add(field, "kolom tidak dikenal")
    kabupaten = data.get("kabupaten_code")
    short_code = problems.text(data, "short_code", 2, 31, OPD_SHORT_CODE_PATTERN)
    opd = {
        "_id": f"{kabupaten}/{short_code}", "kabupaten_code": kabupaten, "short_code": short_code,
        "name": problems.text(data, "name", 3, 200),
        "active": problems.boolean(data, "active", True),
        "units": _units(data.get("units", []), kecamatan_codes, problems),
    }
    opd["channels"] = _channels(data.get("channels", []), opd["_id"], problems)
    problems.raise_if_any()
    return opd


def changed(current: dict, changes: dict, kecamatan_codes: set[str]) -> dict:
    problems = only(changes, EDITABLE)
    given = {k: v for k, v in changes.items() if k in EDITABLE}
    keep = {k: current[k] for k in FIELDS if k not in given}
    return checked({**keep, **given}, kecamatan_codes, problems)


def _units(units, kecamatan_codes: set[str], problems: Problems) -> list[dict]:
    if not isinstance(units, list):
        problems.add("units", "harus daftar unit")
        return []
    result, seen = [], set()
    for index, unit in enumerate(units):
        field = f"units[{index}]"
        if not isinstance(unit, dict) or set(unit) - {"code", "name", "kecamatan_code"}:
            problems.add(field, "unit berisi code, name dan kecamatan_code (boleh kosong)")
            continue
        own = Problems()
        code, name = own.text(unit, "code", 2, 62, UNIT_CODE_PATTERN), own.text(unit, "name", 3, 200)
        kecamatan = unit.get("kecamatan_code")
        if own.errors:
            problems.add(field, "; ".join(f"{e['field']}: {e['message']}" for e in own.errors))
        elif code in seen:
            problems.add(field, f"kode unit {code} dipakai dua kali")
        elif kecamatan is not None and (not isinstance(kecamatan, str) or
                                        kecamatan not in kecamatan_codes):
            problems.add(field, f"kecamatan {kecamatan} tidak ada di kabupaten/kota ini")
        else:
            seen.add(code)
            result.append({"code": code, "name": name, "kecamatan_code": kecamatan})
    return result


def _channels(channels, opd_code: str, problems: Problems) -> list[dict]:
    """The OPD's own RabbitMQ queue is always a channel; webhooks and e-mail come on top."""
    result = [{"type": "rabbitmq", "queue": contracts.opd_queue_name(opd_code)}]
    if not isinstance(channels, list):
        problems.add("channels", "harus daftar saluran")
        return result
    for index, channel in enumerate(channels):
        kind = channel.get("type") if isinstance(channel, dict) else None
        if kind == "rabbitmq":
            continue
        if kind == "webhook" and set(channel) == {"type", "url"} and isinstance(channel["url"], str) \
                and re.fullmatch(WEBHOOK_URL_PATTERN, channel["url"]):
            result.append({"type": "webhook", "url": channel["url"]})
        elif kind == "email" and set(channel) == {"type", "address"} and \
                isinstance(channel["address"], str) and _EMAIL.fullmatch(channel["address"]):
            result.append({"type": "email", "address": channel["address"]})
        else:
            problems.add(f"channels[{index}]", "saluran harus {type: webhook, url: https://…} "
                                               "atau {type: email, address: …}")
    return result
