"""Counts and tables fed by the reporting service (docs/reporting.md), and their exports: the
same table as JSON or CSV, and the `areas` figures as DHIS2 `dataValueSets`."""
import csv
import io
from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Path, Query, Response

from simpul_common.cache import TtlCache
from simpul_common.regions import REGION_PATTERN

from ...broker import RpcPool
from ..access import DENIED
from ..deps import Caller, RegistryCache, Rpc
from ..errors import registry_answer
from ...schemas import Summary
from ...schemas.reporting import DataValueSet, Table, TableOptions

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"], responses=DENIED)
Region = Annotated[str, Query(pattern=REGION_PATTERN, examples=["33.25"],
                              description="Kemendagri code of any level")]
TableName = Annotated[str, Path(examples=["areas"], description=(
    "counts, accountability, opd, posyandu, areas, kecamatan, overdue or coverage"))]
Options = Annotated[TableOptions, Query()]
UNKNOWN = {404: {"description": "Unknown region or table"},
           422: {"description": "An option reporting refuses; the error names it"}}


def known_region(rpc: RpcPool, cache: TtlCache, region: str) -> dict:
    """The registry's region, or 404."""
    found = cache.get(("region", region), lambda: rpc.call("registry", "get_region", region),
                      remember_none=False)
    if found is None:
        raise HTTPException(404, detail=f"wilayah {region} tidak ada di registry")
    return found


def read_table(rpc: RpcPool, name: str, region: str, options: dict) -> dict:
    """One of reporting's tables; only the options given are passed on."""
    given = {key: value for key, value in options.items() if value is not None}
    return registry_answer(rpc.call("reporting", "table", name, region, given), where="query")


def as_csv(table: dict) -> str:
    """The table as CSV: a header row of its columns, then its rows; None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table["columns"])
    writer.writerows([["" if value is None else value for value in row] for row in table["rows"]])
    return out.getvalue()


@router.get("/summary", response_model=Summary, responses=UNKNOWN,
            summary="Report counts of a region by status, SPM area, service type, kind and OPD")
def summary(rpc: Rpc, cache: RegistryCache, region: Region, who: Caller):
    known_region(rpc, cache, region)
    return rpc.call("reporting", "summary", region)


# the CSV route first: `/tables/{name}` would take `areas.csv` for a name
@router.get("/tables/{name}.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "The table as CSV"}, **UNKNOWN},
            summary="A reporting table as a CSV file")
def table_csv(rpc: Rpc, cache: RegistryCache, name: TableName, region: Region, options: Options,
              who: Caller):
    known_region(rpc, cache, region)
    table = read_table(rpc, name, region, options.model_dump())
    return Response(as_csv(table), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="simpul-{name}-{region}.csv"'})


@router.get("/tables/{name}", response_model=Table, responses=UNKNOWN,
            summary="A reporting table: counts, OPD accountability, areas, overdue cases, …")
def table(rpc: Rpc, cache: RegistryCache, name: TableName, region: Region, options: Options,
          who: Caller):
    known_region(rpc, cache, region)
    return read_table(rpc, name, region, options.model_dump())


@router.get("/dhis2", response_model=DataValueSet, responses=UNKNOWN,
            summary="The `areas` figures of a region and its child regions for one month, "
                    "as DHIS2 dataValueSets")
def dhis2(rpc: Rpc, cache: RegistryCache, region: Region, who: Caller,
          period: Annotated[str, Query(examples=["202611"], description="The month, yyyyMM")],
          as_of: Annotated[Optional[str], Query(description="As for the tables")] = None):
    known_region(rpc, cache, region)
    return registry_answer(rpc.call("reporting", "dhis2", region, period, as_of), where="query")
