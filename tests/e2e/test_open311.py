"""Open311 GeoReport v2 end to end (docs/open311.md), driven by two third-party clients from
PyPI used as they come: `civicbot` (its `Open311Client`: services, definitions, and a request
filed with the demo API key, checked first against the service definition it fetched) and
`georeport` (its `GeoReport`: every read, in JSON and in XML). Then what no client library
tries: the spec's errors, a bad key, a bad desa_code, and that what a citizen gives never
reaches a log or the broker."""
import uuid
from xml.etree import ElementTree

import httpx
import pytest
from civicbot import Endpoint, HttpTransport, Open311Client, ValidationError
from civicbot.http import HttpError, RateLimiter
from georeport import GeoReport

from simpul_devtools import pii_scan
from simpul_devtools.pytest_fixtures import wait_until

DEMO_KEY = "sk_000000000311_demo-open311-batang-kunci-publik-simpul2026"   # as the README names it
DESA, POSYANDU, BATAM_DESA = "33.25.01.2001", "P332501200101", "21.71.01.1002"
DINKES = "Dinas Kesehatan Kabupaten Batang"


@pytest.fixture(scope="module")
def base(system) -> str:
    return f"{system.gateway_url}/open311/v2"


@pytest.fixture(scope="module")
def civic(base) -> Open311Client:
    endpoint = Endpoint(id="simpul-demo", name="Simpul (demo)", base_url=base, write=True)
    return Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0)))


@pytest.fixture(scope="module")
def citizen() -> dict:
    return {"first_name": "Warga", "last_name": f"Open{uuid.uuid4().hex[:6]}",
            "phone": f"0813{uuid.uuid4().int % 10**8:08d}"}


@pytest.fixture(scope="module")
def filed(civic, citizen) -> str:
    prepared = civic.create_request(
        "kesehatan.balita", dry_run=False, confirm="SEND", api_key=DEMO_KEY, validate_remote=True,
        attributes={"desa_code": DESA}, address_string="Dusun Krajan RT 02, Silurah",
        description="Balita belum mendapat imunisasi campak",
        email="warga@contoh.id", account_id="akun-uji", **citizen)
    [accepted] = prepared.response
    assert set(accepted) == {"service_request_id", "service_notice", "account_id"}
    assert accepted["account_id"] == "akun-uji" and "hari kerja" in accepted["service_notice"]
    return accepted["service_request_id"]


def routed(civic, request_id: str) -> dict:
    def found():
        try:
            request = civic.get_request(request_id)
        except HttpError as error:
            assert error.status == 404, error
            return None
        return request if request["agency_responsible"] else None
    return wait_until(found, seconds=20, interval=0.2, what=f"routing of {request_id}")


def test_civicbot_reads_the_services_and_a_definition(civic):
    services = civic.list_services()
    assert len(services) == 29 and all(s["metadata"] and s["type"] == "realtime" for s in services)
    balita = next(s for s in services if s["service_code"] == "kesehatan.balita")
    assert balita["group"] == "Kesehatan" and balita["service_name"]
    definition = civic.get_service_definition("kesehatan.balita")
    assert [(a["code"], a["required"]) for a in definition["attributes"]] == [
        ("desa_code", True), ("kind", False)]


def test_civicbot_will_not_send_a_request_without_the_desa_the_definition_requires(civic):
    with pytest.raises(ValidationError, match="desa_code"):
        civic.create_request("kesehatan.balita", dry_run=False, confirm="SEND", api_key=DEMO_KEY,
                             validate_remote=True, address_string="Silurah",
                             description="Balita belum mendapat imunisasi campak")


def test_a_request_filed_with_the_demo_key_reads_back_routed_to_dinkes(civic, filed):
    request = routed(civic, filed)
    assert request["service_request_id"] == filed and request["status"] == "open"
    assert request["agency_responsible"] == DINKES
    assert request["expected_datetime"] > request["requested_datetime"]
    assert request["service_code"] == "kesehatan.balita" and request["address_id"] == DESA
    assert request["address"] == "Silurah, Wonotunggal, Kabupaten Batang, Jawa Tengah"
    assert request["zipcode"] == "51253"
    assert request["description"] is None and request["lat"] is None
    listed = civic.list_requests(service_code="kesehatan.balita", status="open")
    assert filed in [r["service_request_id"] for r in listed]
    assert civic.list_requests(service_request_ids=[filed])[0]["agency_responsible"] == DINKES
    assert filed not in [r["service_request_id"] for r in civic.list_requests(status="closed")]


