import pytest

from simpul_registry.domain import rules
from simpul_registry.domain.checks import Rejected

TODAY = "2026-03-10"
REGIONS = {code: {"code": code} for code in ("33", "33.25", "33.25.01", "33.25.01.2001", "21.71")}
OPDS = {
    "33.25/dinkes": {"id": "33.25/dinkes", "kabupaten_code": "33.25", "active": True,
                     "units": [{"code": "pkm-wonotunggal"}]},
    "33.25/lama": {"id": "33.25/lama", "kabupaten_code": "33.25", "active": False, "units": []},
    "21.71/dinkes": {"id": "21.71/dinkes", "kabupaten_code": "21.71", "active": True, "units": []},
}
RULE = {"region_prefix": "33.25.01", "service_type": "kesehatan.*", "opd_code": "33.25/dinkes"}


def checked(data):
    return rules.checked(data, TODAY, REGIONS.get, OPDS.get)


def errors_of(data):
    with pytest.raises(Rejected) as rejected:
        checked(data)
    assert rejected.value.status == 422
    return {e["field"]: e["message"] for e in rejected.value.errors}


def test_a_rule_starts_today_unless_told_and_belongs_to_its_kabupaten():
    assert checked(RULE) == {**RULE, "kabupaten_code": "33.25", "unit_code": None,
                             "valid_from": TODAY, "valid_to": None}


def test_a_rule_may_name_a_unit_a_service_type_and_dates_to_come():
    rule = checked({**RULE, "region_prefix": "33.25.01.2001", "service_type": "kesehatan.balita",
                    "unit_code": "pkm-wonotunggal", "valid_from": "2026-04-01",
                    "valid_to": "2026-12-31"})
    assert (rule["unit_code"], rule["valid_from"], rule["valid_to"]) == (
        "pkm-wonotunggal", "2026-04-01", "2026-12-31")


@pytest.mark.parametrize("prefix", ["33", "33.99", "33.25.1", None, 3325])
def test_the_region_must_be_a_known_kabupaten_kecamatan_or_desa(prefix):
    assert list(errors_of({**RULE, "region_prefix": prefix})) == ["region_prefix"]


@pytest.mark.parametrize("service_type", ["kesehatan", "kesehatan.flu", "*", "pertanian.*"])
def test_the_service_type_must_be_a_code_or_an_area_wildcard(service_type):
    assert list(errors_of({**RULE, "service_type": service_type})) == ["service_type"]


@pytest.mark.parametrize("opd_code, says", [
    ("33.25/lama", "tidak aktif"), ("33.25/damkar", "tidak ada"), (None, "tidak ada"),
    ("21.71/dinkes", "bukan OPD 33.25")])
def test_the_opd_must_be_active_and_of_the_same_kabupaten(opd_code, says):
    assert says in errors_of({**RULE, "opd_code": opd_code})["opd_code"]


def test_the_unit_must_be_one_of_the_opd():
    assert list(errors_of({**RULE, "unit_code": "pkm-lain"})) == ["unit_code"]


@pytest.mark.parametrize("field", ["service_type", "unit_code"])
def test_a_code_that_is_not_text_is_refused_not_a_crash(field):
    assert list(errors_of({**RULE, field: ["kesehatan.*"]})) == [field]


def test_history_is_not_rewritten_and_a_rule_ends_after_it_starts():
    errors = errors_of({**RULE, "valid_from": "2026-03-09"})
    assert "tidak boleh sebelum hari ini" in errors["valid_from"]
    assert list(errors_of({**RULE, "valid_to": TODAY})) == ["valid_to"]
    assert list(errors_of({**RULE, "valid_from": "2026-03-10x", "valid_to": "10-03-2027"})) == [
        "valid_from", "valid_to"]


def test_an_empty_or_overfull_rule_is_refused():
    assert "body" in errors_of({})
    assert "kabupaten_code" in errors_of({**RULE, "kabupaten_code": "33.25"})


def test_an_end_date_is_from_today_after_the_start_and_not_later_than_the_end():
    rule = {"valid_from": "2026-01-01", "valid_to": "2026-06-30"}
    assert rules.end_date(rule, TODAY, TODAY) == TODAY
    assert rules.end_date({**rule, "valid_to": None}, "2030-01-01", TODAY) == "2030-01-01"
    for day, says in (("2026-03-09", "sebelum hari ini"), ("2026-07-01", "sudah berakhir"),
                      (None, "wajib diisi"), ("besok", "YYYY-MM-DD")):
        with pytest.raises(Rejected) as rejected:
            rules.end_date(rule, day, TODAY)
        [error] = rejected.value.errors
        assert error["field"] == "valid_to" and says in error["message"]


def test_an_end_date_of_a_rule_still_to_come_is_after_its_start():
    with pytest.raises(Rejected, match="harus sesudah valid_from"):
        rules.end_date({"valid_from": "2026-04-01", "valid_to": None}, "2026-04-01", TODAY)


IN_FORCE = [{"id": "rule-1", "unit_code": None}, {"id": "rule-2", "unit_code": "pkm-wonotunggal"}]


def test_an_opd_named_by_rules_may_not_go_inactive():
    with pytest.raises(Rejected) as rejected:
        rules.still_needed(IN_FORCE, {**OPDS["33.25/dinkes"], "active": False})
    assert rejected.value.status == 409 and rejected.value.errors[0]["field"] == "active"


def test_an_opd_may_not_lose_a_unit_a_rule_still_names():
    with pytest.raises(Rejected) as rejected:
        rules.still_needed(IN_FORCE, {**OPDS["33.25/dinkes"], "units": []})
    assert rejected.value.status == 409
    assert rejected.value.errors == [{"field": "units",
                                      "message": "unit pkm-wonotunggal masih dipakai aturan rule-2"}]


def test_an_opd_no_rule_needs_may_change_freely():
    assert rules.still_needed(IN_FORCE, OPDS["33.25/dinkes"]) is None
    assert rules.still_needed([], {**OPDS["33.25/dinkes"], "active": False, "units": []}) is None
