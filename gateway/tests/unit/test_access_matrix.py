"""Every route of the gateway against every kind of caller (docs/security.md, "Authorization"):
nobody, a kader, an OPD officer and head, a TPH member, a national admin, a viewer and an OPD's
API key, each on what lies within their own Posyandu, OPD and kabupaten/kota (what lies outside
is test_object_scope.py's). A route missing here fails the test: a new route must be classified.

Outcomes: 401 (no credentials), 403 (the role may not), 404, `ok` (any answer below 400 that is
not the way to the login page: the route did its work), `login` (the dashboard's way there)."""
import pytest
from fastapi.routing import iter_route_contexts

from simpul_gateway.api.routes import health

ROLES = ("none", "kader", "opd_officer", "opd_head", "tph", "admin", "viewer", "key")
OK, LOGIN = "ok", "login"
PUBLIC = dict.fromkeys(ROLES, OK)
ANYONE = {**PUBLIC, "none": 401}                                         # master data, reporting
ADMIN = {**dict.fromkeys(ROLES, 403), "none": 401, "admin": OK}
FILER = {**ADMIN, "kader": OK}                                           # reports and visits
KADER = {**ADMIN, "admin": 403, "kader": OK}                             # the inbox
REPORT_READER = {**ANYONE, "viewer": 403, "key": 403}
CASE_READER = {**ANYONE, "viewer": 403}                                  # a key: cases:read/act
QUEUE = {**CASE_READER, "admin": 403}                                    # nobody's queue: admin's
TRIAGE = {**ADMIN, "tph": OK}
DASHBOARD = {**PUBLIC, "none": LOGIN, "key": LOGIN}                      # not in demo mode
NOWHERE = dict.fromkeys(ROLES, 404)   # Open311's answer to a path it does not have
LEAVING = dict.fromkeys(ROLES, LOGIN)

REPORT = {"service_type": "kesehatan.balita", "kind": "complaint", "description": "Belum imunisasi"}
MOVES = {"acknowledge": {}, "start": {}, "update": {"note": "Kunjungan dijadwalkan"},
         "resolve": {"resolution": "Sudah diimunisasi"}, "reject": {"reason": "Bukan kewenangan"},
         "transfer": {"opd_code": "33.25/dinsos", "reason": "Urusan sosial"},
         "assign": {"opd_code": "33.25/dinsos"}, "confirm": {}, "reopen": {"reason": "Belum selesai"}}
PASSWORD_FORM = {"username": "admin", "password": "kata-sandi-uji-2026"}
NIK = {"nik": "3325014501900003"}


def place(w):
    return {"desa_code": w.posyandu["A"]["desa_code"], "posyandu_id": w.posyandu["A"]["id"]}


def case(w):
    return w.cases["A"]["id"]


def person(w):
    return w.people["viewer"]["id"]


