"""nameko entrypoints of intake."""
from nameko.dependency_providers import Config
from nameko.rpc import rpc

from simpul_common import sealing
from simpul_common.nameko_ext import Metrics, MongoDatabase, Publish, consume

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

    @consume("intake.submissions")
    def on_submission(self, received):
        usecases.accept_submission(received.message, self.reports, self.publish)

    @consume("intake.tracking")
    def on_tracking(self, received):
        usecases.track(received, self.reports)

    @rpc
    def get_report(self, report_id):
        key = sealing.load_key(self.config["SIMPUL_DATA_KEY"])
        return usecases.show_report(report_id, self.reports, key)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.reports.ping()}
