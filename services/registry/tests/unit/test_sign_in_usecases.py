"""Sign-in, passwords, usernames and API keys as use cases, on an in-memory repository."""
import copy

import pytest

from simpul_registry import usecases
from simpul_registry.domain import credentials
from simpul_registry.repository import public

OPD = {"_id": "33.25/dinkes", "kabupaten_code": "33.25", "name": "Dinas Kesehatan"}


class FakeRepository:
    def __init__(self):
        self.collections = {"people": {}, "api_keys": {}, "opds": {OPD["_id"]: OPD}, "posyandu": {}}

    def get(self, collection, key):
        return public(self.collections[collection].get(key)) if isinstance(key, str) else None

    def insert(self, collection, document):
        assert document["_id"] not in self.collections[collection]
        self.collections[collection][document["_id"]] = copy.deepcopy(document)

    def set_fields(self, collection, key, fields):
        self.collections[collection][key].update(copy.deepcopy(fields))

    def region(self, code):
        return {"code": code, "level": "kabupaten"} if code in ("33.25", "21.71") else None

    def username_holder(self, username):
        return next((p["_id"] for p in self.collections["people"].values()
                     if p.get("username") == username), None)

    def person_with_hash(self, username):
        return copy.deepcopy(next((p for p in self.collections["people"].values()
                                   if p.get("username") == username), None))

    def api_key_with_hash(self, key_id):
        return copy.deepcopy(self.collections["api_keys"].get(key_id))


@pytest.fixture
def repo():
    return FakeRepository()


@pytest.fixture
def announced():
    return []


def announce_to(calls):
    return lambda entity, region, ids: calls.append((entity, region, ids))


def make_person(repo, **extra):
    data = {"name": "Ani Admin", "role": "admin", "kabupaten_code": "33.25", **extra}
    return usecases.create_person(repo, announce_to([]), data)


def test_a_person_may_be_created_with_a_login_and_only_its_hash_is_stored(repo):
    person = make_person(repo, username="ani.admin", password="rahasia-sekali")["item"]
    assert person["username"] == "ani.admin" and "password_hash" not in person
    stored = repo.collections["people"][person["id"]]
    assert "password" not in stored and stored["password_hash"].startswith("scrypt$")
    assert credentials.verify_password("rahasia-sekali", stored["password_hash"])


def test_a_person_without_a_login_shows_a_null_username(repo):
    person = make_person(repo)["item"]
    assert person["username"] is None and "password_hash" not in repo.collections["people"][person["id"]]


def test_a_bad_login_is_refused_with_the_other_problems_and_nothing_is_stored(repo):
    result = make_person(repo, name="A", username="Ani Admin", password="pendek")
    assert result["status"] == 422
    assert {e["field"] for e in result["errors"]} == {"name", "username", "password"}
    assert repo.collections["people"] == {}


def test_a_taken_username_is_a_conflict(repo):
    make_person(repo, username="ani.admin")
    assert make_person(repo, username="ani.admin")["status"] == 409


def test_the_right_password_of_an_active_person_answers_the_person_without_its_hash(repo):
    person = make_person(repo, username="ani.admin", password="rahasia-sekali")["item"]
    signed_in = usecases.authenticate(repo, "ani.admin", "rahasia-sekali")
    assert signed_in == person and "password_hash" not in signed_in
    assert usecases.authenticate(repo, "  Ani.Admin ", "rahasia-sekali")["id"] == person["id"]


@pytest.mark.parametrize("username, password", [
    ("ani.admin", "rahasia-salah"), ("tidak.ada", "rahasia-sekali"), (None, "rahasia-sekali"),
    ("ani.admin", None), ("ani.admin", ""), (["ani.admin"], "rahasia-sekali")])
def test_a_wrong_password_or_unknown_user_answers_none(repo, username, password):
    make_person(repo, username="ani.admin", password="rahasia-sekali")
    assert usecases.authenticate(repo, username, password) is None


def test_an_inactive_person_or_one_without_a_password_cannot_sign_in(repo):
    person = make_person(repo, username="ani.admin", password="rahasia-sekali", active=False)["item"]
    assert usecases.authenticate(repo, "ani.admin", "rahasia-sekali") is None
    make_person(repo, username="budi.admin")
    assert usecases.authenticate(repo, "budi.admin", "") is None
    assert person["active"] is False


