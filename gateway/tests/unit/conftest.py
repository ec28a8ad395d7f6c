"""The gateway app against an in-memory registry: a fake that answers the RPC calls of
docs/registry-rpc.md as the registry does (pages, look-ups, writes and their error results),
for a few regions of Kabupaten Batang, with the sign-in calls of docs/security.md. Routing is a
smaller fake that remembers what it was asked (docs/routing-rpc.md), and so is notification
(docs/notifications.md); commands are kept instead of published. The `api` client signs in as a
national admin; `auth(person)` gives the headers of anyone else."""
import csv
import io
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from simpul_common import sealing
from simpul_common.catalogue import SERVICE_TYPES
from simpul_common.regions import ancestors_and_self
from simpul_gateway.auth import tokens
from simpul_gateway.main import create_app
from simpul_gateway.settings import Settings

REGIONS = [("33", "Jawa Tengah", "province"), ("33.25", "Batang", "kabupaten"),
           ("33.25.01", "Wonotunggal", "kecamatan"), ("33.25.01.2001", "Silurah", "desa"),
           ("33.25.01.2002", "Sodong", "desa")]


JWT_SECRET = "kunci-uji-token-simpul-0123456789abcdef"
ADMIN = {"id": "admin-nasional", "name": "Admin Nasional", "role": "admin", "kabupaten_code": None,
         "posyandu_id": None, "opd_code": None, "phone": None, "email": None, "active": True,
         "username": "admin"}
PASSWORD = "kata-sandi-uji-2026"


def bearer(person: dict) -> dict:
    """The headers of a request signed in as `person` (a fresh token)."""
    token = tokens.issue(person, JWT_SECRET, 15, time.time())
    return {"Authorization": f"Bearer {token}"}


def error(status, field, message):
    return {"status": status, "errors": [{"field": field, "message": message}]}


class Table:
    """One collection: items by id, listed with the filters it knows."""

    def __init__(self, filters, search=("name",)):
        self.items, self.filters, self.search = {}, filters, search

    def find(self, filters, page=1, per_page=50):
        for key, value in filters.items():
            if key not in self.filters or value is None:
                return error(422, key, "filter tidak dikenal")
        found = [i for i in self.items.values() if all(self._match(i, k, v) for k, v in filters.items())]
        start = (page - 1) * per_page
        return {"items": found[start:start + per_page], "total": len(found), "page": page,
                "per_page": per_page}

    def _match(self, item, key, value):
        if key == "q":
            return any(value.casefold() in item[f].casefold() for f in self.search)
        if key == "within":
            return item["code"].startswith(value + ".")
        if key == "on_date":
            return item["valid_from"] <= value and (item["valid_to"] or "9999") > value
        return item.get(key) == value

    def add(self, item):
        self.items[item["id"]] = item
        return {"item": item}

    def change(self, item_id, changes, check=lambda merged: None):
        if item_id not in self.items:
            return error(404, "id", f"{item_id} tidak ditemukan")
        merged = {**self.items[item_id], **changes}
        return check(merged) or self.add(merged)


