"""nameko entrypoints of the registry: look-ups for the gateway and routing, admin changes.
The RPC interface is documented in docs/registry-rpc.md."""
import uuid


from simpul_common import contracts
from simpul_common.audit import AuditLog
from simpul_common.nameko_ext import Metrics, MongoDatabase, Publish, rpc
from simpul_common.regions import is_desa_code, is_region_code

from . import usecases
from .repository import RegistryRepository, prepare

MAX_ANNOUNCED_IDS = 100   # more than that: the change concerns "many", `ids` is left empty


def _refused(actor) -> dict | None:
    """The registry's own check of who changes it (docs/security.md): an admin, or the system
    itself (no actor: the seeding and the operator's commands)."""
    if actor is not None and (not isinstance(actor, dict) or actor.get("role") != "admin"):
        return {"status": 403, "errors": [{"field": "actor", "message":
                                           "hanya admin yang boleh mengubah registry"}]}
    return None


def _fields(data) -> list[str]:
    """Which fields a change names (never their values: a person's phone is personal data)."""
    return sorted(data) if isinstance(data, dict) else []


class RegistryService:
    name = "registry"
    db = MongoDatabase(prepare=prepare)
    metrics = Metrics()   # /metrics on METRICS_PORT; times every RPC call
    publish = Publish()

    @property
    def repo(self) -> RegistryRepository:
        return RegistryRepository(self.db)

    @property
    def audit(self) -> AuditLog:
        """Every administrative change, with who made it (`actor`: the gateway's principal;
        None: the system or an operator's command)."""
        return AuditLog(self.db, self.name)

    def announce(self, entity: str, region: str, ids: list[str]) -> None:
        change = contracts.RegistryChanged(
            entity=entity, region=region, changed_at=contracts.utc_now(),
            ids=tuple(ids) if len(ids) <= MAX_ANNOUNCED_IDS else ())
        self.publish(change.envelope(str(uuid.uuid4())))

    # --- regions and coverage -----------------------------------------------------------
    @rpc
    def get_region(self, code):
        return self.repo.region(code) if is_region_code(code) else None

    @rpc
    def region_with_context(self, code):
        return usecases.region_with_context(self.repo, code)

    @rpc
    def search_regions(self, filters, page=1, per_page=50):
        return usecases.search_regions(self.repo, filters, page, per_page)

    @rpc
    def coverage(self, kabupaten_code, on_date=None):
        return usecases.coverage(self.repo, kabupaten_code, on_date)

    @rpc
    def routing_table(self, kabupaten_code):
        return self.repo.routing_table(kabupaten_code)

    # --- SPM catalogue ------------------------------------------------------------------
    @rpc
    def service_types(self):
        return self.repo.service_types()

    @rpc
    def update_service_type(self, code, changes, actor=None):
        return _refused(actor) or self.audit.after(actor, "service_type.update", "service_type",
                                usecases.update_service_type(self.repo, self.announce, code, changes),
                                code, fields=_fields(changes))

    # --- Posyandu -----------------------------------------------------------------------
    @rpc
    def get_posyandu(self, posyandu_id):
        return self.repo.get("posyandu", posyandu_id)

    @rpc
    def posyandu_places(self, kabupaten_code):
        """Where each Posyandu of a kabupaten/kota is and whether it is active, in one answer:
        `{id: [desa_code, active]}`. The gateway checks every filing against it (cached),
        instead of asking for each Posyandu and desa on its own."""
        return self.repo.posyandu_places(kabupaten_code) if is_region_code(kabupaten_code) else {}

    @rpc
    def list_posyandu(self, desa_code):
        """All Posyandu of a desa/kelurahan (kept for clients of the first API)."""
        if not is_desa_code(desa_code):
            return []
        return usecases.find_posyandu(self.repo, {"desa_code": desa_code}, 1, 200).get("items", [])

    @rpc
    def find_posyandu(self, filters, page=1, per_page=50):
        return usecases.find_posyandu(self.repo, filters, page, per_page)

    @rpc
    def posyandu_counts(self, region):
        return self.repo.posyandu_counts(region) if is_region_code(region) else None

    @rpc
    def create_posyandu(self, data, actor=None):
        return _refused(actor) or self.audit.after(actor, "posyandu.create", "posyandu",
                                usecases.create_posyandu(self.repo, self.announce, data),
                                fields=_fields(data))

    @rpc
    def update_posyandu(self, posyandu_id, changes, actor=None):
        return _refused(actor) or self.audit.after(actor, "posyandu.update", "posyandu",
                                usecases.update_posyandu(self.repo, self.announce, posyandu_id, changes),
                                posyandu_id, fields=_fields(changes))

    @rpc
    def import_posyandu(self, csv_text, dry_run=False, actor=None):
        refused = _refused(actor)
        if refused:
            return refused
        result = usecases.import_posyandu(self.repo, self.announce, csv_text, dry_run)
        if isinstance(result, dict) and result.get("imported"):
            self.audit.record(actor, "posyandu.import", "posyandu", None,
                              **{k: result.get(k) for k in ("accepted", "created", "updated")})
        return result

    # --- OPD and routing rules ----------------------------------------------------------
    @rpc
    def get_opd(self, code):
        return self.repo.get("opds", code)

    @rpc
    def find_opds(self, filters, page=1, per_page=50):
        return usecases.find_opds(self.repo, filters, page, per_page)

    @rpc
    def create_opd(self, data, actor=None):
        return _refused(actor) or self.audit.after(actor, "opd.create", "opd",
                                usecases.create_opd(self.repo, self.announce, data),
                                fields=_fields(data))

    @rpc
    def update_opd(self, code, changes, actor=None):
        return _refused(actor) or self.audit.after(actor, "opd.update", "opd",
                                usecases.update_opd(self.repo, self.announce, code, changes),
                                code, fields=_fields(changes))

    @rpc
    def find_rules(self, filters, page=1, per_page=50):
        return usecases.find_rules(self.repo, filters, page, per_page)

    @rpc
    def create_rule(self, data, actor=None):
        return _refused(actor) or self.audit.after(actor, "routing_rule.create", "routing_rule",
                                usecases.create_rule(self.repo, self.announce, data),
                                fields=_fields(data))

    @rpc
    def end_rule(self, rule_id, valid_to, actor=None):
        return _refused(actor) or self.audit.after(actor, "routing_rule.end", "routing_rule",
                                usecases.end_rule(self.repo, self.announce, rule_id, valid_to),
                                rule_id, valid_to=valid_to)

    # --- people -------------------------------------------------------------------------
    @rpc
    def get_person(self, person_id):
        return self.repo.get("people", person_id)

    @rpc
    def find_people(self, filters, page=1, per_page=50):
        return usecases.find_people(self.repo, filters, page, per_page)

    @rpc
    def create_person(self, data, actor=None):
        return _refused(actor) or self.audit.after(actor, "person.create", "person",
                                usecases.create_person(self.repo, self.announce, data),
                                fields=_fields(data))

    @rpc
    def update_person(self, person_id, changes, actor=None):
        return _refused(actor) or self.audit.after(actor, "person.update", "person",
                                usecases.update_person(self.repo, self.announce, person_id, changes),
                                person_id, fields=_fields(changes))

    # --- sign-in and API keys (docs/security.md) -----------------------------------------
    @rpc
    def authenticate(self, username, password):
        return usecases.authenticate(self.repo, username, password)

    @rpc
    def set_password(self, person_id, password, actor=None):
        return _refused(actor) or self.audit.after(actor, "person.set_password", "person",
                                usecases.set_password(self.repo, self.announce, person_id, password),
                                person_id)

    @rpc
    def set_username(self, person_id, username, actor=None):
        return _refused(actor) or self.audit.after(actor, "person.set_username", "person",
                                usecases.set_username(self.repo, self.announce, person_id, username),
                                person_id)

    @rpc
    def create_api_key(self, data, actor=None):
        return _refused(actor) or self.audit.after(actor, "api_key.create", "api_key",
                                usecases.create_api_key(self.repo, self.announce, data),
                                opd_code=(data or {}).get("opd_code") if isinstance(data, dict) else None,
                                scopes=(data or {}).get("scopes") if isinstance(data, dict) else None)

    @rpc
    def verify_api_key(self, key):
        return usecases.verify_api_key(self.repo, key)

    @rpc
    def find_api_keys(self, filters, page=1, per_page=50):
        return usecases.find_api_keys(self.repo, filters, page, per_page)

    @rpc
    def revoke_api_key(self, key_id, actor=None):
        return _refused(actor) or self.audit.after(actor, "api_key.revoke", "api_key",
                                usecases.revoke_api_key(self.repo, self.announce, key_id), key_id)

    # --- the audit log of administrative changes (docs/security.md, "Audit") -------------
    @rpc
    def audit_log(self, filters=None, page=1, per_page=50):
        return self.audit.find(filters or {}, page, per_page)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.repo.ping()}
