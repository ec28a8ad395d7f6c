import pytest

from simpul_common.regions import (ancestors_and_self, is_desa_code, is_region_code,
                                   kabupaten_of, level_of, timezone_of)


@pytest.mark.parametrize("code, level", [
    ("33", "province"), ("33.25", "kabupaten"), ("33.25.01", "kecamatan"),
    ("33.25.01.2001", "desa"), ("21.71.01.1001", "desa"),
])
def test_level_of_follows_the_number_of_segments(code, level):
    assert level_of(code) == level


@pytest.mark.parametrize("code", ["", "3", "3325", "33.2", "33.25.1", "33.25.01.201",
                                  "33.25.01.2001.1", "aa.bb", "33-25", None, 3325])
def test_malformed_codes_are_not_region_codes(code):
    assert not is_region_code(code)
    with pytest.raises(ValueError):
        level_of(code)


@pytest.mark.parametrize("code", ["33.25.01.2001", "21.71.01.1001", "33.25.01.3001"])
def test_desa_and_kelurahan_codes_are_desa_codes(code):
    assert is_desa_code(code)


@pytest.mark.parametrize("code", ["33.25.01", "33.25", "33.25.01.0001", "33.25.01.4001",
                                  "33.25.01.2001 ", None])
def test_other_codes_are_not_desa_codes(code):
    assert not is_desa_code(code)


def test_ancestors_and_self_lists_the_chain_from_the_province_down():
    assert ancestors_and_self("33.25.01.2001") == ["33", "33.25", "33.25.01", "33.25.01.2001"]
    assert ancestors_and_self("33") == ["33"]


def test_kabupaten_of_a_desa_and_of_a_kabupaten():
    assert kabupaten_of("33.25.01.2001") == "33.25"
    assert kabupaten_of("21.71") == "21.71"


def test_a_province_is_not_inside_a_kabupaten():
    with pytest.raises(ValueError):
        kabupaten_of("33")


@pytest.mark.parametrize("code, zone", [
    ("33.25.01.2001", "Asia/Jakarta"),   # Jawa Tengah
    ("21.71", "Asia/Jakarta"),           # Kepulauan Riau
    ("62.01", "Asia/Jakarta"),           # Kalimantan Tengah
    ("51.71", "Asia/Makassar"),          # Bali
    ("64.72", "Asia/Makassar"),          # Kalimantan Timur
    ("73.71", "Asia/Makassar"),          # Sulawesi Selatan
    ("81.71", "Asia/Jayapura"),          # Maluku
    ("94.71", "Asia/Jayapura"),          # Papua
])
def test_timezone_of_follows_the_province(code, zone):
    assert timezone_of(code) == zone
