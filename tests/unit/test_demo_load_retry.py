"""simpul-demo-load is a well-behaved client: a 429 is waited out for its Retry-After and the
request sent again, for signing in as for every other call (docs/security.md, "Hostile input")."""
import httpx
import pytest

from simpul_devtools import demo_load


@pytest.fixture
def slept(monkeypatch):
    waits = []
    monkeypatch.setattr(demo_load.time, "sleep", waits.append)
    return waits


def gateway(monkeypatch, answers: list) -> list:
    """The Api's client answers from `answers` (status, headers) in turn; returns the requests."""
    asked = []

    def answer(request):
        asked.append(f"{request.method} {request.url.path}")
        status, headers = answers.pop(0) if answers else (200, {})
        body = {"access_token": "t"} if request.url.path.endswith("/token") else {}
        return httpx.Response(status, headers=headers, json=body)
    client = httpx.Client(base_url="http://simpul", transport=httpx.MockTransport(answer))
    monkeypatch.setattr(demo_load.Api, "client", lambda self: client)
    return asked


def test_a_429_is_waited_out_and_sent_again(monkeypatch, slept):
    asked = gateway(monkeypatch, [(429, {"Retry-After": "1"}), (200, {}),        # signing in
                                  (429, {"Retry-After": "7"}), (429, {"Retry-After": "2"})])
    response = demo_load.Api("http://simpul").get("/api/v1/cases/x", who="admin")
    assert response.status_code == 200 and slept == [1.0, 7.0, 2.0]
    assert asked == ["POST /api/v1/auth/token"] * 2 + ["GET /api/v1/cases/x"] * 3


@pytest.mark.parametrize("header, seconds", [({}, 1.0), ({"Retry-After": "soon"}, 1.0),
                                             ({"Retry-After": "3600"}, 60.0)])
def test_a_missing_odd_or_huge_retry_after_still_gives_a_sensible_wait(header, seconds):
    assert demo_load.retry_after(httpx.Response(429, headers=header)) == seconds


def test_it_gives_up_waiting_after_a_while_and_reports_the_429(monkeypatch, slept):
    gateway(monkeypatch, [(200, {})] + [(429, {"Retry-After": "1"})] * 100)
    response = demo_load.Api("http://simpul").get("/api/v1/cases/x", who="admin")
    assert response.status_code == 429 and len(slept) == demo_load.RATE_LIMITED_TRIES - 1
