"""Admin changes through the registry's RPC, in a nameko container on the real broker and
SecantusDB: each is checked, stored, and announced as `registry.changed`."""
from simpul_common import contracts
from simpul_devtools.pytest_fixtures import wait_until

CSV = """registration_number,name,desa_code,ilp,six_spm,active,kader
BTG-TEST-001,Posyandu Melati Baru,33.25.01.2001,ya,tidak,ya,Siti Aminah;Rukmini
BTG-TEST-002,Po,33.25.01.2001,mungkin,,,
BTG-TEST-003,Posyandu Salah Desa,33.25.99.2001,,,,
BTG-TEST-001,Posyandu Kembar,33.25.01.2002,,,,
3325012001.01,Posyandu Mawar Pindah,33.25.01.2002,ya,ya,,
"""


def changes(probe, entity):
    return [m["data"] for m in probe.of_type(contracts.RegistryChanged.type) if m["data"]["entity"] == entity]


def test_region_search_is_case_and_accent_insensitive_and_knows_abbreviations(registry, rpc):
    found = rpc.registry.search_regions({"q": "kab. batang"})
    assert found["items"][0]["code"] == "33.25"
    assert rpc.registry.search_regions({"q": "KOTA BATAM"})["items"][0]["code"] == "21.71"
    assert rpc.registry.search_regions({"q": "Jawá Téngah"})["items"][0]["code"] == "33"
    kelurahan = rpc.registry.search_regions({"q": "batu selicin", "level": "desa"})
    assert [r["code"] for r in kelurahan["items"]] == ["21.71.06.1004"]


def test_regions_can_be_listed_within_a_parent_and_refused_when_unknown(registry, rpc):
    kecamatan = rpc.registry.search_regions({"within": "21.71", "level": "kecamatan"}, 1, 5)
    assert kecamatan["total"] == 12 and len(kecamatan["items"]) == 5
    assert all(r["parent"] == "21.71" for r in kecamatan["items"])
    refused = rpc.registry.search_regions({"within": "21.99"})
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "within"


def test_an_admin_edits_a_service_type_and_the_change_is_announced(registry, rpc, broker):
    probe = broker.probe(contracts.RegistryChanged.type)
    result = rpc.registry.update_service_type("kesehatan.balita", {"acknowledge_working_days": 2})
    assert result["item"]["acknowledge_working_days"] == 2
    assert rpc.registry.routing_table("33.25")["norms"]["kesehatan.balita"]["acknowledge_working_days"] == 2
    announced = wait_until(lambda: changes(probe, "service_type"), what="registry.changed")
    assert announced[0]["ids"] == ["kesehatan.balita"] and announced[0]["region"] == ""


def test_a_bad_catalogue_edit_names_each_field_and_changes_nothing(registry, rpc):
    result = rpc.registry.update_service_type(
        "sosial.anak_terlantar", {"ilp_cluster": "ibu_anak", "follow_up_working_days": 0})
    assert result["status"] == 422
    assert {e["field"] for e in result["errors"]} == {"ilp_cluster", "follow_up_working_days"}
    assert registry.service_types.find_one({"_id": "sosial.anak_terlantar"})["ilp_cluster"] is None
    assert rpc.registry.update_service_type("sosial.nope", {"label_en": "x y"})["status"] == 404


