"""`simpul-dead-letters` over an in-memory dead-letter queue, and how a dead letter is read."""
import io

from simpul_common import deadletters_cli
from simpul_common.deadletters import read


def letter(body=b'{"type": "report.received"}', queue="routing.reports", error="KeyError: x"):
    return read(body, {"x-simpul-queue": queue, "x-simpul-error": error, "x-simpul-attempt": 3},
                {"message_id": "m-1"}, "application/json")


class Letters:
    def __init__(self, uri):
        self.uri, self.letters, self.replayed = uri, [letter(), letter(b"rusak", "intake.submissions")], []

    def count(self):
        return len(self.letters)

    def peek(self, limit, queue=None):
        return [l for l in self.letters if queue in (None, l.queue)][:limit]

    def find(self, letter_id):
        return next((l for l in self.letters if l.id == letter_id), None)

    def replay(self, ids, queue, on_each):
        chosen = [l for l in self.letters if (ids is None or l.id in ids) and queue in (None, l.queue)]
        for one in chosen:
            on_each(one)
        return {"replayed": len(chosen), "ids": [l.id for l in chosen], "without_queue": [],
                "not_found": sorted(set(ids or ()) - {l.id for l in chosen})}


def run(*argv):
    out, err, made = io.StringIO(), io.StringIO(), []
    status = deadletters_cli.run(list(argv), lambda uri: made.append(Letters(uri)) or made[-1], out, err)
    return status, out.getvalue(), err.getvalue()


def test_a_dead_letter_is_read_with_where_it_came_from_and_a_stable_id():
    one, same = letter(), letter()
    assert one.id == same.id and len(one.id) == 20
    assert (one.queue, one.attempts, one.message_type, one.size) == ("routing.reports", 3, "report.received", 27)
    assert letter(error="another").id != one.id          # parked again: another dead letter
    poison = read("bukan json", {}, {}, None)             # a text body kombu already decoded
    assert (poison.message_type, poison.queue, poison.attempts, poison.body) == (None, None, 0, "bukan json")


def test_list_show_and_replay():
    status, out, _ = run("list", "--queue", "intake.submissions")
    assert status == 0 and "2 pesan" in out and "intake.submissions" in out and "routing.reports" not in out
    status, out, _ = run("show", letter().id)
    assert status == 0 and "body: {\"type\": \"report.received\"}" in out
    assert run("show", "f" * 20)[0] == 1
    status, out, _ = run("replay", letter().id)
    assert status == 0 and f"{letter().id} → routing.reports" in out and "1 pesan dikirim ulang" in out
    status, _, err = run("replay", letter().id, "f" * 20)
    assert status == 1 and "ffff" in err
    assert run("replay", "--all")[1].endswith("2 pesan dikirim ulang\n")
    assert run("replay")[0] == 2 and run("replay", letter().id, "--all")[0] == 2
