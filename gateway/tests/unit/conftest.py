"""The gateway app against an in-memory registry: a fake that answers the RPC calls of
docs/registry-rpc.md as the registry does (pages, look-ups, writes and their error results),
for a few regions of Kabupaten Batang. Routing is a smaller fake that remembers what it was
asked (docs/routing-rpc.md), and so is notification (docs/notifications.md); commands are kept
instead of published."""
import csv
import io

import pytest
from fastapi.testclient import TestClient

from simpul_common import sealing
from simpul_common.catalogue import SERVICE_TYPES
from simpul_common.regions import ancestors_and_self
from simpul_gateway.main import create_app
from simpul_gateway.settings import Settings

REGIONS = [("33", "Jawa Tengah", "province"), ("33.25", "Batang", "kabupaten"),
           ("33.25.01", "Wonotunggal", "kecamatan"), ("33.25.01.2001", "Silurah", "desa"),
           ("33.25.01.2002", "Sodong", "desa")]


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

    def update_service_type(self, code, changes):
        merged = {**self.catalogue[code], **changes}
        if merged["follow_up_working_days"] < merged["acknowledge_working_days"]:
            return error(422, "follow_up_working_days", "tidak boleh lebih pendek dari batas tanggapan")
        self.catalogue[code] = merged
        return {"item": merged}

    def get_posyandu(self, posyandu_id):
        return self.posyandu.items.get(posyandu_id)

    def find_posyandu(self, filters, page=1, per_page=50):
        return self.posyandu.find(filters, page, per_page)

    def create_posyandu(self, data):
        problem = self._posyandu_problem(data)
        if problem:
            return problem
        item = {"ilp": False, "six_spm": False, "active": True, "kader": [], **data,
                "id": f"P{data['desa_code'].replace('.', '')}{len(self.posyandu.items) + 1:02d}",
                "kecamatan_code": data["desa_code"][:8], "kabupaten_code": data["desa_code"][:5]}
        return self.posyandu.add(item)

    def update_posyandu(self, posyandu_id, changes):
        return self.posyandu.change(posyandu_id, changes, self._posyandu_problem)

    def _posyandu_problem(self, data):
        if self.regions.items.get(data["desa_code"], {}).get("level") != "desa":
            return error(422, "desa_code", f"desa/kelurahan {data['desa_code']} tidak ada di registry")
        if any(p["registration_number"] == data["registration_number"] and p["id"] != data.get("id")
               for p in self.posyandu.items.values()):
            return error(409, "registration_number", "nomor registrasi sudah dipakai Posyandu lain")
        return None

    def import_posyandu(self, csv_text, dry_run=False):
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

    def create_opd(self, data):
        code = f"{data['kabupaten_code']}/{data['short_code']}"
        if code in self.opds.items:
            return error(409, "short_code", f"OPD {code} sudah ada")
        queue = {"type": "rabbitmq", "queue": "simpul.opd." + code.replace("/", ".")}
        return self.opds.add({"units": [], "active": True, **data, "id": code,
                              "channels": [queue, *data.get("channels", [])]})

    def update_opd(self, code, changes):
        return self.opds.change(code, changes)

    def find_rules(self, filters, page=1, per_page=50):
        if "kabupaten_code" not in filters:
            return error(422, "kabupaten_code", "wajib diisi")
        return self.rules.find(filters, page, per_page)

    def create_rule(self, data):
        if data["opd_code"] not in self.opds.items:
            return error(422, "opd_code", "OPD tidak ada atau tidak aktif")
        return self.rules.add({"unit_code": None, "valid_from": "2026-01-01", "valid_to": None,
                               **data, "id": f"rule-{len(self.rules.items) + 1}",
                               "kabupaten_code": data["region_prefix"][:5],
                               "created_at": "2026-01-01T00:00:00+00:00", "ended_at": None})

    def end_rule(self, rule_id, valid_to):
        return self.rules.change(rule_id, {"valid_to": valid_to, "ended_at": "2026-01-02T00:00:00+00:00"})

    def get_person(self, person_id):
        return self.people.items.get(person_id)

    def find_people(self, filters, page=1, per_page=50):
        return self.people.find(filters, page, per_page)

    def create_person(self, data):
        if data["role"] == "kader" and data.get("posyandu_id") not in self.posyandu.items:
            return error(422, "posyandu_id", "kader harus terikat pada satu Posyandu")
        return self.people.add({"kabupaten_code": None, "posyandu_id": None, "opd_code": None,
                                "phone": None, "email": None, "active": True, **data,
                                "id": f"person-{len(self.people.items) + 1}"})

    def update_person(self, person_id, changes):
        return self.people.change(person_id, changes)