def test_a_csv_imports_the_good_rows_and_explains_each_bad_one(registry, rpc, broker):
    probe = broker.probe(contracts.RegistryChanged.type)
    before = registry.posyandu.count_documents({})
    report = rpc.registry.import_posyandu(CSV)
    rows = {r["row"]: r for r in report["rows"]}
    assert (report["accepted"], report["rejected"], report["created"], report["updated"]) == (2, 3, 1, 1)
    assert rows[2]["status"] == "created" and rows[6]["status"] == "updated"
    assert {e["field"] for e in rows[3]["errors"]} == {"name", "ilp"}
    assert rows[4]["errors"][0]["field"] == "desa_code" and "33.25.99.2001" in rows[4]["errors"][0]["message"]
    assert "baris 2" in rows[5]["errors"][0]["message"]
    assert registry.posyandu.count_documents({}) == before + 1
    created = registry.posyandu.find_one({"registration_number": "BTG-TEST-001"})
    assert created["kader"] == ["Siti Aminah", "Rukmini"] and created["ilp"] is True
    moved = registry.posyandu.find_one({"_id": "P332501200101"})
    assert moved["desa_code"] == "33.25.01.2002" and moved["name"] == "Posyandu Mawar Pindah"
    assert registry.posyandu.count_documents({"registration_number": "BTG-TEST-002"}) == 0
    assert set(wait_until(lambda: changes(probe, "posyandu"), what="announced")[0]["ids"]) == {
        created["_id"], "P332501200101"}


def test_a_dry_run_reports_without_importing_and_a_bad_header_refuses_the_file(registry, rpc):
    before = registry.posyandu.count_documents({})
    assert rpc.registry.import_posyandu(CSV, True)["accepted"] == 2
    assert registry.posyandu.count_documents({}) == before
    refused = rpc.registry.import_posyandu("nomor,nama\n1,2\n")
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "file"


def test_posyandu_are_found_by_filters_and_keep_unique_registration_numbers(registry, rpc):
    ilp = rpc.registry.find_posyandu({"kabupaten_code": "21.71", "ilp": True}, 1, 10)
    assert ilp["total"] == 428 and len(ilp["items"]) == 10
    taken = rpc.registry.create_posyandu({"registration_number": "3325012001.01", "name": "Posyandu Ganda",
                                          "desa_code": "33.25.01.2001"})
    assert taken["status"] == 409
    made = rpc.registry.create_posyandu({"registration_number": "NEW-77", "name": "Posyandu Baru",
                                         "desa_code": "21.71.01.1002", "kader": ["Ani"]})["item"]
    assert made["kabupaten_code"] == "21.71" and made["id"].startswith("P2171011002")
    assert rpc.registry.update_posyandu(made["id"], {"active": False})["item"]["active"] is False
    assert rpc.registry.find_posyandu({"q": "posyandu baru", "active": False})["total"] == 1


def test_opd_units_and_channels_and_rules_that_still_need_them(registry, rpc):
    opd = rpc.registry.create_opd({
        "kabupaten_code": "33.25", "short_code": "dinkes_gizi", "name": "UPT Gizi Dinkes Batang",
        "units": [{"code": "upt-gizi-01", "name": "UPT Gizi Batang", "kecamatan_code": "33.25.11"}],
        "channels": [{"type": "webhook", "url": "https://opd.example.go.id/simpul"}]})["item"]
    assert opd["channels"][0] == {"type": "rabbitmq", "queue": "simpul.opd.33.25.dinkes_gizi"}
    rule = rpc.registry.create_rule({"region_prefix": "33.25.11", "service_type": "kesehatan.balita",
                                     "opd_code": opd["id"], "unit_code": "upt-gizi-01"})["item"]
    assert rule["kabupaten_code"] == "33.25" and rule["valid_to"] is None
    blocked = rpc.registry.update_opd(opd["id"], {"units": []})
    assert blocked["status"] == 409 and rule["id"] in blocked["errors"][0]["message"]
    far = "2099-01-01"
    ended = rpc.registry.end_rule(rule["id"], far)["item"]
    assert ended["valid_to"] == far
    assert rpc.registry.find_rules({"kabupaten_code": "33.25", "opd_code": opd["id"]})["total"] == 1
    past = rpc.registry.create_rule({"region_prefix": "33.25", "service_type": "sosial.*",
                                     "opd_code": "33.25/dinsos", "valid_from": "2020-01-01"})
    assert past["status"] == 422 and past["errors"][0]["field"] == "valid_from"


