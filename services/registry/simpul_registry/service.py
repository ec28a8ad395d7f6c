"""nameko entrypoints of the registry: RPC look-ups for the gateway and routing."""
import datetime as dt

from nameko.rpc import rpc

from simpul_common.nameko_ext import MongoDatabase
from simpul_common.regions import ancestors_and_self, is_desa_code, is_region_code
from simpul_common.routing_rules import Rule

from .domain.coverage import coverage_gaps
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
    def region_with_context(self, code):
        """A region, its ancestors (province first) and its children; None if unknown."""
        if not is_region_code(code):
            return None
        region = self.repo.region(code)
        if region is None:
            return None
        ancestors = [self.repo.region(c) for c in ancestors_and_self(code)[:-1]]
        return {**region, "ancestors": [a for a in ancestors if a],
                "children": self.repo.children(code)}

    @rpc
    def coverage(self, kabupaten_code, on_date=None):
        on_date = on_date or dt.date.today().isoformat()
        table = self.repo.routing_table(kabupaten_code)
        kecamatan = self.repo.kecamatan_codes(kabupaten_code)
        gaps = coverage_gaps([Rule.from_dict(r) for r in table["rules"]], set(table["opds"]),
                             kecamatan, on_date)
        return {"kabupaten_code": kabupaten_code, "on_date": on_date, "kecamatan": len(kecamatan),
                "complete": not gaps, "gaps": gaps}

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
