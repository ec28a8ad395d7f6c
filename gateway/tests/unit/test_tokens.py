"""Access tokens: HS256 JWTs made and checked with the standard library; only our own pass."""
import base64
import hashlib
import hmac
import json

import pytest

from simpul_gateway.auth import tokens

SECRET = "s" * 32
NOW = 1_790_000_000
PERSON = {"id": "person-1", "role": "kader"}


def b64(part) -> str:
    raw = part if isinstance(part, bytes) else json.dumps(part).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(header: dict, claims: dict, secret: str = SECRET) -> str:
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_a_token_carries_subject_role_and_its_lifetime():
    claims = tokens.verify(tokens.issue(PERSON, SECRET, 15, NOW), SECRET, NOW + 60)
    assert claims == {"sub": "person-1", "role": "kader", "iat": NOW, "exp": NOW + 900}


def test_a_token_is_refused_from_its_expiry_on():
    token = tokens.issue(PERSON, SECRET, 15, NOW)
    tokens.verify(token, SECRET, NOW + 899)
    with pytest.raises(tokens.InvalidToken, match="expired"):
        tokens.verify(token, SECRET, NOW + 900)


def test_a_tampered_payload_breaks_the_signature():
    header, _, signature = tokens.issue(PERSON, SECRET, 15, NOW).split(".")
    forged = f"{header}.{b64({'sub': 'person-1', 'role': 'admin', 'iat': NOW, 'exp': NOW + 900})}.{signature}"
    with pytest.raises(tokens.InvalidToken, match="signature"):
        tokens.verify(forged, SECRET, NOW)


def test_a_token_of_another_secret_is_refused():
    with pytest.raises(tokens.InvalidToken, match="signature"):
        tokens.verify(tokens.issue(PERSON, "t" * 32, 15, NOW), SECRET, NOW)


@pytest.mark.parametrize("header", [
    {"alg": "none", "typ": "JWT"}, {"alg": "HS512", "typ": "JWT"}, {"alg": "RS256", "typ": "JWT"},
    {"alg": "HS256"}, {"alg": "HS256", "typ": "JWT", "kid": "x"}])
def test_only_the_exact_hs256_header_is_accepted(header):
    claims = {"sub": "person-1", "role": "admin", "iat": NOW, "exp": NOW + 900}
    with pytest.raises(tokens.InvalidToken, match="HS256"):
        tokens.verify(signed(header, claims), SECRET, NOW)
    unsigned = f"{b64(header)}.{b64(claims)}."
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(unsigned, SECRET, NOW)


def test_a_token_issued_in_the_future_is_refused_beyond_the_skew():
    header = {"alg": "HS256", "typ": "JWT"}
    tokens.verify(signed(header, {"sub": "p", "iat": NOW + 30, "exp": NOW + 900}), SECRET, NOW)
    with pytest.raises(tokens.InvalidToken, match="future"):
        tokens.verify(signed(header, {"sub": "p", "iat": NOW + 31, "exp": NOW + 900}), SECRET, NOW)


@pytest.mark.parametrize("claims", [
    {"sub": "p", "iat": NOW}, {"sub": "p", "iat": NOW, "exp": "later"}, {"sub": "p", "iat": NOW, "exp": True},
    {"sub": "p", "exp": NOW + 900}, {"iat": NOW, "exp": NOW + 900}, {"sub": "", "iat": NOW, "exp": NOW + 900}])
def test_claims_must_name_a_subject_and_both_instants(claims):
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(signed({"alg": "HS256", "typ": "JWT"}, claims), SECRET, NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.??.**", None, 42])
def test_anything_else_is_refused(token):
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(token, SECRET, NOW)


def test_a_signature_with_characters_outside_base64url_is_refused():
    token = tokens.issue(PERSON, SECRET, 15, NOW)
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(token + "=", SECRET, NOW)
