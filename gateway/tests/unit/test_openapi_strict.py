"""The request bodies of the gateway's OpenAPI are strict (docs/security.md, "Fuzzing"):
every object refuses unknown fields, every string and every list has a bound, and no body lets a
client set what the server owns (a case's status or OPD, ids, timestamps, history) except where
a route is made for it, listed below with the reason. Checked on `app.openapi()`, so a new route
or field is checked too; and at run time, that every JSON body answers an unknown field with 422."""
import re

import pytest

from simpul_common import sealing
from simpul_gateway.main import create_app
from simpul_gateway.settings import Settings

SPEC = create_app(Settings(SIMPUL_DATA_KEY=sealing.new_key(),
                           SIMPUL_JWT_SECRET="s" * 32)).openapi()
COMPONENTS = SPEC["components"]["schemas"]
OBJECT_BODIES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid"}
UNBOUNDED_REPEAT = re.compile(r"(?<!\\)[*+]|\{\d+,\}")   # `*`, `+` or `{n,}` outside an escape
BOUNDED_ELSEWHERE = {   # (operation, place): what bounds a string the schema leaves open
    ("POST /api/v1/posyandu/import", "body.file"): "the CSV upload: MAX_UPLOAD_BYTES bounds the "
        "body (413) before it is read",
}
# what the server owns: a client never sets it, whatever the body
SERVER_OWNED = {"id", "status", "assignee", "assigned_opd", "opd", "opd_code", "history", "actor",
                "created_at", "updated_at", "revoked_at", "received_at", "routed_at", "resolved_at",
                "closed_at", "due_at", "acknowledge_due_at", "triage_due_at", "deem_closed_at",
                "deadline", "escalation_level", "escalation_target", "linked_to", "allowed_actions",
                "password_hash", "role", "queue", "kabupaten_code"}
DESIGNED = {   # (operation, field): why this route takes it from the client
    ("POST /api/v1/cases/{case_id}/transfer", "opd_code"): "a transfer names the OPD it goes to; "
        "routing checks it is another active OPD of the case's kabupaten/kota",
    ("POST /api/v1/cases/{case_id}/assign", "opd_code"): "the TPH's assignment names the OPD; "
        "routing checks it is an active OPD of the case's kabupaten/kota",
    ("POST /api/v1/routing-rules", "opd_code"): "a rule says which OPD answers",
    ("POST /api/v1/api-keys", "opd_code"): "a key is bound to the OPD an admin names",
    ("POST /api/v1/people", "opd_code"): "an officer or head is bound to the OPD an admin names",
    ("PATCH /api/v1/people/{person_id}", "opd_code"): "an admin may move an officer to another OPD",
    ("POST /api/v1/people", "role"): "a person is registered in a role; the PATCH cannot change it",
    ("POST /api/v1/people", "kabupaten_code"): "a TPH member, viewer or bound admin is bound "
        "to the kabupaten/kota an admin names (within the admin's own)",
    ("PATCH /api/v1/people/{person_id}", "kabupaten_code"): "as above, moved by an admin",
    ("POST /api/v1/opds", "kabupaten_code"): "an OPD belongs to the kabupaten/kota it is "
        "registered in; part of its code, never changed after",
    ("POST /api/v1/deliveries/retry-parked", "opd_code"): "a filter: which parked deliveries",
    ("POST /api/v1/deliveries/retry-parked", "kabupaten_code"): "a filter; a bound admin's own "
        "kabupaten/kota replaces it",
    ("POST /api/v1/dead-letters/replay", "queue"): "a filter: replay the dead letters of this "
        "queue only",
    ("POST /api/v1/opds", "queue"): "accepted so an OPD read back can be sent as it is; the "
        "registry ignores it and derives the queue from the OPD code",
    ("PATCH /api/v1/opds/{kabupaten}/{short_code}", "queue"): "as above",
}


