"""The sections of the dashboard's pages, each from one reporting table: the six SPM areas,
SLA compliance per OPD (or per service type of one OPD), overdue cases, the kecamatan ranking,
Posyandu coverage, reports by place, by Posyandu. Each shows its figures in charts and in a
table; a table without rows says so instead."""
from . import charts
from .charts import NARROW, Bar, Row
from .markup import esc, fig, grid, legend, link, section
from .names import Names, case_href, opd_href, posyandu_href, region_href
from .tables import figures, records

PCT = 100
DEADLINES = {"acknowledge": "tanggapan", "resolve": "penyelesaian"}
BACKLOG = (("backlog_0_2", "c-b0", "0–2 hk"), ("backlog_3_5", "c-b1", "3–5 hk"),
           ("backlog_6_10", "c-b2", "6–10 hk"), ("backlog_over_10", "c-b3", "> 10 hk"))
SLA_CELLS = (("Kasus", ("cases",)), ("Ditanggapi", ("acknowledged",)),   # (header, its figures)
             ("% tanggap tepat", ("acknowledged_in_sla_pct",)), ("Selesai", ("resolved",)),
             ("% selesai tepat", ("resolved_in_sla_pct",)),
             ("Tanggap hk median/p90", ("ack_median_wd", "ack_p90_wd")),
             ("Selesai hk median/p90", ("resolve_median_wd", "resolve_p90_wd")),
             ("Terbuka menurut umur 0–2 · 3–5 · 6–10 · >10 hk", tuple(c for c, _, _ in BACKLOG)),
             ("% dibuka lagi", ("reopen_rate_pct",)), ("Eskalasi", ("escalations",)))
AREA_COLUMNS = ("reports", "open", "resolved", "resolved_in_sla_pct", "overdue")
AREAS_NOTE = ("Laporan per bidang Standar Pelayanan Minimal: yang masih terbuka, yang sudah selesai, "
              "berapa persen selesai dalam batas waktu, dan yang lewat batas.")


def _rows(table: dict) -> list[tuple[dict, dict]]:
    """(record, its figures by column) for each row."""
    return [(record, figures(table, record)) for record in records(table)]


def _charts(rows: list, *svgs: str, key: str = "") -> str:
    """The charts side by side under their legend, or nothing when the table has no rows."""
    if not rows:
        return ""
    return key + '<div class="charts">' + "".join(f"<div>{svg}</div>" for svg in svgs) + "</div>"


def _beside(rows: list, chart: str, table: str, key: str = "") -> str:
    """A chart with its table to its right (under it when the page is narrow)."""
    if not rows:
        return table
    return key + f'<div class="charts"><div>{chart}</div><div class="grow">{table}</div></div>'


def _numeric(first: str, *others: str) -> list[tuple[str, bool]]:
    return [(first, False)] + [(label, True) for label in others]


def _name(row: Row) -> str:
    return link(row.href, row.label) if row.href else esc(row.label)


def areas(table: dict, names: Names, title: str = "Enam bidang SPM", note: str = AREAS_NOTE) -> str:
    rows = _rows(table)
    label = [names.area(r["spm_area"]) for r, _ in rows]
    counts = charts.stacked([(Row(name, (Bar(f["resolved"], "c-resolved", "selesai"),
                                         Bar(f["open"], "c-open", "terbuka"))), f["reports"])
                             for name, (_, f) in zip(label, rows)], "Laporan: selesai, terbuka, jumlah",
                            frame=NARROW)
    in_sla = charts.bars([Row(name, (Bar(f["resolved_in_sla_pct"], "c-sla", "selesai tepat waktu"),))
                          for name, (_, f) in zip(label, rows)], "Selesai dalam batas waktu (%)", top=PCT,
                         frame=NARROW)
    late = charts.bars([Row(name, (Bar(f["overdue"], "c-late", "lewat batas"),))
                        for name, (_, f) in zip(label, rows)], "Kasus lewat batas waktu", frame=NARROW)
    key = legend([("c-resolved", "selesai"), ("c-open", "terbuka"), ("c-total", "jumlah laporan"),
                  ("c-sla", "% selesai tepat waktu"), ("c-late", "lewat batas waktu")])
    cells = [[esc(name), *(fig(f[c]) for c in AREA_COLUMNS)] for name, (_, f) in zip(label, rows)]
    return section("bidang", title, note, _charts(rows, counts, in_sla, late, key=key),
                   grid(_numeric("Bidang", "Laporan", "Terbuka", "Selesai", "% selesai tepat waktu",
                                 "Lewat batas"), cells, "Belum ada laporan."))


