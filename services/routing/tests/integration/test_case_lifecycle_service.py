"""The case lifecycle in real routing containers: moves over RPC, events on the real broker,
cases in the real storage server; deadlines on a clock the test sets; two replicas sweeping
at once still escalate each case once."""
import datetime as dt
import threading
import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from pymongo import MongoClient

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_routing.service import RoutingService

OFFICER = {"role": "opd_officer", "id": "u-officer", "name": "Petugas Dinkes",
           "opd_code": "33.25/dinkes", "kabupaten_code": "33.25"}
DINSOS = {"role": "opd_officer", "id": "u-dinsos", "opd_code": "33.25/dinsos",
          "kabupaten_code": "33.25"}
KADER = {"role": "kader", "id": "u-kader", "posyandu_id": "P1", "kabupaten_code": "33.25"}
TPH = {"role": "tph", "id": "u-tph", "kabupaten_code": "33.25"}
ADMIN = {"role": "admin", "id": "u-admin", "kabupaten_code": None}   # a national admin sees all
DESA = "33.25.01.2001"


@pytest.fixture(scope="module")
def routing_db(registry, run_module_service, service_config, mongo_uri):
    name = f"t{uuid.uuid4().hex[:8]}_routing"
    run_module_service(RoutingService, service_config(name, SIMPUL_CLOCK_OVERRIDE="1"))
    return MongoClient(mongo_uri)[name]


@pytest.fixture
def rpc(amqp_uri):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=15) as proxy:
        yield proxy


def report(broker, service_type="kesehatan.balita", desa=DESA, **extra):
    report_id = str(uuid.uuid4())
    event = contracts.ReportReceived(
        report_id=report_id, kind="complaint", service_type=service_type,
        spm_area=service_type.split(".")[0], desa_code=desa, posyandu_id="P1",
        received_at=contracts.utc_now(), **extra)
    broker.publish(event.envelope(contracts.stable_id(report_id, event.type)))
    return report_id


def case_of(rpc, report_id):
    return wait_until(lambda: rpc.routing.get_case(report_id, ADMIN), what=f"case {report_id}")


def events_of(probe, message_type, report_ids, count):
    """The `count` events of `message_type` about `report_ids`, once they have all arrived."""
    def arrived():
        found = [e for e in probe.of_type(message_type) if e["data"]["report_id"] in report_ids]
        return found if len(found) >= count else None
    return wait_until(arrived, what=f"{count} {message_type}")


def later(instant: str, **delta) -> str:
    return (dt.datetime.fromisoformat(instant) + dt.timedelta(**delta)).isoformat()


def test_a_case_walks_from_routed_to_closed_and_its_history_explains_every_step(
        routing_db, broker, rpc):
    probe = broker.probe(contracts.CaseChanged.type)
    case_id = report(broker)
    assert case_of(rpc, case_id)["status"] == "routed"
    steps = [("acknowledge", OFFICER, {}), ("start", OFFICER, {}),
             ("update", OFFICER, {"note": "petugas gizi dijadwalkan"}),
             ("resolve", OFFICER, {"resolution": "imunisasi susulan diberikan",
                                   "evidence": ["https://dinkes.example/bukti/1.jpg"]}),
             ("reopen", KADER, {"reason": "anak belum menerima vitamin A"}),
             ("acknowledge", OFFICER, {}), ("resolve", OFFICER, {"resolution": "vitamin A diberikan"}),
             ("confirm", KADER, {})]
    for action, actor, details in steps:
        answer = rpc.routing.act(case_id, action, actor, details)
        assert "item" in answer, (action, answer)
    case = answer["item"]
    assert case["status"] == "closed" and case["allowed_actions"] == []
    assert case["opd"]["code"] == "33.25/dinkes"    # reopened at the same OPD
    history = rpc.routing.case_history(case_id, ADMIN)
    assert [h["action"] for h in history] == ["route"] + [s[0] for s in steps]
    assert [h["seq"] for h in history] == list(range(len(history)))
    assert [h["at"] for h in history] == sorted(h["at"] for h in history)
    assert history[4]["evidence"] == ["https://dinkes.example/bukti/1.jpg"]
    assert history[5]["actor"] == {"role": "kader", "id": "u-kader"}
    assert history[5]["reason"] == "anak belum menerima vitamin A"
    changed = events_of(probe, "case.changed", {case_id}, len(steps))
    assert [e["data"]["action"] for e in changed] == [s[0] for s in steps]
    assert all("vitamin" not in str(e) and "imunisasi" not in str(e) for e in changed)
    stored = routing_db.cases.find_one({"_id": case_id})
    assert stored["outbox"] == [] and "open_key" not in stored


