"""Kemendagri region codes: `33` province, `33.25` kabupaten/kota, `33.25.01` kecamatan,
`33.25.01.2001` desa/kelurahan. Pure syntax; whether a code exists is the registry's answer."""
import re

DESA_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.[1-3]\d{3}$"
REGION_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
KABUPATEN_PATTERN = r"^\d{2}\.\d{2}$"
KECAMATAN_PATTERN = r"^\d{2}\.\d{2}\.\d{2}$"
_DESA = re.compile(DESA_PATTERN)
_ANY = re.compile(REGION_PATTERN)
LEVELS = ("province", "kabupaten", "kecamatan", "desa")


def is_region_code(code: str) -> bool:
    return isinstance(code, str) and bool(_ANY.match(code))


def is_desa_code(code: str) -> bool:
    return isinstance(code, str) and bool(_DESA.match(code))


def level_of(code: str) -> str:
    if not is_region_code(code):
        raise ValueError(f"not a Kemendagri region code: {code!r}")
    return LEVELS[code.count(".")]


def ancestors_and_self(code: str) -> list[str]:
    """`33.25.01.2001` → [`33`, `33.25`, `33.25.01`, `33.25.01.2001`]."""
    level_of(code)
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def kabupaten_of(code: str) -> str:
    chain = ancestors_and_self(code)
    if len(chain) < 2:
        raise ValueError(f"{code!r} is a province, not inside a kabupaten/kota")
    return chain[1]


def timezone_of(code: str) -> str:
    """IANA time zone of a region, by province (WIB, WITA, WIT)."""
    province = int(code[:2])
    if province in (51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76):
        return "Asia/Makassar"
    if province in (81, 82) or province >= 91:
        return "Asia/Jayapura"
    return "Asia/Jakarta"
