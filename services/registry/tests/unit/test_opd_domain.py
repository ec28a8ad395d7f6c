import pytest

from simpul_registry.domain import opd
from simpul_registry.domain.checks import Rejected

KECAMATAN = {"33.25.01", "33.25.02"}
PUSKESMAS = {"code": "pkm-wonotunggal", "name": "Puskesmas Wonotunggal", "kecamatan_code": "33.25.01"}
DINKES = {"kabupaten_code": "33.25", "short_code": "dinkes", "name": "Dinas Kesehatan",
          "units": [PUSKESMAS]}
QUEUE = {"type": "rabbitmq", "queue": "simpul.opd.33.25.dinkes"}


def errors_of(data, kecamatan=KECAMATAN):
    with pytest.raises(Rejected) as rejected:
        opd.checked(data, kecamatan)
    assert rejected.value.status == 422
    return {e["field"]: e["message"] for e in rejected.value.errors}


def test_an_opd_is_named_by_its_kabupaten_and_short_code_and_always_has_its_queue():
    assert opd.checked(DINKES, KECAMATAN) == {
        "_id": "33.25/dinkes", "kabupaten_code": "33.25", "short_code": "dinkes",
        "name": "Dinas Kesehatan", "active": True, "units": [PUSKESMAS], "channels": [QUEUE]}


def test_webhooks_and_email_come_after_the_queue_and_a_given_queue_is_ignored():
    channels = [{"type": "email", "address": "dinkes@batangkab.go.id"},
                {"type": "rabbitmq", "queue": "somewhere.else"},
                {"type": "webhook", "url": "https://dinkes.batangkab.go.id/simpul"}]
    assert opd.checked({**DINKES, "channels": channels}, KECAMATAN)["channels"] == [
        QUEUE, channels[0], channels[2]]


@pytest.mark.parametrize("channel", [
    {"type": "webhook", "url": "ftp://dinkes.batangkab.go.id/simpul"},
    {"type": "webhook", "url": "https://dinkes.batangkab.go.id", "secret": "x"},
    {"type": "email", "address": "dinkes@batangkab"},
    {"type": "sms", "number": "0812"}, "https://dinkes.batangkab.go.id"])
def test_a_channel_other_than_an_http_webhook_or_an_email_is_refused(channel):
    assert list(errors_of({**DINKES, "channels": [QUEUE, channel]})) == ["channels[1]"]


@pytest.mark.parametrize("short_code", ["Dinkes", "1dinkes", "d", "dinas-kesehatan", None])
def test_the_short_code_is_a_lower_case_identifier(short_code):
    assert "short_code" in errors_of({**DINKES, "short_code": short_code})


def test_a_unit_must_lie_in_a_kecamatan_of_the_kabupaten():
    unit = {**PUSKESMAS, "kecamatan_code": "21.71.01"}
    assert "kecamatan 21.71.01 tidak ada" in errors_of({**DINKES, "units": [unit]})["units[0]"]


def test_a_unit_without_kecamatan_is_fine():
    unit = {"code": "upt-lab", "name": "UPT Laboratorium"}
    assert opd.checked({**DINKES, "units": [unit]}, KECAMATAN)["units"] == [
        {**unit, "kecamatan_code": None}]


def test_unit_codes_are_unique_within_the_opd():
    twice = [PUSKESMAS, {**PUSKESMAS, "name": "Puskesmas Lain"}]
    assert errors_of({**DINKES, "units": twice}) == {
        "units[1]": "kode unit pkm-wonotunggal dipakai dua kali"}


@pytest.mark.parametrize("unit", [{**PUSKESMAS, "head": "dr. Ani"}, "pkm", {"code": "P", "name": "Pu"}])
def test_a_malformed_unit_is_refused(unit):
    assert list(errors_of({**DINKES, "units": [PUSKESMAS, unit]})) == ["units[1]"]


def test_a_kecamatan_code_that_is_not_text_is_refused_not_a_crash():
    unit = {**PUSKESMAS, "kecamatan_code": ["33.25.01"]}
    assert list(errors_of({**DINKES, "units": [unit]})) == ["units[0]"]


def test_units_channels_and_unknown_fields_are_all_reported():
    errors = errors_of({**DINKES, "units": "pkm", "channels": {}, "head": "x"})
    assert set(errors) == {"units", "channels", "head"}


def test_a_change_keeps_the_rest_and_rebuilds_the_queue():
    current = {**opd.checked(DINKES, KECAMATAN), "id": "33.25/dinkes"}
    result = opd.changed(current, {"active": False, "units": []}, KECAMATAN)
    assert result == {**opd.checked(DINKES, KECAMATAN), "active": False, "units": []}


def refused_change(changes):
    current = {**opd.checked(DINKES, KECAMATAN), "id": "33.25/dinkes"}
    with pytest.raises(Rejected) as rejected:
        opd.changed(current, changes, KECAMATAN)
    return rejected.value.errors


@pytest.mark.parametrize("field", ["kabupaten_code", "_id", "colour"])
def test_a_change_may_not_move_the_opd_or_add_fields(field):
    assert refused_change({field: "x"}) == [
        {"field": field, "message": "tidak dapat diubah atau tidak dikenal"}]


def test_a_change_may_not_rename_the_short_code():
    assert {"field": "short_code", "message": "tidak dapat diubah atau tidak dikenal"} in \
        refused_change({"short_code": "dinas_kesehatan"})


def test_a_refused_short_code_change_is_reported_once():
    assert [e["field"] for e in refused_change({"short_code": "dinas_kesehatan"})] == ["short_code"]
