"""nameko entrypoints of the registry: RPC look-ups for the gateway and routing."""
from nameko.rpc import rpc

from simpul_common.nameko_ext import MongoDatabase
from simpul_common.regions import is_desa_code, is_region_code

from .repository import RegistryRepository, prepare


class RegistryService:
    name = "registry"
    db = MongoDatabase(prepare=prepare)

    @property
    def repo(self) -> RegistryRepository:
        return RegistryRepository(self.db)

    @rpc
    def get_region(self, code):
        return self.repo.region(code) if is_region_code(code) else None

    @rpc
    def get_posyandu(self, posyandu_id):
        return self.repo.posyandu(posyandu_id) if isinstance(posyandu_id, str) else None

    @rpc
    def list_posyandu(self, desa_code):
        return self.repo.posyandu_of_desa(desa_code) if is_desa_code(desa_code) else []

    @rpc
    def service_types(self):
        return self.repo.service_types()

    @rpc
    def routing_table(self, kabupaten_code):
        return self.repo.routing_table(kabupaten_code)

    @rpc
    def health(self):
        return {"service": self.name, "storage": self.repo.ping()}
