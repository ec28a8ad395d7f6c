"""The GeoReport v2 endpoints (docs/open311.md) under /open311/v2, each in JSON and XML by the
extension of its path. Reading needs no key (each address counted against the client rate
limit) and shows no personal data; filing needs an API key and takes the durable path of
`POST /api/v1/reports`: 202 only once the broker confirmed the command to intake. Left out of
the OpenAPI: a standard of its own, with its own specification, formats and errors."""
import datetime as dt
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from ..api import forms
from ..api.deps import AppSettings, Commands, DataKey, Limits, RegistryCache, Rpc
from ..api.errors import registry_answer
from ..api.submission import IdempotencyKey, body_hash, checked_key, submit
from . import filing, views
from .answers import MEDIA_TYPES, Open311Route, answer
from .form import MOST_FIELDS, submission
from .query import between, request_query, valid_ids
from .services import definition, notice, service

router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route,
                   include_in_schema=False)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"   # of this discovery document and the service definitions
# Open311 reads are public: routing answers them as for a national admin (or one bound to the
# jurisdiction asked), and only what `views` makes of a case leaves the gateway
READER = {"role": "admin", "id": "open311", "name": "Open311 (baca publik)", "opd_code": None,
          "posyandu_id": None, "kabupaten_code": None}


def public_read(request: Request) -> None:
    address = request.client.host if request.client else "-"
    request.app.state.rate_limits.check("client", f"ip:{address}")


async def posted_form(request: Request) -> dict[str, str]:
    return await forms.url_encoded(request, request.app.state.settings.MAX_BODY_BYTES, MOST_FIELDS)


Public = Annotated[None, Depends(public_read)]
Form = Annotated[dict, Depends(posted_form)]


def checked(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise HTTPException(404, detail=f"format {fmt[:20]} tidak ada: json atau xml")
    return fmt


def catalogue(rpc, cache) -> dict[str, dict]:
    entries = cache.get(("service_types",), lambda: rpc.call("registry", "service_types"))
    return {entry["id"]: entry for entry in registry_answer(entries)}


@router.get("/discovery.{fmt}")
def discovery(fmt: str, request: Request, settings: AppSettings, _: Public):
    endpoint = {"specification": SPECIFICATION, "url": str(request.url_for("services", fmt="json"))
                .removesuffix("/services.json"), "changeset": CHANGESET,
                "type": "test" if settings.SIMPUL_DEMO else "production",
                "formats": ["text/xml", "application/json"]}
    return answer(checked(fmt), "discovery", {
        "changeset": CHANGESET,
        "contact": "Admin Simpul kabupaten/kota Anda (Tim Pengurus Harian Posyandu)",
        "key_service": "Kunci API (api_key) diterbitkan admin Simpul kabupaten/kota"
                       + (" ; mode demo: kunci demo di README" if settings.SIMPUL_DEMO else ""),
        "endpoints": [endpoint]})


@router.get("/services.{fmt}", name="services")
def services(fmt: str, rpc: Rpc, cache: RegistryCache, _: Public, jurisdiction_id: str | None = None):
    filing.jurisdiction(jurisdiction_id or None, rpc, cache)
    return answer(checked(fmt), "services", [service(e) for e in catalogue(rpc, cache).values()])


@router.get("/services/{service_code}.{fmt}")
def service_definition(service_code: str, fmt: str, rpc: Rpc, cache: RegistryCache, _: Public,
                       jurisdiction_id: str | None = None):
    checked(fmt)
    filing.jurisdiction(jurisdiction_id or None, rpc, cache)
    entry = catalogue(rpc, cache).get(service_code)
    if entry is None:
        raise HTTPException(404, detail=f"service_code {service_code[:100]} tidak ada")
    return answer(fmt, "service_definition", definition(entry))


@router.post("/requests.{fmt}")
def post_request(fmt: str, request: Request, form: Form, rpc: Rpc, cache: RegistryCache,
                 commands: Commands, key: DataKey, limits: Limits,
                 idempotency_key: IdempotencyKey = None):
    checked(fmt)
    checked_key(idempotency_key)
    holder = filing.client(request, form.get("api_key") or request.query_params.get("api_key"))
    entries = catalogue(rpc, cache)
    sent = submission(form, entries)
    kabupaten = filing.jurisdiction(sent.jurisdiction_id, rpc, cache)
    posyandu_id = filing.place(sent.desa_code, holder, kabupaten, rpc, cache)
    limits.filing(posyandu_id)
    hashed = body_hash(key, {name: value for name, value in form.items() if name != "api_key"})
    report_id = filing.report_id(holder, hashed, idempotency_key, time.time())
    submit(commands, key, report_id, kind=sent.kind, service_type=sent.service_code,
           desa_code=sent.desa_code, posyandu_id=posyandu_id, description=sent.text,
           citizen=sent.citizen, hashed_body=hashed, idempotency_key=idempotency_key)
    accepted = {"service_request_id": report_id, "service_notice": notice(entries[sent.service_code]),
                "account_id": sent.account_id}
    return answer(fmt, "service_requests", [accepted], 202,
                  {"Location": f"/open311/v2/requests/{report_id}.{fmt}"})


@router.get("/requests.{fmt}")
def get_requests(fmt: str, request: Request, rpc: Rpc, cache: RegistryCache, _: Public):
    checked(fmt)
    params = {name: ",".join(request.query_params.getlist(name)) for name in request.query_params}
    entries = catalogue(rpc, cache)
    query = request_query(params, entries, dt.datetime.now(dt.timezone.utc))
    kabupaten = filing.jurisdiction(params.get("jurisdiction_id") or None, rpc, cache)
    if query.ids:
        cases = [case for case_id in valid_ids(query.ids) if (case := _case(rpc, case_id))]
    else:
        reader = {**READER, "kabupaten_code": kabupaten}
        filters = {**query.routing_filters(), **({"kabupaten_code": kabupaten} if kabupaten else {})}
        cases = between(lambda page, per_page: registry_answer(rpc.call(
            "routing", "find_cases", filters, page, per_page, actor=reader), where="query"), query)
    return answer(fmt, "service_requests", [_request(case, entries, rpc, cache) for case in cases])


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(service_request_id: str, fmt: str, rpc: Rpc, cache: RegistryCache, _: Public,
                jurisdiction_id: str | None = None):
    checked(fmt)
    filing.jurisdiction(jurisdiction_id or None, rpc, cache)
    found = next((_case(rpc, case_id) for case_id in valid_ids([service_request_id])), None)
    if found is None:
        raise HTTPException(404, detail=f"service_request_id {service_request_id[:64]} tidak "
                                        "ditemukan (atau belum selesai diterima)")
    return answer(fmt, "service_requests", [_request(found, catalogue(rpc, cache), rpc, cache)])


@router.api_route("/{path:path}", methods=["GET", "POST"])
def unknown(path: str):
    raise HTTPException(404, detail=f"/open311/v2/{path[:100]} tidak ada di GeoReport v2 Simpul")


def _case(rpc, case_id: str) -> dict | None:
    return registry_answer(rpc.call("routing", "get_case", case_id, READER))


def _request(case: dict, entries: dict, rpc, cache) -> dict:
    return views.service_request(case, entries.get(case["service_type"]),
                                 filing.region(case["desa_code"], rpc, cache))

