"""nameko entrypoints of reporting."""
from nameko.rpc import rpc

from simpul_common.nameko_ext import MongoDatabase, consume
from simpul_common.regions import is_region_code

from . import usecases
from .repository import ReportingRepository, prepare


class ReportingService:
    name = "reporting"
    db = MongoDatabase(prepare=prepare)

    @consume("reporting.facts")
    def on_report_event(self, received):
        usecases.record_event(received, ReportingRepository(self.db))

    @rpc
    def summary(self, region):
        if not is_region_code(region):
            raise ValueError(f"not a Kemendagri region code: {region!r}")
        return usecases.region_summary(region, ReportingRepository(self.db))

    @rpc
    def health(self):
        return {"service": self.name, "storage": ReportingRepository(self.db).ping()}
