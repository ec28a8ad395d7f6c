import io
import logging

import pytest

from simpul_common.logs import MaskPersonalData, mask

NIK = "3325014101900001"


@pytest.fixture
def logged():
    """A logger whose handler masks, and a function returning what it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("simpul.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream.getvalue
    logger.removeHandler(handler)


def test_a_nik_in_the_message_arguments_is_masked(logged):
    logger, output = logged
    logger.info("laporan untuk NIK %s diterima", NIK)
    assert NIK not in output()
    assert "laporan untuk NIK [NIK] diterima" in output()


@pytest.mark.parametrize("phone", ["081234567890", "+6281234567890", "6281234567890", "0812345678"])
def test_an_indonesian_mobile_number_is_masked(logged, phone):
    logger, output = logged
    logger.warning("hubungi %s segera", phone)
    assert phone not in output()
    assert "hubungi [TELEPON] segera" in output()


def test_an_email_address_is_masked():
    assert mask("kirim ke ibu.sari+posyandu@desa.go.id ya") == "kirim ke [EMAIL] ya"


def test_a_record_without_personal_data_keeps_its_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "report %s routed to %s",
                               ("r-1", "33.25/dinkes"), None)
    assert MaskPersonalData().filter(record) is True
    assert record.args == ("r-1", "33.25/dinkes")
    assert record.getMessage() == "report r-1 routed to 33.25/dinkes"


def test_the_filter_never_drops_a_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "NIK %s", (NIK,), None)
    assert MaskPersonalData().filter(record) is True
    assert record.getMessage() == "NIK [NIK]"


@pytest.mark.parametrize("text", [
    "report 6f1c2a0e-5b1e-4c43-9d56-5e0b1a2d7c11",  # a uuid is not personal data
    "desa 33.25.01.2001",
    "hash " + "1" * 17,                              # 17 digits: not a NIK
    "id 123456789012345",                            # 15 digits: not a NIK
])
def test_codes_and_ids_that_are_not_personal_data_are_left_alone(text):
    assert mask(text) == text


@pytest.mark.parametrize("phone", ["0812-3456-7890", "+62 812 3456 7890", "0812 3456 7890"])
def test_a_mobile_number_written_with_separators_is_masked(phone):
    assert phone not in mask(f"hubungi {phone}")


def test_a_nik_in_a_logged_exception_is_masked(logged):
    logger, output = logged
    try:
        raise ValueError(f"bukan NIK yang sah: {NIK}")
    except ValueError:
        logger.exception("pengajuan gagal")
    assert "pengajuan gagal" in output()
    assert NIK not in output()
