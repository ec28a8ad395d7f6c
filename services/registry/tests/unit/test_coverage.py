from simpul_common.catalogue import SERVICE_TYPES
from simpul_common.routing_rules import Rule
from simpul_registry import regions_source
from simpul_registry.domain import demo
from simpul_registry.domain.coverage import coverage_gaps


def demo_table(kabupaten_code):
    tree = regions_source.region_tree(kabupaten_code)
    kabupaten = next(r for r in tree if r["code"] == kabupaten_code)
    kecamatan = [r for r in tree if r["level"] == "kecamatan"]
    rules = [Rule.from_dict({**r, "id": r["_id"]}) for r in demo.routing_rules(kabupaten_code, kecamatan)]
    opds = {o["_id"] for o in demo.opds(kabupaten, kecamatan)}
    return rules, opds, [k["code"] for k in kecamatan]


def test_the_demo_routing_tables_leave_no_gap():
    for kabupaten_code in ("33.25", "21.71"):
        rules, opds, kecamatan = demo_table(kabupaten_code)
        assert coverage_gaps(rules, opds, kecamatan, "2026-11-23") == []


def test_a_missing_area_shows_one_gap_per_service_type_and_kecamatan():
    rules, opds, kecamatan = demo_table("21.71")
    without_social = [r for r in rules if r.service_type != "sosial.*"]
    gaps = coverage_gaps(without_social, opds, kecamatan, "2026-11-23")
    social_types = [t for t in SERVICE_TYPES if t.startswith("sosial.")]
    assert len(gaps) == len(social_types) * len(kecamatan) == 5 * 12
    assert {g["reason"] for g in gaps} == {"no_rule"}


def test_a_rule_naming_an_unknown_opd_is_a_gap():
    rules, opds, kecamatan = demo_table("33.25")
    gaps = coverage_gaps(rules, opds - {"33.25/damkar"}, kecamatan[:1], "2026-11-23")
    assert gaps == [{"service_type": "trantibumlinmas.penyelamatan_kebakaran",
                     "kecamatan_code": kecamatan[0], "reason": "unknown_opd"}]


def test_rules_not_yet_in_force_do_not_cover():
    rules, opds, kecamatan = demo_table("33.25")
    assert len(coverage_gaps(rules, opds, kecamatan[:1], "2025-12-31")) == len(SERVICE_TYPES)