class FakeRouting:
    """Cases by id; every call is remembered, so a test sees what the gateway asked."""
    SHOWN = ("kabupaten_code", "posyandu_id", "visit_id", "household_ref", "service_type")

    def __init__(self):
        self.cases, self.calls = {}, []

    def find_cases(self, filters, page=1, per_page=50):
        self.calls.append(("find_cases", filters, page, per_page))
        if "status" in filters and "bogus" in filters["status"]:
            return error(422, "status", "status tidak dikenal")
        found = [c for c in self.cases.values()   # the fields a case shows as they are
                 if all(c[k] == v for k, v in filters.items() if k in self.SHOWN)]
        return {"items": found, "total": len(found), "page": page, "per_page": per_page}

    def get_case(self, case_id):
        case = self.cases.get(case_id)
        return case and {**case, "history": []}

    def case_history(self, case_id):
        return [] if case_id in self.cases else None

    def household_cases(self, household_ref):
        found = [c for c in self.cases.values() if c["household_ref"] == household_ref]
        return {"household_ref": household_ref, "total": len(found), "open": len(found),
                "by_area": {c["spm_area"]: [c] for c in found}}

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

    def retry_delivery(self, notification_id):
        record = self.deliveries.get(notification_id)
        if record is None:
            return error(404, "id", f"pengiriman {notification_id} tidak ada")
        if record["status"] != "parked":
            return error(409, "status", "hanya pengiriman yang diparkir yang dapat diulang")
        record.update(status="pending", parked_at=None)
        return {"item": record}

    def retry_parked(self, filters=None):
        self.calls.append(("retry_parked", filters))
        found = self.find_deliveries({**filters, "status": "parked"})["items"]
        for record in found:
            record["status"] = "pending"
        return {"retried": len(found)}

    def pause_channel(self, owner, channel, paused=True, by=None):
        self.calls.append(("pause_channel", owner, channel, paused, by))
        state = {"owner": owner, "channel": channel, "paused": paused, "changed_at": "t",
                 "changed_by": by}
        self.states[(owner, channel)] = state
        return {"item": state}

    def channel_states(self, owner):
        return [s for (o, _), s in self.states.items() if o == owner]

    def webhook_secret(self, opd_code):
        return {"opd_code": opd_code, "secret": f"rahasia-{opd_code}"}

    def inbox(self, posyandu_id, unread_only=False, page=1, per_page=50):
        self.calls.append(("inbox", posyandu_id, unread_only, page, per_page))
        mine = [i for i in self.inbox_items.values() if i["posyandu_id"] == posyandu_id]
        unread = [i for i in mine if i["read_at"] is None]
        found = unread if unread_only else mine
        return {"items": found[(page - 1) * per_page:page * per_page], "total": len(found),
                "unread": len(unread), "page": page, "per_page": per_page}

    def mark_read(self, posyandu_id, ids):
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

    def dhis2(self, region, period, as_of=None):
        self.calls.append(("dhis2", region, period, as_of))
        if len(period) != 6:
            return error(422, "period", "bulan dalam bentuk yyyyMM")
        return {"dataValues": [{"dataElement": "SIMPUL_REPORTS_KESEHATAN", "period": period,
                                "orgUnit": region, "value": "3"}]}


class FakeCommands:
    def __init__(self):
        self.sent = []

    def send(self, envelope):
        self.sent.append(envelope)


class FakeServices:
    def __init__(self, **services):
        self.services = services

    def call(self, service, method, *args, **kwargs):
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


@pytest.fixture
def api(registry, routing, notification, commands):
    app = create_app(Settings(SIMPUL_DATA_KEY=sealing.new_key()))
    with TestClient(app) as client:
        # the lifespan built the real RPC pool and command sender; they never connected
        app.state.rpc = FakeServices(registry=registry, routing=routing,
                                     notification=notification)
        app.state.commands = commands
        yield client