def sla(table: dict, names: Names, title: str = "Kepatuhan SLA per OPD", per: str = "opd") -> str:
    """The `opd` table (`per="opd"`), or the `accountability` rows of one OPD by service type."""
    rows = _rows(table)
    label = [Row(names.opd(r["opd_code"]), (), opd_href(r["opd_code"])) if per == "opd"
             else Row(names.service_type(r["service_type"]), ()) for r, _ in rows]
    in_sla = charts.bars([Row(row.label, (
        Bar(f["acknowledged_in_sla_pct"], "c-ack", "ditanggapi tepat waktu"),
        Bar(f["resolved_in_sla_pct"], "c-sla", "selesai tepat waktu")), row.href)
        for row, (_, f) in zip(label, rows)], "Ditanggapi dan selesai tepat waktu (%)", top=PCT)
    backlog = charts.stacked([(Row(row.label, tuple(Bar(f[c], css, text) for c, css, text in BACKLOG),
                                   row.href), None) for row, (_, f) in zip(label, rows)],
                             "Kasus terbuka menurut umur (hari kerja sejak diteruskan)")
    key = legend([("c-ack", "% ditanggapi tepat waktu"), ("c-sla", "% selesai tepat waktu"),
                  *((css, f"terbuka {text}") for _, css, text in BACKLOG)])
    cells = [[_name(row), *((" · " if len(columns) > 2 else " / ").join(fig(f[c]) for c in columns)
                            for _, columns in SLA_CELLS)]
             for row, (_, f) in zip(label, rows)]
    return section(per, title,
                   "Persen kasus yang ditanggapi dan diselesaikan dalam batas waktu, lama "
                   "penanganan dalam hari kerja (hk; median dan persentil ke-90), dan kasus "
                   "terbuka menurut umurnya.",
                   _charts(rows, in_sla, backlog, key=key),
                   grid(_numeric("OPD" if per == "opd" else "Jenis layanan", *(h for h, _ in SLA_CELLS)),
                        cells, "Belum ada kasus yang diteruskan ke OPD."))


def overdue(table: dict, names: Names, timezone: str, title: str = "Kasus lewat batas waktu") -> str:
    cells = [[link(case_href(r["report_id"]), r["report_id"][:8]), esc(names.opd(r["opd_code"])),
              esc(names.service_type(r["service_type"])), esc(names.region(r["desa_code"])),
              esc(DEADLINES.get(r["deadline"], r["deadline"])), fig(f["due"], timezone),
              fig(f["working_days_overdue"]), fig(f["escalation_level"])]
             for r, f in _rows(table)]
    headers = [(h, False) for h in ("Kasus", "OPD", "Layanan", "Desa/kelurahan", "Batas")] + \
        [(h, True) for h in ("Jatuh tempo", "Lewat (hk)", "Eskalasi")]
    return section("lewat-batas", title,
                   "Kasus terbuka yang melewati batas waktunya, yang paling lama lebih dahulu "
                   "(hk: hari kerja; eskalasi 1 = kepala OPD, 2 = TPH, 3 = Sekda).",
                   grid(headers, cells, "Tidak ada kasus yang lewat batas waktu."))


