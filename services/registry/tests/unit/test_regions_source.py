from collections import Counter

import pytest

from simpul_registry.regions_source import region_tree


@pytest.fixture(scope="module")
def batang():
    return region_tree("33.25")


@pytest.fixture(scope="module")
def batam():
    return region_tree("21.71")


def test_batang_has_15_kecamatan_239_desa_and_9_kelurahan(batang):
    assert Counter(r["level"] for r in batang) == {"province": 1, "kabupaten": 1,
                                                   "kecamatan": 15, "desa": 248}
    assert Counter(r["type"] for r in batang if r["level"] == "desa") == {"desa": 239,
                                                                          "kelurahan": 9}


def test_batam_has_12_kecamatan_and_64_kelurahan(batam):
    levels = Counter(r["level"] for r in batam)
    assert levels["kecamatan"] == 12
    assert levels["desa"] == 64
    assert all(r["type"] == "kelurahan" for r in batam if r["level"] == "desa")


def test_the_tree_starts_with_the_province_and_the_kabupaten(batang):
    assert [r["code"] for r in batang[:2]] == ["33", "33.25"]
    assert batang[0]["parent"] is None
    assert batang[1]["name"] == "Kabupaten Batang"


def test_every_region_hangs_under_a_region_of_the_tree(batang):
    codes = {r["code"] for r in batang}
    for region in batang[1:]:
        assert region["parent"] in codes, region["code"]
        assert region["code"].startswith(region["parent"] + ".")


def test_each_region_is_listed_once_with_its_code_as_id(batang):
    assert len({r["_id"] for r in batang}) == len(batang)
    assert all(r["_id"] == r["code"] for r in batang)


@pytest.mark.parametrize("code", ["33.99", "99.01"])
def test_an_unknown_kabupaten_is_refused(code):
    with pytest.raises(ValueError):
        region_tree(code)
