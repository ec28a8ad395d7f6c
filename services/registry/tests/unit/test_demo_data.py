from collections import Counter

import pytest

from simpul_common import contracts
from simpul_common.catalogue import SERVICE_TYPES
from simpul_registry.domain import credentials, demo
from simpul_registry.regions_source import region_tree
from simpul_common.routing_rules import Rule, pick_rule


def parts(kabupaten_code):
    tree = region_tree(kabupaten_code)
    kabupaten = next(r for r in tree if r["code"] == kabupaten_code)
    kecamatan = [r for r in tree if r["level"] == "kecamatan"]
    desa = [r for r in tree if r["level"] == "desa"]
    return kabupaten, kecamatan, desa


@pytest.fixture(scope="module", params=demo.DEMO_KABUPATEN)
def kabupaten(request):
    return parts(request.param)


def as_served(rule):
    """A rule as the registry serves it (`_id` renamed to `id`)."""
    served = dict(rule)
    served["id"] = served.pop("_id")
    return Rule.from_dict(served)


def test_batam_has_574_posyandu_of_which_428_run_ilp():
    _, _, desa = parts("21.71")
    posyandu = demo.posyandu("21.71", desa)
    assert len(posyandu) == 574
    assert sum(p["ilp"] for p in posyandu) == 428


def test_batang_has_1236_posyandu():
    _, _, desa = parts("33.25")
    assert len(demo.posyandu("33.25", desa)) == 1236


def test_posyandu_are_spread_evenly_over_every_desa(kabupaten):
    k, _, desa = kabupaten
    per_desa = Counter(p["desa_code"] for p in demo.posyandu(k["code"], desa))
    assert set(per_desa) == {d["code"] for d in desa}
    assert max(per_desa.values()) - min(per_desa.values()) <= 1


def test_posyandu_ids_and_names_are_unique(kabupaten):
    k, _, desa = kabupaten
    posyandu = demo.posyandu(k["code"], desa)
    assert len({p["_id"] for p in posyandu}) == len(posyandu)
    assert len({(p["desa_code"], p["name"]) for p in posyandu}) == len(posyandu)


def test_posyandu_sit_in_the_right_kecamatan_and_kabupaten(kabupaten):
    k, kecamatan, desa = kabupaten
    kecamatan_codes = {c["code"] for c in kecamatan}
    for p in demo.posyandu(k["code"], desa):
        assert p["kecamatan_code"] in kecamatan_codes
        assert p["desa_code"].startswith(p["kecamatan_code"] + ".")
        assert p["kabupaten_code"] == k["code"]


def test_the_demo_posyandu_are_the_same_on_every_run(kabupaten):
    k, _, desa = kabupaten
    assert demo.posyandu(k["code"], desa) == demo.posyandu(k["code"], list(reversed(desa)))


def test_ilp_posyandu_are_the_six_spm_posyandu(kabupaten):
    k, _, desa = kabupaten
    assert all(p["ilp"] == p["six_spm"] for p in demo.posyandu(k["code"], desa))


def test_every_kabupaten_has_the_eight_typical_opd(kabupaten):
    k, kecamatan, _ = kabupaten
    opds = demo.opds(k, kecamatan)
    assert {o["_id"] for o in opds} == {f"{k['code']}/{code}" for code in (
        "disdik", "dinkes", "dpupr", "disperkim", "satpolpp", "bpbd", "damkar", "dinsos")}
    assert all(o["name"].endswith(k["name"]) for o in opds)


def test_dinkes_has_one_puskesmas_per_kecamatan(kabupaten):
    k, kecamatan, _ = kabupaten
    dinkes = next(o for o in demo.opds(k, kecamatan) if o["short_code"] == "dinkes")
    assert sorted(u["kecamatan_code"] for u in dinkes["units"]) == sorted(c["code"] for c in kecamatan)


def test_each_opd_channel_is_its_contract_queue(kabupaten):
    k, kecamatan, _ = kabupaten
    for opd in demo.opds(k, kecamatan):
        assert opd["channels"] == [{"type": "rabbitmq",
                                    "queue": contracts.opd_queue_name(opd["_id"])}]


def test_routing_rule_ids_are_unique(kabupaten):
    k, kecamatan, _ = kabupaten
    rules = demo.routing_rules(k["code"], kecamatan)
    assert len({r["_id"] for r in rules}) == len(rules)


def test_every_service_type_is_routed_to_a_known_opd_in_every_kecamatan(kabupaten):
    k, kecamatan, _ = kabupaten
    rules = [as_served(r) for r in demo.routing_rules(k["code"], kecamatan)]
    opd_codes = {o["_id"] for o in demo.opds(k, kecamatan)}
    for kec in kecamatan:
        for service_type in SERVICE_TYPES:
            rule = pick_rule(rules, service_type, kec["code"] + ".2001", "2026-06-01")
            assert rule is not None, (kec["code"], service_type)
            assert rule.opd_code in opd_codes


def test_health_cases_go_to_the_puskesmas_of_their_kecamatan(kabupaten):
    k, kecamatan, _ = kabupaten
    rules = [as_served(r) for r in demo.routing_rules(k["code"], kecamatan)]
    for kec in kecamatan:
        rule = pick_rule(rules, "kesehatan.balita", kec["code"] + ".2001", "2026-06-01")
        assert rule.opd_code == f"{k['code']}/dinkes"
        assert rule.unit_code == f"puskesmas-{kec['code']}"


def test_fires_go_to_damkar_and_public_order_to_satpolpp():
    k, kecamatan, _ = parts("33.25")
    rules = [as_served(r) for r in demo.routing_rules("33.25", kecamatan)]
    fire = pick_rule(rules, "trantibumlinmas.penyelamatan_kebakaran", "33.25.01.2001", "2026-06-01")
    order = pick_rule(rules, "trantibumlinmas.ketertiban_umum", "33.25.01.2001", "2026-06-01")
    assert (fire.opd_code, order.opd_code) == ("33.25/damkar", "33.25/satpolpp")


def test_demo_rules_are_not_in_force_before_they_start():
    _, kecamatan, _ = parts("33.25")
    rules = [as_served(r) for r in demo.routing_rules("33.25", kecamatan)]
    assert pick_rule(rules, "kesehatan.balita", "33.25.01.2001", "2025-12-31") is None


def test_demo_usernames_follow_who_dot_place_and_are_unique():
    names = {}
    for code in demo.DEMO_KABUPATEN:
        k, _, desa = parts(code)
        for person in demo.people(k, demo.posyandu(code, desa)[0]):
            names[person["username"]] = person
    names["admin"] = demo.admin()
    assert len(names) == 1 + 2 * (3 + 2 * len(demo.OPD_TEMPLATES))
    assert all(credentials.USERNAME.fullmatch(name) for name in names)
    assert names["kader.batang"]["role"] == "kader" and names["tph.batam"]["role"] == "tph"
    assert names["viewer.batang"]["role"] == "viewer"
    assert names["dinkes.batang"]["opd_code"] == "33.25/dinkes"
    assert names["kepala.dinsos.batam"]["role"] == "opd_head"
    assert names["kepala.dinsos.batam"]["opd_code"] == "21.71/dinsos"


def test_the_demo_admin_is_national():
    admin = demo.admin()
    assert admin["_id"] == demo.person_id("admin") and admin["name"] == "Admin Simpul"
    assert (admin["role"], admin["kabupaten_code"], admin["username"]) == ("admin", None, "admin")
