"""The six SPM areas and 29 basic service types of a kabupaten/kota (PP 2/2018).

These codes are Simpul's stable identifiers (see shared DOMAIN.md). Labels, norms and
responsible agencies live in the registry; only the codes are fixed here, because every
event and API speaks them.
"""
from types import MappingProxyType

REPORT_KINDS = ("service_need", "complaint", "aspiration")

SPM_AREAS = MappingProxyType({
    "pendidikan": ("paud", "dasar", "kesetaraan"),
    "kesehatan": (
        "ibu_hamil", "ibu_bersalin", "bayi_baru_lahir", "balita", "usia_pendidikan_dasar",
        "usia_produktif", "usia_lanjut", "hipertensi", "diabetes_melitus", "odgj_berat",
        "terduga_tb", "risiko_hiv",
    ),
    "pekerjaan_umum": ("air_minum", "air_limbah"),
    "perumahan": ("korban_bencana", "relokasi"),
    "trantibumlinmas": (
        "ketertiban_umum", "informasi_rawan_bencana", "pencegahan_kesiapsiagaan_bencana",
        "penyelamatan_bencana", "penyelamatan_kebakaran",
    ),
    "sosial": (
        "disabilitas_terlantar", "anak_terlantar", "lansia_terlantar", "gelandangan_pengemis",
        "korban_bencana",
    ),
})

SERVICE_TYPES = tuple(f"{area}.{name}" for area, names in SPM_AREAS.items() for name in names)
AREA_WILDCARDS = tuple(f"{area}.*" for area in SPM_AREAS)   # a routing rule may name a whole area

ILP_CLUSTERS = MappingProxyType({
    "kesehatan.ibu_hamil": "ibu_anak",
    "kesehatan.ibu_bersalin": "ibu_anak",
    "kesehatan.bayi_baru_lahir": "ibu_anak",
    "kesehatan.balita": "ibu_anak",
    "kesehatan.usia_pendidikan_dasar": "ibu_anak",
    "kesehatan.usia_produktif": "usia_dewasa_lansia",
    "kesehatan.usia_lanjut": "usia_dewasa_lansia",
    "kesehatan.hipertensi": "usia_dewasa_lansia",
    "kesehatan.diabetes_melitus": "usia_dewasa_lansia",
    "kesehatan.odgj_berat": "usia_dewasa_lansia",
    "kesehatan.terduga_tb": "penyakit_menular",
    "kesehatan.risiko_hiv": "penyakit_menular",
})


def spm_area_of(service_type: str) -> str:
    """The SPM area code of a service type code; ValueError for an unknown code."""
    if service_type not in SERVICE_TYPES:
        raise ValueError(f"unknown service type {service_type!r}")
    return service_type.split(".", 1)[0]