def kecamatan(table: dict, names: Names) -> str:
    rows = _rows(table)
    label = [Row(names.region(r["kecamatan_code"]), (), region_href(r["kecamatan_code"])) for r, _ in rows]
    chart = charts.bars([Row(row.label, (Bar(f["in_sla_pct"], "c-sla", "selesai tepat waktu"),), row.href)
                         for row, (_, f) in zip(label, rows)], "Selesai tepat waktu (%)", top=PCT)
    cells = [[fig(f["rank"]), _name(row), *(fig(f[c]) for c in ("reports", "resolved_pct", "in_sla_pct",
                                                               "overdue"))]
             for row, (_, f) in zip(label, rows)]
    return section("kecamatan", "Peringkat kecamatan",
                   "Urutan: paling banyak selesai tepat waktu, lalu paling sedikit lewat batas, "
                   "lalu paling banyak selesai.",
                   _beside(rows, chart, grid([("Peringkat", True), ("Kecamatan", False), ("Laporan", True),
                                              ("% selesai", True), ("% tepat waktu", True),
                                              ("Lewat batas", True)], cells, "Belum ada kecamatan.")))


def coverage(table: dict, names: Names) -> str:
    rows = _rows(table)
    rings = [charts.donut(f[c], css, text) for _, f in rows[:1] if len(rows) == 1   # one kabupaten/kota
             for c, css, text in (("ilp_pct", "c-ilp", "Posyandu ILP"),
                                  ("six_spm_pct", "c-six", "Posyandu 6 SPM"))]
    cells = [[esc(names.region(r["kabupaten_code"])),
              *(fig(f[c]) for c in ("posyandu", "ilp", "ilp_pct", "six_spm", "six_spm_pct"))]
             for r, f in rows]
    return section("cakupan", "Cakupan Posyandu",
                   "Posyandu terdaftar di registry: yang menjalankan Integrasi Layanan Primer "
                   "(ILP) dan yang sudah menjadi pintu masuk enam SPM.",
                   _beside(rings, "".join(rings), grid(_numeric(
                       "Kabupaten/kota", "Posyandu", "ILP", "% ILP", "6 SPM", "% 6 SPM"), cells,
                       "Registry belum menjawab jumlah Posyandu.")))


def places(table: dict, names: Names, title: str, heading: str) -> str:
    """Reports per place (a `counts` table by kabupaten, kecamatan or desa), most first."""
    rows = sorted(_rows(table), key=lambda rf: -(rf[1]["reports"].value or 0))
    code = table["columns"][0]
    label = [Row(names.region(r[code]), (), region_href(r[code])) for r, _ in rows]
    chart = charts.bars([Row(row.label, (Bar(f["reports"], "c-ack", "laporan"),), row.href)
                         for row, (_, f) in zip(label, rows)], "Laporan")
    cells = [[_name(row), fig(f["reports"])] for row, (_, f) in zip(label, rows)]
    return section(f"per-{code}", title, "Tempat yang sudah punya laporan, yang terbanyak lebih dahulu.",
                   _beside(rows, chart, grid(_numeric(heading, "Laporan"), cells, "Belum ada laporan.")))


def posyandu(table: dict, names: Names) -> str:
    rows = _rows(table)
    label = [Row(names.of_posyandu(r["posyandu_id"]), (), posyandu_href(r["posyandu_id"])) for r, _ in rows]
    chart = charts.stacked([(Row(row.label, (Bar(f["resolved"], "c-resolved", "selesai"),), row.href),
                             f["reports"]) for row, (_, f) in zip(label, rows)],
                           "Laporan: selesai dan jumlah")
    cells = [[_name(row), *(fig(f[c]) for c in ("reports", "resolved", "resolved_pct"))]
             for row, (_, f) in zip(label, rows)]
    return section("posyandu", "Posyandu", "Laporan yang dicatat tiap Posyandu dan yang sudah selesai.",
                   _beside(rows, chart, grid(_numeric("Posyandu", "Laporan", "Selesai", "% selesai"), cells,
                                             "Belum ada laporan dari Posyandu di sini."),
                           key=legend([("c-resolved", "selesai"), ("c-total", "jumlah laporan")])))
