"""What a page reads: reporting's tables, every one at the same instant, through the same call
as the API; and the registry's places and names, cached as every registry look-up of the
gateway is. A place the registry does not know is a 404."""
from fastapi import HTTPException

from simpul_common import contracts
from simpul_common.cache import TtlCache

from ..api.routes.reporting import read_table
from ..broker import RpcPool
from .names import Names

MOST = 200   # the registry's largest page: more OPD than a kabupaten has, more Posyandu than a desa


class Source:
    def __init__(self, rpc: RpcPool, cache: TtlCache, as_of: str | None = None):
        self.rpc, self.cache = rpc, cache
        self.as_of = as_of or contracts.utc_now()

    def tables(self, region: str, wanted: dict[str, dict]) -> dict[str, dict]:
        """{table name: its options} → {table name: the table}, all as of the same instant."""
        return {name: read_table(self.rpc, name, region, {**options, "as_of": self.as_of})
                for name, options in wanted.items()}

    def _registry(self, key: tuple, method: str, *args):
        return self.cache.get(key, lambda: self.rpc.call("registry", method, *args),
                              remember_none=False)

    def _known(self, found, what: str):
        if found is None:
            raise HTTPException(404, detail=f"{what} tidak ada di registry")
        return found

    def region(self, code: str) -> dict:
        """The region with its ancestors and children."""
        return self._known(self._registry(("region_with_context", code), "region_with_context", code),
                           f"wilayah {code}")

    def posyandu(self, posyandu_id: str) -> dict:
        return self._known(self._registry(("posyandu", posyandu_id), "get_posyandu", posyandu_id),
                           f"Posyandu {posyandu_id}")

    def opd(self, code: str) -> dict:
        return self._known(self._registry(("opd", code), "get_opd", code), f"OPD {code}")

    def names(self, regions: list[dict], kabupaten: str | None = None, desa: str | None = None,
              region_codes=()) -> Names:
        """The names a page shows: of `regions`, and of `region_codes` looked up one by one; of
        the OPD of `kabupaten` and the Posyandu of `desa` when given; and the catalogue's."""
        names = Names(regions={r["id"]: r["name"] for r in regions})
        for code in set(region_codes) - set(names.regions):
            found = self._registry(("region", code), "get_region", code)
            if found:
                names.regions[code] = found["name"]
        if kabupaten:
            names.opds = self._labels(("opds_of", kabupaten), "find_opds", {"kabupaten_code": kabupaten})
        if desa:
            names.posyandu = self._labels(("posyandu_in", desa), "find_posyandu", {"desa_code": desa})
        catalogue = self._registry(("service_types",), "service_types") or []
        names.service_types = {t["id"]: t.get("label_id") or t["id"] for t in catalogue}
        return names

    def _labels(self, key: tuple, method: str, filters: dict) -> dict[str, str]:
        found = self._registry(key, method, filters, 1, MOST) or {}
        return {item["id"]: item["name"] for item in found.get("items", [])}