class FakeRegistry:
    def __init__(self):
        self.regions = Table(("q", "level", "within"))
        for code, name, level in REGIONS:
            self.regions.add({"id": code, "code": code, "name": name, "level": level, "type": level,
                              "parent": code.rpartition(".")[0] or None, "path": name,
                              "postal_code": None})
        self.posyandu = Table(("kabupaten_code", "kecamatan_code", "desa_code", "ilp", "six_spm",
                               "active", "q"), search=("name", "registration_number"))
        self.opds = Table(("kabupaten_code", "q", "active"))
        self.rules = Table(("kabupaten_code", "service_type", "region_prefix", "opd_code", "on_date"))
        self.people = Table(("role", "kabupaten_code", "opd_code", "posyandu_id", "active", "q"))
        self.people.add(dict(ADMIN))
        self.passwords = {ADMIN["id"]: PASSWORD}
        self.api_keys, self.key_of = Table(("opd_code", "kabupaten_code")), {}
        self.audit_entries, self.calls = [], []
        self.catalogue = {code: {"id": code, "spm_area": code.split(".")[0], "label_id": code,
                                 "label_en": code, "area_label_id": "", "area_label_en": "",
                                 "ilp_cluster": None, "acknowledge_working_days": 3,
                                 "follow_up_working_days": 5, "resolve_days": 60}
                          for code in SERVICE_TYPES}

    def get_region(self, code):
        return self.regions.items.get(code)

    def region_with_context(self, code):
        region = self.get_region(code)
        return region and {**region, "ancestors": [self.get_region(c) for c in ancestors_and_self(code)[:-1]],
                           "children": [r for r in self.regions.items.values() if r["parent"] == code]}

    def search_regions(self, filters, page=1, per_page=50):
        return self.regions.find(filters, page, per_page)

    def service_types(self):
        return list(self.catalogue.values())

    def update_service_type(self, code, changes, actor=None):
        merged = {**self.catalogue[code], **changes}
        if merged["follow_up_working_days"] < merged["acknowledge_working_days"]:
            return error(422, "follow_up_working_days", "tidak boleh lebih pendek dari batas tanggapan")
        self.catalogue[code] = merged
        return {"item": merged}

    def get_posyandu(self, posyandu_id):
        return self.posyandu.items.get(posyandu_id)

    def posyandu_places(self, kabupaten_code):
        return {p["id"]: [p["desa_code"], p["active"]] for p in self.posyandu.items.values()
                if p["kabupaten_code"] == kabupaten_code}

    def find_posyandu(self, filters, page=1, per_page=50):
        return self.posyandu.find(filters, page, per_page)

    def create_posyandu(self, data, actor=None):
        problem = self._posyandu_problem(data)
        if problem:
            return problem
        item = {"ilp": False, "six_spm": False, "active": True, "kader": [], **data,
                "id": f"P{data['desa_code'].replace('.', '')}{len(self.posyandu.items) + 1:02d}",
                "kecamatan_code": data["desa_code"][:8], "kabupaten_code": data["desa_code"][:5]}
        return self.posyandu.add(item)

    def update_posyandu(self, posyandu_id, changes, actor=None):
        return self.posyandu.change(posyandu_id, changes, self._posyandu_problem)

    def _posyandu_problem(self, data):
        if self.regions.items.get(data["desa_code"], {}).get("level") != "desa":
            return error(422, "desa_code", f"desa/kelurahan {data['desa_code']} tidak ada di registry")
        if any(p["registration_number"] == data["registration_number"] and p["id"] != data.get("id")
               for p in self.posyandu.items.values()):
            return error(409, "registration_number", "nomor registrasi sudah dipakai Posyandu lain")
        return None

    def import_posyandu(self, csv_text, dry_run=False, actor=None):
        reader = csv.DictReader(io.StringIO(csv_text))
        if reader.fieldnames[:3] != ["registration_number", "name", "desa_code"]:
            return error(422, "file", "baris judul harus registration_number,name,desa_code,…")
        rows = [self._import_row(n, row, dry_run) for n, row in enumerate(reader, start=2)]
        count = {s: sum(r["status"] == s for r in rows) for s in ("created", "updated", "rejected")}
        return {"dry_run": dry_run, "imported": not dry_run, "accepted": len(rows) - count["rejected"],
                "rejected": count["rejected"], **count, "rows": rows}

    def _import_row(self, number, row, dry_run):
        data = {k: row[k] for k in ("registration_number", "name", "desa_code")}
        problem = self._posyandu_problem(data)
        status = "rejected" if problem else "created"
        if not (problem or dry_run):
            self.create_posyandu(data)
        return {"row": number, "registration_number": data["registration_number"], "status": status,
                "id": None, "errors": problem["errors"] if problem else []}

    def get_opd(self, code):
        return self.opds.items.get(code)

    def find_opds(self, filters, page=1, per_page=50):
        return self.opds.find(filters, page, per_page)

    def create_opd(self, data, actor=None):
        code = f"{data['kabupaten_code']}/{data['short_code']}"
        if code in self.opds.items:
            return error(409, "short_code", f"OPD {code} sudah ada")
        queue = {"type": "rabbitmq", "queue": "simpul.opd." + code.replace("/", ".")}
        return self.opds.add({"units": [], "active": True, **data, "id": code,
                              "channels": [queue, *data.get("channels", [])]})

    def update_opd(self, code, changes, actor=None):
        return self.opds.change(code, changes)

    def find_rules(self, filters, page=1, per_page=50):
        if "kabupaten_code" not in filters:
            return error(422, "kabupaten_code", "wajib diisi")
        return self.rules.find(filters, page, per_page)

    def create_rule(self, data, actor=None):
        if data["opd_code"] not in self.opds.items:
            return error(422, "opd_code", "OPD tidak ada atau tidak aktif")
        return self.rules.add({"unit_code": None, "valid_from": "2026-01-01", "valid_to": None,
                               **data, "id": f"rule-{len(self.rules.items) + 1}",
                               "kabupaten_code": data["region_prefix"][:5],
                               "created_at": "2026-01-01T00:00:00+00:00", "ended_at": None})

    def end_rule(self, rule_id, valid_to, actor=None):
        return self.rules.change(rule_id, {"valid_to": valid_to, "ended_at": "2026-01-02T00:00:00+00:00"})

    def get_person(self, person_id):
        return self.people.items.get(person_id)

    def find_people(self, filters, page=1, per_page=50):
        return self.people.find(filters, page, per_page)

    def create_person(self, data, actor=None):
        data = dict(data)
        password = data.pop("password", None)
        if data["role"] == "kader" and data.get("posyandu_id") not in self.posyandu.items:
            return error(422, "posyandu_id", "kader harus terikat pada satu Posyandu")
        bound = {"kabupaten_code": self.posyandu.items[data["posyandu_id"]]["kabupaten_code"]} \
            if data["role"] == "kader" else {"kabupaten_code": data["opd_code"][:5]} \
            if data.get("opd_code") else {}
        answer = self.people.add({"kabupaten_code": None, "posyandu_id": None, "opd_code": None,
                                  "phone": None, "email": None, "active": True, "username": None,
                                  **data, **bound, "id": f"person-{len(self.people.items)}"})
        if password:
            self.passwords[answer["item"]["id"]] = password
        return answer

    def update_person(self, person_id, changes, actor=None):
        return self.people.change(person_id, changes)

    def authenticate(self, username, password):
        person = next((p for p in self.people.items.values() if p.get("username") == username), None)
        matches = person and person["active"] and self.passwords.get(person["id"]) == password
        return person if matches else None

    def set_password(self, person_id, password, actor=None):
        if person_id not in self.people.items:
            return error(404, "id", f"orang {person_id} tidak ditemukan")
        if len(password) < 10:
            return error(422, "password", "paling sedikit 10 karakter")
        self.passwords[person_id] = password
        return {"item": self.people.items[person_id]}

    def set_username(self, person_id, username, actor=None):
        if any(p.get("username") == username for p in self.people.items.values()):
            return error(409, "username", f"nama pengguna {username} sudah dipakai")
        return self.people.change(person_id, {"username": username})

    def create_api_key(self, data, actor=None):
        opd = self.opds.items.get(data["opd_code"])
        if opd is None:
            return error(422, "opd_code", "harus kode OPD yang ada di registry")
        key_id = f"{len(self.api_keys.items) + 1:012x}"
        item = {**data, "id": key_id, "kabupaten_code": opd["kabupaten_code"],
                "created_at": "t", "revoked_at": None}
        key = f"sk_{key_id}_rahasia-{key_id}"
        self.key_of[key] = key_id
        return {**self.api_keys.add(item), "key": key}

    def verify_api_key(self, key):
        item = self.api_keys.items.get(self.key_of.get(key))
        return item if item and item["revoked_at"] is None else None

    def find_api_keys(self, filters, page=1, per_page=50):
        filters = dict(filters)
        revoked = filters.pop("revoked", None)
        found = self.api_keys.find(filters, 1, 10_000)["items"]
        found = [k for k in found if revoked is None or (k["revoked_at"] is not None) == revoked]
        return {"items": found[(page - 1) * per_page:page * per_page], "total": len(found),
                "page": page, "per_page": per_page}

    def revoke_api_key(self, key_id, actor=None):
        return self.api_keys.change(key_id, {"revoked_at": "t"})

    def audit_log(self, filters=None, page=1, per_page=50):
        self.calls.append(("audit_log", filters, page, per_page))
        return {"items": self.audit_entries[(page - 1) * per_page:page * per_page],
                "total": len(self.audit_entries), "page": page, "per_page": per_page}

    def coverage(self, kabupaten_code, on_date=None):
        if kabupaten_code not in self.regions.items:
            return error(404, "kabupaten", f"wilayah {kabupaten_code} tidak ada di registry")
        return {"kabupaten_code": kabupaten_code, "on_date": on_date or "2026-11-30",
                "kecamatan": 1, "complete": True, "gaps": []}


