"""The OPD-side receivers as real processes: the webhook receiver, the SMTP sink and the
`simpul-opd-listen` example consumer (on the test vhost of the real broker)."""
import json
import smtplib
import time
from email.message import EmailMessage

import httpx
from kombu import Connection

from simpul_common import contracts, messaging, webhooks
from simpul_devtools.pytest_fixtures import wait_until

SECRET = webhooks.opd_secret("test-master-key", "33.25/dinkes")


def post_hook(receiver, notification_id, body=None, secret=SECRET, now=None):
    raw = json.dumps(body or {"contract": contracts.OPD_CONTRACT, "n": notification_id}).encode()
    headers = {webhooks.SIGNATURE_HEADER: webhooks.sign(secret, raw, now),
               webhooks.NOTIFICATION_HEADER: notification_id,
               webhooks.TYPE_HEADER: "case.routed", "Content-Type": "application/json"}
    return httpx.post(receiver.url, content=raw, headers=headers, timeout=10)


def test_webhook_receiver_accepts_a_correctly_signed_post(webhook_receiver):
    receiver = webhook_receiver(SECRET)
    response = post_hook(receiver, "n-1", body={"case": {"report_id": "r-1"}})

    assert response.status_code == 200
    [hook] = receiver.accepted()
    assert (hook["notification_id"], hook["type"], hook["attempt"], hook["duplicate"]) == \
        ("n-1", "case.routed", 1, False)
    assert hook["body"] == {"case": {"report_id": "r-1"}}
    assert [a["status"] for a in receiver.attempts()] == [200]


def test_webhook_receiver_refuses_a_wrong_signature_and_an_old_timestamp(webhook_receiver):
    receiver = webhook_receiver(SECRET)
    wrong_secret = post_hook(receiver, "n-1", secret=webhooks.opd_secret("k", "21.71/dinsos"))
    replayed = post_hook(receiver, "n-2", now=time.time() - 2 * webhooks.REPLAY_WINDOW_SECONDS)

    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "signature does not match"
    assert replayed.status_code == 401
    assert "replay window" in replayed.json()["error"]
    assert receiver.accepted() == []
    assert [(a["notification_id"], a["status"]) for a in receiver.attempts()] == \
        [("n-1", 401), ("n-2", 401)]


def test_webhook_receiver_fails_the_first_attempts_of_each_id_then_marks_duplicates(
        webhook_receiver):
    receiver = webhook_receiver(SECRET, fail_first=2)

    statuses = [post_hook(receiver, "n-1").status_code for _ in range(4)]
    other = post_hook(receiver, "n-2").status_code

    assert statuses == [503, 503, 200, 200]
    assert other == 503, "the count of failures is per notification id"
    assert [(h["attempt"], h["duplicate"]) for h in receiver.accepted()] == \
        [(3, False), (4, True)]
    assert [a["status"] for a in receiver.attempts()] == [503, 503, 200, 200, 503]


def test_webhook_receiver_control_changes_its_behaviour_while_running(webhook_receiver):
    receiver = webhook_receiver(SECRET, fail_first=100)
    assert post_hook(receiver, "n-1").status_code == 503

    settings = receiver.control(fail_first=0, delay=0.5)
    started = time.monotonic()
    fixed = post_hook(receiver, "n-1")

    assert settings["fail_first"] == 0 and settings["delay"] == 0.5
    assert fixed.status_code == 200
    assert time.monotonic() - started >= 0.5
    assert [h["attempt"] for h in receiver.accepted()] == [2]


def test_smtp_sink_stores_each_mail_in_its_maildir(smtp_sink):
    mail = EmailMessage()
    mail["From"], mail["To"] = "simpul@simpul.test", "dinkes@batangkab.test"
    mail["Subject"] = "Kasus baru: kesehatan.balita"
    mail.set_content("Kasus baru di desa 33.25.01.2001, batas 2026-12-01.")

    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as smtp:
        smtp.send_message(mail)

    [received] = smtp_sink.messages()
    assert received["Subject"] == "Kasus baru: kesehatan.balita"
    assert received["To"] == "dinkes@batangkab.test"
    assert "desa 33.25.01.2001" in received.get_content()


