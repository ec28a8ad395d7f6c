"""nameko entrypoints of routing."""
from nameko.rpc import RpcProxy, rpc

from simpul_common.nameko_ext import Cached, MongoDatabase, Publish, consume, on_broadcast

from . import usecases
from .repository import CaseRepository, prepare


class RoutingService:
    name = "routing"
    db = MongoDatabase(prepare=prepare)
    publish = Publish()
    registry = RpcProxy("registry")
    tables = Cached("ROUTING_TABLE_TTL_SECONDS", 60)   # forgotten on registry.changed

    @consume("routing.reports")
    def on_report_received(self, received):
        def table(kabupaten_code):
            return self.tables.get(kabupaten_code,
                                   lambda: self.registry.routing_table(kabupaten_code))
        usecases.route_report(received.message, CaseRepository(self.db), table, self.publish)

    @on_broadcast("registry.changed")
    def on_registry_changed(self, received):
        usecases.refresh_tables(received.message, self.tables)

    @rpc
    def get_case(self, report_id):
        return CaseRepository(self.db).get(report_id)

    @rpc
    def health(self):
        return {"service": self.name, "storage": CaseRepository(self.db).ping()}