class FakeRouting:
    """Cases by id; every call is remembered, so a test sees what the gateway asked."""
    SHOWN = ("kabupaten_code", "posyandu_id", "visit_id", "household_ref", "service_type")

    def __init__(self):
        self.cases, self.calls = {}, []

    def find_cases(self, filters, page=1, per_page=50, *, actor):
        self.calls.append(("find_cases", filters, page, per_page))
        if "status" in filters and "bogus" in filters["status"]:
            return error(422, "status", "status tidak dikenal")
        found = [c for c in self.cases.values()   # the fields a case shows as they are
                 if all(c[k] == v for k, v in filters.items() if k in self.SHOWN)]
        return {"items": found, "total": len(found), "page": page, "per_page": per_page}

    def get_case(self, case_id, actor):
        case = self.cases.get(case_id)
        return case and {**case, "history": []}

    def case_history(self, case_id, actor):
        return [] if case_id in self.cases else None

    def household_cases(self, household_ref, actor):
        found = [c for c in self.cases.values() if c["household_ref"] == household_ref]
        by_area = {}
        for case in found:
            by_area.setdefault(case["spm_area"], []).append(case)
        return {"household_ref": household_ref, "total": len(found), "open": len(found),
                "by_area": by_area}

    def act(self, case_id, action, actor, details):
        self.calls.append(("act", case_id, action, actor, details))
        if case_id not in self.cases:
            return error(404, "id", f"kasus {case_id} tidak ada")
        if actor["role"] == "kader":
            return error(403, "actor", "peran kader tidak dapat melakukan " + action)
        return {"item": {**self.cases[case_id], "history": [{
            "seq": 0, "action": action, "from": "routed", "to": "acknowledged", "at": "t",
            "actor": {"role": actor["role"], "id": actor["id"], "name": actor["name"]}, **details}]}}


