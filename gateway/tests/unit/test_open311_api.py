"""Open311 GeoReport v2 on the gateway (docs/open311.md), against the fakes of conftest.py:
discovery, services and their definition, filing a request (the durable path of a report, with
an API key, within its kabupaten/kota, at its desa's Posyandu), reading requests back without
personal data, and every error as the spec's list of `{code, description}`, in JSON and XML."""
import datetime as dt
import uuid
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from simpul_common import sealing
from simpul_common.catalogue import SERVICE_TYPES
from simpul_gateway.api.ratelimit import RateLimits

V2 = "/open311/v2"
DESA, BATAM_DESA = "33.25.01.2001", "21.71.01.1001"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url"]
NOW = dt.datetime.now(dt.timezone.utc)


class ListingRouting:
    """Routing's `find_cases` as routing lists: newest routed first, paged, by status too; the
    rest is the world's fake routing."""

    def __init__(self, routing):
        self.routing, self.calls = routing, []

    def __getattr__(self, name):
        return getattr(self.routing, name)

    def find_cases(self, filters, page=1, per_page=50, *, actor):
        self.calls.append(("find_cases", filters, page, per_page))
        found = [case for case in self.routing.cases.values()
                 if all(case[k] == v for k, v in filters.items() if k != "status")
                 and case["status"] in filters.get("status", (case["status"],))]
        found.sort(key=lambda case: case["routed_at"], reverse=True)
        return {"items": found[(page - 1) * per_page:page * per_page], "total": len(found),
                "page": page, "per_page": per_page}


@pytest.fixture
def routing_list(api, world):
    world.routing.cases.clear()   # the world's own cases have no instants to list them by
    routing = ListingRouting(world.routing)
    api.app.state.rpc.services["routing"] = routing
    return routing


def form(**fields) -> dict:
    return {"service_code": "kesehatan.balita", "attribute[desa_code]": DESA,
            "description": "Balita belum mendapat imunisasi campak", **fields}


def post(client, world, fmt="json", key=True, **fields):
    body = form(**fields)
    if key:
        body["api_key"] = world.key
    return client.post(f"{V2}/requests.{fmt}", content=urlencode(body),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})


def errors_of(response) -> list[dict]:
    if response.headers["content-type"].startswith("text/xml"):
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                for e in root.findall("error")]
    return response.json()


def routed_case(world, days_ago: float = 0.0, place: str = "A", **extra) -> dict:
    """A case routed `days_ago`, of a report at Posyandu `place`, as routing shows it."""
    posyandu = world.posyandu[place]
    at = (NOW - dt.timedelta(days=days_ago)).isoformat(timespec="milliseconds")
    case = {"id": str(uuid.uuid4()), "status": "routed", "kind": "service_need",
            "spm_area": "kesehatan", "service_type": "kesehatan.balita",
            "desa_code": posyandu["desa_code"], "posyandu_id": posyandu["id"],
            "kabupaten_code": posyandu["kabupaten_code"], "visit_id": None, "household_ref": "cd" * 32,
            "opd": {"code": "33.25/dinkes", "name": "Dinas Kesehatan Kabupaten Batang",
                    "unit_code": None},
            "reason": None, "routed_at": at, "updated_at": at, "deadline": "acknowledge",
            "acknowledge_due_at": at, "triage_due_at": None, "deem_closed_at": None,
            "due_at": (NOW + dt.timedelta(days=7)).isoformat(timespec="milliseconds"),
            "overdue": False, "escalation_level": 0, "escalation_target": None, "linked_to": None,
            "linked_reports": [], "allowed_actions": ["acknowledge"], **extra}
    world.routing.cases[case["id"]] = case
    return case


# --- discovery and services ----------------------------------------------------------------------

