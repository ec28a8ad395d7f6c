"""Sign-in, passwords, usernames and API keys through the registry's RPC, in a nameko container
on the real broker and SecantusDB, with the demo users of demo mode."""
import io

from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until
from simpul_registry import admin
from simpul_registry.domain import demo
from simpul_registry.repository import RegistryRepository
from simpul_registry.seed import seed_demo

PASSWORD = demo.DEMO_PASSWORD


def changes(probe, entity):
    return [m["data"] for m in probe.of_type(contracts.RegistryChanged.type) if m["data"]["entity"] == entity]


def new_person(rpc, username, password="rahasia-uji-1", **data):
    return rpc.registry.create_person({"name": "Orang Uji", "role": "tph", "kabupaten_code": "33.25",
                                       "username": username, "password": password, **data})["item"]


def test_demo_users_sign_in_with_the_demo_password(registry, rpc):
    for username, role in (("admin", "admin"), ("kader.batang", "kader"), ("tph.batam", "tph"),
                           ("viewer.batang", "viewer"), ("dinkes.batang", "opd_officer"),
                           ("kepala.dinkes.batam", "opd_head")):
        person = rpc.registry.authenticate(username, PASSWORD)
        assert person is not None, username
        assert (person["username"], person["role"]) == (username, role)
        assert "password_hash" not in person
    assert rpc.registry.authenticate("admin", PASSWORD)["id"] == demo.person_id("admin")
    assert rpc.registry.authenticate("admin", PASSWORD)["kabupaten_code"] is None


def test_a_wrong_password_or_an_unknown_user_signs_in_nobody(registry, rpc):
    assert rpc.registry.authenticate("kader.batang", "simpul-demo-2025") is None
    assert rpc.registry.authenticate("kader.batang", "") is None
    assert rpc.registry.authenticate("tidak.ada", PASSWORD) is None
    assert rpc.registry.authenticate(None, None) is None


def test_an_inactive_person_cannot_sign_in(registry, rpc):
    person = new_person(rpc, "uji.nonaktif")
    assert rpc.registry.authenticate("uji.nonaktif", "rahasia-uji-1")["id"] == person["id"]
    rpc.registry.update_person(person["id"], {"active": False})
    assert rpc.registry.authenticate("uji.nonaktif", "rahasia-uji-1") is None
    rpc.registry.update_person(person["id"], {"active": True})
    assert rpc.registry.authenticate("uji.nonaktif", "rahasia-uji-1")["id"] == person["id"]


def test_an_admin_sets_a_password_and_the_person_is_announced(registry, rpc, broker):
    person = new_person(rpc, "uji.sandi")
    probe = broker.probe(contracts.RegistryChanged.type)
    result = rpc.registry.set_password(person["id"], "rahasia-baru-2")
    assert result["item"]["id"] == person["id"] and "password_hash" not in result["item"]
    assert rpc.registry.authenticate("uji.sandi", "rahasia-baru-2")["id"] == person["id"]
    assert rpc.registry.authenticate("uji.sandi", "rahasia-uji-1") is None
    announced = wait_until(lambda: changes(probe, "person"), what="registry.changed")
    assert announced[0]["ids"] == [person["id"]] and announced[0]["region"] == "33.25"
    short = rpc.registry.set_password(person["id"], "pendek")
    assert short["status"] == 422 and short["errors"][0]["field"] == "password"
    assert rpc.registry.set_password("tidak-ada", "rahasia-baru-3")["status"] == 404


def test_an_admin_sets_a_username_that_nobody_else_holds(registry, rpc, broker):
    person = new_person(rpc, "uji.nama")
    assert rpc.registry.set_username(person["id"], "tph.batang")["status"] == 409
    assert rpc.registry.create_person({"name": "Orang Kembar", "role": "viewer",
                                       "username": "tph.batang"})["status"] == 409
    bad = rpc.registry.set_username(person["id"], "Uji Nama")
    assert bad["status"] == 422 and bad["errors"][0]["field"] == "username"
    assert rpc.registry.set_username("tidak-ada", "uji.siapa")["status"] == 404
    probe = broker.probe(contracts.RegistryChanged.type)
    assert rpc.registry.set_username(person["id"], "uji.nama-baru")["item"]["username"] == "uji.nama-baru"
    assert rpc.registry.authenticate("uji.nama-baru", "rahasia-uji-1")["id"] == person["id"]
    assert rpc.registry.authenticate("uji.nama", "rahasia-uji-1") is None
    assert wait_until(lambda: changes(probe, "person"), what="announced")[0]["ids"] == [person["id"]]