class FakeNotification:
    """Deliveries, channel states and inbox items by id; every call is remembered."""

    def __init__(self):
        self.deliveries, self.states, self.inbox_items, self.calls = {}, {}, {}, []

    def find_deliveries(self, filters, page=1, per_page=50):
        self.calls.append(("find_deliveries", filters, page, per_page))
        found = [d for d in self.deliveries.values() if all(d[k] == v for k, v in filters.items())]
        return {"items": found, "total": len(found), "page": page, "per_page": per_page}

    def retry_delivery(self, notification_id, actor=None):
        record = self.deliveries.get(notification_id)
        if record is None:
            return error(404, "id", f"pengiriman {notification_id} tidak ada")
        if record["status"] != "parked":
            return error(409, "status", "hanya pengiriman yang diparkir yang dapat diulang")
        record.update(status="pending", parked_at=None)
        return {"item": record}

    def retry_parked(self, filters=None, actor=None):
        self.calls.append(("retry_parked", filters))
        found = self.find_deliveries({**filters, "status": "parked"})["items"]
        for record in found:
            record["status"] = "pending"
        return {"retried": len(found)}

    def pause_channel(self, owner, channel, paused=True, by=None, actor=None):
        self.calls.append(("pause_channel", owner, channel, paused, by))
        state = {"owner": owner, "channel": channel, "paused": paused, "changed_at": "t",
                 "changed_by": by}
        self.states[(owner, channel)] = state
        return {"item": state}

    def channel_states(self, owner):
        return [s for (o, _), s in self.states.items() if o == owner]

    def webhook_secret(self, opd_code, actor=None):
        return {"opd_code": opd_code, "secret": f"rahasia-{opd_code}"}

    def inbox(self, posyandu_id, unread_only=False, page=1, per_page=50, actor=None):
        self.calls.append(("inbox", posyandu_id, unread_only, page, per_page))
        mine = [i for i in self.inbox_items.values() if i["posyandu_id"] == posyandu_id]
        unread = [i for i in mine if i["read_at"] is None]
        found = unread if unread_only else mine
        return {"items": found[(page - 1) * per_page:page * per_page], "total": len(found),
                "unread": len(unread), "page": page, "per_page": per_page}

    def mark_read(self, posyandu_id, ids, actor=None):
        self.calls.append(("mark_read", posyandu_id, ids))
        found = [self.inbox_items[i] for i in ids if i in self.inbox_items]
        fresh = [i for i in found if i["posyandu_id"] == posyandu_id and i["read_at"] is None]
        for item in fresh:
            item["read_at"] = "t"
        return {"updated": len(fresh)}


