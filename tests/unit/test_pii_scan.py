"""The scan for personal data in logs and broker messages (simpul_devtools.pii_scan): what it
finds, and the ids, timestamps, numbers and sealed tokens it must not take for a NIK or phone."""
import pytest

from simpul_common import sealing
from simpul_common.logs import mask
from simpul_devtools import pii_scan

NIK = "3325014501900003"          # the NIK tests/e2e/test_report_flow.py files
PHONE = "081234567890"


@pytest.mark.parametrize("text, kind", [
    ('{"nik": "3325014501900003"}', "nik"),
    ("NIK 3325015501900003 diterima", "nik"),
    ('{"phone": "081234567890"}', "phone"),
    ('{"phone": "+6281234567890"}', "phone"),
    ("telepon=6281234567890.", "phone"),
    ("hubungi 0812-3456-7890 segera", "phone"),
    ("hubungi 62 812 3456 7890", "phone"),
])
def test_a_nik_or_a_mobile_number_anywhere_is_a_hit(text, kind):
    assert [found for found, _ in pii_scan.find(text)] == [kind]


@pytest.mark.parametrize("text", [
    sealing.seal(sealing.load_key(sealing.new_key()), {"citizen": {"nik": NIK, "phone": PHONE}},
                 "report-1"),
    "czE-081234567890_x-3325014501900003",                    # digit runs inside base64url
    "czEAb3325014501900003XyZ081234567890Q==",
    "08123456-7890-4abc-8def-081234567890",                   # a uuid of digits
    "2026-11-22T08:12:34.567+00:00 2026-11-22 08:12:34,567",  # timestamps
    '{"took": 0.3325014501900003, "ratio": 0.081234567890}',  # floats
    "at 1732300000000000 ns, 9999999999999999, 0000000000000000",   # 16 digits, not a NIK
    "sha256 ab3325014501900003cd081234567890ef",
    "P332501200101 in 33.25.01.2001, /api/v1/081234567890",
    '{"nik": "3325**********03", "phone": "+628*******890"}',   # masked as intake shows them
    "laporan untuk NIK [NIK], telepon [TELEPON]",
])
def test_ids_timestamps_numbers_sealed_and_masked_values_are_no_hit(text):
    assert pii_scan.find(text) == []


def test_known_values_hit_in_every_spelling_of_a_phone():
    needle = pii_scan.phone_needle("0812 3456 7890")
    for text in ("+6281234567890", "6281234567890", "x081234567890y"):
        assert ("known", needle) in pii_scan.find(text, [needle])
    assert pii_scan.find("Siti Aminah datang", ["Siti Aminah"]) == [("known", "Siti Aminah")]


@pytest.mark.parametrize("text", ['{"nik": "3325014501900003"}', "telp +6281234567890",
                                  "hubungi 0812-3456-7890"])
def test_whatever_the_scan_finds_the_log_filter_masks(text):
    assert pii_scan.find(mask(text)) == []


def test_a_hit_names_where_and_shows_the_value_masked(tmp_path):
    (tmp_path / "intake-1.log").write_text("ok\nNIK 3325014501900003\n")
    (tmp_path / "notes.txt").write_text(NIK)
    hits = pii_scan.scan_logs(tmp_path)
    assert [str(hit) for hit in hits] == ["intake-1.log:2: nik 3325**********03"]


def record(exchange, key, body, routed=(), **properties):
    return {"exchange": exchange, "routing_keys": [key], "body": body,
            "trace": {"properties": {"headers": {}, **properties}, "routed_queues": list(routed)}}


def test_messages_are_named_by_exchange_and_key_and_replies_by_the_method_they_answer():
    records = [
        record("nameko-rpc", "intake.get_report", '{"args": ["r-1"]}', ["rpc-intake"],
               reply_to="abc", correlation_id="c-1"),
        record("nameko-rpc", "abc", '{"result": {"citizen": {"phone": "+6281234567890"}}}',
               ["rpc.reply-standalone_rpc_proxy-abc"], correlation_id="c-1"),
        record("simpul.events", "report.received", '{"report_id": "r-1"}',
               headers={"nik": NIK}),
        record("", "intake.submissions", '{"sealed": "czE..."}'),
    ]
    assert [str(hit) for hit in pii_scan.scan_messages(records)] == [
        "nameko-rpc reply to intake.get_report body: phone +628********90",
        "simpul.events report.received headers: nik 3325**********03",
    ]


def test_a_summary_counts_the_same_hit_once():
    hits = [pii_scan.Hit("gateway.log:3", "nik", "3325**********03")] * 3 + \
        [pii_scan.Hit("gateway.log:4", "phone", "0812******90")]
    assert pii_scan.summary(hits).splitlines() == [
        "gateway.log:3: nik 3325**********03 (×3)", "gateway.log:4: phone 0812******90"]
