"""The registry admin API over the fake registry: pages, filters, look-ups, writes and how the
registry's error results come out as HTTP errors."""
import pytest

POSYANDU = {"registration_number": "400.5/12/2024", "name": "Posyandu Mawar I",
            "desa_code": "33.25.01.2001", "kader": ["Siti Aminah"]}


def add_posyandu(api, **overrides):
    response = api.post("/api/v1/posyandu", json={**POSYANDU, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("query", ["per_page=0", "per_page=201", "page=0", "page=x",
                                   "page=100001", f"page={10**27}"])   # the fuzz's: a 500 from the store
def test_paging_out_of_bounds_is_refused(api, query):
    response = api.get(f"/api/v1/posyandu?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_page_says_where_it_is_and_how_many_match(api):
    for n in range(3):
        add_posyandu(api, registration_number=f"REG-{n}")
    page = api.get("/api/v1/posyandu", params={"page": 2, "per_page": 2}).json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)


def test_only_the_filters_given_reach_the_registry(api):
    """The fake refuses a filter it does not know or a null one, as the registry does."""
    add_posyandu(api)
    add_posyandu(api, registration_number="REG-2", desa_code="33.25.01.2002", ilp=True)
    page = api.get("/api/v1/posyandu", params={"desa_code": "33.25.01.2002"}).json()
    assert [p["registration_number"] for p in page["items"]] == ["REG-2"]
    both = api.get("/api/v1/posyandu", params={"kecamatan_code": "33.25.01", "ilp": "false"}).json()
    assert [p["registration_number"] for p in both["items"]] == ["400.5/12/2024"]


def test_a_filter_of_the_wrong_form_is_refused(api):
    response = api.get("/api/v1/posyandu", params={"desa_code": "33.25"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "desa_code"]


def test_a_filter_the_registry_refuses_is_a_422_on_the_query(api):
    response = api.get("/api/v1/routing-rules", params={"kabupaten_code": "33.25", "on_date": "2026-03-01"})
    assert response.status_code == 200
    assert api.get("/api/v1/routing-rules").json()["detail"][0]["loc"] == ["query", "kabupaten_code"]


def test_regions_are_searched_by_name_level_and_parent(api):
    page = api.get("/api/v1/regions", params={"q": "SILU", "level": "desa", "within": "33.25"}).json()
    assert [r["code"] for r in page["items"]] == ["33.25.01.2001"]
    assert page["items"][0]["path"] == "Silurah"
    assert api.get("/api/v1/regions", params={"level": "dusun"}).status_code == 422


def test_a_region_keeps_its_ancestors_and_children(api):
    region = api.get("/api/v1/regions/33.25.01").json()
    assert [a["code"] for a in region["ancestors"]] == ["33", "33.25"]
    assert [c["code"] for c in region["children"]] == ["33.25.01.2001", "33.25.01.2002"]


def test_a_create_answers_201_with_the_location_of_the_new_item(api):
    response = api.post("/api/v1/posyandu", json=POSYANDU)
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/api/v1/posyandu/{created['id']}"
    assert api.get(response.headers["location"]).json() == created
    assert (created["kabupaten_code"], created["active"]) == ("33.25", True)


def test_a_duplicate_is_409_with_the_registrys_message(api):
    add_posyandu(api)
    response = api.post("/api/v1/posyandu", json={**POSYANDU, "name": "Posyandu Melati"})
    assert response.status_code == 409
    assert response.json() == {"detail": "nomor registrasi sudah dipakai Posyandu lain"}


def test_a_field_the_registry_refuses_is_a_422_naming_it_in_the_body(api):
    response = api.post("/api/v1/posyandu", json={**POSYANDU, "desa_code": "33.25.01.2999"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "desa_code"], "type": "value_error",
                                          "msg": "desa/kelurahan 33.25.01.2999 tidak ada di registry"}]


def test_changing_what_does_not_exist_is_404(api):
    response = api.patch("/api/v1/posyandu/P0", json={"name": "Posyandu Baru"})
    assert response.status_code == 404
    assert response.json()["detail"] == "P0 tidak ditemukan"


@pytest.mark.parametrize("path", ["/api/v1/posyandu/P0", "/api/v1/opds/33.25/dinkes",
                                  "/api/v1/people/person-9", "/api/v1/regions/33.25.99"])
def test_an_unknown_item_is_404_in_bahasa_indonesia(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert "tidak" in response.json()["detail"]


def test_a_patch_changes_only_the_fields_sent(api):
    created = add_posyandu(api)
    response = api.patch(f"/api/v1/posyandu/{created['id']}", json={"active": False})
    assert response.status_code == 200
    assert response.json() == {**created, "active": False}


@pytest.mark.parametrize("body", [{"colour": "red"}, {"id": "P9"}, {}, {"name": None}])
def test_a_patch_with_an_unknown_field_no_field_or_a_null_name_is_refused(api, body):
    created = add_posyandu(api)
    response = api.patch(f"/api/v1/posyandu/{created['id']}", json=body)
    assert response.status_code == 422
    assert api.get(f"/api/v1/posyandu/{created['id']}").json() == created