def test_the_request_is_the_desas_posyandus_report_for_staff(api, civic, filed):
    routed(civic, filed)
    report = api.get(f"/api/v1/reports/{filed}").json()
    assert report["posyandu_id"] == POSYANDU and report["kind"] == "service_need"
    assert report["assigned_opd"]["name"] == DINKES
    assert report["description"].splitlines() == ["Balita belum mendapat imunisasi campak",
                                                  "Alamat: Dusun Krajan RT 02, Silurah"]
    assert report["citizen"]["phone"].startswith("+628") and "*" in report["citizen"]["phone"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_everything_in_json_and_xml(base, civic, filed, fmt):
    routed(civic, filed)
    client = GeoReport(base, output_format=fmt)
    services = client.get_service_list()
    assert len(services) == 29 and {"service_code", "service_name", "group"} <= set(services[0])
    definition = client.get_service_definition("kesehatan.balita")
    if fmt == "xml":   # xmltodict: text, and a list element holding its items
        assert [a["code"] for a in definition["attributes"]["attribute"]] == ["desa_code", "kind"]
        assert definition["attributes"]["attribute"][0]["required"] == "true"
    else:
        assert [a["code"] for a in definition["attributes"]] == ["desa_code", "kind"]
    single = client.get_service_request(filed)
    assert single["service_request_id"] == filed and single["agency_responsible"] == DINKES
    assert single["status"] == "open" and single["expected_datetime"]
    chosen = client.get_service_requests(service_request_id=filed)
    chosen = chosen if isinstance(chosen, list) else [chosen]   # xmltodict: one item is no list
    assert [r["service_request_id"] for r in chosen] == [filed]
    listed = client.get_service_requests(service_code="kesehatan.balita", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert filed in [r["service_request_id"] for r in listed]


def test_discovery_in_both_formats(anonymous):
    body = anonymous.get("/open311/v2/discovery.json").json()
    [endpoint] = body["endpoints"]
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "test"   # demo mode
    root = ElementTree.fromstring(anonymous.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery" and root.findtext("endpoints/endpoint/specification") == \
        "http://wiki.open311.org/GeoReport_v2"


def post(anonymous, fmt="xml", **fields) -> httpx.Response:
    form = {"api_key": DEMO_KEY, "service_code": "kesehatan.balita",
            "attribute[desa_code]": DESA, "description": "Balita belum imunisasi", **fields}
    return anonymous.post(f"/open311/v2/requests.{fmt}", data=form)


def xml_errors(response: httpx.Response) -> list[tuple[int, str]]:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


def cases_in_batang(api) -> int:
    return api.get("/api/v1/cases", params={"kabupaten_code": "33.25", "per_page": 1}).json()["total"]


def test_bad_keys_and_bad_desa_codes_are_refused_as_the_spec_says_and_file_nothing(api, anonymous):
    before = cases_in_batang(api)
    refused = {
        "no key": post(anonymous, api_key=""),
        "bad key": post(anonymous, api_key="sk_000000000311_" + "x" * 43),
        "other kabupaten": post(anonymous, **{"attribute[desa_code]": BATAM_DESA}),
        "malformed desa": post(anonymous, **{"attribute[desa_code]": "33.25.01"}),
        "unknown desa": post(anonymous, **{"attribute[desa_code]": "33.25.01.2999"}),
    }
    statuses = {why: (answer.status_code, xml_errors(answer)[0][0]) for why, answer in refused.items()}
    assert statuses == {"no key": (403, 403), "bad key": (403, 403), "other kabupaten": (403, 403),
                        "malformed desa": (400, 400), "unknown desa": (400, 400)}
    assert "desa_code" in xml_errors(refused["unknown desa"])[0][1]
    with pytest.raises(AssertionError):   # nothing reaches intake and routing
        wait_until(lambda: cases_in_batang(api) > before, seconds=3, interval=0.3)


def test_unknown_things_are_404_in_json(anonymous):
    for path in ("services/jalan.berlubang.json", f"requests/{uuid.uuid4()}.json", "tokens/1.json"):
        answer = anonymous.get(f"/open311/v2/{path}")
        assert answer.status_code == 404 and answer.json()[0]["code"] == 404, path


def test_what_the_citizen_gave_reaches_no_log_and_no_message(civic, filed, citizen, system, broker_tap):
    routed(civic, filed)
    if broker_tap.error:
        pytest.skip(f"no scan without the tap: {broker_tap.error}")
    broker_tap.mark(f"open311 scan {filed}")
    known = [pii_scan.phone_needle(citizen["phone"]), citizen["last_name"], "warga@contoh.id"]
    carrying = [r for r in broker_tap.records() if filed in r["body"]]
    assert carrying, "the tap saw no message about the request"
    assert not pii_scan.scan_messages(broker_tap.records(), known)
    assert not pii_scan.scan_logs(system.workdir / "logs", known)