def routed_notice(report_id, opd_code):
    event = contracts.ReportRouted(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        opd_code=opd_code, opd_name="Dinas Kesehatan", rule_id="r1",
        due_at="2026-12-01T16:59:59+00:00", routed_at=contracts.utc_now())
    return contracts.opd_case_notice(event, contracts.stable_id(report_id, "notice"),
                                     f"http://gateway.test/api/v1/reports/{report_id}",
                                     contracts.utc_now())


def escalated_notice(report_id, opd_code):
    event = contracts.CaseEscalated(
        report_id=report_id, kind="service_need", service_type="kesehatan.balita",
        spm_area="kesehatan", desa_code="33.25.01.2001", posyandu_id="P332501200101",
        level=1, target="opd_head", deadline="acknowledge",
        overdue_since="2026-12-01T16:59:59+00:00", kabupaten_code="33.25",
        escalated_at=contracts.utc_now(), sequence=1, opd_code=opd_code)
    return contracts.opd_case_notice(event, contracts.stable_id(report_id, "escalation-1"),
                                     f"http://gateway.test/api/v1/reports/{report_id}",
                                     contracts.utc_now())


def publish_notices(amqp_uri, opd_code, *notices):
    with Connection(amqp_uri) as connection:
        messaging.declare_opd_queue(connection, opd_code)
        producer = connection.Producer()
        for notice in notices:
            producer.publish(notice, exchange=messaging.opd_exchange, serializer="json",
                             routing_key=contracts.opd_routing_key(opd_code, notice["type"]),
                             message_id=notice["notification_id"], delivery_mode=2)


def queue_depth(amqp_uri, opd_code):
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_declare(
            contracts.opd_queue_name(opd_code), passive=True).message_count


def test_opd_listener_stores_each_notice_once_and_acknowledges_it(amqp_uri, opd_listener):
    opd_code = "33.25/dinkes"
    publish_notices(amqp_uri, opd_code)  # the queue exists, as Simpul would have declared it
    listener = opd_listener(amqp_uri, opd_code)
    routed, escalated = routed_notice("case-1", opd_code), escalated_notice("case-1", opd_code)

    publish_notices(amqp_uri, opd_code, routed, routed, escalated)

    notices = wait_until(lambda: len(listener.notices()) == 2 and listener.notices(),
                         what="two notices stored")
    assert notices == [routed, escalated]
    wait_until(lambda: "eskalasi" in listener.output(), what="escalation printed")
    output = listener.output()
    assert "kasus baru kesehatan.balita di 33.25.01.2001 → batas 2026-12-01T16:59:59" in output
    assert f"duplikat {routed['notification_id']} diabaikan" in output
    assert "eskalasi tingkat 1 (opd_head)" in output
    assert listener.stop() == 0, "SIGTERM stops it cleanly"
    assert queue_depth(amqp_uri, opd_code) == 0, "every notice acknowledged"


def test_opd_listener_remembers_stored_ids_across_restarts_and_shows_new_types(
        amqp_uri, opd_listener):
    opd_code = "21.71/dinsos"  # its queue does not exist yet: the listener declares it
    first = opd_listener(amqp_uri, opd_code)
    routed = routed_notice("case-2", opd_code)
    publish_notices(amqp_uri, opd_code, routed)
    wait_until(first.notices, what="first notice stored")
    assert first.stop() == 0

    second = opd_listener(amqp_uri, opd_code, out=first.out)
    future = {**routed, "type": "case.closed", "notification_id": "n-future"}
    publish_notices(amqp_uri, opd_code, routed, future)

    wait_until(lambda: "[case.closed]" in second.output(), what="the new type stored and shown")
    assert [n["notification_id"] for n in second.notices()] == [routed["notification_id"],
                                                               "n-future"]
    assert f"duplikat {routed['notification_id']} diabaikan" in second.output()
    assert second.stop() == 0
    assert queue_depth(amqp_uri, opd_code) == 0