def test_discovery_names_the_v2_endpoint_its_formats_and_how_to_get_a_key(anonymous):
    body = anonymous.get(f"{V2}/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2" and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = ElementTree.fromstring(anonymous.get(f"{V2}/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_the_services_are_the_29_service_types_in_json_and_xml(anonymous):
    response = anonymous.get(f"{V2}/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    services = response.json()
    assert [s["service_code"] for s in services] == list(SERVICE_TYPES)
    balita = next(s for s in services if s["service_code"] == "kesehatan.balita")
    assert list(balita) == ["service_code", "service_name", "description", "metadata", "type",
                            "keywords", "group"]
    assert balita["metadata"] is True and balita["type"] == "realtime"
    xml = anonymous.get(f"{V2}/services.xml")
    assert xml.headers["content-type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "services" and len(root.findall("service")) == 29
    assert root.find("service/metadata").text == "true"


def test_a_service_definition_asks_for_the_desa_and_offers_the_kinds(anonymous):
    body = anonymous.get(f"{V2}/services/kesehatan.balita.json").json()
    assert body["service_code"] == "kesehatan.balita"
    desa, kind = body["attributes"]
    assert desa == {"variable": True, "code": "desa_code", "datatype": "string", "required": True,
                    "datatype_description": desa["datatype_description"], "order": 1,
                    "description": desa["description"]}
    assert kind["datatype"] == "singlevaluelist" and kind["required"] is False
    assert [v["key"] for v in kind["values"]] == ["service_need", "complaint", "aspiration"]
    root = ElementTree.fromstring(anonymous.get(f"{V2}/services/kesehatan.balita.xml").content)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == ["desa_code", "kind"]
    assert root.findtext("attributes/attribute/required") == "true"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "service_need", "complaint", "aspiration"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_or_jurisdiction_or_path_is_404_as_the_spec_says(anonymous, fmt):
    for path in (f"services/jalan.berlubang.{fmt}", f"services.{fmt}?jurisdiction_id=99.99",
                 f"tidak-ada.{fmt}", f"requests/{uuid.uuid4()}.{fmt}", "services.csv"):
        response = anonymous.get(f"{V2}/{path}")
        assert response.status_code == 404, path
        [error] = errors_of(response)
        assert error["code"] == 404 and error["description"]


# --- filing --------------------------------------------------------------------------------------

def test_a_request_is_filed_at_the_first_posyandu_of_its_desa_and_answered_with_its_id(anonymous, world):
    response = post(anonymous, world, first_name="Siti", last_name="Aminah", phone="081234567890",
                    email="siti@contoh.id", account_id="akun-7", address_string="Jl. Melati 5")
    assert response.status_code == 202, response.text
    [accepted] = response.json()
    assert list(accepted) == ["service_request_id", "service_notice", "account_id"]
    assert accepted["account_id"] == "akun-7" and "3 hari kerja" in accepted["service_notice"]
    report_id = accepted["service_request_id"]
    assert response.headers["location"] == f"/open311/v2/requests/{report_id}.json"
    [command] = [envelope["data"] for envelope in world.commands.sent]
    assert command["report_id"] == report_id and command["desa_code"] == DESA
    assert command["posyandu_id"] == world.posyandu["A"]["id"]
    assert (command["kind"], command["service_type"]) == ("service_need", "kesehatan.balita")
    sealed = sealing.open_sealed(anonymous.app.state.data_key, command["sealed"], report_id)
    assert sealed["citizen"] == {"name": "Siti Aminah", "phone": "+6281234567890"}
    assert sealed["description"].splitlines() == ["Balita belum mendapat imunisasi campak",
                                                  "Alamat: Jl. Melati 5"]
    clear = str({k: v for k, v in command.items() if k != "sealed"})
    assert "Siti" not in clear and "812345" not in clear and "siti@contoh.id" not in str(command)


def test_the_answer_to_a_post_is_the_specs_xml(anonymous, world):
    response = post(anonymous, world, "xml", **{"attribute[kind]": "complaint"})
    assert response.status_code == 202
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == [
        "service_request_id", "service_notice", "account_id"]
    assert b"<account_id />" in response.content   # empty, as the spec shows it
    assert world.commands.sent[0]["data"]["kind"] == "complaint"


def test_the_same_form_sent_again_gets_the_same_id_and_another_form_another(anonymous, world):
    first, again = (post(anonymous, world).json()[0]["service_request_id"] for _ in range(2))
    other = post(anonymous, world, description="Balita lain belum imunisasi").json()[0]
    assert first == again != other["service_request_id"]
    keyed = [anonymous.post(f"{V2}/requests.json", data={**form(), "api_key": world.key},
                            headers={"Idempotency-Key": "klien-1"}).json()[0]["service_request_id"]
             for _ in range(2)]
    assert keyed[0] == keyed[1] not in (first, other["service_request_id"])


def test_the_api_key_may_come_in_the_query_as_some_clients_send_it(anonymous, world):
    response = anonymous.post(f"{V2}/requests.json?api_key={world.key}", data=form())
    assert response.status_code == 202


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_valid_api_key_nothing_is_filed_and_the_answer_is_403(anonymous, world, fmt):
    missing = post(anonymous, world, fmt, key=False)
    wrong = anonymous.post(f"{V2}/requests.{fmt}", data={**form(), "api_key": "sk_000000000000_x"})
    for response in (missing, wrong):
        assert response.status_code == 403
        [error] = errors_of(response)
        assert error["code"] == 403 and ("api_key" in error["description"]
                                         or "kunci API" in error["description"])
    assert world.commands.sent == []


def test_a_revoked_key_files_nothing(api, anonymous, world):
    api.post(f"/api/v1/api-keys/{world.key_id}/revoke")
    assert post(anonymous, world).status_code == 403 and world.commands.sent == []


def test_a_key_files_only_within_its_kabupaten(anonymous, world):
    response = post(anonymous, world, **{"attribute[desa_code]": BATAM_DESA})
    assert response.status_code == 403
    assert "33.25" in errors_of(response)[0]["description"] and world.commands.sent == []


@pytest.mark.parametrize("desa, says", [
    ("33.25.01", "bukan kode desa"), ("33.25.01.2999", "tidak dikenal"),
    ("33.25.01.2002x", "bukan kode desa")])
def test_a_bad_desa_code_is_400_saying_why_and_files_nothing(anonymous, world, desa, says):
    response = post(anonymous, world, **{"attribute[desa_code]": desa})
    assert response.status_code == 400
    [error] = errors_of(response)
    assert error["code"] == 400 and error["description"].startswith("attribute[desa_code]: ")
    assert says in error["description"] and world.commands.sent == []


def test_a_desa_without_a_posyandu_cannot_take_a_report(anonymous, world):
    world.registry.posyandu.items[world.posyandu["B"]["id"]]["active"] = False
    response = post(anonymous, world, **{"attribute[desa_code]": "33.25.01.2002"})
    assert response.status_code == 400 and "Posyandu" in errors_of(response)[0]["description"]
    assert world.commands.sent == []


def test_the_desa_may_come_as_the_address_id_but_never_as_coordinates_alone(anonymous, world):
    by_id = post(anonymous, world, **{"attribute[desa_code]": "", "address_id": "33.25.01.2002"})
    assert by_id.status_code == 202
    assert world.commands.sent[0]["data"]["posyandu_id"] == world.posyandu["B"]["id"]
    only_coordinates = post(anonymous, world, **{"attribute[desa_code]": ""}, lat="-6.9", long="109.7")
    assert only_coordinates.status_code == 400
    assert "koordinat" in errors_of(only_coordinates)[0]["description"]


def test_every_problem_of_a_form_is_listed_and_no_value_sent_is_echoed(anonymous, world):
    response = post(anonymous, world, description="", phone="0899", lat="-6.9", colour="merah",
                    **{"attribute[warna]": "x", "attribute[kind]": "keluhan"})
    assert response.status_code == 400
    described = [error["description"] for error in response.json()]
    assert {error["code"] for error in response.json()} == {400}
    assert [d.split(":")[0] for d in described] == [
        "colour", "attribute[warna]", "attribute[kind]", "description", "long", "phone"]
    assert "0899" not in response.text and world.commands.sent == []


@pytest.mark.parametrize("fields, status", [
    ({"service_code": "jalan.berlubang"}, 404), ({"service_code": ""}, 400),
    ({"jurisdiction_id": "99.99"}, 404), ({"jurisdiction_id": "21.71"}, 400),
    ({"media_url": "javascript:alert(1)"}, 400), ({"description": "x" * 4001}, 400)])
def test_the_spec_statuses_for_a_service_code_jurisdiction_and_fields(anonymous, world, fields, status):
    response = post(anonymous, world, **fields)
    assert response.status_code == status and errors_of(response)[0]["code"] == status
    assert world.commands.sent == []


def test_a_post_that_is_not_a_form_is_400(anonymous, world):
    response = anonymous.post(f"{V2}/requests.json", json={**form(), "api_key": world.key})
    assert response.status_code == 400 and world.commands.sent == []


def test_a_body_over_the_limit_is_413_in_the_paths_format(anonymous, world):
    response = post(anonymous, world, "xml", description="x" * 70_000)
    assert response.status_code == 413
    assert errors_of(response)[0]["code"] == 413 and world.commands.sent == []


def test_the_posyandu_rate_limit_answers_429_with_retry_after(anonymous, world, clock):
    settings = anonymous.app.state.settings.model_copy(update={
        "RATE_LIMIT_POSYANDU_PER_MINUTE": 6, "RATE_LIMIT_POSYANDU_BURST": 2})
    anonymous.app.state.rate_limits = RateLimits(settings, clock)
    filed = [post(anonymous, world, description=f"Laporan nomor {n}").status_code for n in range(3)]
    assert filed == [202, 202, 429]
    refused = post(anonymous, world, description="Laporan nomor 9")
    assert refused.headers["retry-after"] == "10" and errors_of(refused)[0]["code"] == 429
    assert len(world.commands.sent) == 2


def test_when_the_broker_does_not_confirm_the_answer_is_503_and_nothing_is_promised(anonymous, world):
    from simpul_gateway.broker import Unavailable

    class Down:
        def send(self, envelope):
            raise Unavailable("broker did not confirm")

        def close(self):
            pass
    anonymous.app.state.commands = Down()
    response = post(anonymous, world, "xml")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert errors_of(response)[0]["code"] == 503


# --- reading -------------------------------------------------------------------------------------

def test_a_request_reads_back_open_with_its_agency_and_deadline_and_nothing_personal(anonymous, world):
    case = routed_case(world, reason="Ibu Siti 081234567890 minta dikunjungi")
    response = anonymous.get(f"{V2}/requests/{case['id']}.json")
    assert response.status_code == 200
    [request] = response.json()
    assert list(request) == REQUEST_FIELDS
    assert request["status"] == "open" and request["service_code"] == "kesehatan.balita"
    assert request["agency_responsible"] == "Dinas Kesehatan Kabupaten Batang"
    assert request["status_notes"] == ("Diteruskan ke Dinas Kesehatan Kabupaten Batang; "
                                       "menunggu ditanggapi.")
    due = dt.datetime.fromisoformat(case["due_at"])
    assert request["expected_datetime"] == due.isoformat(timespec="seconds")
    assert request["address_id"] == DESA and request["address"] == "Silurah"
    assert request["description"] is None and request["lat"] is None
    for personal in ("Siti", "0812", case["household_ref"]):
        assert personal not in response.text
    root = ElementTree.fromstring(anonymous.get(f"{V2}/requests/{case['id']}.xml").content)
    assert root.tag == "service_requests" and [c.tag for c in root.find("request")] == REQUEST_FIELDS


@pytest.mark.parametrize("status, shown", [
    ("acknowledged", "open"), ("in_progress", "open"), ("resolved", "open"), ("reopened", "open"),
    ("unroutable", "open"), ("rejected", "open"), ("closed", "closed"), ("linked", "closed")])
def test_simpul_statuses_are_open_until_the_case_ends(anonymous, world, status, shown):
    case = routed_case(world, status=status, linked_to=str(uuid.uuid4()) if status == "linked" else None)
    [request] = anonymous.get(f"{V2}/requests/{case['id']}.json").json()
    assert request["status"] == shown and request["status_notes"]
    held = status not in ("unroutable", "rejected", "linked")
    assert (request["agency_responsible"] is not None) == held
    assert (request["expected_datetime"] is not None) == held


def test_the_list_filters_by_status_service_and_window_newest_first(anonymous, world, routing_list):
    new = routed_case(world, days_ago=1)
    closed = routed_case(world, days_ago=2, status="closed")
    school = routed_case(world, days_ago=3, service_type="pendidikan.dasar")
    routed_case(world, days_ago=120)   # outside the default 90 days

    def ids(**params):
        response = anonymous.get(f"{V2}/requests.json", params=params)
        assert response.status_code == 200, response.text
        return [request["service_request_id"] for request in response.json()]
    assert ids() == [new["id"], closed["id"], school["id"]]
    assert ids(status="closed") == [closed["id"]]
    assert ids(status="open,closed", service_code="pendidikan.dasar,kesehatan.balita") == [
        new["id"], closed["id"], school["id"]]
    assert ids(service_code="pendidikan.dasar") == [school["id"]]
    start = (NOW - dt.timedelta(days=2, hours=12)).isoformat()
    end = (NOW - dt.timedelta(days=1, hours=12)).isoformat()
    assert ids(start_date=start, end_date=end) == [closed["id"]]
    assert ids(service_request_id=f"{school['id']},nope,{new['id']}", status="closed") == [
        school["id"], new["id"]]


def test_an_old_window_is_found_by_bisection_without_reading_every_newer_case(anonymous, world, routing_list):
    cases = [routed_case(world, days_ago=day) for day in range(0, 400)]
    routing_list.calls.clear()
    start, end = (NOW - dt.timedelta(days=300)).date().isoformat(), (NOW - dt.timedelta(days=298)).isoformat()
    response = anonymous.get(f"{V2}/requests.json", params={"start_date": start, "end_date": end})
    found = [request["service_request_id"] for request in response.json()]
    assert found == [cases[day]["id"] for day in (298, 299, 300)]
    assert len(routing_list.calls) < 20


@pytest.mark.parametrize("params", [
    {"status": "pending"}, {"service_code": "jalan.berlubang"},
    {"start_date": "2026-01-01", "end_date": "2026-06-01"}, {"start_date": "kemarin"},
    {"start_date": "2026-01-01T00:00:00"}, {"service_request_id": ",".join(["x"] * 101)}])
def test_a_bad_filter_is_400(anonymous, params):
    response = anonymous.get(f"{V2}/requests.xml", params=params)
    assert response.status_code == 400 and errors_of(response)[0]["code"] == 400


def test_a_jurisdiction_narrows_the_list_to_its_kabupaten(anonymous, world, routing_list):
    routed_case(world)
    batam = routed_case(world, place="batam", opd={"code": "21.71/dinkes", "name": "Dinkes Batam"})
    listed = anonymous.get(f"{V2}/requests.json", params={"jurisdiction_id": "21.71"}).json()
    assert [request["service_request_id"] for request in listed] == [batam["id"]]
    assert anonymous.get(f"{V2}/requests.json", params={"jurisdiction_id": "33"}).status_code == 404


def test_public_reads_are_counted_against_the_client_limit_of_their_address(anonymous, clock):
    settings = anonymous.app.state.settings.model_copy(update={
        "RATE_LIMIT_CLIENT_PER_MINUTE": 6, "RATE_LIMIT_CLIENT_BURST": 2})
    anonymous.app.state.rate_limits = RateLimits(settings, clock)
    answers = [anonymous.get(f"{V2}/services.json").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_open311_is_not_in_the_openapi(anonymous):
    assert not [path for path in anonymous.get("/openapi.json").json()["paths"] if "open311" in path]
