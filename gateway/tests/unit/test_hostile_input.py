"""Hostile input at the gateway (docs/security.md, "Hostile input"): a body over its limit is
413 whether its Content-Length says so or it streams in chunks, and reaches no service; the rate
limits per client, per IP address on signing in and per Posyandu on filing answer 429 with
Retry-After, leave every other client, address and Posyandu alone, and send nothing; both are
documented on the operations they can happen to."""
import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from simpul_gateway.api.ratelimit import RateLimits
from simpul_gateway.main import create_app

LIMIT = 64 * 1024
UPLOAD = "/api/v1/posyandu/import"
LOW = {"RATE_LIMIT_CLIENT_PER_MINUTE": 24, "RATE_LIMIT_CLIENT_BURST": 3,   # a token every 2.5 s
       "RATE_LIMIT_LOGIN_PER_MINUTE": 6, "RATE_LIMIT_LOGIN_BURST": 2,
       "RATE_LIMIT_POSYANDU_PER_MINUTE": 6, "RATE_LIMIT_POSYANDU_BURST": 3}
NEED = {"service_type": "kesehatan.balita", "kind": "service_need", "description": "Belum imunisasi"}
OTHER_NEED = {**NEED, "service_type": "pendidikan.paud"}


@pytest.fixture
def low(api, clock):
    """The `api` gateway with the LOW rate limits, on the test's clock."""
    settings = api.app.state.settings.model_copy(update=LOW)
    api.app.state.rate_limits = RateLimits(settings, clock)
    return api.app.state.rate_limits


def report_at(posyandu: dict, description: str = "Balita belum mendapat imunisasi campak") -> dict:
    return {"desa_code": posyandu["desa_code"], "posyandu_id": posyandu["id"], "kind": "complaint",
            "service_type": "kesehatan.balita", "description": description}


def refusals(limit: str) -> float:
    return REGISTRY.get_sample_value("simpul_gateway_rate_limited_total", {"limit": limit}) or 0.0


def too_large(limit: int) -> dict:
    return {"detail": f"isi permintaan terlalu besar (maksimum {limit} bita)", "limit_bytes": limit}


# --- 413 ----------------------------------------------------------------------------------------

def test_a_body_declared_over_the_limit_is_413_and_reaches_no_service(anonymous, world):
    kader = world.headers("kader")
    body = report_at(world.posyandu["A"], "x" * LIMIT)
    response = anonymous.post("/api/v1/reports", json=body, headers=kader)
    assert response.status_code == 413 and response.json() == too_large(LIMIT)
    assert world.commands.sent == []
    assert anonymous.post("/api/v1/reports", json=report_at(world.posyandu["A"]),
                          headers=kader).status_code == 202


