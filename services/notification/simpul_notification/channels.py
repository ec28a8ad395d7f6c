"""The OPD queue channel: a durable queue per OPD on the `simpul.opd` exchange."""
import threading

from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from simpul_common import contracts, messaging
from simpul_common.nameko_ext.publisher import make_publisher


class OpdQueueSender:
    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.publisher = make_publisher(amqp_uri)
        self._declared: set[str] = set()
        self._lock = threading.Lock()

    def destination(self, opd_code: str) -> str:
        return contracts.opd_queue_name(opd_code)

    def send(self, opd_code: str, notice: dict) -> None:
        """Publish persistently with broker confirmation; the OPD queue is declared first."""
        if opd_code not in self._declared:
            with Connection(self.amqp_uri) as connection:
                messaging.declare_opd_queue(connection, opd_code)
            with self._lock:
                self._declared.add(opd_code)
        self.publisher.publish(
            notice, exchange=messaging.opd_exchange,
            routing_key=contracts.opd_routing_key(opd_code, notice["type"]),
            message_id=notice["notification_id"])


class OpdQueue(DependencyProvider):
    def setup(self):
        self.sender = OpdQueueSender(self.container.config[AMQP_URI_CONFIG_KEY])

    def get_dependency(self, worker_ctx):
        return self.sender