class FakeReporting:
    """Reporting's tables (docs/reporting.md) as a test sets them, by (name, region), answered at
    the instant asked; unknown tables and `by` values are refused as reporting refuses them.
    Every call is remembered."""
    COLUMNS = {
        "counts": ["spm_area", "reports"], "posyandu": ["posyandu_id", "reports", "resolved", "resolved_pct"],
        "areas": ["spm_area", "reports", "open", "resolved", "resolved_in_sla_pct", "overdue"],
        "kecamatan": ["rank", "kecamatan_code", "reports", "resolved_pct", "in_sla_pct", "overdue"],
        "overdue": ["report_id", "opd_code", "service_type", "desa_code", "deadline", "due",
                    "working_days_overdue", "escalation_level"],
        "coverage": ["kabupaten_code", "posyandu", "ilp", "ilp_pct", "six_spm", "six_spm_pct"],
        "opd": ["opd_code", "cases", "acknowledged", "acknowledged_in_sla_pct", "resolved",
                "resolved_in_sla_pct", "ack_median_wd", "ack_p90_wd", "resolve_median_wd",
                "resolve_p90_wd", "backlog_0_2", "backlog_3_5", "backlog_6_10", "backlog_over_10",
                "reopen_rate_pct", "escalations"]}
    COLUMNS["accountability"] = ["opd_code", "service_type", *COLUMNS["opd"][1:]]
    NOW = "2026-11-30T10:00:00.000+00:00"

    def __init__(self):
        self.rows, self.calls = {}, []

    def set(self, name, region, rows, columns=None):
        self.rows[(name, region)] = (columns or self.COLUMNS[name], rows)

    def table(self, name, region, options=None):
        options = dict(options or {})
        self.calls.append(("table", name, region, dict(options)))
        if name not in self.COLUMNS:
            return error(404, "table", f"tabel {name!r} tidak ada")
        if options.get("by") not in (None, "spm_area", "kabupaten", "kecamatan", "desa", "posyandu"):
            return error(422, "by", "harus salah satu dari spm_area, …")
        columns, rows = self.rows.get((name, region), (self.COLUMNS[name], []))
        as_of = options.pop("as_of", None) or self.NOW
        return {"table": name, "region": region, "as_of": as_of, "filters": options,
                "columns": columns, "rows": rows}

    def summary(self, region):
        self.calls.append(("summary", region))
        return {"region": region, "total": 0, "by_status": {}, "by_spm_area": {},
                "by_service_type": {}, "by_kind": {}, "by_opd": {}}

    def dhis2(self, region, period, as_of=None):
        self.calls.append(("dhis2", region, period, as_of))
        if len(period) != 6:
            return error(422, "period", "bulan dalam bentuk yyyyMM")
        return {"dataValues": [{"dataElement": "SIMPUL_REPORTS_KESEHATAN", "period": period,
                                "orgUnit": region, "value": "3"}]}


