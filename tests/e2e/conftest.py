"""One running Simpul for every end-to-end test: each service and the gateway as its own
process, started by the same `LocalSystem` as `make run`, in demo mode: the demo users of
docs/security.md sign in with the password `simpul-demo-2026`."""
import time
import uuid

import httpx
import pytest

from simpul_devtools.broker_tap import FirehoseTap
from simpul_devtools.local import LocalSystem, free_port
from simpul_devtools.receivers_testing import SmtpSink

DEMO_PASSWORD = "simpul-demo-2026"
ADMIN = "admin"
# The whole session acts as a few demo users from 127.0.0.1 and polls as the admin 20 times a
# second: past the defaults of the client and sign-in limits (docs/security.md, "Hostile
# input"), which test_hostile_input.py meets from an address of its own. Posyandu: default.
E2E_RATE_LIMITS = {"RATE_LIMIT_CLIENT_PER_MINUTE": "60000", "RATE_LIMIT_CLIENT_BURST": "10000",
                   "RATE_LIMIT_LOGIN_PER_MINUTE": "600", "RATE_LIMIT_LOGIN_BURST": "200"}


@pytest.fixture(scope="session")
def mail(tmp_path_factory):
    """The SMTP server the running system sends its e-mail to."""
    sink = SmtpSink(tmp_path_factory.mktemp("smtp"))
    yield sink
    sink.stop()


def pytest_collection_modifyitems(items):
    """The scan for personal data reads what the whole session logged and published: last."""
    items.sort(key=lambda item: item.path.name == "test_pii_scan.py")


@pytest.fixture(scope="session")
def broker_tap(tmp_path_factory, amqp_uri):
    """Every message published in the session's vhost, tapped from before the system starts
    (simpul_devtools.broker_tap). A tap that cannot start fails the scan, not the session."""
    tap = FirehoseTap(amqp_uri, tmp_path_factory.mktemp("tap") / "messages.jsonl")
    try:
        tap.start()
    except Exception as exc:
        tap.error = f"the firehose tap did not start: {exc}"
    yield tap
    tap.stop()


@pytest.fixture(scope="session")
def system(tmp_path_factory, amqp_uri, mongo_uri, data_key, mail, broker_tap):
    local = LocalSystem(workdir=tmp_path_factory.mktemp("simpul"), amqp_uri=amqp_uri,
                        mongo_uri=mongo_uri, gateway_port=free_port(), data_key=data_key,
                        db_prefix=f"e2e{uuid.uuid4().hex[:6]}", quiet=True,
                        settings={"SMTP_HOST": mail.host, "SMTP_PORT": str(mail.port),
                                  "DELIVERY_RETRY_BASE_SECONDS": "0.2",
                                  "DELIVERY_RETRY_MAX_SECONDS": "1", "DELIVERY_MAX_ATTEMPTS": "4",
                                  **E2E_RATE_LIMITS})
    try:
        local.start()
        yield local
    finally:
        local.stop()


class Logins:
    """Tokens of the users the tests act as, each signed in once and again before it expires."""

    def __init__(self, url: str):
        self.url, self.tokens = url, {}

    def headers(self, username: str, password: str = DEMO_PASSWORD) -> dict:
        token, fresh_until = self.tokens.get((username, password), (None, 0.0))
        if time.monotonic() > fresh_until:
            response = httpx.post(f"{self.url}/api/v1/auth/token", timeout=15,
                                  data={"username": username, "password": password})
            assert response.status_code == 200, (username, response.text)
            token = response.json()["access_token"]
            self.tokens[(username, password)] = (token, time.monotonic() + response.json()["expires_in"] - 60)
        return {"Authorization": f"Bearer {token}"}


class SignedIn(httpx.Auth):
    """A request without an `Authorization` of its own goes as `username`."""

    def __init__(self, logins: Logins, username: str):
        self.logins, self.username = logins, username

    def auth_flow(self, request):
        if "authorization" not in request.headers:
            request.headers.update(self.logins.headers(self.username))
        yield request


class Gateway(httpx.Client):
    """The running gateway, signed in as the demo's national admin unless a request sends
    other credentials; `login(username)` gives the headers of any user."""

    def __init__(self, url: str, logins: Logins):
        super().__init__(base_url=url, timeout=15, auth=SignedIn(logins, ADMIN))
        self.login = logins.headers


@pytest.fixture(scope="session")
def logins(system):
    return Logins(system.gateway_url)


@pytest.fixture(scope="session")
def api(system, logins):
    with Gateway(system.gateway_url, logins) as client:
        yield client


@pytest.fixture(scope="session")
def login(logins):
    """`login(username)` → the headers of a request as that user (password simpul-demo-2026)."""
    return logins.headers


@pytest.fixture(scope="session")
def anonymous(system):
    """A client with no credentials at all."""
    with httpx.Client(base_url=system.gateway_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def enrol(api):
    """Registers a person through the admin API with a username of their own and the demo
    password (`POST /api/v1/people/{id}/password`): (their id, their username)."""
    def register(body: dict) -> tuple[str, str]:
        username = f"uji.{body['role'].replace('_', '')}.{uuid.uuid4().hex[:8]}"
        created = api.post("/api/v1/people", json={**body, "username": username})
        assert created.status_code == 201, created.text
        person_id = created.json()["id"]
        given = api.post(f"/api/v1/people/{person_id}/password", json={"password": DEMO_PASSWORD})
        assert given.status_code == 200, given.text
        return person_id, username
    return register
