"""End to end: hostile input at the running gateway (docs/security.md, "Hostile input"). A report
body over MAX_BODY_BYTES is 413, declared or streamed in chunks, and nothing of it is filed; sign-in
attempts past the per-address limit are 429 with Retry-After.

The session's other tests sign in from 127.0.0.1 (under the raised limits of conftest's
E2E_RATE_LIMITS), so the sign-in limit is met here from 127.0.0.2, another loopback address with
a bucket of its own: whatever this module spends, no other test waits for it."""
import uuid

import httpx
import pytest

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until

LIMIT = 64 * 1024   # the default MAX_BODY_BYTES, which the e2e system keeps
KECAMATAN = "33.25.12"   # no other e2e module files reports here
OTHER_ADDRESS = "127.0.0.2"
TOO_LARGE = {"detail": f"isi permintaan terlalu besar (maksimum {LIMIT} bita)", "limit_bytes": LIMIT}


@pytest.fixture(scope="module")
def place(api):
    found = api.get("/api/v1/posyandu", params={"kecamatan_code": KECAMATAN, "per_page": 1}).json()
    return found["items"][0]


def report(place: dict, description: str) -> dict:
    return {"desa_code": place["desa_code"], "posyandu_id": place["id"], "kind": "complaint",
            "service_type": "pekerjaan_umum.air_minum", "description": description}


def test_an_oversized_report_is_413_and_nothing_of_it_is_filed(api, place):
    key = f"uji-besar-{uuid.uuid4().hex[:12]}"
    refused = api.post("/api/v1/reports", headers={"Idempotency-Key": key},
                       json=report(place, "Sumur warga keruh " + "x" * LIMIT))
    assert (refused.status_code, refused.json()) == (413, TOO_LARGE)

    chunks = (part for part in (b'{"description": "', b"x" * LIMIT, b'"}'))
    streamed = api.post("/api/v1/reports", content=chunks, headers={
        "Idempotency-Key": key, "Content-Type": "application/json"})
    assert (streamed.status_code, streamed.json()) == (413, TOO_LARGE)

    # a report filed after them is a case; had either been sent, its id would be found too
    after = api.post("/api/v1/reports", json=report(place, "Sumur warga keruh sejak dua minggu"))
    assert after.status_code == 202, after.text
    wait_until(lambda: api.get(f"/api/v1/reports/{after.json()['id']}").status_code == 200,
               seconds=20, what="the report filed after them")
    oversized = contracts.stable_id("idempotency", place["id"], key)   # routes/reports.py
    assert api.get(f"/api/v1/reports/{oversized}").status_code == 404


@pytest.fixture
def elsewhere(system):
    """A client signing in from 127.0.0.2 (a loopback address of its own)."""
    transport = httpx.HTTPTransport(local_address=OTHER_ADDRESS)
    with httpx.Client(base_url=system.gateway_url, transport=transport, timeout=15) as client:
        try:
            client.get("/healthz")
        except httpx.TransportError as error:
            pytest.skip(f"cannot send from {OTHER_ADDRESS}: {error}")
        yield client


def test_sign_in_attempts_past_the_limit_of_an_address_are_429_and_no_one_else_waits(
        system, elsewhere, anonymous):
    burst = int(system.settings["RATE_LIMIT_LOGIN_BURST"])
    no_password = {"username": "kader.batang"}   # 422 at once: the registry is not even asked
    answers = []
    while len(answers) < 3 * burst and (not answers or answers[-1].status_code != 429):
        answers.append(elsewhere.post("/api/v1/auth/token", data=no_password))
    refused = answers[-1]
    assert refused.status_code == 429 and len(answers) > burst
    assert {a.status_code for a in answers[:-1]} == {422}
    seconds = int(refused.headers["retry-after"])
    assert seconds >= 1 and refused.json() == {
        "detail": f"terlalu banyak permintaan masuk dari alamat IP ini; coba lagi dalam {seconds} detik",
        "limit": "login", "retry_after": seconds}

    signed_in = anonymous.post("/api/v1/auth/token",   # from 127.0.0.1: not held back
                               data={"username": "kader.batang", "password": "simpul-demo-2026"})
    assert signed_in.status_code == 200
    metrics = anonymous.get("/metrics").text
    assert 'simpul_gateway_rate_limited_total{limit="login"}' in metrics
