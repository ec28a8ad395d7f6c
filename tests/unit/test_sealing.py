import base64

import pytest

from simpul_common import sealing

CONTENT = {"description": "Balita belum diimunisasi", "citizen": {"nik": "3325014101900001"}}


@pytest.fixture
def key():
    return sealing.load_key(sealing.new_key())


def test_a_sealed_token_opens_with_the_same_key_and_context(key):
    token = sealing.seal(key, CONTENT, "report-1")
    assert sealing.open_sealed(key, token, "report-1") == CONTENT


def test_a_sealed_token_does_not_show_the_content(key):
    token = sealing.seal(key, CONTENT, "report-1")
    raw = base64.urlsafe_b64decode(token)
    assert b"3325014101900001" not in raw and b"Balita" not in raw


def test_sealing_twice_gives_different_tokens(key):
    assert sealing.seal(key, CONTENT, "report-1") != sealing.seal(key, CONTENT, "report-1")


def test_a_token_cannot_be_opened_with_another_key(key):
    token = sealing.seal(key, CONTENT, "report-1")
    other = sealing.load_key(sealing.new_key())
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(other, token, "report-1")


def test_a_token_cannot_be_moved_to_another_report(key):
    token = sealing.seal(key, CONTENT, "report-1")
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(key, token, "report-2")


def test_a_tampered_token_is_refused(key):
    raw = bytearray(base64.urlsafe_b64decode(sealing.seal(key, CONTENT, "report-1")))
    raw[-1] ^= 0x01
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(key, base64.urlsafe_b64encode(bytes(raw)).decode(), "report-1")


def test_a_token_of_an_unknown_seal_version_is_refused(key):
    raw = base64.urlsafe_b64decode(sealing.seal(key, CONTENT, "report-1"))
    token = base64.urlsafe_b64encode(b"s9" + raw[2:]).decode()
    with pytest.raises(sealing.SealError, match="version"):
        sealing.open_sealed(key, token, "report-1")


@pytest.mark.parametrize("token", ["", "not base64!", "czE", "czFhYmNk"])
def test_garbage_is_refused_as_a_seal_error(key, token):
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(key, token, "report-1")


def test_a_new_key_loads_as_32_bytes():
    assert len(sealing.load_key(sealing.new_key())) == 32


def test_new_keys_are_random():
    assert sealing.new_key() != sealing.new_key()


@pytest.mark.parametrize("value", ["", "c2hvcnQ", base64.urlsafe_b64encode(bytes(31)).decode(),
                                   base64.urlsafe_b64encode(bytes(33)).decode(), "@@@@"])
def test_a_key_that_is_not_32_bytes_of_base64url_is_refused(value):
    with pytest.raises(sealing.SealError):
        sealing.load_key(value)


def test_a_key_with_or_without_padding_loads_the_same():
    padded = base64.urlsafe_b64encode(bytes(range(32))).decode()
    assert padded.endswith("=")
    assert sealing.load_key(padded) == sealing.load_key(padded.rstrip("=")) == bytes(range(32))


def test_keyed_hash_is_stable_and_hides_the_value(key):
    first = sealing.keyed_hash(key, "nik", "3325014101900001")
    assert first == sealing.keyed_hash(key, "nik", "3325014101900001")
    assert "3325014101900001" not in first
    assert len(first) == 64


def test_keyed_hash_depends_on_key_purpose_and_value(key):
    other_key = sealing.load_key(sealing.new_key())
    hashes = {sealing.keyed_hash(key, "nik", "3325014101900001"),
              sealing.keyed_hash(other_key, "nik", "3325014101900001"),
              sealing.keyed_hash(key, "body", "3325014101900001"),
              sealing.keyed_hash(key, "nik", "3325014101900002")}
    assert len(hashes) == 4


def test_a_token_is_recognised_as_sealed_and_nothing_else_is():
    key = sealing.load_key(sealing.new_key())
    tokens = [sealing.seal(key, {"phone": "+6281234567890"}, sealing.PERSON_PHONE) for _ in range(20)]
    assert all(sealing.looks_sealed(t) for t in tokens)     # whatever the nonce's first bits
    for value in (None, "+6281234567890", "czE", "cz" + "A" * 60, "not base64!" * 5, 42):
        assert not sealing.looks_sealed(value), value
