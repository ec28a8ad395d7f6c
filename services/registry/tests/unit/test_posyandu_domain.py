import pytest

from simpul_registry.domain import posyandu
from simpul_registry.domain.checks import Rejected

DESA = {"33.25.01.2001": {"code": "33.25.01.2001"}, "33.25.02.2005": {"code": "33.25.02.2005"}}
desa_of = DESA.get
MAWAR = {"registration_number": "REG/33.25-001", "name": "Posyandu Mawar",
         "desa_code": "33.25.01.2001"}
STORED = {"id": "P332501200101", **MAWAR, "kecamatan_code": "33.25.01", "kabupaten_code": "33.25",
          "ilp": True, "six_spm": True, "active": True, "kader": ["Siti"]}


def refused(call, *args):
    with pytest.raises(Rejected) as rejected:
        call(*args)
    assert rejected.value.status == 422
    return {e["field"]: e["message"] for e in rejected.value.errors}


def test_a_new_posyandu_gets_its_defaults_and_its_regions_from_the_desa():
    assert posyandu.checked({**MAWAR, "kader": [" Siti ", "Ani"]}, desa_of) == {
        **MAWAR, "ilp": False, "six_spm": False, "active": True, "kader": ["Siti", "Ani"],
        "kecamatan_code": "33.25.01", "kabupaten_code": "33.25"}


def test_the_three_required_fields_are_named_when_missing():
    assert refused(posyandu.checked, {}, desa_of) == {
        "registration_number": "wajib diisi", "name": "wajib diisi", "desa_code": "wajib diisi"}


@pytest.mark.parametrize("number", ["AB", "-AB1", "AB1-", "AB#01", "A" * 41])
def test_a_badly_formed_registration_number_is_refused(number):
    assert "registration_number" in refused(
        posyandu.checked, {**MAWAR, "registration_number": number}, desa_of)


def test_the_desa_must_be_a_desa_code_known_to_the_registry():
    assert "bukan kode desa" in refused(
        posyandu.checked, {**MAWAR, "desa_code": "33.25.01"}, desa_of)["desa_code"]
    assert "tidak ada di registry" in refused(
        posyandu.checked, {**MAWAR, "desa_code": "33.25.09.2001"}, desa_of)["desa_code"]


@pytest.mark.parametrize("kader", ["Siti", ["S"], [None], ["Siti"] * 51])
def test_kader_must_be_a_short_list_of_names(kader):
    assert list(refused(posyandu.checked, {**MAWAR, "kader": kader}, desa_of)) == ["kader"]


def test_flags_must_be_booleans_and_unknown_columns_are_refused():
    errors = refused(posyandu.checked, {**MAWAR, "ilp": "ya", "colour": "red"}, desa_of)
    assert set(errors) == {"ilp", "colour"}


def test_a_change_keeps_what_it_does_not_touch_and_follows_a_new_desa():
    result = posyandu.changed(STORED, {"desa_code": "33.25.02.2005", "active": False}, desa_of)
    expected = {k: v for k, v in STORED.items() if k != "id"}
    assert result == {**expected, "_id": "P332501200101", "desa_code": "33.25.02.2005",
                      "kecamatan_code": "33.25.02", "active": False}


def test_an_empty_change_is_refused():
    assert list(refused(posyandu.changed, STORED, {}, desa_of)) == ["body"]


def test_a_change_is_checked_like_a_new_posyandu():
    assert set(refused(posyandu.changed, STORED, {"name": "", "desa_code": "33"}, desa_of)) == {
        "name", "desa_code"}


def test_an_unknown_field_in_a_change_is_reported_once():
    with pytest.raises(Rejected) as rejected:
        posyandu.changed(STORED, {"colour": "red"}, desa_of)
    assert [e["field"] for e in rejected.value.errors] == ["colour"]


def test_a_new_id_takes_the_first_free_number_of_the_desa():
    assert posyandu.new_id("33.25.01.2001", set()) == "P332501200101"
    assert posyandu.new_id("33.25.01.2001", {"P332501200101", "P332501200103"}) == "P332501200102"


def test_past_ninety_nine_the_id_number_has_three_digits():
    taken = {f"P3325012001{n:02d}" for n in range(1, 100)}
    assert posyandu.new_id("33.25.01.2001", taken) == "P3325012001100"
