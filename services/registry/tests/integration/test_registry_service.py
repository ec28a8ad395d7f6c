"""The registry in a nameko container on the real broker and SecantusDB."""
from simpul_registry.repository import RegistryRepository
from simpul_registry.seed import seed_demo


def test_lists_the_posyandu_of_a_desa(registry, rpc):
    items = rpc.registry.list_posyandu("33.25.01.2001")
    assert items, "every demo desa has Posyandu"
    assert {p["desa_code"] for p in items} == {"33.25.01.2001"}
    assert all(p["id"] and p["name"].startswith("Posyandu ") for p in items)


def test_answers_posyandu_and_regions_by_code(registry, rpc):
    first = rpc.registry.list_posyandu("21.71.01.1002")[0]
    assert rpc.registry.get_posyandu(first["id"])["desa_code"] == "21.71.01.1002"
    assert rpc.registry.get_region("33.25")["name"] == "Kabupaten Batang"
    assert rpc.registry.get_region("33.25.01.2001")["level"] == "desa"
    assert rpc.registry.get_region("99.99") is None
    assert rpc.registry.get_region("not-a-code") is None
    assert rpc.registry.list_posyandu("33.25") == []


def test_answers_the_places_of_every_posyandu_of_a_kabupaten_at_once(registry, rpc):
    places = rpc.registry.posyandu_places("21.71")
    assert len(places) == 574
    first = rpc.registry.list_posyandu("21.71.01.1002")[0]
    assert places[first["id"]] == ["21.71.01.1002", True]
    assert all(desa.startswith("21.71.") for desa, _ in places.values())
    assert rpc.registry.posyandu_places("not-a-code") == {}


def test_demo_posyandu_counts_match_the_real_figures(registry):
    assert registry.posyandu.count_documents({"kabupaten_code": "21.71"}) == 574
    assert registry.posyandu.count_documents({"kabupaten_code": "21.71", "ilp": True}) == 428
    assert registry.posyandu.count_documents({"kabupaten_code": "33.25"}) == 1236
    kecamatan = {r["_id"] for r in registry.regions.find({"level": "kecamatan"})}
    with_posyandu = set(registry.posyandu.distinct("kecamatan_code"))
    assert kecamatan == with_posyandu


def test_routing_table_has_the_opd_and_norms_of_the_kabupaten(registry, rpc):
    table = rpc.registry.routing_table("21.71")
    assert set(table["opds"]) == {f"21.71/{c}" for c in (
        "disdik", "dinkes", "dpupr", "disperkim", "satpolpp", "bpbd", "damkar", "dinsos")}
    assert all(rule["kabupaten_code"] == "21.71" for rule in table["rules"])
    assert len(table["norms"]) == 29


def test_seeding_twice_changes_nothing(registry):
    before = registry.posyandu.count_documents({})
    seed_demo(RegistryRepository(registry), say=lambda _: None)
    assert registry.posyandu.count_documents({}) == before


def test_coverage_of_both_demo_kabupaten_is_complete(registry, rpc):
    for code, kecamatan in (("33.25", 15), ("21.71", 12)):
        coverage = rpc.registry.coverage(code, "2026-11-23")
        assert coverage["complete"] and coverage["gaps"] == []
        assert coverage["kecamatan"] == kecamatan


def test_a_deleted_rule_shows_up_as_a_gap(registry, rpc):
    rule = registry.routing_rules.find_one_and_delete({"_id": "demo:33.25:trantibumlinmas.ketertiban_umum"})
    try:
        gaps = rpc.registry.coverage("33.25", "2026-11-23")["gaps"]
    finally:
        registry.routing_rules.insert_one(rule)
    assert {g["service_type"] for g in gaps} == {"trantibumlinmas.ketertiban_umum"}
    assert len(gaps) == 15
    assert rpc.registry.coverage("33.25", "2026-11-23")["complete"]


def test_a_region_comes_with_its_ancestors_and_children(registry, rpc):
    region = rpc.registry.region_with_context("33.25.01")
    assert [a["code"] for a in region["ancestors"]] == ["33", "33.25"]
    assert region["children"] and all(c["parent"] == "33.25.01" for c in region["children"])
    assert rpc.registry.region_with_context("33.25.77") is None