def test_an_illegal_move_is_refused_and_changes_nothing(routing_db, broker, rpc):
    case_id = report(broker)
    before = case_of(rpc, case_id)
    refused = rpc.routing.act(case_id, "resolve", OFFICER, {"resolution": "selesai"})
    assert refused["status"] == 409 and refused["errors"][0]["field"] == "action"
    assert "acknowledge" in refused["errors"][0]["message"]
    assert rpc.routing.act(case_id, "acknowledge", DINSOS, {})["status"] == 403
    assert rpc.routing.act(case_id, "reject", OFFICER, {})["errors"][0]["field"] == "reason"
    assert rpc.routing.act(str(uuid.uuid4()), "acknowledge", OFFICER, {})["status"] == 404
    assert rpc.routing.get_case(case_id, ADMIN) == before
    assert routing_db.cases.find_one({"_id": case_id})["version"] == 0


def test_routing_itself_shows_a_case_only_to_whom_it_concerns(routing_db, broker, rpc):
    case_id = report(broker)
    assert case_of(rpc, case_id)["opd"]["code"] == "33.25/dinkes"
    for actor in (OFFICER, KADER, TPH):
        assert rpc.routing.get_case(case_id, actor)["id"] == case_id
    for stranger in (DINSOS, {**KADER, "posyandu_id": "P2"}, {**TPH, "kabupaten_code": "21.71"},
                     {"role": "viewer", "id": "u-viewer"}):
        assert rpc.routing.get_case(case_id, stranger) is None
        assert rpc.routing.case_history(case_id, stranger) is None
    sent = rpc.routing.find_cases({"opd_code": "33.25/dinkes"}, 1, 200, actor=DINSOS)
    assert case_id not in {c["id"] for c in sent["items"]}     # narrowed to Dinsos's own
    assert rpc.routing.find_cases({}, 1, 10, actor={"role": "viewer", "id": "v"})["status"] == 403


def test_a_rejected_case_waits_in_the_tph_queue_until_assigned_then_can_be_transferred(
        routing_db, broker, rpc):
    routed = broker.probe(contracts.ReportRouted.type)
    case_id = report(broker)
    case_of(rpc, case_id)
    rpc.routing.act(case_id, "reject", OFFICER, {"reason": "bukan kewenangan Dinkes"})
    queue = rpc.routing.find_cases({"queue": "triage", "kabupaten_code": "33.25"}, 1, 200, actor=TPH)
    mine = [c for c in queue["items"] if c["id"] == case_id]
    assert mine and mine[0]["status"] == "rejected" and mine[0]["triage_due_at"]
    assert rpc.routing.act(case_id, "assign", TPH, {"opd_code": "33.25/nope"})["status"] == 422
    case = rpc.routing.act(case_id, "assign", TPH, {"opd_code": "33.25/dinsos"})["item"]
    assert case["status"] == "routed" and case["opd"]["code"] == "33.25/dinsos"
    case = rpc.routing.act(case_id, "transfer", DINSOS, {"opd_code": "33.25/disdik",
                                                         "reason": "anak putus sekolah"})["item"]
    assert case["opd"]["code"] == "33.25/disdik" and case["status"] == "routed"
    events = events_of(routed, "report.routed", {case_id}, 3)
    assert [e["data"]["opd_code"] for e in events] == ["33.25/dinkes", "33.25/dinsos", "33.25/disdik"]
    assert len({e["id"] for e in events}) == 3


