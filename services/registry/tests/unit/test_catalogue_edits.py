import pytest

from simpul_registry.domain.catalogue import edited, service_type_entries
from simpul_registry.domain.checks import Rejected


def entry(code):
    return next(e for e in service_type_entries() if e["_id"] == code)


def refused(current, changes):
    with pytest.raises(Rejected) as rejected:
        edited(current, changes)
    assert rejected.value.status == 422
    return rejected.value.errors


def fields(errors):
    return [e["field"] for e in errors]


def test_an_admin_relabels_a_service_type_and_the_rest_stays():
    current = entry("pendidikan.paud")
    result = edited(current, {"label_id": "  PAUD  ", "label_en": "Early years"})
    assert result == {**current, "label_id": "PAUD", "label_en": "Early years"}


def test_a_label_must_be_two_to_two_hundred_characters():
    errors = refused(entry("pendidikan.paud"), {"label_id": "P", "label_en": None})
    assert fields(errors) == ["label_id", "label_en"]


def test_a_health_type_takes_a_known_ilp_cluster_or_none():
    current = entry("kesehatan.balita")
    assert edited(current, {"ilp_cluster": "penyakit_menular"})["ilp_cluster"] == "penyakit_menular"
    assert edited(current, {"ilp_cluster": None})["ilp_cluster"] is None
    assert fields(refused(current, {"ilp_cluster": "lansia"})) == ["ilp_cluster"]


def test_an_ilp_cluster_is_refused_outside_health():
    errors = refused(entry("sosial.anak_terlantar"), {"ilp_cluster": "ibu_anak"})
    assert errors == [{"field": "ilp_cluster",
                       "message": "klaster ILP hanya untuk layanan kesehatan"}]
    assert edited(entry("sosial.anak_terlantar"), {"ilp_cluster": None})["ilp_cluster"] is None


def test_an_ilp_cluster_that_is_not_text_is_refused_not_a_crash():
    assert fields(refused(entry("kesehatan.balita"), {"ilp_cluster": ["ibu_anak"]})) == ["ilp_cluster"]


def test_the_norms_can_be_changed_within_their_bounds():
    result = edited(entry("pendidikan.paud"), {"acknowledge_working_days": 30,
                                                "follow_up_working_days": 60, "resolve_days": 365})
    assert (result["acknowledge_working_days"], result["follow_up_working_days"],
            result["resolve_days"]) == (30, 60, 365)


@pytest.mark.parametrize("field, value", [
    ("acknowledge_working_days", 0), ("acknowledge_working_days", 31),
    ("follow_up_working_days", 61), ("resolve_days", 366), ("resolve_days", "60"),
    ("resolve_days", True)])
def test_a_norm_out_of_bounds_is_refused(field, value):
    assert fields(refused(entry("pendidikan.paud"), {field: value})) == [field]


def test_follow_up_may_not_be_shorter_than_acknowledge():
    current = entry("pendidikan.paud")  # acknowledge 3, follow up 5
    assert edited(current, {"follow_up_working_days": 3})["follow_up_working_days"] == 3
    assert fields(refused(current, {"follow_up_working_days": 2})) == ["follow_up_working_days"]
    assert fields(refused(current, {"acknowledge_working_days": 6})) == ["follow_up_working_days"]


def test_a_bad_norm_is_not_also_compared_with_the_other():
    errors = refused(entry("pendidikan.paud"), {"acknowledge_working_days": 99})
    assert errors == [{"field": "acknowledge_working_days", "message": "harus bilangan bulat 1–30"}]


@pytest.mark.parametrize("field", ["spm_area", "_id", "area_label_id", "colour"])
def test_fields_outside_the_editable_ones_are_refused(field):
    errors = refused(entry("pendidikan.paud"), {field: "x"})
    assert errors == [{"field": field, "message": "tidak dapat diubah atau tidak dikenal"}]


def test_an_empty_change_is_refused():
    assert fields(refused(entry("pendidikan.paud"), {})) == ["body"]


def test_every_bad_field_is_reported_at_once():
    errors = refused(entry("sosial.anak_terlantar"), {
        "spm_area": "kesehatan", "label_en": "", "ilp_cluster": "ibu_anak", "resolve_days": 0})
    assert sorted(fields(errors)) == ["ilp_cluster", "label_en", "resolve_days", "spm_area"]
