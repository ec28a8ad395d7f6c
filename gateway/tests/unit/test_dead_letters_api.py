"""The dead-letter routes over an in-memory dead-letter queue: listed without change, one shown
with its body, replayed by id or all of one queue; national admins only."""
from simpul_common.deadletters import read


def letter(body: bytes, queue="intake.submissions", error="ValueError: rusak"):
    return read(body, {"x-simpul-queue": queue, "x-simpul-error": error, "x-simpul-attempt": 3},
                {"message_id": "m-1"}, "application/json")


def test_dead_letters_are_listed_shown_and_replayed(api):
    queue = api.app.state.dead_letters
    poison, stuck = letter(b"bukan json"), letter(b'{"type": "report.received"}', "routing.reports")
    queue.letters += [poison, stuck]
    page = api.get("/api/v1/dead-letters").json()
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [poison.id, stuck.id]
    assert "body" not in page["items"][0] or page["items"][0]["body"] is None
    assert page["items"][1]["message_type"] == "report.received"
    only = api.get("/api/v1/dead-letters", params={"queue": "routing.reports"}).json()
    assert [i["id"] for i in only["items"]] == [stuck.id]
    shown = api.get(f"/api/v1/dead-letters/{poison.id}").json()
    assert (shown["body"], shown["error"], shown["attempts"]) == ("bukan json", "ValueError: rusak", 3)
    done = api.post("/api/v1/dead-letters/replay", json={"ids": [stuck.id, "f" * 20]}).json()
    assert (done["replayed"], done["not_found"]) == (1, ["f" * 20])
    assert queue.letters == [poison] and queue.replayed == [stuck]
    assert api.post("/api/v1/dead-letters/replay", json={"all": True}).json()["replayed"] == 1
    assert api.get(f"/api/v1/dead-letters/{poison.id}").status_code == 404


def test_a_replay_names_ids_or_all_and_nothing_else(api):
    for body in ({}, {"ids": ["a" * 20], "all": True}, {"ids": ["bukan-id"]}, {"ids": []},
                 {"all": True, "queue": "Antrean Aneh"}, {"all": True, "lain": 1}):
        assert api.post("/api/v1/dead-letters/replay", json=body).status_code == 422, body
    assert api.app.state.dead_letters.replayed == []


def test_only_a_national_admin_sees_dead_letters(anonymous, world):
    for who in ("admin_batang", "tph", "opd_officer", "viewer", "key"):
        assert anonymous.get("/api/v1/dead-letters", headers=world.headers(who)).status_code == 403, who