def test_one_visit_yields_one_case_per_opd_and_a_duplicate_joins_the_open_case(
        routing_db, broker, rpc):
    linked = broker.probe(contracts.ReportLinked.type)
    visit, household = str(uuid.uuid4()), uuid.uuid4().hex * 2
    needs = ("kesehatan.balita", "pendidikan.dasar", "sosial.anak_terlantar")
    ids = [report(broker, need, visit_id=visit, household_ref=household) for need in needs]
    cases = [case_of(rpc, i) for i in ids]
    assert {c["opd"]["code"] for c in cases} == {"33.25/dinkes", "33.25/disdik", "33.25/dinsos"}
    assert {c["visit_id"] for c in cases} == {visit}
    found = rpc.routing.find_cases({"visit_id": visit}, 1, 50, actor=ADMIN)
    assert found["total"] == 3
    home = rpc.routing.household_cases(household, ADMIN)
    assert set(home["by_area"]) == {"kesehatan", "pendidikan", "sosial"} and home["open"] == 3

    duplicate = report(broker, "kesehatan.balita", household_ref=household)
    event = events_of(linked, "report.linked", {duplicate}, 1)[0]
    assert event["data"]["case_id"] == ids[0]
    assert case_of(rpc, duplicate)["status"] == "linked"
    original = rpc.routing.get_case(ids[0], ADMIN)
    assert original["linked_reports"] == [duplicate]
    assert [h["report_id"] for h in original["history"] if h["action"] == "link_duplicate"] == [duplicate]

    for action, actor, details in (("acknowledge", OFFICER, {}),
                                   ("resolve", OFFICER, {"resolution": "sudah ditangani"}),
                                   ("confirm", KADER, {})):
        rpc.routing.act(ids[0], action, actor, details)
    again = report(broker, "kesehatan.balita", household_ref=household)   # the old one is closed
    assert case_of(rpc, again)["status"] == "routed"


def test_an_overdue_case_climbs_the_ladder_on_a_working_day_clock(routing_db, broker, rpc):
    escalated = broker.probe(contracts.CaseEscalated.type)
    case_id = report(broker)
    case = case_of(rpc, case_id)
    at_the_deadline = rpc.routing.sweep(case["acknowledge_due_at"])
    assert set(at_the_deadline) == {"reminded", "escalated", "closed", "conflicts", "republished"}
    assert rpc.routing.get_case(case_id, ADMIN)["escalation_level"] == 0    # due, not yet past

    rpc.routing.sweep(later(case["acknowledge_due_at"], seconds=1))
    case = rpc.routing.get_case(case_id, ADMIN)
    assert (case["escalation_level"], case["escalation_target"]) == (1, "opd_head")
    rpc.routing.sweep(later(case["acknowledge_due_at"], days=60))
    case = rpc.routing.get_case(case_id, ADMIN)
    rungs = [h for h in case["history"] if h["action"] == "escalate"]
    assert [(h["level"], h["target"]) for h in rungs] == [(1, "opd_head"), (2, "tph"), (3, "sekda")]
    assert all(h["deadline"] == "acknowledge" for h in rungs)
    events = events_of(escalated, "case.escalated", {case_id}, 3)
    assert [e["data"]["target"] for e in events] == ["opd_head", "tph", "sekda"]

    case = rpc.routing.act(case_id, "acknowledge", OFFICER, {})["item"]
    assert case["escalation_level"] == 0 and case["deadline"] == "resolve"


def test_a_resolved_case_without_an_answer_is_deemed_closed(routing_db, broker, rpc):
    case_id = report(broker)
    case_of(rpc, case_id)
    rpc.routing.act(case_id, "acknowledge", OFFICER, {})
    case = rpc.routing.act(case_id, "resolve", OFFICER, {"resolution": "sudah ditangani"})["item"]
    assert case["deadline"] == "deem_close"
    rpc.routing.sweep(later(case["deem_closed_at"], seconds=1))
    case = rpc.routing.get_case(case_id, ADMIN)
    assert case["status"] == "closed"
    assert case["history"][-1]["action"] == "deem_closed"
    assert case["history"][-1]["actor"]["role"] == "system"


def test_two_replicas_sweeping_at_once_escalate_each_case_once(
        routing_db, broker, rpc, run_service, service_config, amqp_uri):
    run_service(RoutingService, service_config(routing_db.name, SIMPUL_CLOCK_OVERRIDE="1"))
    escalated = broker.probe(contracts.CaseEscalated.type)
    ids = [report(broker) for _ in range(4)]
    cases = [case_of(rpc, i) for i in ids]
    now = later(max(c["acknowledge_due_at"] for c in cases), days=60)
    results = []

    def sweep():
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as proxy:
            results.append(proxy.routing.sweep(now))

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for case_id in ids:
        rungs = [h["level"] for h in rpc.routing.case_history(case_id, ADMIN) if h["action"] == "escalate"]
        assert rungs == [1, 2, 3]
    events = events_of(escalated, "case.escalated", set(ids), 12)
    assert len(events) == 12 and len({e["id"] for e in events}) == 12
