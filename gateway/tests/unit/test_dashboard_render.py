"""The dashboard: numbers written the Indonesian way, bars in proportion, names escaped, every
number marked with the figure it comes from, and the pages served from a fake reporting."""
import re
from html.parser import HTMLParser

import pytest

from simpul_gateway.dashboard import charts, markup, numbers, pages, sections
from simpul_gateway.dashboard.names import Names
from simpul_gateway.dashboard.tables import Figure

AS_OF = "2026-11-30T10:00:00.000+00:00"
AREAS = [["pendidikan", 4, 2, 2, 50.0, 1], ["kesehatan", 42, 10, 30, 87.5, 2],
         ["pekerjaan_umum", 0, 0, 0, None, 0], ["perumahan", 0, 0, 0, None, 0],
         ["trantibumlinmas", 3, 1, 2, 100.0, 0], ["sosial", 1236, 6, 6, 33.3, 4]]
OPD = [["33.25/dinkes", 42, 35, 91.4, 30, 87.5, 1.0, 3, 4.5, 9, 5, 3, 1, 1, 3.3, 2],
       ["33.25/dinsos", 7, 2, 50.0, 2, None, 2.0, 4, None, None, 2, 2, 1, 0, None, 1]]
CASE = "0b8f6a1e-1111-4a5b-9c1d-0123456789ab"


class Figures(HTMLParser):
    """Every element with a `data-figure`: (figure, data-value, the text shown)."""

    def __init__(self, html: str):
        super().__init__()
        self.found, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.open.append([attrs["data-figure"], attrs["data-value"], ""])

    def handle_data(self, data):
        if self.open:
            self.open[-1][2] += data

    def handle_endtag(self, tag):
        if self.open and tag in ("span", "text"):
            self.found.append(tuple(self.open.pop()))


@pytest.fixture
def table(reporting):
    """A table as reporting answers it, with its columns."""
    def make(name, rows, region="33.25", **filters):
        return {"table": name, "region": region, "as_of": AS_OF, "filters": filters,
                "columns": reporting.COLUMNS[name], "rows": rows}
    return make


# --- numbers and charts ------------------------------------------------------------------------

@pytest.mark.parametrize("value, column, shown", [
    (1236, "reports", "1.236"), (0, "overdue", "0"), (87.5, "resolved_in_sla_pct", "87,5%"),
    (100.0, "in_sla_pct", "100%"), (None, "resolved_in_sla_pct", "–"), (4.5, "resolve_median_wd", "4,5"),
    (2.0, "ack_median_wd", "2"), (None, "ack_p90_wd", "–"), (12345.5, "reports", "12.345,5"),
    ("2026-11-20T09:00:00.000+00:00", "due", "20 November 2026 pukul 16.00 WIB")])
def test_numbers_are_written_the_indonesian_way(value, column, shown):
    assert numbers.shown(value, column) == shown


def test_a_moment_is_in_the_regions_own_time_zone():
    assert numbers.moment(AS_OF, "Asia/Makassar") == "30 November 2026 pukul 18.00 WITA"
    assert numbers.moment("2026-12-31T20:30:00Z", "Asia/Jayapura") == "1 Januari 2027 pukul 05.30 WIT"


def test_bars_scale_with_their_value():
    assert charts.scale(50, 100, 300) == 150.0
    assert charts.scale(100, 100, 300) == 300.0
    assert charts.scale(150, 100, 300) == 300.0     # never past the end
    assert charts.scale(None, 100, 300) == charts.scale(0, 100, 300) == 0.0
    assert charts.scale(3, 0, 300) == 0.0


