"""The SPM catalogue: the 29 service types, their labels, ILP cluster and follow-up norms."""
from typing import Annotated, Optional

from pydantic import BaseModel, Field

from .base import Changes
from .fields import IlpCluster

Label = Annotated[str, Field(min_length=2, max_length=200)]


class ServiceType(BaseModel):
    id: str = Field(..., examples=["kesehatan.balita"])
    spm_area: str = Field(..., examples=["kesehatan"])
    label_id: str = Field(..., examples=["Pelayanan kesehatan balita"])
    label_en: str = Field(..., examples=["Health care for toddlers"])
    area_label_id: str = Field(..., examples=["Kesehatan"])
    area_label_en: str = Field(..., examples=["Health"])
    ilp_cluster: Optional[IlpCluster] = None
    acknowledge_working_days: int = Field(..., examples=[3])
    follow_up_working_days: int = Field(..., examples=[5])
    resolve_days: int = Field(..., examples=[60])


class ServiceTypeChanges(Changes):
    label_id: Label = None
    label_en: Label = None
    ilp_cluster: Optional[IlpCluster] = Field(None, description="Only for `kesehatan.*`; null clears it")
    acknowledge_working_days: int = Field(None, ge=1, le=30)
    follow_up_working_days: int = Field(None, ge=1, le=60, description="Not less than acknowledge")
    resolve_days: int = Field(None, ge=1, le=365)