DINKES = "/api/v1/opds/33.25/dinkes"
LETTER = "0123456789abcdef0123"   # a dead letter id; admins reach the route (404: not there)
REGION = {"params": {"region": "33.25"}}
# (method, route) → (the request, as keyword arguments of a world, the outcome of each caller)
MATRIX = {
    ("POST", "/api/v1/auth/token"): (lambda w: {"data": PASSWORD_FORM}, PUBLIC),
    ("GET", "/api/v1/auth/me"): (lambda w: {}, ANYONE),
    ("POST", "/api/v1/reports"): (lambda w: {"json": {**place(w), **REPORT}}, FILER),
    ("GET", "/api/v1/reports/{report_id}"): (lambda w: {"url": f"/api/v1/reports/{case(w)}"}, REPORT_READER),
    ("POST", "/api/v1/visits"): (lambda w: {"json": {**place(w), "needs": [REPORT]}}, FILER),
    ("GET", "/api/v1/cases"): (lambda w: {}, CASE_READER),
    ("GET", "/api/v1/cases/mine"): (lambda w: {}, QUEUE),
    ("GET", "/api/v1/cases/{case_id}"): (lambda w: {"url": f"/api/v1/cases/{case(w)}"}, CASE_READER),
    ("GET", "/api/v1/cases/{case_id}/history"): (
        lambda w: {"url": f"/api/v1/cases/{case(w)}/history"}, CASE_READER),
    **{("POST", f"/api/v1/cases/{{case_id}}/{action}"): (
        lambda w, action=action, body=body: {"url": f"/api/v1/cases/{case(w)}/{action}", "json": body},
        CASE_READER) for action, body in MOVES.items()},
    ("GET", "/api/v1/triage"): (lambda w: {"params": {"kabupaten_code": "33.25"}}, TRIAGE),
    ("GET", "/api/v1/households/{household_ref}/cases"): (
        lambda w: {"url": f"/api/v1/households/{w.cases['A']['household_ref']}/cases"}, CASE_READER),
    ("GET", "/api/v1/visits/{visit_id}/cases"): (
        lambda w: {"url": f"/api/v1/visits/{case(w)}/cases"}, CASE_READER),
    ("GET", "/api/v1/inbox"): (lambda w: {}, KADER),
    ("POST", "/api/v1/inbox/read"): (lambda w: {"json": {"ids": ["msg-1"]}}, KADER),
    ("GET", "/api/v1/regions"): (lambda w: {}, ANYONE),
    ("GET", "/api/v1/regions/{code}"): (lambda w: {"url": "/api/v1/regions/33.25.01"}, ANYONE),
    ("GET", "/api/v1/service-types"): (lambda w: {}, ANYONE),
    ("PATCH", "/api/v1/service-types/{code}"): (
        lambda w: {"url": "/api/v1/service-types/kesehatan.balita", "json": {"resolve_days": 30}}, ADMIN),
    ("GET", "/api/v1/posyandu"): (lambda w: {}, ANYONE),
    ("GET", "/api/v1/posyandu/{posyandu_id}"): (
        lambda w: {"url": f"/api/v1/posyandu/{w.posyandu['A']['id']}"}, ANYONE),
    ("POST", "/api/v1/posyandu"): (lambda w: {"json": {
        "registration_number": "REG-NEW", "name": "Posyandu Baru", "desa_code": "33.25.01.2001"}}, ADMIN),
    ("PATCH", "/api/v1/posyandu/{posyandu_id}"): (
        lambda w: {"url": f"/api/v1/posyandu/{w.posyandu['A']['id']}", "json": {"name": "Posyandu Baru"}},
        ADMIN),
    ("POST", "/api/v1/posyandu/import"): (lambda w: {
        "content": b"registration_number,name,desa_code\nREG-CSV,Posyandu Csv,33.25.01.2001\n",
        "headers": {"Content-Type": "text/csv"}}, ADMIN),
    ("GET", "/api/v1/opds"): (lambda w: {}, ANYONE),
    ("GET", "/api/v1/opds/{kabupaten}/{short_code}"): (lambda w: {"url": DINKES}, ANYONE),
    ("POST", "/api/v1/opds"): (lambda w: {"json": {
        "kabupaten_code": "33.25", "short_code": "disdik", "name": "Dinas Pendidikan"}}, ADMIN),
    ("PATCH", "/api/v1/opds/{kabupaten}/{short_code}"): (
        lambda w: {"url": DINKES, "json": {"name": "Dinas Kesehatan"}}, ADMIN),
    ("GET", "/api/v1/audit"): (lambda w: {}, ADMIN),
    ("GET", "/api/v1/dead-letters"): (lambda w: {}, ADMIN),
    ("GET", "/api/v1/dead-letters/{letter_id}"): (
        lambda w: {"url": f"/api/v1/dead-letters/{LETTER}"}, {**ADMIN, "admin": 404}),
    ("POST", "/api/v1/dead-letters/replay"): (lambda w: {"json": {"all": True}}, ADMIN),
    ("GET", "/api/v1/deliveries"): (lambda w: {}, ADMIN),
    ("POST", "/api/v1/deliveries/retry-parked"): (lambda w: {"json": {}}, ADMIN),
    ("POST", "/api/v1/deliveries/{notification_id}/retry"): (
        lambda w: {"url": f"/api/v1/deliveries/{w.delivery}/retry"}, ADMIN),
    ("GET", "/api/v1/opds/{kabupaten}/{short_code}/channels"): (
        lambda w: {"url": f"{DINKES}/channels"}, ADMIN),
    ("POST", "/api/v1/opds/{kabupaten}/{short_code}/channels/{channel}/pause"): (
        lambda w: {"url": f"{DINKES}/channels/webhook/pause"}, ADMIN),
    ("POST", "/api/v1/opds/{kabupaten}/{short_code}/channels/{channel}/resume"): (
        lambda w: {"url": f"{DINKES}/channels/webhook/resume"}, ADMIN),
    ("GET", "/api/v1/opds/{kabupaten}/{short_code}/webhook-secret"): (
        lambda w: {"url": f"{DINKES}/webhook-secret"}, ADMIN),
    ("GET", "/api/v1/routing-rules"): (lambda w: {"params": {"kabupaten_code": "33.25"}}, ANYONE),
    ("POST", "/api/v1/routing-rules"): (lambda w: {"json": {
        "region_prefix": "33.25.01", "service_type": "kesehatan.balita", "opd_code": "33.25/dinkes"}}, ADMIN),
    ("POST", "/api/v1/routing-rules/{rule_id}/end"): (
        lambda w: {"url": f"/api/v1/routing-rules/{w.rule['id']}/end", "json": {"valid_to": "2099-01-01"}},
        ADMIN),
    ("GET", "/api/v1/registry/coverage"): (lambda w: {"params": {"kabupaten": "33.25"}}, ANYONE),
    ("GET", "/api/v1/people"): (lambda w: {}, ADMIN),
    ("GET", "/api/v1/people/{person_id}"): (lambda w: {"url": f"/api/v1/people/{person(w)}"}, ADMIN),
    ("POST", "/api/v1/people"): (lambda w: {"json": {
        "name": "Orang Baru", "role": "viewer", "kabupaten_code": "33.25"}}, ADMIN),
    ("PATCH", "/api/v1/people/{person_id}"): (
        lambda w: {"url": f"/api/v1/people/{person(w)}", "json": {"email": "v@batangkab.go.id"}}, ADMIN),
    ("POST", "/api/v1/people/{person_id}/password"): (
        lambda w: {"url": f"/api/v1/people/{person(w)}/password", "json": {"password": "kata-sandi-baru"}},
        ADMIN),
    ("POST", "/api/v1/api-keys"): (lambda w: {"json": {
        "name": "SIK Baru", "opd_code": "33.25/dinkes", "scopes": ["cases:read"]}}, ADMIN),
    ("GET", "/api/v1/api-keys"): (lambda w: {}, ADMIN),
    ("POST", "/api/v1/api-keys/{key_id}/revoke"): (
        lambda w: {"url": f"/api/v1/api-keys/{w.key_id}/revoke"}, ADMIN),
    ("POST", "/api/v1/privacy/export"): (lambda w: {"json": NIK}, ADMIN),
    ("POST", "/api/v1/privacy/erase"): (lambda w: {"json": {**NIK, "reason": "Permintaan warga"}}, ADMIN),
    ("GET", "/api/v1/reporting/summary"): (lambda w: REGION, ANYONE),
    ("GET", "/api/v1/reporting/tables/{name}.csv"): (
        lambda w: {"url": "/api/v1/reporting/tables/areas.csv", **REGION}, ANYONE),
    ("GET", "/api/v1/reporting/tables/{name}"): (
        lambda w: {"url": "/api/v1/reporting/tables/areas", **REGION}, ANYONE),
    ("GET", "/api/v1/reporting/dhis2"): (
        lambda w: {"params": {"region": "33.25", "period": "202611"}}, ANYONE),
    ("GET", "/healthz"): (lambda w: {}, PUBLIC),
    ("GET", "/metrics"): (lambda w: {}, PUBLIC),
    ("GET", "/openapi.json"): (lambda w: {}, PUBLIC),
    ("GET", "/docs"): (lambda w: {}, PUBLIC),
    ("GET", "/docs/oauth2-redirect"): (lambda w: {}, PUBLIC),
    ("GET", "/redoc"): (lambda w: {}, PUBLIC),
    ("GET", "/dashboard/masuk"): (lambda w: {}, PUBLIC),
    ("POST", "/dashboard/masuk"): (lambda w: {"data": {**PASSWORD_FORM, "next": "/dashboard"}}, PUBLIC),
    ("GET", "/open311/v2/discovery.{fmt}"): (lambda w: {"url": "/open311/v2/discovery.json"}, PUBLIC),
    ("GET", "/open311/v2/services.{fmt}"): (lambda w: {"url": "/open311/v2/services.xml"}, PUBLIC),
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): (
        lambda w: {"url": "/open311/v2/services/kesehatan.balita.json"}, PUBLIC),
    ("GET", "/open311/v2/requests.{fmt}"): (   # Open311 reads need no key (docs/open311.md)
        lambda w: {"url": "/open311/v2/requests.json", "params": {"service_request_id": case(w)[:8]}},
        PUBLIC),
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): (
        lambda w: {"url": "/open311/v2/requests/00000000-0000-4000-8000-000000000000.json"}, NOWHERE),
    ("POST", "/open311/v2/requests.{fmt}"): (   # the key is the form's `api_key`, whoever signed in
        lambda w: {"url": "/open311/v2/requests.json", "data": {
            "api_key": w.key, "service_code": "kesehatan.balita", "description": "Belum imunisasi",
            "attribute[desa_code]": w.posyandu["A"]["desa_code"]}}, PUBLIC),
    ("GET", "/open311/v2/{path:path}"): (lambda w: {"url": "/open311/v2/tokens/1.json"}, NOWHERE),
    ("POST", "/open311/v2/{path:path}"): (lambda w: {"url": "/open311/v2/tokens.json"}, NOWHERE),
    ("GET", "/dashboard/keluar"): (lambda w: {}, LEAVING),
    ("GET", "/dashboard"): (lambda w: {}, DASHBOARD),
    ("GET", "/dashboard/wilayah/{code}"): (lambda w: {"url": "/dashboard/wilayah/33.25"}, DASHBOARD),
    ("GET", "/dashboard/posyandu/{posyandu_id}"): (
        lambda w: {"url": f"/dashboard/posyandu/{w.posyandu['A']['id']}"}, DASHBOARD),
    ("GET", "/dashboard/opd/{kabupaten}/{short_code}"): (
        lambda w: {"url": "/dashboard/opd/33.25/dinkes"}, DASHBOARD),
}