def test_an_unknown_user_is_checked_against_the_dummy_hash(repo, monkeypatch):
    checked = []
    monkeypatch.setattr(credentials, "verify_password", lambda p, h: checked.append(h) or False)
    assert usecases.authenticate(repo, "tidak.ada", "rahasia-sekali") is None
    assert checked == [credentials.DUMMY_HASH]


def test_setting_a_password_replaces_the_hash_and_announces_the_person(repo, announced):
    person = make_person(repo, username="ani.admin", password="rahasia-sekali")["item"]
    result = usecases.set_password(repo, announce_to(announced), person["id"], "rahasia-baru-123")
    assert result == {"item": person}
    assert usecases.authenticate(repo, "ani.admin", "rahasia-baru-123")["id"] == person["id"]
    assert usecases.authenticate(repo, "ani.admin", "rahasia-sekali") is None
    assert announced == [("person", "33.25", [person["id"]])]


def test_a_short_password_or_an_unknown_person_is_refused(repo, announced):
    person = make_person(repo)["item"]
    short = usecases.set_password(repo, announce_to(announced), person["id"], "pendek")
    assert short["status"] == 422 and short["errors"][0]["field"] == "password"
    assert usecases.set_password(repo, announce_to(announced), "nope", "rahasia-sekali")["status"] == 404
    assert announced == []


def test_a_username_is_set_checked_and_unique(repo, announced):
    ani = make_person(repo, username="ani.admin")["item"]
    budi = make_person(repo, name="Budi")["item"]
    assert usecases.set_username(repo, announce_to(announced), budi["id"], "ani.admin")["status"] == 409
    assert usecases.set_username(repo, announce_to(announced), budi["id"], "Budi")["status"] == 422
    assert usecases.set_username(repo, announce_to(announced), "nope", "budi")["status"] == 404
    assert announced == []
    assert usecases.set_username(repo, announce_to(announced), ani["id"], "ani.admin")["item"] == ani
    moved = usecases.set_username(repo, announce_to(announced), budi["id"], "budi")["item"]
    assert moved["username"] == "budi" and announced[-1] == ("person", "33.25", [budi["id"]])


def test_an_update_keeps_the_login(repo):
    person = make_person(repo, username="ani.admin", password="rahasia-sekali")["item"]
    updated = usecases.update_person(repo, announce_to([]), person["id"], {"name": "Ani Baru"})["item"]
    assert updated["username"] == "ani.admin" and updated["name"] == "Ani Baru"
    assert usecases.authenticate(repo, "ani.admin", "rahasia-sekali")["name"] == "Ani Baru"
    assert usecases.update_person(repo, announce_to([]), person["id"], {"username": "x.y.z"})["status"] == 422


def create_key(repo, announced, **data):
    return usecases.create_api_key(repo, announce_to(announced), {
        "name": "Sistem Dinkes", "opd_code": "33.25/dinkes", "scopes": ["cases:read"], **data})


def test_an_api_key_is_shown_once_verified_and_revoked(repo, announced):
    created = create_key(repo, announced)
    item, key = created["item"], created["key"]
    assert set(item) == {"id", "name", "opd_code", "kabupaten_code", "scopes", "created_at", "revoked_at"}
    assert key.startswith(f"sk_{item['id']}_") and item["kabupaten_code"] == "33.25"
    assert repo.collections["api_keys"][item["id"]]["key_hash"] == credentials.key_hash(key)
    assert usecases.verify_api_key(repo, key) == item
    assert usecases.verify_api_key(repo, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    revoked = usecases.revoke_api_key(repo, announce_to(announced), item["id"])["item"]
    assert revoked["revoked_at"] is not None
    assert usecases.verify_api_key(repo, key) is None
    again = usecases.revoke_api_key(repo, announce_to(announced), item["id"])["item"]
    assert again["revoked_at"] == revoked["revoked_at"]
    assert announced == [("api_key", "33.25", [item["id"]])] * 2


def test_a_bad_api_key_request_names_each_field(repo, announced):
    refused = create_key(repo, announced, name="x", opd_code="33.25/nope", scopes=["cases:write"], extra=1)
    assert refused["status"] == 422
    assert {e["field"] for e in refused["errors"]} == {"name", "opd_code", "scopes", "extra"}
    assert usecases.revoke_api_key(repo, announce_to(announced), "nope")["status"] == 404
    assert repo.collections["api_keys"] == {} and announced == []


@pytest.mark.parametrize("key", [None, "", "sk_000000000000_" + "a" * 43, "not a key"])
def test_an_unknown_or_malformed_key_verifies_to_none(repo, key):
    assert usecases.verify_api_key(repo, key) is None
