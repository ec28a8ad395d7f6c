"""How a registry answer becomes the HTTP answer, and what /docs shows of the admin API."""
import pytest
from fastapi import HTTPException

from simpul_gateway.api.errors import registry_answer

ADMIN_PATHS = {
    "/api/v1/regions": {"get"}, "/api/v1/regions/{code}": {"get"},
    "/api/v1/service-types": {"get"}, "/api/v1/service-types/{code}": {"patch"},
    "/api/v1/posyandu": {"get", "post"}, "/api/v1/posyandu/{posyandu_id}": {"get", "patch"},
    "/api/v1/posyandu/import": {"post"},
    "/api/v1/opds": {"get", "post"}, "/api/v1/opds/{kabupaten}/{short_code}": {"get", "patch"},
    "/api/v1/routing-rules": {"get", "post"}, "/api/v1/routing-rules/{rule_id}/end": {"post"},
    "/api/v1/registry/coverage": {"get"},
    "/api/v1/people": {"get", "post"}, "/api/v1/people/{person_id}": {"get", "patch"},
}


def raised(result, **options) -> HTTPException:
    with pytest.raises(HTTPException) as exc:
        registry_answer(result, **options)
    return exc.value


def test_a_422_names_every_field_where_it_was_sent():
    result = {"status": 422, "errors": [{"field": "name", "message": "terlalu pendek"},
                                        {"field": "q", "message": "kosong"}]}
    error = raised(result, where="query")
    assert error.status_code == 422
    assert error.detail == [{"loc": ["query", "name"], "msg": "terlalu pendek", "type": "value_error"},
                            {"loc": ["query", "q"], "msg": "kosong", "type": "value_error"}]


@pytest.mark.parametrize("status", [404, 409])
def test_a_404_or_409_carries_the_first_message(status):
    result = {"status": status, "errors": [{"field": "units", "message": "unit masih dipakai"},
                                           {"field": "active", "message": "lain"}]}
    error = raised(result)
    assert (error.status_code, error.detail) == (status, "unit masih dipakai")


@pytest.mark.parametrize("result", [{"item": {"id": "x"}}, {"items": [], "total": 0, "page": 1,
                                                            "per_page": 50}, [], None])
def test_a_success_passes_through(result):
    assert registry_answer(result) is result


def test_none_is_404_when_a_look_up_says_what_is_missing():
    assert (raised(None, missing="tidak ada").status_code, raised(None, missing="x").detail) == (404, "x")


def test_the_openapi_document_lists_every_admin_path(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {path: set(paths.get(path, {})) for path in ADMIN_PATHS} == ADMIN_PATHS


def test_every_admin_operation_has_a_summary_and_an_answer_model(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path, methods in ADMIN_PATHS.items():
        for method in methods:
            operation = paths[path][method]
            answer = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            assert operation["summary"] and "schema" in answer["content"]["application/json"], path


def test_lists_document_their_paging_and_filters(api):
    operation = api.get("/openapi.json").json()["paths"]["/api/v1/people"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "role", "kabupaten_code", "opd_code", "posyandu_id", "active", "q", "page", "per_page"}
