"""nameko entrypoints of notification."""
from nameko.dependency_providers import Config
from nameko.rpc import rpc

from simpul_common.nameko_ext import MongoDatabase, Publish, consume

from . import usecases
from .channels import OpdQueue
from .repository import DeliveryRepository, prepare


class NotificationService:
    name = "notification"
    db = MongoDatabase(prepare=prepare)
    publish = Publish()
    opd_queue = OpdQueue()
    config = Config()

    @consume("notification.cases")
    def on_case_event(self, received):   # report.routed, case.escalated
        usecases.deliver_to_opd(received, DeliveryRepository(self.db), self.opd_queue,
                                     self.publish, self.config["GATEWAY_PUBLIC_URL"])

    @rpc
    def deliveries_of(self, report_id):
        return DeliveryRepository(self.db).for_report(report_id)

    @rpc
    def health(self):
        return {"service": self.name, "storage": DeliveryRepository(self.db).ping()}
