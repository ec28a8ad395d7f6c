import pytest

from simpul_registry.domain.checks import Problems, Rejected, conflict, not_found, only


def test_a_rejection_carries_its_status_and_every_error():
    rejected = Rejected(422, [{"field": "name", "message": "wajib diisi"},
                              {"field": "kader", "message": "terlalu banyak"}])
    assert str(rejected) == "422: name: wajib diisi; kader: terlalu banyak"
    assert rejected.result() == {"status": 422, "errors": rejected.errors}


def test_not_found_is_404_and_conflict_is_409():
    assert not_found("id", "tidak ada").result() == {
        "status": 404, "errors": [{"field": "id", "message": "tidak ada"}]}
    assert conflict("registration_number", "sudah dipakai").status == 409


def test_problems_raise_only_when_there_are_some():
    problems = Problems()
    problems.raise_if_any()
    problems.add("name", "wajib diisi")
    assert not problems.ok("name") and problems.ok("kader")
    with pytest.raises(Rejected) as rejected:
        problems.raise_if_any()
    assert rejected.value.status == 422
    assert rejected.value.errors == [{"field": "name", "message": "wajib diisi"}]


def test_text_is_stripped_and_checked_for_length_and_pattern():
    problems = Problems()
    assert problems.text({"name": "  Mawar "}, "name", 3, 10) == "Mawar"
    assert problems.text({"name": "ab "}, "name", 3, 10) is None
    assert problems.text({"code": "Dinkes"}, "code", 2, 10, r"[a-z]+") is None
    assert problems.text({"code": 12}, "code", 2, 10) is None
    assert [e["message"] for e in problems.errors] == [
        "harus teks 3–10 karakter", "bentuknya tidak sesuai", "harus teks 2–10 karakter"]


def test_a_missing_text_is_refused_only_when_required():
    problems = Problems()
    assert problems.text({}, "name", 3, 10, required=False) is None
    assert problems.errors == []
    problems.text({"name": None}, "name", 3, 10)
    assert problems.errors == [{"field": "name", "message": "wajib diisi"}]


def test_boolean_defaults_when_absent_or_null_and_refuses_anything_else():
    problems = Problems()
    assert problems.boolean({}, "active", True) is True
    assert problems.boolean({"active": None}, "active", True) is True
    assert problems.boolean({"active": False}, "active", True) is False
    assert problems.ok("active")
    problems.boolean({"active": "ya"}, "active", True)
    assert not problems.ok("active")


@pytest.mark.parametrize("value", [0, 31, True, "3", 2.0, None])
def test_number_refuses_anything_but_an_integer_in_bounds(value):
    problems = Problems()
    assert problems.number({"days": value}, "days", 1, 30) is None
    assert problems.errors == [{"field": "days", "message": "harus bilangan bulat 1–30"}]


def test_number_accepts_the_bounds():
    problems = Problems()
    assert [problems.number({"d": d}, "d", 1, 30) for d in (1, 30)] == [1, 30]
    assert problems.errors == []


def test_date_is_an_iso_day_or_refused():
    problems = Problems()
    assert problems.date({"valid_from": "2026-03-01"}, "valid_from") == "2026-03-01"
    assert problems.date({}, "valid_from") is None and problems.errors == []
    for bad in ("2026-02-30", "01/03/2026", 20260301):
        assert problems.date({"valid_from": bad}, "valid_from") is None
    assert [e["message"] for e in problems.errors] == ["harus tanggal YYYY-MM-DD"] * 3


def test_a_required_date_must_be_given():
    problems = Problems()
    problems.date({}, "valid_to", required=True)
    assert problems.errors == [{"field": "valid_to", "message": "wajib diisi"}]


@pytest.mark.parametrize("changes", [{}, None, ["name"]])
def test_an_empty_or_shapeless_change_is_refused_as_a_whole(changes):
    assert only(changes, {"name"}).errors == [{"field": "body", "message": "tidak ada perubahan"}]


def test_only_names_every_field_a_change_may_not_touch():
    problems = only({"name": "x", "role": "admin", "id": "1"}, {"name"})
    assert [e["field"] for e in problems.errors] == ["id", "role"]
