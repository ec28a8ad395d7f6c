"""nameko entrypoints of intake."""
from nameko.dependency_providers import Config

from simpul_common import contracts, sealing
from simpul_common.audit import AuditLog
from simpul_common.nameko_ext import Metrics, MongoDatabase, Publish, consume_batch, rpc
from simpul_common.nameko_ext.timers import configured_timer

from . import usecases
from .repository import ReportRepository, prepare


class IntakeService:
    name = "intake"
    db = MongoDatabase(prepare=prepare)
    metrics = Metrics()   # /metrics on METRICS_PORT; times every RPC call
    publish = Publish()
    config = Config()

    @property
    def reports(self) -> ReportRepository:
        return ReportRepository(self.db)

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.db, self.name)

    @property
    def data_key(self) -> bytes:
        return sealing.load_key(self.config["SIMPUL_DATA_KEY"])

    @property
    def retention_months(self) -> int:
        return int(self.config.get("RETENTION_MONTHS", 24))

    @consume_batch("intake.submissions")
    def on_submissions(self, batch):
        usecases.accept_submissions([received.message for received in batch], self.reports,
                                    self.publish)

    @consume_batch("intake.tracking")
    def on_tracking(self, batch):
        usecases.track_many(batch, self.reports)

    @configured_timer("RETENTION_SWEEP_SECONDS", 3600)
    def retention(self):
        usecases.apply_retention(self.retention_months, self.reports, self.audit,
                                 contracts.utc_now())

    @rpc
    def apply_retention(self, now=None):
        """Run retention now; `now` (another instant) only where the clock may be set
        (SIMPUL_CLOCK_OVERRIDE=1, tests and demos), never in production."""
        if now is not None and str(self.config.get("SIMPUL_CLOCK_OVERRIDE", "0")) not in (
                "1", "true", "True"):
            return usecases.error(403, "now", "jam tidak dapat diatur di lingkungan ini")
        return usecases.apply_retention(self.retention_months, self.reports, self.audit,
                                        now or contracts.utc_now())

    # reads name the `actor` they are for (docs/security.md): intake checks each report
    # against it itself, whatever the caller checked before, and audits what it answers
    @rpc
    def get_report(self, report_id, actor):
        return usecases.show_report(report_id, actor, self.reports, self.audit, self.data_key)

    @rpc
    def citizen_reports(self, citizen_ref, actor):
        return usecases.export_citizen(citizen_ref, actor, self.reports, self.audit,
                                       self.data_key)

    @rpc
    def erase_citizen(self, citizen_ref, actor, reason):
        return usecases.erase_citizen(citizen_ref, actor, reason, self.reports, self.audit,
                                      contracts.utc_now())

    @rpc
    def audit_log(self, filters=None, page=1, per_page=50):
        """Reads, exports and erasures of citizens' personal data (docs/privacy.md)."""
        return self.audit.find(filters or {}, page, per_page)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.reports.ping()}
