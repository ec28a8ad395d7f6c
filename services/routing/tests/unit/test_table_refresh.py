"""A registry change makes routing forget the routing table it touches, and only that."""
from simpul_common import contracts
from simpul_common.cache import TtlCache
from simpul_routing.usecases import refresh_tables


def cached_tables():
    tables = TtlCache(300)
    for code in ("33.25", "21.71"):
        tables.get(code, lambda code=code: {"kabupaten_code": code, "rules": []})
    return tables


def change(entity, region):
    return contracts.RegistryChanged(entity=entity, region=region, changed_at=contracts.utc_now())


def reloaded(tables):
    return {code for code in ("33.25", "21.71")
            if tables.get(code, lambda: "reloaded") == "reloaded"}


def test_a_rule_change_drops_the_table_of_its_kabupaten_only():
    tables = cached_tables()
    refresh_tables(change("routing_rule", "33.25"), tables)
    assert reloaded(tables) == {"33.25"}


def test_a_catalogue_change_drops_every_table():
    tables = cached_tables()
    refresh_tables(change("service_type", ""), tables)
    assert reloaded(tables) == {"33.25", "21.71"}


def test_changes_routing_does_not_decide_by_keep_the_tables():
    tables = cached_tables()
    for entity in ("posyandu", "person", "region"):
        refresh_tables(change(entity, "33.25"), tables)
    assert reloaded(tables) == set()
