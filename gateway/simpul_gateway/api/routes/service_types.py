"""The SPM catalogue: the 29 service types, their labels and follow-up norms."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from simpul_common.catalogue import SERVICE_TYPES

from ..access import DENIED, within
from ..deps import Admin, Caller, Rpc
from ..errors import registry_answer
from ..registry import write
from ...schemas.catalogue import ServiceType, ServiceTypeChanges

router = APIRouter(prefix="/api/v1/service-types", tags=["service-types"], responses=DENIED)


@router.get("", response_model=list[ServiceType], summary="The 29 SPM service types")
def list_service_types(rpc: Rpc, who: Caller):
    return registry_answer(rpc.call("registry", "service_types"))


@router.patch("/{code}", response_model=ServiceType,
              summary="Change the labels, ILP cluster or follow-up norms of a service type",
              description="The catalogue is national: only a national admin changes it.")
def update_service_type(rpc: Rpc, body: ServiceTypeChanges, who: Admin,
                        code: Annotated[str, Path(examples=["kesehatan.balita"])]):
    within(who, None)
    if code not in SERVICE_TYPES:
        raise HTTPException(404, detail=f"jenis layanan {code} tidak ada dalam katalog SPM")
    return write(rpc, "update_service_type", code, body.sent(), actor=who.actor())
