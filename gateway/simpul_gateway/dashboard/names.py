"""What a page calls things: the registry's names of regions, OPD and Posyandu, and the
catalogue's labels of SPM areas and service types; a code stands for itself when no name is
known. Links between pages are made here too, so every page links the same way."""
from dataclasses import dataclass, field

AREAS = {"pendidikan": "Pendidikan", "kesehatan": "Kesehatan", "pekerjaan_umum": "Pekerjaan Umum",
         "perumahan": "Perumahan Rakyat", "trantibumlinmas": "Trantibumlinmas", "sosial": "Sosial"}
TITLES = {"provinsi": "Provinsi", "kecamatan": "Kecamatan", "desa": "Desa", "kelurahan": "Kelurahan"}
NO_OPD = "-"   # reporting's OPD code of a case routed to nobody yet (in triage)


@dataclass
class Names:
    regions: dict[str, str] = field(default_factory=dict)
    opds: dict[str, str] = field(default_factory=dict)
    posyandu: dict[str, str] = field(default_factory=dict)
    service_types: dict[str, str] = field(default_factory=dict)

    def region(self, code: str) -> str:
        return self.regions.get(code) or code

    def opd(self, code: str | None) -> str:
        """`Dinas Kesehatan`: without its kabupaten/kota's name, which the page already says."""
        if not code or code == NO_OPD:
            return "Belum ada OPD (triase TPH)"
        name, where = self.opds.get(code) or code, self.regions.get(code.partition("/")[0])
        return name[:-len(where) - 1] if where and name.endswith(" " + where) else name

    def of_posyandu(self, posyandu_id: str) -> str:
        return self.posyandu.get(posyandu_id) or posyandu_id

    def area(self, code: str) -> str:
        return AREAS.get(code, code)

    def service_type(self, code: str) -> str:
        return self.service_types.get(code) or code


def title(region: dict) -> str:
    """`Kabupaten Batang`, `Kecamatan Wonotunggal`, `Desa Silurah`."""
    prefix = TITLES.get(region.get("type") or "", "")
    name = region["name"]
    return name if not prefix or name.lower().startswith(prefix.lower()) else f"{prefix} {name}"


def region_href(code: str) -> str:
    return f"/dashboard/wilayah/{code}"


def opd_href(code: str | None) -> str | None:
    return None if not code or code == NO_OPD else f"/dashboard/opd/{code}"


def posyandu_href(posyandu_id: str) -> str:
    return f"/dashboard/posyandu/{posyandu_id}"


def case_href(report_id: str) -> str:
    return f"/api/v1/cases/{report_id}"