def test_people_are_bound_where_their_role_acts(registry, rpc):
    kader = rpc.registry.create_person({"name": "Siti", "role": "kader", "posyandu_id": "P332501200101",
                                        "phone": "0812 3456 7890"})["item"]
    assert kader["kabupaten_code"] == "33.25" and kader["phone"] == "+6281234567890"
    head = rpc.registry.create_person({"name": "Dr. Budi", "role": "opd_head", "opd_code": "21.71/dinkes"})
    assert head["item"]["kabupaten_code"] == "21.71"
    wrong = rpc.registry.create_person({"name": "Tono", "role": "tph"})
    assert wrong["status"] == 422 and wrong["errors"][0]["field"] == "kabupaten_code"
    kaders = rpc.registry.find_people({"kabupaten_code": "33.25", "role": "kader"})["items"]
    assert kader["id"] in {k["id"] for k in kaders}
    assert all(k["role"] == "kader" and k["kabupaten_code"] == "33.25" for k in kaders)
    moved = rpc.registry.update_person(kader["id"], {"posyandu_id": "P217101100201"})
    assert moved["item"]["kabupaten_code"] == "21.71"
    assert rpc.registry.update_person(kader["id"], {"role": "admin"})["status"] == 422


def test_every_admin_change_is_audited_with_its_actor_and_never_a_value(registry, rpc):
    actor = {"role": "admin", "id": "u-admin-audit", "name": "Admin Uji", "opd_code": None,
             "posyandu_id": None, "kabupaten_code": None}
    person = rpc.registry.create_person({"name": "Petugas Audit", "role": "tph",
                                         "kabupaten_code": "33.25", "phone": "081234567890"},
                                        actor=actor)["item"]
    rpc.registry.update_person(person["id"], {"active": False}, actor=actor)
    refused = rpc.registry.update_person(person["id"], {"role": "raja"}, actor=actor)
    assert refused["status"] == 422                         # refused: nothing changed, no entry
    rpc.registry.set_password(person["id"], "kata-sandi-audit-1", actor=actor)
    log = rpc.registry.audit_log({"actor_id": "u-admin-audit"}, 1, 50)
    assert [e["action"] for e in log["items"]] == [   # newest first
        "person.set_password", "person.update", "person.create"]
    assert log["total"] == 3
    assert all(e["target"] == {"type": "person", "id": person["id"]} for e in log["items"])
    assert all(e["actor"]["id"] == "u-admin-audit" and e["actor"]["role"] == "admin"
               and e["service"] == "registry" for e in log["items"])
    assert log["items"][1]["details"] == {"fields": ["active"]}
    assert "081234567890" not in str(log) and "kata-sandi-audit-1" not in str(log)
    only_updates = rpc.registry.audit_log({"action": "person.update", "target_id": person["id"]})
    assert [e["action"] for e in only_updates["items"]] == ["person.update"]


def test_a_change_without_an_actor_is_the_systems(registry, rpc):
    made = rpc.registry.create_opd({"kabupaten_code": "33.25", "short_code": "dukcapil",
                                    "name": "Dinas Kependudukan dan Pencatatan Sipil"})
    assert "item" in made, made
    entry = rpc.registry.audit_log({"target_id": made["item"]["id"]})["items"][0]
    assert (entry["action"], entry["actor"]["id"], entry["actor"]["kind"]) == (
        "opd.create", "system", "system")


def test_the_registry_refuses_a_change_by_anyone_but_an_admin(registry, rpc):
    kader = {"role": "kader", "id": "u-kader", "posyandu_id": "P332501200101"}
    refused = rpc.registry.create_opd({"kabupaten_code": "33.25", "short_code": "nakal",
                                       "name": "OPD Tidak Sah"}, actor=kader)
    assert (refused["status"], refused["errors"][0]["field"]) == (403, "actor")
    assert rpc.registry.get_opd("33.25/nakal") is None
    assert rpc.registry.audit_log({"actor_id": "u-kader"})["total"] == 0
