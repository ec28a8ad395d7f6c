"""nameko entrypoints of routing."""
from nameko.rpc import RpcProxy, rpc

from simpul_common.nameko_ext import MongoDatabase, Publish, consume

from . import usecases
from .repository import CaseRepository, prepare
from .tables import RoutingTables


class RoutingService:
    name = "routing"
    db = MongoDatabase(prepare=prepare)
    publish = Publish()
    registry = RpcProxy("registry")
    tables = RoutingTables()

    @consume("routing.reports")
    def on_report_received(self, received):
        def table(kabupaten_code):
            return self.tables.get(kabupaten_code,
                                   lambda: self.registry.routing_table(kabupaten_code))
        usecases.route_report(received.message, CaseRepository(self.db), table, self.publish)

    @rpc
    def get_case(self, report_id):
        return CaseRepository(self.db).get(report_id)

    @rpc
    def health(self):
        return {"service": self.name, "storage": CaseRepository(self.db).ping()}
