import pytest

from simpul_common.routing_rules import Rule, pick_rule

DESA = "33.25.01.2001"
TODAY = "2026-06-01"


def rule(id, region_prefix="33.25", service_type="kesehatan.*", opd="33.25/dinkes",
         valid_from="2026-01-01", valid_to=None, unit=None):
    return Rule(id=id, region_prefix=region_prefix, service_type=service_type, opd_code=opd,
                unit_code=unit, valid_from=valid_from, valid_to=valid_to)


def test_a_rule_for_the_kabupaten_covers_its_desa():
    assert pick_rule([rule("kab")], "kesehatan.balita", DESA, TODAY).id == "kab"


def test_nobody_is_responsible_without_a_covering_rule():
    assert pick_rule([], "kesehatan.balita", DESA, TODAY) is None


def test_an_unknown_service_type_is_covered_by_no_rule():
    rules = [rule("kab"), rule("edu", service_type="pendidikan.*", opd="33.25/disdik")]
    assert pick_rule(rules, "pariwisata.pantai", DESA, TODAY) is None


def test_an_area_wildcard_does_not_cover_another_area():
    assert pick_rule([rule("kab")], "pendidikan.paud", DESA, TODAY) is None


def test_an_area_wildcard_does_not_cover_an_area_whose_name_only_starts_alike():
    pu = rule("pu", service_type="pekerjaan_umum.*", opd="33.25/dpupr")
    assert pick_rule([pu], "pekerjaan_umum_lain.x", DESA, TODAY) is None


def test_a_rule_of_another_kabupaten_does_not_apply():
    assert pick_rule([rule("batam", region_prefix="21.71")], "kesehatan.balita", DESA, TODAY) is None


def test_a_region_prefix_matches_whole_segments_only():
    # 33.2 is not a region above 33.25
    assert pick_rule([rule("odd", region_prefix="33.2")], "kesehatan.balita", DESA, TODAY) is None


def test_the_kecamatan_rule_wins_over_the_kabupaten_rule():
    rules = [rule("kab"), rule("kec", region_prefix="33.25.01", unit="puskesmas-33.25.01")]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "kec"
    assert pick_rule(list(reversed(rules)), "kesehatan.balita", DESA, TODAY).id == "kec"


def test_a_kecamatan_rule_does_not_apply_in_another_kecamatan():
    rules = [rule("kab"), rule("kec", region_prefix="33.25.01")]
    assert pick_rule(rules, "kesehatan.balita", "33.25.02.2001", TODAY).id == "kab"


def test_a_desa_rule_wins_over_a_kecamatan_rule():
    rules = [rule("kec", region_prefix="33.25.01"), rule("desa", region_prefix=DESA)]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "desa"


def test_the_exact_service_type_wins_over_the_area_wildcard():
    rules = [rule("area"), rule("tb", service_type="kesehatan.terduga_tb", opd="33.25/rsud")]
    assert pick_rule(rules, "kesehatan.terduga_tb", DESA, TODAY).id == "tb"
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "area"


def test_a_deeper_region_outranks_an_exact_service_type():
    rules = [rule("kab-exact", service_type="kesehatan.balita"),
             rule("kec-area", region_prefix="33.25.01")]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "kec-area"


def test_of_two_equally_specific_rules_the_more_recent_one_wins():
    rules = [rule("old", valid_from="2026-01-01"), rule("new", valid_from="2026-05-01")]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "new"


@pytest.mark.parametrize("valid_from, valid_to", [
    ("2026-06-02", None),            # not started yet
    ("2026-01-01", "2026-06-01"),    # ended: valid_to is exclusive
    ("2026-01-01", "2026-03-01"),
])
def test_a_rule_outside_its_validity_window_is_ignored(valid_from, valid_to):
    rules = [rule("window", valid_from=valid_from, valid_to=valid_to)]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY) is None


def test_a_rule_applies_on_its_first_day_and_on_the_day_before_its_end():
    r = rule("window", valid_from="2026-06-01", valid_to="2026-06-02")
    assert pick_rule([r], "kesehatan.balita", DESA, "2026-06-01") is r


def test_an_expired_specific_rule_falls_back_to_the_general_one():
    rules = [rule("kab"), rule("kec", region_prefix="33.25.01", valid_to="2026-05-01")]
    assert pick_rule(rules, "kesehatan.balita", DESA, TODAY).id == "kab"


def test_from_dict_reads_a_rule_as_the_registry_serves_it():
    served = {"id": "r1", "region_prefix": "33.25", "service_type": "sosial.*",
              "opd_code": "33.25/dinsos", "valid_from": "2026-01-01", "kabupaten_code": "33.25"}
    assert Rule.from_dict(served) == Rule(id="r1", region_prefix="33.25", service_type="sosial.*",
                                          opd_code="33.25/dinsos", unit_code=None,
                                          valid_from="2026-01-01", valid_to=None)
