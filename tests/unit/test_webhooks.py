"""Signed webhooks: what Simpul signs and how a receiver checks it (simpul_common/webhooks.py)."""
import hashlib
import hmac

import pytest

from simpul_common import webhooks

NOW = 1_793_000_000
BODY = b'{"contract":"simpul.opd/1","notification_id":"n-1"}'


def test_each_opd_has_its_own_stable_secret_derived_from_the_master_key():
    secret = webhooks.opd_secret("master", "33.25/dinkes")
    assert secret == webhooks.opd_secret("master", "33.25/dinkes")
    assert secret != webhooks.opd_secret("master", "33.25/dinsos")
    assert secret != webhooks.opd_secret("other", "33.25/dinkes")
    assert len(secret) == 64 and int(secret, 16) >= 0


def test_the_signature_is_hmac_sha256_of_the_timestamp_and_the_raw_body():
    header = webhooks.sign("s3cret", BODY, NOW)
    digest = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v1={digest}"


def test_a_good_signature_verifies_and_answers_its_timestamp():
    header = webhooks.sign("s3cret", BODY, NOW)
    assert webhooks.verify("s3cret", BODY, header, now=NOW + 10) == NOW
    assert webhooks.verify("s3cret", BODY, header, now=NOW - 300) == NOW


@pytest.mark.parametrize("secret,body,header,why", [
    ("wrong", BODY, webhooks.sign("s3cret", BODY, NOW), "does not match"),
    ("s3cret", BODY + b" ", webhooks.sign("s3cret", BODY, NOW), "does not match"),
    ("s3cret", BODY, None, "no X-Simpul-Signature"),
    ("s3cret", BODY, "", "no X-Simpul-Signature"),
    ("s3cret", BODY, "garbage", "malformed"),
    ("s3cret", BODY, f"t={NOW}", "malformed"),
    ("s3cret", BODY, "t=soon,v1=ab", "malformed"),
    ("s3cret", BODY, f"t={NOW},v1=00", "does not match"),
])
def test_a_bad_signature_is_refused_saying_why(secret, body, header, why):
    with pytest.raises(webhooks.BadSignature, match=why):
        webhooks.verify(secret, body, header, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301, 3600])
def test_a_timestamp_outside_the_replay_window_is_refused(skew):
    header = webhooks.sign("s3cret", BODY, NOW)
    with pytest.raises(webhooks.BadSignature, match="replay window"):
        webhooks.verify("s3cret", BODY, header, now=NOW + skew)


def test_the_replay_window_can_be_narrowed():
    header = webhooks.sign("s3cret", BODY, NOW)
    with pytest.raises(webhooks.BadSignature):
        webhooks.verify("s3cret", BODY, header, now=NOW + 31, window=30)


def test_a_signature_with_non_ascii_characters_is_refused_as_bad():
    with pytest.raises(webhooks.BadSignature):
        webhooks.verify("s3cret", BODY, f"t={NOW},v1=\u00e9", now=NOW)
