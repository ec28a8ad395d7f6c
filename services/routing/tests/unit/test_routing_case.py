import pytest

from simpul_common import contracts
from simpul_routing.domain.case import decide, outcome_event

ROUTED_AT = "2026-11-02T03:00:00+00:00"   # Monday 10:00 WIB


def received(service_type="kesehatan.balita", desa_code="33.25.01.2001"):
    return contracts.ReportReceived(
        report_id="r-1", kind="complaint", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code=desa_code, posyandu_id="P332501200101",
        received_at=ROUTED_AT)


def rule(id, region_prefix, service_type, opd, unit=None, valid_from="2026-01-01"):
    return {"id": id, "kabupaten_code": "33.25", "region_prefix": region_prefix,
            "service_type": service_type, "opd_code": opd, "unit_code": unit,
            "valid_from": valid_from, "valid_to": None}


def table(rules=None, norms=None):
    return {
        "kabupaten_code": "33.25",
        "rules": rules if rules is not None else [
            rule("kab-kes", "33.25", "kesehatan.*", "33.25/dinkes"),
            rule("kec-kes", "33.25.01", "kesehatan.*", "33.25/dinkes", "puskesmas-33.25.01"),
            rule("kab-damkar", "33.25", "trantibumlinmas.penyelamatan_kebakaran", "33.25/damkar"),
        ],
        "opds": {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang",
                 "33.25/damkar": "Dinas Pemadam Kebakaran Kabupaten Batang"},
        "norms": norms if norms is not None else {
            "trantibumlinmas.penyelamatan_kebakaran": {"acknowledge_working_days": 1,
                                                       "follow_up_working_days": 1}},
    }


def test_a_case_is_routed_to_the_opd_and_unit_of_the_most_specific_rule():
    case = decide(received(), table(), ROUTED_AT)
    assert case["status"] == "routed"
    assert case["opd_code"] == "33.25/dinkes"
    assert case["opd_name"] == "Dinas Kesehatan Kabupaten Batang"
    assert case["unit_code"] == "puskesmas-33.25.01"
    assert case["rule_id"] == "kec-kes"
    assert case["kabupaten_code"] == "33.25"


def test_without_a_norm_the_follow_up_takes_five_working_days():
    case = decide(received(), table(), ROUTED_AT)
    assert case["due_at"] == "2026-11-09T16:59:59.999+00:00"


def test_the_service_types_norm_sets_the_due_date():
    case = decide(received("trantibumlinmas.penyelamatan_kebakaran"), table(), ROUTED_AT)
    assert case["opd_code"] == "33.25/damkar"
    assert case["due_at"] == "2026-11-03T16:59:59.999+00:00"


@pytest.mark.parametrize("service_type", ["sosial.anak_terlantar", "pariwisata.pantai"])
def test_a_service_type_nobody_covers_is_unroutable(service_type):
    case = decide(received(service_type), table(), ROUTED_AT)
    assert case["status"] == "unroutable"
    assert case["reason"]
    assert case["opd_code"] is None and case.get("due_at") is None


def test_a_rule_pointing_to_an_unknown_opd_is_unroutable():
    rules = [rule("ghost", "33.25", "kesehatan.*", "33.25/dinas_hilang")]
    assert decide(received(), table(rules=rules), ROUTED_AT)["status"] == "unroutable"


def test_rule_validity_is_judged_on_the_local_date():
    # 31 Dec 2025 18:00 UTC is already 1 Jan 2026 in WIB, the day the rule starts
    rules = [rule("new-year", "33.25", "kesehatan.*", "33.25/dinkes", valid_from="2026-01-01")]
    case = decide(received(), table(rules=rules), "2025-12-31T18:00:00+00:00")
    assert case["status"] == "routed"
    case = decide(received(), table(rules=rules), "2025-12-31T16:00:00+00:00")
    assert case["status"] == "unroutable"


def test_the_routed_event_carries_the_decision_under_a_stable_id():
    case = decide(received(), table(), ROUTED_AT)
    first, again = outcome_event(case), outcome_event(dict(case))

    assert first["id"] == again["id"] == contracts.stable_id("r-1", "report.routed")
    message = contracts.decode(first).message
    assert isinstance(message, contracts.ReportRouted)
    assert (message.opd_code, message.unit_code, message.due_at) == (
        "33.25/dinkes", "puskesmas-33.25.01", case["due_at"])
    assert first["occurred_at"] == ROUTED_AT


def test_an_unroutable_case_is_announced_to_the_tph_of_its_kabupaten():
    case = decide(received("sosial.anak_terlantar"), table(), ROUTED_AT)
    message = contracts.decode(outcome_event(case)).message
    assert isinstance(message, contracts.ReportUnroutable)
    assert message.tph_region == "33.25"
