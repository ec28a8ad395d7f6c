"""End to end: every service and the gateway as its own process, on real RabbitMQ and a real
MongoDB-protocol server, exactly as `make run` starts them; driven over HTTP."""
import json
import uuid

import pytest

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until

NIK = "3325014501900003"
PHONE = "081234567890"


def first_posyandu(api, desa_code):
    response = api.get("/api/v1/posyandu", params={"desa_code": desa_code})
    assert response.status_code == 200
    return response.json()["items"][0]["id"]


def report_body(api, desa_code, service_type, **extra):
    return {"desa_code": desa_code, "posyandu_id": first_posyandu(api, desa_code),
            "service_type": service_type, "kind": "service_need",
            "description": "Balita belum mendapat imunisasi campak", **extra}


def wait_delivered(api, report_id):
    def delivered():
        response = api.get(f"/api/v1/reports/{report_id}")
        return response.status_code == 200 and \
            response.json()["delivery"]["state"] == "delivered" and response.json()
    return wait_until(delivered, seconds=15, interval=0.2, what=f"delivery of {report_id}")


def opd_notices(amqp_uri, opd_code):
    from simpul_devtools.broker_testing import read_queue
    return [m.payload for m in read_queue(amqp_uri, contracts.opd_queue_name(opd_code))]


def test_health_reports_broker_storage_and_services(api):
    body = api.get("/healthz").json()
    assert body["status"] == "ok" and body["broker"] and body["storage"]
    assert set(body["services"]) == {"registry", "intake", "routing", "notification", "reporting"}


def test_a_balita_report_in_batang_reaches_dinkes_and_is_counted(api, amqp_uri):
    before = api.get("/api/v1/reporting/summary", params={"region": "33.25"}).json()
    body = report_body(api, "33.25.01.2001", "kesehatan.balita",
                       citizen={"name": "Siti Aminah", "nik": NIK, "phone": PHONE})
    response = api.post("/api/v1/reports", json=body)
    assert response.status_code == 202
    accepted = response.json()
    assert set(accepted) == {"id", "status"} and accepted["status"] == "accepted"

    report = wait_delivered(api, accepted["id"])
    assert report["status"] == "routed"
    assert report["assigned_opd"]["code"] == "33.25/dinkes"
    assert report["assigned_opd"]["name"] == "Dinas Kesehatan Kabupaten Batang"
    assert report["spm_area"] == "kesehatan" and report["service_type"] == "kesehatan.balita"
    assert report["due_at"] > report["received_at"]
    assert [h["type"] for h in report["history"]] == [
        "report.received", "report.routed", "notification.delivered"]
    assert report["citizen"]["nik"] != NIK

    notices = [n for n in opd_notices(amqp_uri, "33.25/dinkes")
               if n["case"]["report_id"] == accepted["id"]]
    assert len(notices) == 1
    assert NIK not in json.dumps(notices) and "Siti" not in json.dumps(notices)

    def counted():
        after = api.get("/api/v1/reporting/summary", params={"region": "33.25"}).json()
        return after["by_opd"].get("33.25/dinkes", 0) == before["by_opd"].get("33.25/dinkes", 0) + 1 \
            and after
    after = wait_until(counted, seconds=10, interval=0.2, what="reporting count")
    assert after["total"] == before["total"] + 1
    assert after["by_service_type"]["kesehatan.balita"] >= 1


def test_a_batam_report_reaches_its_own_dinas_sosial(api, amqp_uri):
    body = report_body(api, "21.71.01.1002", "sosial.lansia_terlantar", kind="complaint")
    report_id = api.post("/api/v1/reports", json=body).json()["id"]
    report = wait_delivered(api, report_id)
    assert report["assigned_opd"]["code"] == "21.71/dinsos"
    assert any(n["case"]["report_id"] == report_id for n in opd_notices(amqp_uri, "21.71/dinsos"))


