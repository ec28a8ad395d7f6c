"""The dashboard's pages, composed from sections: a region (province, kabupaten/kota,
kecamatan or desa), a Posyandu, an OPD. Each page says which tables it reads (`*_TABLES`), and
is a pure function of those tables and the names the registry gives."""
from simpul_common.regions import timezone_of

from . import sections
from .markup import link, page, section, stats
from .names import Names, region_href, title
from .tables import figures, records

REGION_TABLES = {
    "province": {"areas": {}, "counts": {"by": "kabupaten"}, "coverage": {}},
    "kabupaten": {"areas": {}, "opd": {}, "overdue": {"limit": 20}, "kecamatan": {},
                  "coverage": {}},
    "kecamatan": {"areas": {}, "opd": {}, "counts": {"by": "desa"}},
    "desa": {"areas": {}, "posyandu": {}},
}
POSYANDU_TABLES = {"posyandu": {}, "areas": {}}              # of its desa
OPD_TABLES = {"opd": {}, "accountability": {}, "overdue": {"limit": 1000}}   # of its kabupaten


def only(table: dict, column: str, value) -> dict:
    """The table with only the rows whose `column` is `value`."""
    index = table["columns"].index(column)
    return {**table, "rows": [row for row in table["rows"] if row[index] == value]}


def _crumbs(regions: list[dict]) -> list[tuple[str, str]]:
    return [("/dashboard", "Dasbor Simpul")] + [(region_href(r["id"]), title(r)) for r in regions]


def region_page(region: dict, tables: dict[str, dict], names: Names) -> str:
    zone = timezone_of(region["id"])
    parts = [sections.areas(tables["areas"], names)]
    if region["level"] == "province":
        parts += [sections.places(tables["counts"], names, "Laporan per kabupaten/kota", "Kabupaten/kota"),
                  sections.coverage(tables["coverage"], names)]
    elif region["level"] == "kabupaten":
        parts += [sections.sla(tables["opd"], names),
                  sections.overdue(tables["overdue"], names, zone, "Kasus lewat batas waktu (20 teratas)"),
                  sections.kecamatan(tables["kecamatan"], names),
                  sections.coverage(tables["coverage"], names)]
    elif region["level"] == "kecamatan":
        parts += [sections.sla(tables["opd"], names),
                  sections.places(tables["counts"], names, "Laporan per desa/kelurahan", "Desa/kelurahan")]
    else:
        parts.append(sections.posyandu(tables["posyandu"], names))
    return page(title(region), _crumbs(region["ancestors"]), tables["areas"]["as_of"], zone, "".join(parts))


def posyandu_page(posyandu: dict, desa: dict, tables: dict[str, dict], names: Names) -> str:
    own = only(tables["posyandu"], "posyandu_id", posyandu["id"])
    found = [figures(own, record) for record in records(own)]
    headline = stats([("laporan dicatat", found[0]["reports"]), ("sudah selesai", found[0]["resolved"]),
                       ("bagian yang selesai", found[0]["resolved_pct"])]) if found else \
        '<p class="empty">Belum ada laporan dari Posyandu ini.</p>'
    facts = (f'<p class="note">{link(region_href(desa["id"]), title(desa))} · '
             f'ILP: {"ya" if posyandu.get("ilp") else "belum"} · '
             f'pintu masuk 6 SPM: {"ya" if posyandu.get("six_spm") else "belum"}</p>')
    return page(posyandu["name"], _crumbs([*desa["ancestors"], desa]), tables["posyandu"]["as_of"],
                timezone_of(desa["id"]), "".join([
                    section("ringkasan", "Laporan dari Posyandu ini", "", facts, headline),
                    sections.areas(tables["areas"], names, f"Bidang SPM di {title(desa)}",
                                   "Angka seluruh desa/kelurahan: tabel pelaporan belum merinci bidang "
                                   "per Posyandu.")]))


def opd_page(opd: dict, kabupaten: dict, tables: dict[str, dict], names: Names) -> str:
    code, zone = opd["id"], timezone_of(kabupaten["id"])
    own = only(tables["opd"], "opd_code", code)
    found = [figures(own, record) for record in records(own)]
    headline = stats([("kasus", found[0]["cases"]),
                       ("ditanggapi tepat waktu", found[0]["acknowledged_in_sla_pct"]),
                       ("selesai tepat waktu", found[0]["resolved_in_sla_pct"]),
                       ("median hari kerja sampai selesai", found[0]["resolve_median_wd"]),
                       ("eskalasi", found[0]["escalations"])]) if found else \
        '<p class="empty">Belum ada kasus yang diteruskan ke OPD ini.</p>'
    return page(opd["name"], _crumbs([*kabupaten["ancestors"], kabupaten]), tables["opd"]["as_of"], zone,
                "".join([section("ringkasan", "Ringkasan", "", headline),
                         sections.sla(own, names, "Kepatuhan SLA"),
                         sections.sla(only(tables["accountability"], "opd_code", code), names,
                                      "Kepatuhan SLA per jenis layanan", per="accountability"),
                         sections.overdue(only(tables["overdue"], "opd_code", code), names, zone)]))
