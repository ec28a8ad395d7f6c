"""Signing in over the fake registry: the OAuth2 password flow, who a token or API key is, the
principal of an API key, and the dashboard's login page and cookie."""
import pytest

from simpul_gateway.api.security import COOKIE

FORM = {"username": "admin", "password": "kata-sandi-uji-2026"}


def test_a_good_username_and_password_give_a_bearer_token(anonymous, registry):
    response = anonymous.post("/api/v1/auth/token", data={**FORM, "grant_type": "password"})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert (answer["token_type"], answer["expires_in"], answer["role"], answer["person_id"]) == (
        "bearer", 900, "admin", "admin-nasional")
    me = anonymous.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert me.json() == {"kind": "person", "id": "admin-nasional", "role": "admin", "name": "Admin Nasional",
                         "opd_code": None, "posyandu_id": None, "kabupaten_code": None, "scopes": []}


@pytest.mark.parametrize("form", [{**FORM, "password": "salah-sekali-2026"}, {**FORM, "username": "siapa"}])
def test_a_wrong_password_and_an_unknown_user_are_refused_alike(anonymous, form):
    response = anonymous.post("/api/v1/auth/token", data=form)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "nama pengguna atau kata sandi salah"}


def test_an_inactive_person_cannot_sign_in(anonymous, registry):
    registry.people.items["admin-nasional"]["active"] = False
    assert anonymous.post("/api/v1/auth/token", data=FORM).status_code == 401


@pytest.mark.parametrize("send, status, field", [
    ({"json": FORM}, 415, None), ({"data": {"username": "admin"}}, 422, "password"),
    ({"data": {**FORM, "grant_type": "client_credentials"}}, 422, "grant_type")])
def test_the_token_request_must_be_a_password_form(anonymous, send, status, field):
    response = anonymous.post("/api/v1/auth/token", **send)
    assert response.status_code == status
    if field:
        assert response.json()["detail"][0]["loc"] == ["body", field]


def test_the_docs_offer_the_password_flow_and_the_api_key(api):
    schemes = api.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["APIKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                       "description": schemes["APIKeyHeader"]["description"]}


def test_a_person_created_with_a_username_signs_in_once_given_a_password(api, anonymous, registry):
    created = api.post("/api/v1/people", json={"name": "Petugas Baru", "role": "tph",
                                               "kabupaten_code": "33.25", "username": "tph.baru"})
    assert created.status_code == 201 and created.json()["username"] == "tph.baru"
    form = {"username": "tph.baru", "password": "rahasia sekali 1"}
    assert anonymous.post("/api/v1/auth/token", data=form).status_code == 401
    person_id = created.json()["id"]
    short = api.post(f"/api/v1/people/{person_id}/password", json={"password": "pendek"})
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "password"]
    assert api.post(f"/api/v1/people/{person_id}/password", json={"password": form["password"]}).status_code == 200
    assert registry.passwords[person_id] == "rahasia sekali 1"   # spaces are the person's own
    assert anonymous.post("/api/v1/auth/token", data=form).json()["role"] == "tph"


# --- API keys ---------------------------------------------------------------------------------------

@pytest.fixture
def dinkes(registry):
    return registry.create_opd({"kabupaten_code": "33.25", "short_code": "dinkes", "name": "Dinkes"})["item"]


def test_an_api_key_is_shown_once_and_acts_as_an_officer_of_its_opd(api, anonymous, dinkes):
    created = api.post("/api/v1/api-keys", json={"name": "SIK Dinkes", "opd_code": "33.25/dinkes",
                                                 "scopes": ["cases:read"]})
    assert created.status_code == 201
    key, item = created.json()["key"], created.json()["item"]
    assert key.startswith(f"sk_{item['id']}_") and "key" not in str(api.get("/api/v1/api-keys").json())
    me = anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key}).json()
    assert me == {"kind": "api_key", "id": f"apikey:{item['id']}", "role": "opd_officer", "name": "SIK Dinkes",
                  "opd_code": "33.25/dinkes", "posyandu_id": None, "kabupaten_code": "33.25",
                  "scopes": ["cases:read"]}


