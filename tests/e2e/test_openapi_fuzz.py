"""A bounded property-based fuzz of the gateway's OpenAPI (docs/security.md, "Fuzzing"):
schemathesis draws valid and invalid requests for every operation and sends them over HTTP to
a running Simpul, signed in as the national admin and again as a kader, and checks each answer:
never a 5xx, and a status code, content type and body the OpenAPI documents.

The fuzz writes junk (people, Posyandu, OPD, reports), so it runs a Simpul of its own: its own
databases (`db_prefix`) and its own RabbitMQ virtual host, as the services' queues have fixed
names and a second system on the session's vhost would consume the first one's messages.

Bounded for CI: SIMPUL_FUZZ_EXAMPLES (12) random examples per operation, a fixed seed
(SIMPUL_FUZZ_SEED, 2026) and no example database so a run repeats exactly, no deadline
(schemathesis sets none); schemathesis' coverage phase (the boundaries of every input, a few
dozen requests per operation) runs in the admin's pass only. A longer fuzz: raise the first.

Built with `schema.parametrize()` on the OpenAPI made in this process: the lazy
`schemathesis.pytest.from_fixture` of 4.32.5 reads `Node._nodeid`, which pytest 9 dropped."""
import os
import time
import uuid
from contextlib import nullcontext

import httpx
import pytest
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from simpul_common import sealing
from simpul_devtools.local import ROOT, LocalSystem, free_port
from simpul_devtools.pytest_fixtures import own_vhost
from simpul_gateway.main import create_app
from simpul_gateway.settings import Settings

EXAMPLES = int(os.environ.get("SIMPUL_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("SIMPUL_FUZZ_SEED", "2026"))
PASSWORD = "simpul-demo-2026"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
NOT_FUZZED = {   # path: why it is left out
    "/healthz": "says how the services are, whatever is sent; e2e tests check it",
    "/api/v1/auth/token": "its form is checked in gateway/tests/unit/test_openapi_strict.py; "
                          "fuzzing it only tries passwords",
}
KADER_TAGS = ["reports", "visits", "cases", "inbox", "auth"]   # where being a kader matters
NO_RATE_LIMITS = {f"RATE_LIMIT_{name}_PER_MINUTE": "0" for name in ("CLIENT", "LOGIN", "POSYANDU")}
set_hypothesis_home_dir(ROOT / "var" / "hypothesis")   # its caches, with the other local state


def config(*phases: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES, "database": "none",
                       "with-security-parameters": False},   # our own credentials, never drawn
        "phases": {phase: {"enabled": phase in phases}
                   for phase in ("examples", "coverage", "fuzzing", "stateful")},
    })


def served_openapi() -> dict:
    """The OpenAPI the gateway's code serves, made here at collection so the tests are named by
    operation; `test_the_fuzz_reads_the_openapi_the_gateway_serves` checks it is the same."""
    return create_app(Settings(SIMPUL_DATA_KEY=sealing.new_key(),
                               SIMPUL_JWT_SECRET="c" * 32)).openapi()


OPENAPI = served_openapi()
ADMIN_PASS = schemathesis.openapi.from_dict(OPENAPI, config=config("examples", "coverage", "fuzzing"))
KADER_PASS = schemathesis.openapi.from_dict(OPENAPI, config=config("examples", "fuzzing"))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, mongo_uri, data_key):
    """A Simpul of the fuzz's own, its rate limits off (the fuzz is one fast client)."""
    if os.environ.get("TEST_AMQP_URI") and not os.environ.get("TEST_FUZZ_AMQP_URI"):
        pytest.skip("the fuzz runs a Simpul on a vhost of its own: set TEST_FUZZ_AMQP_URI too")
    with vhost() as amqp_uri:
        local = LocalSystem(workdir=tmp_path_factory.mktemp("fuzz"), amqp_uri=amqp_uri,
                            mongo_uri=mongo_uri, gateway_port=free_port(), data_key=data_key,
                            db_prefix=f"fuzz{uuid.uuid4().hex[:6]}", quiet=True,
                            settings=NO_RATE_LIMITS)
        try:
            local.start()
            yield local
        finally:
            local.stop()


def vhost():
    if os.environ.get("TEST_FUZZ_AMQP_URI"):
        return nullcontext(os.environ["TEST_FUZZ_AMQP_URI"])
    return own_vhost("simpul-fuzz", env="TEST_FUZZ_AMQP_URI")


class SignedIn:
    """The headers of a demo user, signed in again before the token expires."""

    def __init__(self, url: str, username: str):
        self.url, self.username, self.token, self.fresh_until = url, username, None, 0.0

    def headers(self) -> dict:
        if time.monotonic() > self.fresh_until:
            answer = httpx.post(f"{self.url}/api/v1/auth/token", timeout=15,
                                data={"username": self.username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            self.token = answer.json()["access_token"]
            self.fresh_until = time.monotonic() + answer.json()["expires_in"] - 60
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def as_admin(fuzzed):
    return SignedIn(fuzzed.gateway_url, "admin")


@pytest.fixture(scope="module")
def as_kader(fuzzed):
    return SignedIn(fuzzed.gateway_url, "kader.batang")


def test_the_fuzz_reads_the_openapi_the_gateway_serves(fuzzed):
    assert httpx.get(f"{fuzzed.gateway_url}/openapi.json").json() == OPENAPI


@ADMIN_PASS.exclude(path=list(NOT_FUZZED)).parametrize()
def test_the_api_as_the_national_admin(case, fuzzed, as_admin):
    case.call_and_validate(base_url=fuzzed.gateway_url, headers=as_admin.headers(),
                           checks=CHECKS, timeout=30)


@KADER_PASS.include(tag=KADER_TAGS).exclude(path=list(NOT_FUZZED)).parametrize()
def test_the_api_as_a_kader(case, fuzzed, as_kader):
    case.call_and_validate(base_url=fuzzed.gateway_url, headers=as_kader.headers(),
                           checks=CHECKS, timeout=30)
