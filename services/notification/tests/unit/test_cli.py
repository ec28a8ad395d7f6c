"""`simpul-deliveries` against a fake notification service: what each command asks, what it
prints, and how an error answer ends it (stderr, exit status 1)."""
import io

import pytest

from simpul_notification import cli
from simpul_notification.usecases import error

PARKED_ID = "5b7f7d2e-0000-5000-8000-000000000001"
SENT_ID = "5b7f7d2e-0000-5000-8000-000000000002"


class FakeNotification:
    """notification's RPC methods over a few deliveries; every call is remembered."""

    def __init__(self):
        self.calls, self.states, self.actors = [], [], []
        self.deliveries = {
            PARKED_ID: {"id": PARKED_ID, "status": "parked", "channel": "webhook",
                        "opd_code": "33.25/dinkes", "attempt_count": 8, "next_attempt_at": None,
                        "last_error": "HTTP 503 " + "Service Unavailable " * 5},
            SENT_ID: {"id": SENT_ID, "status": "delivered", "channel": "email", "opd_code": None,
                      "attempt_count": 1, "next_attempt_at": None, "last_error": None}}

    def find_deliveries(self, filters, page=1, per_page=50):
        self.calls.append(("find_deliveries", filters, page, per_page))
        if page < 1:
            return error(422, "page", "page ≥ 1, per_page 1–200")
        found = [d for d in self.deliveries.values() if all(d.get(k) == v for k, v in filters.items())]
        return {"items": found, "total": len(found) + 40, "page": page, "per_page": per_page}

    def retry_delivery(self, notification_id, actor=None):
        self.actors.append(actor)
        self.calls.append(("retry_delivery", notification_id))
        record = self.deliveries.get(notification_id)
        if record is None:
            return error(404, "id", f"pengiriman {notification_id} tidak ada")
        if record["status"] != "parked":
            return error(409, "status", "hanya pengiriman yang diparkir yang dapat diulang")
        return {"item": {**record, "status": "pending"}}

    def retry_parked(self, filters=None, actor=None):
        self.actors.append(actor)
        self.calls.append(("retry_parked", filters))
        return {"retried": 3}

    def pause_channel(self, owner, channel, paused=True, by=None, actor=None):
        self.actors.append(actor)
        self.calls.append(("pause_channel", owner, channel, paused, by))
        state = {"owner": owner, "channel": channel, "paused": paused, "changed_at": "2026-05-01T08:00:00+00:00",
                 "changed_by": by}
        self.states.append(state)
        return {"item": state}

    def channel_states(self, owner):
        return [s for s in self.states if s["owner"] == owner]


@pytest.fixture
def notification():
    return FakeNotification()


def run(notification, *argv):
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), notification, out, err)
    return status, out.getvalue().splitlines(), err.getvalue()


def test_list_asks_with_the_filters_given_and_prints_a_compact_table(notification):
    status, lines, _ = run(notification, "list", "--status", "parked", "--opd", "33.25/dinkes",
                           "--channel", "webhook", "--page", "2")
    assert status == 0
    assert notification.calls == [("find_deliveries", {"opd_code": "33.25/dinkes", "channel": "webhook",
                                                       "status": "parked"}, 2, 50)]
    assert lines[0].split() == ["id", "status", "channel", "opd", "attempts", "last_error",
                                "next_attempt_at"]
    assert lines[1].split()[:5] == [PARKED_ID, "parked", "webhook", "33.25/dinkes", "8"]
    assert "HTTP 503 Service Unavailable" in lines[1] and "…" in lines[1]
    assert lines[-1] == "1 dari 41 pengiriman (halaman 2)"


def test_list_without_filters_shows_every_delivery_with_dashes_for_what_is_missing(notification):
    status, lines, _ = run(notification, "list")
    assert status == 0 and notification.calls[-1] == ("find_deliveries", {}, 1, 50)
    assert lines[2].split() == [SENT_ID, "delivered", "email", "-", "1", "-", "-"]


def test_an_error_answer_goes_to_stderr_with_exit_status_1(notification):
    status, lines, err = run(notification, "list", "--page", "0")
    assert (status, lines) == (1, [])
    assert err == "page: page ≥ 1, per_page 1–200\n"


def test_retry_one_parked_delivery(notification):
    status, lines, _ = run(notification, "retry", PARKED_ID)
    assert (status, lines) == (0, [f"{PARKED_ID} diulang: status pending"])
    assert notification.calls == [("retry_delivery", PARKED_ID)]
    assert [a["kind"] for a in notification.actors] == ["cli"]     # audited as the operator's
    assert notification.actors[0]["id"].startswith("cli:")


@pytest.mark.parametrize("notification_id, message", [
    (SENT_ID, "hanya pengiriman yang diparkir"), ("nope", "pengiriman nope tidak ada")])
def test_retrying_what_is_not_parked_or_not_there_fails(notification, notification_id, message):
    status, _, err = run(notification, "retry", notification_id)
    assert status == 1 and message in err


def test_retry_all_passes_the_filters_on(notification):
    status, lines, _ = run(notification, "retry", "--all", "--opd", "33.25/dinkes", "--channel", "email")
    assert (status, lines) == (0, ["3 pengiriman yang diparkir masuk antrean lagi"])
    assert notification.calls == [("retry_parked", {"opd_code": "33.25/dinkes", "channel": "email"})]


def test_filters_on_the_retry_of_one_delivery_are_refused(notification):
    status, _, err = run(notification, "retry", PARKED_ID, "--opd", "33.25/dinkes")
    assert status == 1 and "--all" in err and notification.calls == []


@pytest.mark.parametrize("argv", [["retry"], ["retry", PARKED_ID, "--all"], ["pause", "33.25/dinkes", "sms"],
                                  ["list", "--status", "lost"], ["list", "--channel", "sms"]])
def test_a_malformed_command_is_a_usage_error_before_anything_is_asked(notification, argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(notification, *argv)
    assert exit_.value.code == 2 and notification.calls == []


def test_pause_and_resume_a_channel_and_see_its_state(notification):
    assert run(notification, "pause", "33.25/dinkes", "webhook", "--by", "budi")[:2] == (
        0, ["saluran webhook milik 33.25/dinkes dijeda"])
    assert run(notification, "resume", "33.25", "email")[1] == ["saluran email milik 33.25 dilanjutkan"]
    assert notification.calls == [("pause_channel", "33.25/dinkes", "webhook", True, "budi"),
                                  ("pause_channel", "33.25", "email", False, None)]
    status, lines, _ = run(notification, "channels", "33.25/dinkes")
    assert status == 0 and len(lines) == 2
    assert lines[1].split() == ["webhook", "dijeda", "2026-05-01T08:00:00+00:00", "budi"]


def test_channels_of_an_owner_never_paused_are_all_active(notification):
    assert run(notification, "channels", "33.25/dindik")[1] == [
        "33.25/dindik: belum ada saluran yang pernah dijeda; semua aktif"]


def test_the_broker_is_amqp_uri_unless_named(monkeypatch):
    monkeypatch.setenv("AMQP_URI", "pyamqp://simpul@rabbit//")
    assert cli.parser().parse_args(["channels", "33.25/dinkes"]).amqp_uri == "pyamqp://simpul@rabbit//"
    named = cli.parser().parse_args(["--amqp-uri", "pyamqp://x//", "channels", "33.25/dinkes"])
    assert named.amqp_uri == "pyamqp://x//"