def test_a_chunked_body_over_the_limit_is_413_and_reaches_no_service(anonymous, world):
    chunks = iter([b'{"description": "', b"x" * LIMIT, b'"}'])
    response = anonymous.post("/api/v1/reports", content=chunks, headers={
        **world.headers("kader"), "Content-Type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and response.json() == too_large(LIMIT)
    assert world.commands.sent == []


def test_a_streamed_body_is_read_no_further_than_the_limit(api, world):
    pulled = []

    async def chunks():
        for number in range(64):
            pulled.append(number)
            yield b"x" * 4096

    async def post():
        transport = httpx.ASGITransport(app=api.app)   # hands the app each chunk as it comes
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post("/api/v1/reports", content=chunks(), headers={
                **world.headers("kader"), "Content-Type": "application/json"})
    response = anyio.run(post)
    assert response.status_code == 413 and response.json()["limit_bytes"] == LIMIT
    assert len(pulled) == LIMIT // 4096 + 1 and world.commands.sent == []


def test_a_csv_upload_has_its_own_larger_limit(api, registry):
    row = "400.5/1/2024,Posyandu Mawar I,33.25.01.2001,ya,tidak,ya,Siti\n"
    csv = "registration_number,name,desa_code,ilp,six_spm,active,kader\n" + row * (LIMIT // len(row) + 10)
    answered = api.post(UPLOAD, content=csv, params={"dry_run": "true"},
                        headers={"content-type": "text/csv"})
    assert len(csv) > LIMIT and answered.status_code == 200
    huge = api.post(UPLOAD, content=b"x" * (5 * 1024 * 1024 + 1), headers={"content-type": "text/csv"})
    assert huge.status_code == 413 and huge.json() == too_large(5 * 1024 * 1024)


def test_a_form_has_its_own_smaller_limit_in_the_same_shape(anonymous):
    response = anonymous.post("/api/v1/auth/token", data={"username": "admin", "password": "x" * 9000})
    assert response.status_code == 413 and response.json() == too_large(8 * 1024)


def test_the_limits_come_from_the_settings(api):
    settings = api.app.state.settings.model_copy(update={"MAX_BODY_BYTES": 2048,
                                                         "MAX_UPLOAD_BYTES": 4096})
    with TestClient(create_app(settings)) as small:
        assert small.post("/api/v1/reports", content=b"x" * 2049).json() == too_large(2048)
        assert small.post(UPLOAD, content=b"x" * 4097).json() == too_large(4096)
        assert small.post(UPLOAD, content=b"x" * 4096).status_code == 401   # within: read on


# --- 429 per client -------------------------------------------------------------------------------

def test_a_client_past_its_burst_is_429_with_retry_after_until_a_token_is_back(
        anonymous, world, low, clock):
    officer, refused_before = world.headers("opd_officer"), refusals("client")
    assert [anonymous.get("/api/v1/auth/me", headers=officer).status_code for _ in range(3)] == [200] * 3
    clock.now += 0.5
    refused = anonymous.get("/api/v1/auth/me", headers=officer)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"   # 2.0 s left
    assert refused.json() == {"detail": "terlalu banyak permintaan dari akun atau kunci API ini; "
                                        "coba lagi dalam 2 detik", "limit": "client", "retry_after": 2}
    assert refusals("client") == refused_before + 1
    clock.now += 0.1
    assert anonymous.get("/api/v1/auth/me", headers=officer).headers["retry-after"] == "2"   # 1.9 s
    clock.now += 1.9
    assert anonymous.get("/api/v1/auth/me", headers=officer).status_code == 200


def test_another_client_and_an_api_key_are_not_held_back(anonymous, world, low):
    for _ in range(4):
        anonymous.get("/api/v1/auth/me", headers=world.headers("opd_officer"))
    assert anonymous.get("/api/v1/auth/me", headers=world.headers("opd_officer")).status_code == 429
    assert anonymous.get("/api/v1/auth/me", headers=world.headers("opd_head")).status_code == 200
    assert [anonymous.get("/api/v1/auth/me", headers=world.headers("key")).status_code
            for _ in range(4)] == [200, 200, 200, 429]


def test_a_client_held_back_files_nothing(anonymous, world, low):
    kader = world.headers("kader")
    for _ in range(3):
        anonymous.get("/api/v1/inbox", headers=kader)
    refused = anonymous.post("/api/v1/reports", json=report_at(world.posyandu["A"]), headers=kader)
    assert refused.status_code == 429 and refused.json()["limit"] == "client"
    assert world.commands.sent == []


def test_a_limit_of_zero_a_minute_is_off(api, world):
    settings = api.app.state.settings.model_copy(update={**LOW, "RATE_LIMIT_CLIENT_PER_MINUTE": 0})
    api.app.state.rate_limits = RateLimits(settings)
    assert set(api.app.state.rate_limits.buckets) == {"login", "posyandu"}
    assert {api.get("/api/v1/auth/me").status_code for _ in range(10)} == {200}


# --- 429 per Posyandu --------------------------------------------------------------------------

def test_the_reports_of_one_posyandu_are_counted_together_whoever_files_them(anonymous, world, low, clock):
    place = world.posyandu["A"]
    second = world.registry.create_person({"name": "Kader Dua", "role": "kader",
                                           "posyandu_id": place["id"]})["item"]
    world.people["kader_2"] = second
    kaders = [world.headers("kader"), world.headers("kader_2")]
    filed = [anonymous.post("/api/v1/reports", json=report_at(place), headers=kaders[n % 2]).status_code
             for n in range(3)]
    refused = anonymous.post("/api/v1/reports", json=report_at(place), headers=kaders[1])
    assert filed == [202] * 3 and refused.status_code == 429
    assert refused.headers["retry-after"] == "10" and refused.json() == {
        "detail": "terlalu banyak permintaan laporan untuk Posyandu ini; coba lagi dalam 10 detik",
        "limit": "posyandu", "retry_after": 10}
    assert len(world.commands.sent) == 3
    other = anonymous.post("/api/v1/reports", json=report_at(world.posyandu["B"]),
                           headers=world.headers("kader_b"))
    assert other.status_code == 202


def test_a_visit_counts_one_per_need_and_is_filed_whole_or_not_at_all(anonymous, world, low, clock):
    place, kader = world.posyandu["A"], world.headers("kader")
    visit = {"desa_code": place["desa_code"], "posyandu_id": place["id"], "needs": [NEED, OTHER_NEED]}
    assert anonymous.post("/api/v1/visits", json=visit, headers=kader).status_code == 202
    assert anonymous.post("/api/v1/reports", json=report_at(place), headers=kader).status_code == 202
    clock.now += 5   # half a token back: two needs wait 15 s more
    refused = anonymous.post("/api/v1/visits", json=visit, headers=kader)
    assert refused.status_code == 429 and refused.json()["retry_after"] == 15
    assert len(world.commands.sent) == 3
    clock.now += 15
    assert anonymous.post("/api/v1/visits", json=visit, headers=kader).status_code == 202


# --- 429 on signing in --------------------------------------------------------------------------

def test_sign_in_attempts_are_limited_per_ip_address_right_or_wrong(anonymous, api, low, clock):
    wrong = {"username": "admin", "password": "salah-sekali-2026"}
    right = {"username": "admin", "password": "kata-sandi-uji-2026"}
    before = refusals("login")
    assert anonymous.post("/api/v1/auth/token", data=wrong).status_code == 401
    assert anonymous.post("/api/v1/auth/token", json=right).status_code == 415   # counted too
    refused = anonymous.post("/api/v1/auth/token", data=right)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "10"
    assert refused.json() == {"detail": "terlalu banyak permintaan masuk dari alamat IP ini; "
                                        "coba lagi dalam 10 detik", "limit": "login", "retry_after": 10}
    assert refusals("login") == before + 1
    elsewhere = TestClient(api.app, client=("192.0.2.7", 40000))
    assert elsewhere.post("/api/v1/auth/token", data=right).status_code == 200
    clock.now += 10
    assert anonymous.post("/api/v1/auth/token", data=right).status_code == 200


def test_the_dashboard_login_shares_the_limit_and_says_so_on_its_page(anonymous, low):
    form = {"username": "admin", "password": "salah-sekali-2026"}
    for _ in range(2):
        assert anonymous.post("/api/v1/auth/token", data=form).status_code == 401
    page = anonymous.post("/dashboard/masuk", data=form, follow_redirects=False)
    assert page.status_code == 429 and page.headers["retry-after"] == "10"
    assert "Terlalu banyak permintaan masuk dari alamat IP ini" in page.text and "<form" in page.text


# --- the docs -----------------------------------------------------------------------------------

def test_413_and_429_are_documented_where_they_can_happen(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"413", "429"} <= set(paths["/api/v1/reports"]["post"]["responses"])
    assert {"413", "429"} <= set(paths["/api/v1/auth/token"]["post"]["responses"])
    assert {"413", "429"} <= set(paths[UPLOAD]["post"]["responses"])
    read = paths["/api/v1/reports/{report_id}"]["get"]["responses"]
    assert "429" in read and "413" not in read
    assert read["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert read["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/RateLimitedOut")
    assert not {"413", "429"} & set(paths["/healthz"]["get"]["responses"])