def routes(app) -> set[tuple[str, str]]:
    return {(method, route.path) for route in iter_route_contexts(app.routes)
            for method in route.methods or () if method != "HEAD"}


def outcome(response):
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == "Bearer"
        return 401
    if response.status_code == 303 and response.headers["location"].startswith("/dashboard/masuk"):
        return LOGIN
    return OK if response.status_code < 400 else response.status_code


@pytest.fixture
def calm(monkeypatch):
    """/healthz without a broker or storage to wait for."""
    monkeypatch.setattr(health, "broker_reachable", lambda uri: True)
    monkeypatch.setattr(health, "_storage_ok", lambda client: True)


def test_every_route_is_classified(api):
    assert routes(api.app) == set(MATRIX), "classify the new route in MATRIX (and in deps.py)"


@pytest.mark.parametrize("method, route", sorted(MATRIX))
def test_who_may_call_each_route(anonymous, new_world, calm, method, route):
    request, expected = MATRIX[(method, route)]
    seen = {}
    for role in ROLES:
        w = new_world()   # each caller on a world of its own: a write by one changes nothing for the next
        w.routing.act = lambda case_id, action, actor, details: {"item": w.routing.cases[case_id]}
        w.registry.passwords[w.people["admin"]["id"]] = PASSWORD_FORM["password"]
        kwargs = request(w)
        headers = {**kwargs.pop("headers", {}), **w.headers(role)}
        url = kwargs.pop("url", route)
        response = anonymous.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        seen[role] = outcome(response)
    assert seen == expected
