"""End to end: a dead letter is listed without being taken off the queue, shown with its body,
and replayed to the queue it came from, where the real consumer gets it again (docs/guarantees.md)."""
import uuid

from kombu import Connection

from simpul_common import contracts, messaging
from simpul_devtools.pytest_fixtures import wait_until


def park(amqp_uri: str, body: bytes, queue: str) -> str:
    """A dead letter as a consumer leaves one; answers its message id."""
    message_id = str(uuid.uuid4())
    with Connection(amqp_uri) as connection:
        messaging.dead_letter_queue(connection.default_channel).declare()
        connection.Producer().publish(
            body, exchange="", routing_key=contracts.DEAD_LETTER_QUEUE, serializer=None,
            content_type="application/json", content_encoding="utf-8", message_id=message_id,
            headers={messaging.QUEUE_HEADER: queue, messaging.ATTEMPT_HEADER: 3,
                     messaging.ERROR_HEADER: "RuntimeError: uji dead letter"})
    return message_id


def mine(api, message_id):
    response = api.get("/api/v1/dead-letters", params={"limit": 1000})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return [i for i in items if i["message_id"] == message_id]


def test_a_dead_letter_is_listed_shown_and_replayed_to_its_consumer(api, system):
    message_id = park(system.amqp_uri, b"{ini bukan json", "intake.submissions")
    found = wait_until(lambda: mine(api, message_id), what="the dead letter listed")
    assert mine(api, message_id) == found                 # listing took nothing off the queue
    letter = found[0]
    assert (letter["queue"], letter["attempts"], letter["error"]) == (
        "intake.submissions", 3, "RuntimeError: uji dead letter")
    shown = api.get(f"/api/v1/dead-letters/{letter['id']}").json()
    assert shown["body"] == "{ini bukan json"
    done = api.post("/api/v1/dead-letters/replay", json={"ids": [letter["id"]]}).json()
    assert done["replayed"] == 1 and done["ids"] == [letter["id"]]
    # intake reads it again and, as it is no JSON at all, parks it at once with its own error
    back = wait_until(lambda: [i for i in mine(api, message_id) if i["attempts"] == 0],
                      what="the replayed poison message back in the dead letters")
    assert "intake.submissions" == back[0]["queue"] and back[0]["error"] != letter["error"]
    assert api.post("/api/v1/dead-letters/replay", json={"ids": [letter["id"]]}).json()[
        "not_found"] == [letter["id"]]                    # the first one is gone

