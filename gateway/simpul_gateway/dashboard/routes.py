"""The dashboard's routes: `/dashboard` and the pages of a region, a Posyandu and an OPD, as
HTML. `?as_of=` takes every figure of a page at that instant (now when left out). Any signed-in
visitor sees them (aggregates only), by the cookie of `/dashboard/masuk` (see login.py). Sync
routes: FastAPI runs them on its thread pool, so the RPC calls never block the event loop."""
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from simpul_common.codes import OPD_SHORT_CODE_PATTERN
from simpul_common.regions import KABUPATEN_PATTERN, REGION_PATTERN

from ..api.deps import RegistryCache, Rpc
from ..api.security import dashboard_visitor
from . import pages
from .markup import error_page
from .source import Source
from .tables import column

router = APIRouter(prefix="/dashboard", tags=["dashboard"], include_in_schema=False,
                   dependencies=[Depends(dashboard_visitor)])
HOME = "33.25"   # Kabupaten Batang, the first kabupaten Simpul serves
AsOf = Annotated[Optional[str], Query(description="ISO-8601 instant with a time zone")]


def _html(build) -> HTMLResponse:
    """The page `build()` writes, or an error page saying what went wrong."""
    try:
        return HTMLResponse(build())
    except HTTPException as exc:
        detail = exc.detail if isinstance(exc.detail, str) else "; ".join(
            f"{e['loc'][-1]}: {e['msg']}" for e in exc.detail)
        return HTMLResponse(error_page(exc.status_code, detail), status_code=exc.status_code)


@router.get("")
def home():
    return RedirectResponse(f"/dashboard/wilayah/{HOME}")


@router.get("/wilayah/{code}", response_class=HTMLResponse)
def region(rpc: Rpc, cache: RegistryCache, code: Annotated[str, Path(pattern=REGION_PATTERN)],
           as_of: AsOf = None):
    def build():
        source = Source(rpc, cache, as_of)
        place = source.region(code)
        tables = source.tables(code, pages.REGION_TABLES[place["level"]])
        desa = column(tables["overdue"], "desa_code") if "overdue" in tables else ()
        kabupaten = code[:5] if place["level"] in ("kabupaten", "kecamatan") else None
        names = source.names([*place["ancestors"], place, *place["children"]], kabupaten=kabupaten,
                             desa=code if place["level"] == "desa" else None, region_codes=desa)
        return pages.region_page(place, tables, names)
    return _html(build)


@router.get("/posyandu/{posyandu_id}", response_class=HTMLResponse)
def posyandu(rpc: Rpc, cache: RegistryCache,
             posyandu_id: Annotated[str, Path(min_length=1, max_length=40)], as_of: AsOf = None):
    def build():
        source = Source(rpc, cache, as_of)
        found = source.posyandu(posyandu_id)
        desa = source.region(found["desa_code"])
        tables = source.tables(desa["id"], pages.POSYANDU_TABLES)
        names = source.names([*desa["ancestors"], desa], desa=desa["id"])
        return pages.posyandu_page(found, desa, tables, names)
    return _html(build)


@router.get("/opd/{kabupaten}/{short_code}", response_class=HTMLResponse)
def opd(rpc: Rpc, cache: RegistryCache,
        kabupaten: Annotated[str, Path(pattern=KABUPATEN_PATTERN)],
        short_code: Annotated[str, Path(pattern=OPD_SHORT_CODE_PATTERN)], as_of: AsOf = None):
    def build():
        source = Source(rpc, cache, as_of)
        found = source.opd(f"{kabupaten}/{short_code}")
        place = source.region(kabupaten)
        tables = source.tables(kabupaten, pages.OPD_TABLES)
        desa = column(pages.only(tables["overdue"], "opd_code", found["id"]), "desa_code")
        names = source.names([*place["ancestors"], place], kabupaten=kabupaten, region_codes=desa)
        return pages.opd_page(found, place, tables, names)
    return _html(build)