def test_a_key_is_looked_up_once_while_cached_by_its_hash_and_revoked_at_once(api, anonymous, registry, dinkes):
    key = api.post("/api/v1/api-keys", json={"name": "SIK Dinkes", "opd_code": "33.25/dinkes",
                                             "scopes": ["cases:read"]}).json()["key"]
    asked, original = [], registry.verify_api_key
    registry.verify_api_key = lambda k: asked.append(k) or original(k)
    for _ in range(3):
        assert anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 200
    assert len(asked) == 1
    assert key not in str(api.app.state.principals._items)
    key_id = key.split("_")[1]
    assert api.post(f"/api/v1/api-keys/{key_id}/revoke").json()["revoked_at"]
    refused = anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert refused.status_code == 401 and "dicabut" in refused.json()["detail"]


@pytest.mark.parametrize("key", ["sk_000000000001_salah", "x" * 500])
def test_an_unknown_key_is_401(anonymous, key):
    assert anonymous.get("/api/v1/cases", headers={"X-API-Key": key}).status_code == 401


def test_a_broken_token_is_401_and_says_to_sign_in_again(anonymous):
    response = anonymous.get("/api/v1/regions", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 401 and "masuk lagi" in response.json()["detail"]


# --- the dashboard ----------------------------------------------------------------------------------

def test_the_dashboard_sends_a_stranger_to_its_login_page(anonymous):
    response = anonymous.get("/dashboard/wilayah/33.25", params={"as_of": "x"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/masuk?next=%2Fdashboard%2Fwilayah%2F33.25%3Fas_of%3Dx"
    page = anonymous.get(response.headers["location"])
    assert page.status_code == 200 and 'name="next" value="/dashboard/wilayah/33.25?as_of=x"' in page.text


def test_signing_in_on_the_login_page_keeps_the_token_in_a_dashboard_cookie(anonymous):
    refused = anonymous.post("/dashboard/masuk", data={**FORM, "password": "salah-sekali-2026"})
    assert refused.status_code == 401 and "salah" in refused.text
    response = anonymous.post("/dashboard/masuk", data={**FORM, "next": "/dashboard/opd/33.25/dinkes"},
                              follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/dashboard/opd/33.25/dinkes")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/dashboard" in cookie and "Max-Age=900" in cookie
    token = anonymous.cookies[COOKIE]
    assert anonymous.get("/dashboard", follow_redirects=False).status_code == 307   # in, to Batang
    assert anonymous.get("/api/v1/regions", cookies={COOKIE: token}).status_code == 401   # API: no cookie
    out = anonymous.get("/dashboard/keluar", follow_redirects=False)
    assert out.status_code == 303 and f'{COOKIE}=""' in out.headers["set-cookie"]


@pytest.mark.parametrize("target", ["https://jahat.example/", "//jahat.example", "/api/v1/people",
                                    "/dashboard/masuk", "/dashboard\\..\\x"])
def test_the_login_page_only_leads_back_into_the_dashboard(anonymous, target):
    response = anonymous.post("/dashboard/masuk", data={**FORM, "next": target}, follow_redirects=False)
    assert response.headers["location"] == "/dashboard"


def test_an_expired_cookie_leads_to_the_login_page_and_is_dropped(anonymous):
    anonymous.cookies.set(COOKIE, "kedaluwarsa", path="/dashboard")
    response = anonymous.get("/dashboard/wilayah/33.25", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/dashboard/masuk")
    assert "Max-Age=0" in response.headers["set-cookie"]


def test_in_demo_mode_a_stranger_sees_the_dashboard_as_a_viewer_and_nothing_else(demo):
    assert demo.get("/dashboard/wilayah/33.25").status_code == 200
    assert demo.get("/api/v1/reporting/summary", params={"region": "33.25"}).status_code == 401
    assert demo.get("/api/v1/auth/me").status_code == 401


def test_a_strangers_upload_is_refused_before_it_is_read(anonymous):
    response = anonymous.post("/api/v1/posyandu/import", content=b"x" * 1000,
                              headers={"Content-Type": "image/png"})
    assert response.status_code == 401
