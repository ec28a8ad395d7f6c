from simpul_common import contracts
from simpul_routing.repository import OpenCaseExists
from simpul_routing.usecases import route_report


class FakeCaseRepository:
    """The part of repository.CaseRepository that route_report uses (see
    test_case_usecases.py for the whole of it)."""

    def __init__(self):
        self.cases = {}
        self.duplicates = []

    def get(self, report_id, with_history=True):
        return self.cases.get(report_id)

    def add(self, case):
        if case["_id"] not in self.cases and case.get("open_key"):
            for other in self.cases.values():
                if other.get("open_key") == case["open_key"]:
                    raise OpenCaseExists(other)
        return self.cases.setdefault(case["_id"], case)

    def add_linked(self, case):
        return self.cases.setdefault(case["_id"], case)

    def note_duplicate(self, open_case_id, entry):
        self.duplicates.append((open_case_id, entry["report_id"]))


class FakeRegistry:
    def __init__(self, rules):
        self.rules = rules
        self.asked = []

    def routing_table(self, kabupaten_code):
        self.asked.append(kabupaten_code)
        return {"kabupaten_code": kabupaten_code, "rules": self.rules,
                "opds": {"33.25/dinkes": "Dinas Kesehatan Kabupaten Batang"}, "norms": {}}


DINKES = {"id": "kab-kes", "region_prefix": "33.25", "service_type": "kesehatan.*",
          "opd_code": "33.25/dinkes", "unit_code": None, "valid_from": "2000-01-01",
          "valid_to": None}


def received(service_type="kesehatan.balita", report_id="r-1", household_ref=None):
    return contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code="33.25.01.2001",
        posyandu_id="P332501200101", received_at="2026-11-02T03:00:00+00:00",
        household_ref=household_ref)


def test_a_received_report_is_routed_stored_and_announced():
    cases, registry, published = FakeCaseRepository(), FakeRegistry([DINKES]), []

    case = route_report(received(), cases, registry.routing_table, published.append)

    assert case["status"] == "routed"
    assert cases.get("r-1") == case
    assert registry.asked == ["33.25"]
    assert [e["type"] for e in published] == ["report.routed"]
    assert published[0]["data"]["opd_code"] == "33.25/dinkes"


def test_a_redelivered_report_reannounces_the_stored_decision():
    cases, registry, published = FakeCaseRepository(), FakeRegistry([DINKES]), []
    route_report(received(), cases, registry.routing_table, published.append)
    registry.rules = []   # the registry changed meanwhile: the decision must not

    again = route_report(received(), cases, registry.routing_table, published.append)

    assert again["status"] == "routed"
    assert registry.asked == ["33.25"]
    assert published[1]["id"] == published[0]["id"]
    assert published[1] == published[0]


def test_an_unknown_service_type_is_announced_as_unroutable():
    cases, registry, published = FakeCaseRepository(), FakeRegistry([DINKES]), []

    case = route_report(received("pendidikan.paud"), cases, registry.routing_table,
                        published.append)

    assert case["status"] == "unroutable"
    assert [e["type"] for e in published] == ["report.unroutable"]
    assert published[0]["data"]["tph_region"] == "33.25"


def test_a_report_for_a_household_with_an_open_case_of_that_service_is_linked():
    cases, registry, published = FakeCaseRepository(), FakeRegistry([DINKES]), []
    route_report(received(household_ref="hh-1"), cases, registry.routing_table, published.append)

    dup = route_report(received(report_id="r-2", household_ref="hh-1"), cases,
                       registry.routing_table, published.append)

    assert (dup["status"], dup["linked_to"]) == ("linked", "r-1")
    assert [e["type"] for e in published] == ["report.routed", "report.linked"]
    assert cases.duplicates == [("r-1", "r-2")]
