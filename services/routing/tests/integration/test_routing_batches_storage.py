"""Routing's batch of new reports on the real storage: one read of the stored cases, one
unordered insert of the new ones, the unique `open_key` refusing a household's second open
case of a service type so that the single way links it."""
import pytest
from pymongo import MongoClient

from simpul_common import contracts
from simpul_routing import usecases
from simpul_routing.repository import CaseRepository, prepare

TABLE = {"kabupaten_code": "33.25", "norms": {}, "opds": {"33.25/dinkes": "Dinas Kesehatan"},
         "rules": [{"id": "kab-kes", "region_prefix": "33.25", "service_type": "kesehatan.*",
                    "opd_code": "33.25/dinkes", "unit_code": None, "valid_from": "2000-01-01",
                    "valid_to": None}]}


@pytest.fixture
def cases(mongo_uri, db_names):
    db = MongoClient(mongo_uri)[db_names["routing"]]
    prepare(db)
    return CaseRepository(db)


def received(report_id, household_ref=None, service_type="kesehatan.balita"):
    return contracts.ReportReceived(
        report_id=report_id, kind="service_need", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code="33.25.01.2001",
        posyandu_id="P332501200101", received_at=contracts.utc_now(),
        household_ref=household_ref)


def route(cases, events):
    published = []
    routed = usecases.route_reports(events, cases, lambda kabupaten: TABLE, published.append)
    return routed, published


def test_a_batch_links_a_household_s_second_report_to_its_first_and_redelivers_alike(cases):
    route(cases, [received("old", "hh-old")])
    batch = [received("b-1", "hh-1"), received("b-2", "hh-1"), received("b-3"),
             received("b-4", "hh-old"), received("b-3"),
             received("b-5", "hh-1", "kesehatan.ibu_hamil")]

    routed, published = route(cases, batch)
    again, republished = route(cases, batch)

    assert [(c["status"], c.get("linked_to")) for c in routed] == [
        ("routed", None), ("linked", "b-1"), ("routed", None), ("linked", "old"),
        ("routed", None), ("routed", None)]
    assert [e["type"] for e in published] == ["report.routed", "report.linked", "report.routed",
                                              "report.linked", "report.routed", "report.routed"]
    assert republished == published
    assert cases.cases.count_documents({}) == 6
    assert cases.get("b-1")["linked_reports"] == ["b-2"]
    assert cases.get("old")["linked_reports"] == ["b-4"]
    assert [h["action"] for h in cases.get("b-1")["history"]] == ["route", "link_duplicate"]


def test_the_insert_of_a_batch_names_the_cases_it_refused(cases):
    first, _ = route(cases, [received("r-1", "hh-9")])

    refused = cases.add_many([dict(first[0]), {**first[0], "_id": "r-2"}, {"_id": "r-3"}])

    assert refused == {"r-1", "r-2"}
    assert set(cases.get_many(["r-1", "r-2", "r-3", "r-4"])) == {"r-1", "r-3"}