def test_the_same_idempotency_key_gives_the_same_report_once(api, amqp_uri):
    body = report_body(api, "33.25.02.2001", "pendidikan.dasar")
    key = {"Idempotency-Key": f"kader-app-{uuid.uuid4()}"}
    first = api.post("/api/v1/reports", json=body, headers=key)
    second = api.post("/api/v1/reports", json=body, headers=key)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    wait_delivered(api, first.json()["id"])
    other = api.post("/api/v1/reports", json=body).json()["id"]
    assert other != first.json()["id"]
    wait_delivered(api, other)
    notices = [n for n in opd_notices(amqp_uri, "33.25/disdik")
               if n["case"]["report_id"] == first.json()["id"]]
    assert len(notices) == 1


@pytest.mark.parametrize("change, field", [
    ({"service_type": "kesehatan.gigi"}, "service_type"),
    ({"kind": "gossip"}, "kind"),
    ({"desa_code": "33.25.01"}, "desa_code"),
    ({"desa_code": "33.25.99.2999"}, "desa_code"),
    ({"posyandu_id": "P-UNKNOWN"}, "posyandu_id"),
    ({"desa_code": "33.25.02.2001"}, "posyandu_id"),
    ({"status": "closed"}, "status"),
    ({"citizen": {"nik": "1234"}}, "nik"),
])
def test_bad_input_gets_a_422_naming_the_field_and_changes_nothing(api, change, field):
    before = api.get("/api/v1/reporting/summary", params={"region": "33"}).json()["total"]
    body = {**report_body(api, "33.25.01.2001", "kesehatan.balita"), **change}
    response = api.post("/api/v1/reports", json=body)
    assert response.status_code == 422
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    import time
    time.sleep(0.5)
    assert api.get("/api/v1/reporting/summary", params={"region": "33"}).json()["total"] == before


def test_unknown_reports_and_bad_queries_are_refused_clearly(api):
    assert api.get(f"/api/v1/reports/{uuid.uuid4()}").status_code == 404
    assert api.get("/api/v1/reports/not-a-uuid").status_code == 422
    assert api.get("/api/v1/reporting/summary", params={"region": "batang"}).status_code == 422
    assert api.get("/api/v1/posyandu", params={"desa_code": "33.25"}).status_code == 422


def test_personal_data_never_reaches_the_logs(system, api):
    body = report_body(api, "33.25.01.2002", "kesehatan.balita",
                       citizen={"nik": NIK, "phone": PHONE, "name": "Siti Aminah"})
    wait_delivered(api, api.post("/api/v1/reports", json=body).json()["id"])
    logs = "".join(p.read_text(errors="replace") for p in (system.workdir / "logs").glob("*.log"))
    assert logs, "the processes wrote logs"
    assert NIK not in logs and PHONE[1:] not in logs and "Siti Aminah" not in logs


def test_the_routing_tables_of_batang_and_batam_have_no_gap(api):
    for code in ("33.25", "21.71"):
        body = api.get("/api/v1/registry/coverage", params={"kabupaten": code}).json()
        assert body["complete"] is True and body["gaps"] == []
    assert api.get("/api/v1/registry/coverage", params={"kabupaten": "33"}).status_code == 422
    assert api.get("/api/v1/registry/coverage", params={"kabupaten": "33.99"}).status_code == 404


def test_regions_can_be_walked_from_kabupaten_to_desa(api):
    kabupaten = api.get("/api/v1/regions/33.25").json()
    assert kabupaten["name"] == "Kabupaten Batang" and len(kabupaten["children"]) == 15
    desa = api.get("/api/v1/regions/33.25.01.2001").json()
    assert [a["code"] for a in desa["ancestors"]] == ["33", "33.25", "33.25.01"]
    assert desa["level"] == "desa" and desa["children"] == []
    assert api.get("/api/v1/regions/33.25.99").status_code == 404
    assert api.get("/api/v1/regions/batang").status_code == 422
