import lokal
import pytest
from pydantic import ValidationError

from simpul_common.catalogue import REPORT_KINDS, SERVICE_TYPES
from simpul_gateway.schemas import CitizenIn, ReportIn
from simpul_gateway.schemas.people import PersonIn

# 33.25.01 (Wonotunggal), born 1 Jan 1990; women add 40 to the day
NIK_MAN = "332501" + "010190" + "0001"
NIK_WOMAN = "332501" + "410190" + "0002"


def report(**overrides):
    return {"desa_code": "33.25.01.2001", "posyandu_id": "P332501200101",
            "service_type": "kesehatan.balita", "kind": "service_need",
            "description": "Balita belum ditimbang tiga bulan", **overrides}


def error_fields(exc):
    return {tuple(e["loc"]) for e in exc.value.errors()}


def test_the_example_niks_are_what_they_claim_to_be():
    man, woman = lokal.parse_nik(NIK_MAN), lokal.parse_nik(NIK_WOMAN)
    assert (man.valid, man.gender, man.birth_date) == (True, "L", "1990-01-01")
    assert (woman.valid, woman.gender, woman.birth_date) == (True, "P", "1990-01-01")


def test_a_complete_report_is_accepted():
    parsed = ReportIn.model_validate(report(citizen={"name": "Siti", "nik": NIK_WOMAN,
                                                     "phone": "081234567890",
                                                     "birth_date": "1990-01-01"}))
    assert parsed.citizen.nik == NIK_WOMAN
    assert parsed.citizen.birth_date.isoformat() == "1990-01-01"


def test_a_report_without_a_citizen_is_accepted():
    assert ReportIn.model_validate(report()).citizen is None


def test_an_unknown_field_of_a_report_is_refused():
    with pytest.raises(ValidationError) as exc:
        ReportIn.model_validate(report(priority="high"))
    assert ("priority",) in error_fields(exc)


def test_an_unknown_field_of_a_citizen_is_refused():
    with pytest.raises(ValidationError) as exc:
        ReportIn.model_validate(report(citizen={"name": "Siti", "religion": "x"}))
    assert ("citizen", "religion") in error_fields(exc)


@pytest.mark.parametrize("desa_code", ["33.25.01", "33.25.01.0001", "33.25.01.4001", "3325012001",
                                       "33.25.1.2001", "33.25.01.2001.1", "aa.bb.cc.2001", ""])
def test_a_desa_code_not_of_the_kemendagri_form_is_refused(desa_code):
    with pytest.raises(ValidationError) as exc:
        ReportIn.model_validate(report(desa_code=desa_code))
    assert ("desa_code",) in error_fields(exc)


def test_surrounding_whitespace_is_stripped_before_checking():
    parsed = ReportIn.model_validate(report(desa_code=" 33.25.01.2001 ", posyandu_id=" P1 "))
    assert (parsed.desa_code, parsed.posyandu_id) == ("33.25.01.2001", "P1")


@pytest.mark.parametrize("service_type", SERVICE_TYPES)
def test_every_service_type_of_the_catalogue_is_accepted(service_type):
    assert ReportIn.model_validate(report(service_type=service_type)).service_type == service_type


@pytest.mark.parametrize("service_type", ["kesehatan.*", "kesehatan", "kesehatan.flu", ""])
def test_a_service_type_outside_the_catalogue_is_refused(service_type):
    with pytest.raises(ValidationError):
        ReportIn.model_validate(report(service_type=service_type))


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_every_report_kind_is_accepted(kind):
    assert ReportIn.model_validate(report(kind=kind)).kind == kind


def test_an_unknown_report_kind_is_refused():
    with pytest.raises(ValidationError):
        ReportIn.model_validate(report(kind="praise"))


@pytest.mark.parametrize("description", ["", "ok", "x" * 4001])
def test_a_description_too_short_or_too_long_is_refused(description):
    with pytest.raises(ValidationError):
        ReportIn.model_validate(report(description=description))


@pytest.mark.parametrize("nik", [
    NIK_MAN[:-1],                    # 15 digits
    NIK_MAN + "1",                   # 17 digits
    "332501" + "320190" + "0001",    # day 32
    "332501" + "011390" + "0001",    # month 13
    "332501" + "010190" + "0000",    # serial 0000
    "992501" + "010190" + "0001",    # no province 99
    "33250101019O0001",              # letter O
])
def test_an_invalid_nik_is_refused(nik):
    with pytest.raises(ValidationError) as exc:
        CitizenIn.model_validate({"nik": nik})
    assert ("nik",) in error_fields(exc)


def test_a_refused_nik_error_is_in_bahasa_indonesia():
    with pytest.raises(ValidationError) as exc:
        CitizenIn.model_validate({"nik": "1234"})
    assert "bukan NIK yang sah" in str(exc.value)


@pytest.mark.parametrize("phone", ["081234567890", "0812-3456-7890", "+62 812 3456 7890",
                                   "6281234567890", "+6281234567890"])
def test_a_mobile_number_is_normalised_to_e164(phone):
    assert CitizenIn.model_validate({"phone": phone}).phone == "+6281234567890"


@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0100", "nomor saya", "0812345678901234"])
def test_a_phone_number_that_is_not_indonesian_is_refused(phone):
    with pytest.raises(ValidationError) as exc:
        CitizenIn.model_validate({"phone": phone})
    assert ("phone",) in error_fields(exc)


def test_every_citizen_field_is_optional():
    assert CitizenIn.model_validate({}).model_dump(exclude_none=True) == {}


def test_an_empty_name_is_refused():
    with pytest.raises(ValidationError):
        CitizenIn.model_validate({"name": "   "})


@pytest.mark.parametrize("email", ["siti@desa.1", "siti@desa", "siti @desa.id", "siti@desa.id."])
def test_an_email_the_registry_would_refuse_is_refused_at_the_gateway(email):
    with pytest.raises(ValidationError) as exc:
        PersonIn.model_validate({"name": "Siti Aminah", "role": "viewer", "email": email})
    assert ("email",) in error_fields(exc)
