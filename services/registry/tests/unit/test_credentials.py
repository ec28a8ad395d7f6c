import base64

import pytest

from simpul_registry.domain import credentials
from simpul_registry.domain.checks import Problems


def test_a_password_hash_names_scrypt_its_parameters_a_16_byte_salt_and_the_hash():
    scheme, n, r, p, salt, digest = credentials.hash_password("rahasia-sekali").split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32


def test_the_same_password_hashes_differently_each_time():
    assert credentials.hash_password("rahasia-sekali") != credentials.hash_password("rahasia-sekali")


def test_a_password_matches_its_hash_and_nothing_else():
    stored = credentials.hash_password("rahasia-sekali")
    assert credentials.verify_password("rahasia-sekali", stored)
    assert not credentials.verify_password("rahasia-sekalI", stored)
    assert not credentials.verify_password("", stored)


@pytest.mark.parametrize("stored", [
    None, "", "plain-text", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$16384$8$1$AAAA",
    "scrypt$lots$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!not-b64!!$AAAA", "scrypt$1000$8$1$AAAA$AAAA",
    "scrypt$1073741824$8$1$AAAA$AAAA"])
def test_a_malformed_stored_hash_matches_nothing(stored):
    assert credentials.verify_password("rahasia-sekali", stored) is False


def test_the_dummy_hash_is_a_real_hash_that_no_plausible_password_matches():
    assert credentials.DUMMY_HASH.startswith("scrypt$16384$8$1$")
    for guess in ("", "admin", "simpul-demo-2026", "password123"):
        assert not credentials.verify_password(guess, credentials.DUMMY_HASH)


def problems_of(check, value):
    problems = Problems()
    result = check(value, problems)
    return result, [e["field"] for e in problems.errors]


@pytest.mark.parametrize("password, ok", [
    ("a" * 10, True), (" spasi di tepi ", True), ("a" * 200, True),
    ("a" * 9, False), ("a" * 201, False), (None, False), (1234567890, False)])
def test_a_password_has_ten_to_two_hundred_characters_kept_as_given(password, ok):
    result, fields = problems_of(credentials.checked_password, password)
    assert (result, fields) == ((password, []) if ok else (None, ["password"]))


@pytest.mark.parametrize("username, ok", [
    ("admin", True), ("kader.batang", True), ("kepala.dinkes.batam", True), ("a_b-c", True),
    ("9lives", True), ("ab", False), (".admin", False), ("Admin", False), ("siti aminah", False),
    ("a" * 64, False), ("a" * 63, True), ("", False), (None, False), ("adm!n", False)])
def test_a_username_is_lowercase_letters_digits_dots_dashes_and_underscores(username, ok):
    result, fields = problems_of(credentials.checked_username, username)
    assert (result, fields) == ((username, []) if ok else (None, ["username"]))


@pytest.mark.parametrize("scopes, expected", [
    (["cases:read"], ["cases:read"]), (["cases:act", "cases:read"], ["cases:read", "cases:act"]),
    ([], None), (["cases:write"], None), ("cases:read", None), (None, None)])
def test_scopes_are_a_non_empty_subset_of_the_known_ones(scopes, expected):
    result, fields = problems_of(credentials.checked_scopes, scopes)
    assert (result, fields) == (expected, [] if expected else ["scopes"])


def test_a_new_api_key_carries_its_id_and_a_url_safe_secret():
    key_id, secret, key = credentials.new_api_key()
    assert key == f"sk_{key_id}_{secret}" and len(key_id) == 12 and len(secret) == 43
    assert credentials.parse_key(key) == key_id
    assert credentials.new_api_key()[2] != key


def test_a_key_is_stored_as_the_sha256_of_the_whole_key():
    _, _, key = credentials.new_api_key()
    digest = credentials.key_hash(key)
    assert len(digest) == 64 and digest != credentials.key_hash(key + "x")
    assert credentials.key_matches(key, digest) and not credentials.key_matches(key[:-1] + "x", digest)


@pytest.mark.parametrize("key", [
    None, 42, "", "sk_", "sk_abc_def", "pk_0123456789ab_" + "a" * 43, "sk_0123456789AB_" + "a" * 43,
    "sk_0123456789ab_" + "a" * 42, "sk_0123456789ab_" + "a" * 44, "sk_0123456789ab_" + "a" * 42 + "!"])
def test_a_malformed_key_has_no_id(key):
    assert credentials.parse_key(key) is None
