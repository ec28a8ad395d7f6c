"""Before any service starts: declare the broker topology and load the demo master data."""
from kombu import Connection

from simpul_common import messaging
from simpul_common.nameko_ext.storage import connect
from simpul_registry.repository import RegistryRepository, prepare
from simpul_registry.seed import seed_demo


def declare_and_seed(amqp_uri: str, mongo_uri: str, registry_db: str, regions: str = "demo",
                     say=print) -> None:
    with Connection(amqp_uri) as connection:
        messaging.declare_topology(connection)
    say("topologi RabbitMQ dideklarasikan (antrean tahan lama, antrean ulang, dead-letter)")
    client = connect(mongo_uri)
    try:
        db = client[registry_db]
        prepare(db)
        say("memuat data induk demo: Kabupaten Batang (33.25) dan Kota Batam (21.71)")
        seed_demo(RegistryRepository(db), regions=regions, demo_users=True,
                  say=lambda line: say(line.strip()))
    finally:
        client.close()