def _resolved(schema: dict) -> tuple[str | None, dict]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return name, COMPONENTS[name]
    return None, schema


def _nodes(schema: dict, where: str, seen: frozenset = frozenset()):
    """Every (place, subschema) of a body schema, references followed (each once per branch)."""
    name, schema = _resolved(schema)
    if name in seen:
        return
    seen = seen | {name} if name else seen
    yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            yield from _nodes(branch, where, seen)
    if isinstance(schema.get("items"), dict):
        yield from _nodes(schema["items"], f"{where}[]", seen)
    for field, sub in schema.get("properties", {}).items():
        yield from _nodes(sub, f"{where}.{field}", seen)


def _bodies():
    """(operation, media type, body schema) of every request body of the API."""
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                yield f"{method.upper()} {path}", media_type, content.get("schema", {})


def _nodes_of_bodies():
    for operation, media_type, schema in _bodies():
        for where, node in _nodes(schema, "body"):
            yield operation, media_type, where, node


def _is_object(node: dict) -> bool:
    return node.get("type") == "object" or "properties" in node


def _bounded_string(node: dict) -> bool:
    pattern = node.get("pattern")
    return ("maxLength" in node or "enum" in node or "const" in node
            or node.get("format") in BOUNDED_FORMATS
            or bool(pattern and pattern.startswith("^") and pattern.endswith("$")
                    and not UNBOUNDED_REPEAT.search(pattern)))


def test_the_api_has_request_bodies_to_check():
    media_types = {media_type for _, media_type, _ in _bodies()}
    assert set(OBJECT_BODIES) <= media_types


def test_every_object_of_a_request_body_refuses_unknown_fields():
    loose = [f"{op} {media}: {where}" for op, media, where, node in _nodes_of_bodies()
             if media in OBJECT_BODIES and _is_object(node)
             and node.get("additionalProperties") is not False]
    assert loose == []


def _unbounded_strings() -> set:
    return {(op, where) for op, media, where, node in _nodes_of_bodies()
            if media in OBJECT_BODIES and node.get("type") == "string"
            and not _bounded_string(node)}


def test_every_string_of_a_request_body_has_a_bound():
    assert sorted(_unbounded_strings() - set(BOUNDED_ELSEWHERE)) == []


def test_every_list_of_a_request_body_has_a_bound():
    unbounded = [f"{op}: {where}" for op, _, where, node in _nodes_of_bodies()
                 if node.get("type") == "array" and "maxItems" not in node]
    assert unbounded == []


def _set_by_client():
    """(operation, field) of every server-owned field some request body accepts."""
    return {(op, where.rsplit(".", 1)[1]) for op, _, where, _ in _nodes_of_bodies()
            if "." in where and where.rsplit(".", 1)[1] in SERVER_OWNED}


def test_no_request_body_sets_what_the_server_owns_unless_its_route_is_made_for_it():
    assert sorted(_set_by_client() - set(DESIGNED)) == []


def test_every_exception_is_still_needed():
    assert sorted(set(DESIGNED) - _set_by_client()) == []
    assert sorted(set(BOUNDED_ELSEWHERE) - _unbounded_strings()) == []


def test_a_case_is_moved_by_an_action_never_by_its_status():
    moves = {op for op, _, _ in _bodies() if re.fullmatch(r"POST /api/v1/cases/\{case_id\}/\w+", op)}
    fields = {where.rsplit(".", 1)[1] for op, _, where, _ in _nodes_of_bodies()
              if op in moves and "." in where}
    assert len(moves) == 9 and fields   # the action is the route's: acknowledge, start, ...
    assert fields.isdisjoint({"status", "from", "to", "action", "allowed_actions", "history"})


# --- and the app does what its OpenAPI says ------------------------------------------------------

JSON_BODIES = sorted(op for op, media, _ in _bodies() if media == "application/json")
ONLY_KADER = {"POST /api/v1/inbox/read"}