def test_an_api_key_is_created_verified_listed_and_revoked(registry, rpc, broker):
    probe = broker.probe(contracts.RegistryChanged.type)
    created = rpc.registry.create_api_key({"name": "Sistem Dinkes Batam", "opd_code": "21.71/dinkes",
                                           "scopes": ["cases:act", "cases:read"]})
    item, key = created["item"], created["key"]
    assert key.startswith(f"sk_{item['id']}_")
    assert (item["kabupaten_code"], item["scopes"], item["revoked_at"]) == ("21.71", ["cases:read", "cases:act"], None)
    assert "key_hash" not in item and registry.api_keys.find_one({"_id": item["id"]})["key_hash"] != key
    assert rpc.registry.verify_api_key(key) == item
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert rpc.registry.verify_api_key(tampered) is None
    listed = rpc.registry.find_api_keys({"opd_code": "21.71/dinkes", "revoked": False})
    assert [k["id"] for k in listed["items"]] == [item["id"]] and "key_hash" not in listed["items"][0]
    revoked = rpc.registry.revoke_api_key(item["id"])["item"]
    assert revoked["revoked_at"] is not None
    assert rpc.registry.verify_api_key(key) is None
    assert rpc.registry.find_api_keys({"opd_code": "21.71/dinkes", "revoked": False})["total"] == 0
    assert rpc.registry.find_api_keys({"revoked": True})["items"][0]["id"] == item["id"]
    assert rpc.registry.revoke_api_key("tidak-ada")["status"] == 404
    announced = wait_until(lambda: len(changes(probe, "api_key")) >= 2 and changes(probe, "api_key"),
                           what="announced")
    assert all(a["ids"] == [item["id"]] and a["region"] == "21.71" for a in announced)


def test_a_bad_api_key_request_is_refused(registry, rpc):
    refused = rpc.registry.create_api_key({"name": "X", "opd_code": "21.71/tidak-ada", "scopes": []})
    assert refused["status"] == 422
    assert {e["field"] for e in refused["errors"]} == {"name", "opd_code", "scopes"}
    assert rpc.registry.find_api_keys({"revoked": "ya"})["status"] == 422
    assert rpc.registry.verify_api_key("sk_bukan_kunci") is None


def test_no_read_ever_shows_a_password_hash(registry, rpc):
    new_person(rpc, "uji.baca")
    people, page = [], 1
    while True:
        found = rpc.registry.find_people({}, page, 200)
        people += found["items"]
        if page * 200 >= found["total"]:
            break
        page += 1
    assert len(people) == registry.people.count_documents({})
    assert all("password_hash" not in p and "username" in p for p in people)
    assert registry.people.count_documents({"password_hash": {"$type": "string"}}) >= 35
    admin_person = rpc.registry.get_person(demo.person_id("admin"))
    assert admin_person["username"] == "admin" and "password_hash" not in admin_person


def test_seeding_again_keeps_changed_passwords_and_gives_missing_logins(registry, rpc):
    viewer = rpc.registry.authenticate("viewer.batam", PASSWORD)
    rpc.registry.set_password(viewer["id"], "sandi-baru-viewer")
    changed_hash = registry.people.find_one({"_id": viewer["id"]})["password_hash"]
    tph = demo.person_id("tph:21.71")
    registry.people.update_one({"_id": tph}, {"$set": {"username": None}, "$unset": {"password_hash": ""}})
    seed_demo(RegistryRepository(registry), demo_users=True, say=lambda _: None)
    assert registry.people.find_one({"_id": viewer["id"]})["password_hash"] == changed_hash
    assert rpc.registry.authenticate("viewer.batam", PASSWORD) is None
    assert rpc.registry.authenticate("tph.batam", PASSWORD)["id"] == tph
    rpc.registry.set_password(viewer["id"], PASSWORD)


def test_without_demo_users_the_seed_gives_no_login(registry, mongo_uri):
    from pymongo import MongoClient

    db = MongoClient(mongo_uri)[f"{registry.name}_nodemo"]
    seed_demo(RegistryRepository(db), kabupaten_codes=("21.71",), say=lambda _: None)
    assert db.people.count_documents({}) == 1 + 3 + 2 * len(demo.OPD_TEMPLATES)
    assert db.people.count_documents({"username": {"$type": "string"}}) == 0
    assert db.people.count_documents({"password_hash": {"$exists": True}}) == 0
    db.client.drop_database(db.name)


def test_the_first_admin_is_made_from_the_command_line(registry, rpc, mongo_uri, monkeypatch, capsys):
    storage = ["--mongo-uri", mongo_uri, "--db", registry.name]

    def run(*args, password="rahasia-admin-1"):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return admin.main([*args, "--password-stdin", *storage])

    assert run("--username", "admin.batam", "--name", "Admin Batam", "--kabupaten", "21.71") == 0
    person = rpc.registry.authenticate("admin.batam", "rahasia-admin-1")
    assert (person["role"], person["kabupaten_code"], person["name"]) == ("admin", "21.71", "Admin Batam")
    assert run("--username", "admin.batam", "--name", "Admin Nasional", password="rahasia-admin-2") == 0
    again = rpc.registry.authenticate("admin.batam", "rahasia-admin-2")
    assert (again["id"], again["kabupaten_code"], again["name"]) == (person["id"], None, "Admin Nasional")
    assert run("--username", "kader.batang", "--name", "Bukan Admin") == 2
    assert run("--username", "admin.pendek", "--name", "Admin Pendek", password="pendek") == 2
    assert "password" in capsys.readouterr().err
    made = rpc.registry.audit_log({"action": "admin.ensure", "target_id": person["id"]})["items"]
    assert len(made) == 2 and made[0]["actor"]["kind"] == "cli"
    assert made[0]["actor"]["id"].startswith("cli:") and "rahasia" not in str(made)