class FakeDeadLetters:
    """The dead-letter queue, in memory; `letters` are `simpul_common.deadletters.DeadLetter`s."""

    def __init__(self):
        self.letters, self.replayed = [], []

    def count(self):
        return len(self.letters)

    def peek(self, limit=100, queue=None):
        return [l for l in self.letters if queue is None or l.queue == queue][:limit]

    def find(self, letter_id):
        return next((l for l in self.letters if l.id == letter_id), None)

    def replay(self, ids=None, queue=None, on_each=lambda letter: None):
        chosen = [l for l in self.letters if (ids is None or l.id in ids)
                  and (queue is None or l.queue == queue)]
        self.letters = [l for l in self.letters if l not in chosen]
        self.replayed += chosen
        return {"replayed": len(chosen), "ids": [l.id for l in chosen], "without_queue": [],
                "not_found": sorted(set(ids or ()) - {l.id for l in chosen})}


class FakeCommands:
    def __init__(self):
        self.sent = []

    def send(self, envelope):
        self.sent.append(envelope)

    def close(self):
        pass


ACTOR_ARGUMENT = {"get_case": 1, "case_history": 1, "household_cases": 1}   # positional actors


class FakeServices:
    """The services behind the gateway; `actors` lists who each call that names one was for."""

    def __init__(self, **services):
        self.services, self.actors = services, []

    def call(self, service, method, *args, **kwargs):
        if "actor" in kwargs or method in ACTOR_ARGUMENT:
            actor = kwargs.get("actor") if "actor" in kwargs else args[ACTOR_ARGUMENT[method]]
            self.actors.append((service, method, actor))
        return getattr(self.services[service], method)(*args, **kwargs)

    def close(self):
        pass


@pytest.fixture
def registry():
    return FakeRegistry()


@pytest.fixture
def routing():
    return FakeRouting()


@pytest.fixture
def notification():
    return FakeNotification()


@pytest.fixture
def reporting():
    return FakeReporting()


@pytest.fixture
def commands():
    return FakeCommands()


def settings(**changes) -> Settings:
    return Settings(SIMPUL_DATA_KEY=sealing.new_key(), SIMPUL_JWT_SECRET=JWT_SECRET, **changes)


@pytest.fixture
def api(registry, routing, notification, commands):
    """A client of the gateway signed in as a national admin."""
    app = create_app(settings())
    with TestClient(app, headers=bearer(ADMIN)) as client:
        # the lifespan built the real RPC pool and command sender; they never connected
        app.state.rpc = FakeServices(registry=registry, routing=routing,
                                     notification=notification)
        app.state.commands = commands
        app.state.dead_letters = FakeDeadLetters()
        yield client


@pytest.fixture
def demo(registry, reporting):
    """A client, with no credentials, of a gateway in demo mode (SIMPUL_DEMO=1)."""
    app = create_app(settings(SIMPUL_DEMO=True))
    with TestClient(app) as client:
        app.state.rpc = FakeServices(registry=registry, reporting=reporting)
        yield client


@pytest.fixture
def anonymous(api):
    """A client of the same gateway with no credentials."""
    return TestClient(api.app)


@pytest.fixture
def auth(registry):
    """The headers of a request as a person (or a person id of the fake registry)."""
    def headers(person) -> dict:
        return bearer(person if isinstance(person, dict) else registry.people.items[person])
    return headers