def _widths(svg: str, css: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect class="{css}" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def test_a_bar_chart_draws_the_largest_value_full_length_and_the_others_in_proportion():
    rows = [charts.Row(name, (charts.Bar(Figure(f"areas.{name}.reports", "reports", n), "c-open", "laporan"),))
            for name, n in (("a", 40), ("b", 10), ("c", 0), ("d", None))]
    svg = charts.bars(rows, "Laporan")
    assert _widths(svg, "c-open") == [charts.WIDE.bar_w, charts.WIDE.bar_w / 4, 0, 0]
    percent = charts.bars(rows[1:2], "Persen", top=100)
    assert _widths(percent, "c-open") == [charts.WIDE.bar_w / 10]


def test_a_stacked_bar_puts_its_parts_one_after_the_other_over_the_total():
    row = charts.Row("Kesehatan", (charts.Bar(Figure("areas.kesehatan.resolved", "resolved", 30), "c-resolved", "s"),
                                   charts.Bar(Figure("areas.kesehatan.open", "open", 10), "c-open", "t")))
    svg = charts.stacked([(row, Figure("areas.kesehatan.reports", "reports", 50))], "Laporan")
    assert _widths(svg, "c-total") == [charts.WIDE.bar_w]
    assert _widths(svg, "c-resolved") == [charts.WIDE.bar_w * 30 / 50]
    assert re.search(rf'<rect class="c-open" x="{charts.WIDE.label_w + charts.WIDE.bar_w * 30 / 50:g}"', svg)
    assert {f for f, _, _ in Figures(svg).found} == {"areas.kesehatan.reports", "areas.kesehatan.resolved",
                                                    "areas.kesehatan.open"}


def test_a_donut_fills_its_share_of_the_ring():
    svg = charts.donut(Figure("coverage.33.25.ilp_pct", "ilp_pct", 25.0), "c-ilp", "ILP", size=100)
    around = float(re.search(r'stroke-dasharray="[\d.]+ ([\d.]+)"', svg)[1])
    filled = float(re.search(r'stroke-dasharray="([\d.]+) ', svg)[1])
    assert filled == pytest.approx(around / 4, abs=0.1)
    assert Figures(svg).found == [("coverage.33.25.ilp_pct", "25.0", "25%")]


# --- pages ---------------------------------------------------------------------------------------

REGION = {"id": "33.25", "name": "Kabupaten <Batang> & Co", "level": "kabupaten", "type": "kabupaten",
          "ancestors": [{"id": "33", "name": "Jawa Tengah", "level": "province", "type": "provinsi"}],
          "children": []}


@pytest.fixture
def kabupaten_tables(table):
    return {"areas": table("areas", AREAS), "opd": table("opd", OPD),
            "overdue": table("overdue", [[CASE, "33.25/dinkes", "kesehatan.balita", "33.25.01.2001",
                                          "acknowledge", "2026-11-20T09:00:00.000+00:00", 6, 1]], limit=20),
            "kecamatan": table("kecamatan", [[1, "33.25.01", 40, 60.0, 80.0, 2]]),
            "coverage": table("coverage", [["33.25", 1236, 300, 24.3, 120, 9.7]])}


def test_names_from_outside_are_escaped(kabupaten_tables):
    names = Names(regions={"33.25.01": "Wono<script>alert(1)</script>"}, opds={"33.25/dinkes": 'Dinas "K" & <b>'})
    html = pages.region_page(REGION, kabupaten_tables, names)
    assert "<script>" not in html and "<b>" not in html
    assert "Kabupaten &lt;Batang&gt; &amp; Co" in html
    assert "Wono&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Dinas &quot;K&quot; &amp; &lt;b&gt;" in html


def test_every_figure_of_the_tables_is_on_the_page_with_its_value(kabupaten_tables):
    marked = {}
    for figure, value, _ in Figures(pages.region_page(REGION, kabupaten_tables, Names())).found:
        assert marked.setdefault(figure, value) == value   # a figure shown twice shows one value
    expected = {}
    for name, t in kabupaten_tables.items():
        key = {"kecamatan": "kecamatan_code", "overdue": "report_id"}.get(name, t["columns"][0])
        labels = {key, "opd_code", "service_type", "desa_code", "deadline"}
        for record in (dict(zip(t["columns"], row)) for row in t["rows"]):
            expected.update({f"{name}.{record[key]}.{column}": "" if value is None else str(value)
                             for column, value in record.items() if column not in labels})
    assert marked == expected
    assert marked["kecamatan.33.25.01.rank"] == "1"
    assert marked[f"overdue.{CASE}.due"] == "2026-11-20T09:00:00.000+00:00"


def test_what_a_figure_shows_is_its_value(kabupaten_tables):
    for figure, value, shown in Figures(pages.region_page(REGION, kabupaten_tables, Names())).found:
        if figure.endswith(".due"):
            continue
        assert shown == ("–" if value == "" else numbers.shown(float(value), figure.rsplit(".", 1)[1])), figure


def test_the_page_says_when_its_figures_were_taken(kabupaten_tables):
    html = pages.region_page(REGION, kabupaten_tables, Names())
    assert f'data-as-of="{AS_OF}"' in html
    assert "30 November 2026 pukul 17.00 WIB" in html


def test_overdue_cases_link_to_the_case_and_kecamatan_to_their_page(kabupaten_tables):
    html = pages.region_page(REGION, kabupaten_tables, Names(regions={"33.25.01": "Wonotunggal"}))
    assert f'href="/api/v1/cases/{CASE}"' in html
    assert 'href="/dashboard/wilayah/33.25.01">Wonotunggal</a>' in html
    assert 'href="/dashboard/opd/33.25/dinkes"' in html


def test_an_opd_is_named_without_its_kabupaten():
    names = Names(regions={"33.25": "Kabupaten Batang"},
                  opds={"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang", "33.25/bpbd": "BPBD"})
    assert names.opd("33.25/dinkes") == "Dinas Kesehatan"
    assert names.opd("33.25/bpbd") == "BPBD"
    assert names.opd("-") == "Belum ada OPD (triase TPH)"


def test_an_empty_table_says_so_instead_of_drawing_charts(table):
    html = sections.sla(table("opd", []), Names())
    assert "<svg" not in html and "Belum ada kasus" in html


def test_only_keeps_the_rows_of_one_value(table):
    assert pages.only(table("opd", OPD), "opd_code", "33.25/dinsos")["rows"] == [OPD[1]]


def test_markup_figures_carry_name_and_raw_value():
    assert markup.fig(Figure("areas.kesehatan.resolved_in_sla_pct", "resolved_in_sla_pct", 87.5)) == (
        '<span class="fig" data-figure="areas.kesehatan.resolved_in_sla_pct" data-value="87.5">87,5%</span>')
