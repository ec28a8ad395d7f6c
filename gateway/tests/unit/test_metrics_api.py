"""The gateway's /metrics: requests counted by route template, accepted reports, scrapes not
counted."""
import uuid

from prometheus_client.parser import text_string_to_metric_families


def scrape(api) -> dict:
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(scraped, name, **labels):
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_accepted_reports_by_route(api, commands):
    place = api.post("/api/v1/posyandu", json={
        "registration_number": "400.5/99/2024", "name": "Posyandu Melati",
        "desa_code": "33.25.01.2001"}).json()
    before = scrape(api)
    report = {"desa_code": "33.25.01.2001", "posyandu_id": place["id"], "kind": "complaint",
              "service_type": "kesehatan.balita", "description": "Belum imunisasi"}
    assert api.post("/api/v1/reports", json=report).status_code == 202
    assert api.post("/api/v1/reports", json={**report, "posyandu_id": "P-X"}).status_code == 422
    case_id = str(uuid.uuid4())
    api.get(f"/api/v1/cases/{case_id}")
    api.get(f"/nowhere/{case_id}")

    after = scrape(api)
    accepted = ("simpul_reports_accepted_total", {"route": "/api/v1/reports"})
    assert value(after, accepted[0], **accepted[1]) == value(before, accepted[0], **accepted[1]) + 1
    assert value(after, "simpul_http_requests_total", method="POST", route="/api/v1/reports",
                 status="422") >= 1
    assert value(after, "simpul_http_request_seconds_count", method="GET",
                 route="/api/v1/cases/{case_id}") >= 1
    assert value(after, "simpul_http_requests_total", method="GET", route="unmatched",
                 status="404") >= 1
    labels = {value for _, pairs in after for _, value in pairs}
    assert case_id not in str(labels) and "/metrics" not in labels