# --- a world of two kabupaten/kota, for who-sees-what ------------------------------------------

BATAM = [("21", "Kepulauan Riau", "province"), ("21.71", "Batam", "kabupaten"),
         ("21.71.01", "Batam Kota", "kecamatan"), ("21.71.01.1001", "Belian", "desa")]
HOUSEHOLD = "cd" * 32


class FakeIntake:
    """Answers as intake does, without its own object check (the gateway's is under test)."""

    def __init__(self):
        self.reports = {}
        self.citizens = {}   # citizen_ref → report ids
        self.calls = []

    def get_report(self, report_id, actor):
        self.calls.append(("get_report", report_id, actor))
        return self.reports.get(report_id)

    def citizen_reports(self, citizen_ref, actor):
        self.calls.append(("citizen_reports", citizen_ref, actor))
        found = [self.reports[i] for i in self.citizens.get(citizen_ref, ())]
        return {"items": found, "total": len(found)}

    def erase_citizen(self, citizen_ref, actor, reason):
        self.calls.append(("erase_citizen", citizen_ref, actor, reason))
        ids = self.citizens.pop(citizen_ref, [])
        return {"erased": len(ids), "report_ids": ids}


def case_at(posyandu: dict, opd_code: str, **extra) -> dict:
    """A routed case of a report filed at `posyandu`, at `opd_code`, as routing answers it."""
    return {"id": str(uuid.uuid4()), "status": "routed", "kind": "complaint", "spm_area": "kesehatan",
            "service_type": "kesehatan.balita", "desa_code": posyandu["desa_code"],
            "posyandu_id": posyandu["id"], "kabupaten_code": posyandu["kabupaten_code"],
            "visit_id": None, "household_ref": HOUSEHOLD,
            "opd": {"code": opd_code, "name": opd_code, "unit_code": None}, "reason": None,
            "routed_at": "t", "updated_at": "t", "deadline": "acknowledge", "acknowledge_due_at": "t",
            "due_at": "t", "triage_due_at": None, "deem_closed_at": None, "overdue": False,
            "escalation_level": 0, "escalation_target": None, "linked_to": None,
            "linked_reports": [], "allowed_actions": ["acknowledge"], **extra}


def report_of(case: dict) -> dict:
    """The report behind a case, as intake answers it."""
    return {"id": case["id"], "status": case["status"], "kind": case["kind"],
            "spm_area": case["spm_area"], "service_type": case["service_type"],
            "desa_code": case["desa_code"], "posyandu_id": case["posyandu_id"], "description": "…",
            "citizen": None, "assigned_opd": case["opd"] and {"code": case["opd"]["code"],
                                                              "name": case["opd"]["name"]},
            "due_at": "t", "escalation_level": 0, "linked_to": None, "visit_id": None,
            "household_ref": case["household_ref"], "received_at": "t",
            "delivery": {"state": "delivered", "deliveries": []}, "history": []}