@pytest.mark.parametrize("operation", JSON_BODIES)
def test_every_json_body_answers_an_unknown_field_with_422_naming_it(api, world, operation):
    method, path = operation.split(" ", 1)
    url = re.sub(r"\{(case|notification)_id\}", "00000000-0000-4000-8000-000000000000", path)
    url = re.sub(r"\{\w+\}", "x1", url.replace("{kabupaten}", "33.25"))
    who = world.headers("kader" if operation in ONLY_KADER else "admin")
    answer = api.request(method, url, json={"tidak_dikenal": 1}, headers=who)
    assert answer.status_code == 422, answer.text
    assert {"loc": ["body", "tidak_dikenal"], "type": "extra_forbidden"} in [
        {key: error[key] for key in ("loc", "type")} for error in answer.json()["detail"]]


POSYANDU = {"registration_number": "400.5/12/2024", "name": "Posyandu Mawar I",
            "desa_code": "33.25.01.2001"}
OPD = {"kabupaten_code": "33.25", "short_code": "dinsos", "name": "Dinas Sosial"}


@pytest.mark.parametrize("method, url, body", [   # the fuzz's: `"active": 0` made a Posyandu
    ("POST", "/api/v1/posyandu", {**POSYANDU, "active": 0}),
    ("POST", "/api/v1/posyandu", {**POSYANDU, "ilp": "ya"}),
    ("PATCH", "/api/v1/posyandu/P1", {"six_spm": 1}),
    ("POST", "/api/v1/opds", {**OPD, "active": "true"}),
    ("PATCH", "/api/v1/people/admin-nasional", {"active": 0})])
def test_a_flag_of_a_body_is_true_or_false_not_a_number_or_a_word(api, method, url, body):
    answer = api.request(method, url, json=body)
    assert answer.status_code == 422
    assert [error["type"] for error in answer.json()["detail"]] == ["bool_type"]


FORM = {"username": "admin", "password": "kata-sandi-uji-2026"}


@pytest.mark.parametrize("extra, field", [({"remember_me": "1"}, "remember_me"),
                                          ({"password": "x" * 201}, "password"),
                                          ({"username": "a" * 201}, "username")])
def test_the_token_form_refuses_an_unknown_field_and_a_value_too_long(anonymous, extra, field):
    answer = anonymous.post("/api/v1/auth/token", data={**FORM, **extra})
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["body", field]]
    assert "x" * 20 not in answer.text   # a password sent is never echoed


def test_the_token_form_takes_what_oauth2_clients_send(anonymous):
    form = {**FORM, "grant_type": "password", "scope": "", "client_id": "swagger",
            "client_secret": ""}
    assert anonymous.post("/api/v1/auth/token", data=form).status_code == 200


def test_an_import_form_with_a_field_besides_the_file_is_refused(api):
    answer = api.post("/api/v1/posyandu/import", data={"dry_run": "true"},
                      files={"file": ("p.csv", b"a,b\n1,2\n", "text/csv")})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "dry_run"]


# --- every error a route can answer is in its OpenAPI (what the fuzz holds the gateway to) -----

OPERATIONS = [(path, method, operation) for path, operations in SPEC["paths"].items()
              for method, operation in operations.items()]


def test_every_operation_documents_the_errors_its_shape_can_answer():
    missing = []
    for path, method, operation in OPERATIONS:
        expected = {"503"} | ({"401"} if operation.get("security") else set())
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            expected |= {"400", "413", "422"}
        if "{" in path:
            expected |= {"404", "422"}
        missing += [f"{method.upper()} {path}: {status}"
                    for status in sorted(expected - set(operation["responses"]))]
    assert missing == []


def test_a_body_that_is_not_utf8_is_400_with_a_detail(api):
    answer = api.post("/api/v1/posyandu", content=b"\xff\xfe{",
                      headers={"content-type": "application/json"})
    assert answer.status_code == 400 and set(answer.json()) == {"detail"}
