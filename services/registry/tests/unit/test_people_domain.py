import pytest

from simpul_registry.domain import people
from simpul_registry.domain.checks import Rejected

POSYANDU = {"P332501200101": {"id": "P332501200101", "kabupaten_code": "33.25"},
            "P217101100101": {"id": "P217101100101", "kabupaten_code": "21.71"}}
OPDS = {"33.25/dinkes": {"id": "33.25/dinkes", "kabupaten_code": "33.25"}}
KABUPATEN = {"33.25": {"code": "33.25"}, "21.71": {"code": "21.71"}}
LOOKUPS = (POSYANDU.get, OPDS.get, KABUPATEN.get)
KADER = {"name": "Siti Aminah", "role": "kader", "posyandu_id": "P332501200101"}


def errors_of(data):
    with pytest.raises(Rejected) as rejected:
        people.checked(data, *LOOKUPS)
    assert rejected.value.status == 422
    return {e["field"]: e["message"] for e in rejected.value.errors}


def test_a_kader_takes_the_kabupaten_of_the_posyandu():
    assert people.checked(KADER, *LOOKUPS) == {
        **KADER, "opd_code": None, "kabupaten_code": "33.25", "phone": None, "email": None,
        "active": True}


@pytest.mark.parametrize("role", ["opd_officer", "opd_head"])
def test_opd_people_take_the_kabupaten_of_the_opd(role):
    person = people.checked({"name": "Budi", "role": role, "opd_code": "33.25/dinkes"}, *LOOKUPS)
    assert (person["opd_code"], person["kabupaten_code"]) == ("33.25/dinkes", "33.25")


def test_tph_is_bound_to_a_kabupaten_and_admins_and_viewers_may_be():
    assert people.checked({"name": "Ani", "role": "tph", "kabupaten_code": "21.71"},
                          *LOOKUPS)["kabupaten_code"] == "21.71"
    assert people.checked({"name": "Ani", "role": "admin", "kabupaten_code": "33.25"},
                          *LOOKUPS)["kabupaten_code"] == "33.25"
    assert people.checked({"name": "Ani", "role": "viewer"}, *LOOKUPS)["kabupaten_code"] is None


@pytest.mark.parametrize("data, field", [
    ({**KADER, "posyandu_id": "P999"}, "posyandu_id"),
    ({**KADER, "posyandu_id": None}, "posyandu_id"),
    ({"name": "Budi", "role": "opd_head", "opd_code": "33.25/damkar"}, "opd_code"),
    ({"name": "Ani", "role": "tph"}, "kabupaten_code"),
    ({"name": "Ani", "role": "tph", "kabupaten_code": "33.99"}, "kabupaten_code"),
    ({"name": "Ani", "role": "admin", "kabupaten_code": "33.25.01"}, "kabupaten_code"),
    ({"name": "Ani", "role": "admin", "kabupaten_code": ["33.25"]}, "kabupaten_code")])
def test_a_missing_or_unknown_binding_is_refused(data, field):
    assert list(errors_of(data)) == [field]


@pytest.mark.parametrize("data, field", [
    ({**KADER, "kabupaten_code": "33.25"}, "kabupaten_code"),
    ({**KADER, "opd_code": "33.25/dinkes"}, "opd_code"),
    ({"name": "Ani", "role": "tph", "kabupaten_code": "33.25", "posyandu_id": "P332501200101"},
     "posyandu_id")])
def test_a_binding_that_does_not_fit_the_role_is_refused(data, field):
    assert errors_of(data) == {field: f"tidak berlaku untuk peran {data['role']}"}


def test_the_phone_is_normalised_and_the_email_lower_cased():
    person = people.checked({**KADER, "phone": "0812-3456-7890", "email": " Siti@Example.ORG "},
                            *LOOKUPS)
    assert (person["phone"], person["email"]) == ("+6281234567890", "siti@example.org")


def test_a_phone_sealed_by_the_gateway_is_kept_as_it_came():
    from simpul_common import sealing
    token = sealing.seal(sealing.load_key(sealing.new_key()), {"phone": "+6281234567890"},
                         sealing.PERSON_PHONE)
    assert people.checked({**KADER, "phone": token}, *LOOKUPS)["phone"] == token


@pytest.mark.parametrize("field, value", [
    ("phone", "12345"), ("phone", 81234567890), ("email", "siti@example"),
    ("email", "siti example.org"), ("name", "S"), ("active", "ya"), ("role", "superadmin"),
    ("nik", "3325")])
def test_a_bad_field_is_refused_by_name(field, value):
    assert field in errors_of({**KADER, field: value})


STORED = {"id": "u-1", **people.checked(KADER, *LOOKUPS)}


def changed(changes):
    return people.changed(STORED, changes, *LOOKUPS)


def test_moving_a_kader_to_a_posyandu_of_another_kabupaten_moves_the_kabupaten():
    person = changed({"posyandu_id": "P217101100101"})
    assert person == {**people.checked(KADER, *LOOKUPS), "_id": "u-1",
                      "posyandu_id": "P217101100101", "kabupaten_code": "21.71"}


def test_a_change_keeps_the_rest_and_may_clear_the_phone():
    person = people.changed({**STORED, "phone": "+6281234567890"}, {"phone": None, "active": False},
                            *LOOKUPS)
    assert (person["name"], person["phone"], person["active"]) == ("Siti Aminah", None, False)


def test_an_admin_may_become_national_by_clearing_the_kabupaten():
    admin = {"id": "u-2", **people.checked({"name": "Ani", "role": "admin", "kabupaten_code": "33.25"},
                                           *LOOKUPS)}
    assert people.changed(admin, {"kabupaten_code": None}, *LOOKUPS)["kabupaten_code"] is None


def test_the_role_cannot_change():
    with pytest.raises(Rejected) as rejected:
        changed({"role": "admin"})
    assert {"field": "role", "message": "tidak dapat diubah atau tidak dikenal"} in rejected.value.errors


def test_a_refused_role_change_reports_only_the_role():
    with pytest.raises(Rejected) as rejected:
        changed({"role": "admin"})
    assert [e["field"] for e in rejected.value.errors] == ["role"]


def test_a_kader_kabupaten_cannot_be_set_by_hand():
    with pytest.raises(Rejected) as rejected:
        changed({"kabupaten_code": "21.71"})
    assert [e["field"] for e in rejected.value.errors] == ["kabupaten_code"]