class World:
    """Batang (33.25) with Posyandu A and B, Dinkes and Dinsos, and Batam (21.71) with one of
    each; a person of every role in Batang (the kader at A, the officer and head of Batang's
    Dinkes), some elsewhere, an API key of Batang's Dinkes, and a case with its report at each
    Posyandu (A: Dinkes, B: Dinsos, Batam: its Dinkes). Installed as the app's services."""

    def __init__(self, app):
        self.registry, self.routing, self.intake = FakeRegistry(), FakeRouting(), FakeIntake()
        self.notification, self.reporting, self.commands = FakeNotification(), FakeReporting(), FakeCommands()
        app.state.rpc = FakeServices(registry=self.registry, routing=self.routing, intake=self.intake,
                                     notification=self.notification, reporting=self.reporting)
        app.state.commands = self.commands
        app.state.dead_letters = FakeDeadLetters()
        app.state.principals.forget()
        app.state.registry_cache.forget()
        registry = self.registry
        for code, name, level in BATAM:
            registry.regions.add({"id": code, "code": code, "name": name, "level": level, "type": level,
                                  "parent": code.rpartition(".")[0] or None, "path": name,
                                  "postal_code": None})
        self.posyandu = {name: registry.create_posyandu({"registration_number": f"REG-{name}",
                                                          "name": f"Posyandu {name}",
                                                          "desa_code": desa})["item"]
                         for name, desa in (("A", "33.25.01.2001"), ("B", "33.25.01.2002"),
                                            ("batam", "21.71.01.1001"))}
        for kabupaten, short in (("33.25", "dinkes"), ("33.25", "dinsos"), ("21.71", "dinkes")):
            registry.create_opd({"kabupaten_code": kabupaten, "short_code": short, "name": f"{short} {kabupaten}"})
        self.rule = registry.create_rule({"region_prefix": "33.25", "service_type": "kesehatan.*",
                                          "opd_code": "33.25/dinkes"})["item"]
        self.people = {"admin": ADMIN, **{name: registry.create_person({"name": f"Orang {name}", **data})["item"]
                                          for name, data in self._bindings().items()}}
        created = registry.create_api_key({"name": "SIK Dinkes Batang", "opd_code": "33.25/dinkes",
                                           "scopes": ["cases:read", "cases:act"]})
        self.key, self.key_id = created["key"], created["item"]["id"]
        self.cases = {"A": case_at(self.posyandu["A"], "33.25/dinkes"),
                      "B": case_at(self.posyandu["B"], "33.25/dinsos"),
                      "batam": case_at(self.posyandu["batam"], "21.71/dinkes")}
        for case in self.cases.values():
            self.routing.cases[case["id"]] = case
            self.intake.reports[case["id"]] = report_of(case)
        self.delivery = str(uuid.uuid4())
        self.notification.deliveries[self.delivery] = {
            "id": self.delivery, "cause": "c", "event_type": "report.routed", "kind": "new_case",
            "report_id": self.cases["A"]["id"], "kabupaten_code": "33.25", "opd_code": "33.25/dinkes",
            "posyandu_id": self.posyandu["A"]["id"], "channel": "webhook", "destination": "https://x.id",
            "status": "parked", "attempt_count": 8, "next_attempt_at": None, "created_at": "t",
            "delivered_at": None, "parked_at": "t", "last_error": "HTTP 503", "recipient": None,
            "attempts": []}

    def _bindings(self) -> dict:
        return {"kader": {"role": "kader", "posyandu_id": self.posyandu["A"]["id"], "username": "kader.a"},
                "kader_b": {"role": "kader", "posyandu_id": self.posyandu["B"]["id"]},
                "kader_batam": {"role": "kader", "posyandu_id": self.posyandu["batam"]["id"]},
                "opd_officer": {"role": "opd_officer", "opd_code": "33.25/dinkes"},
                "opd_head": {"role": "opd_head", "opd_code": "33.25/dinkes"},
                "dinsos": {"role": "opd_officer", "opd_code": "33.25/dinsos"},
                "tph": {"role": "tph", "kabupaten_code": "33.25"},
                "tph_batam": {"role": "tph", "kabupaten_code": "21.71"},
                "viewer": {"role": "viewer", "kabupaten_code": "33.25"},
                "admin_batang": {"role": "admin", "kabupaten_code": "33.25"}}

    def headers(self, who: str) -> dict:
        """A role's (or a person's of `_bindings`) credentials: "none", "key", or a bearer token."""
        if who == "none":
            return {}
        if who == "key":
            return {"X-API-Key": self.key}
        return bearer(self.people[who])


@pytest.fixture
def new_world(api):
    """Builds a fresh World into the `api` app (call it again for a clean one)."""
    return lambda: World(api.app)


@pytest.fixture
def world(new_world):
    return new_world()


class Clock:
    """A monotonic clock that stands still until the test moves it (`clock.now += 2.5`)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()
