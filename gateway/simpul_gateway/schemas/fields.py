"""Field types shared by the bodies and filters: syntax only, existence is the registry's answer."""
from typing import Annotated, Literal

import lokal
from pydantic import AfterValidator, Field

from simpul_common.catalogue import ILP_CLUSTERS, SERVICE_TYPES, SPM_AREAS
from simpul_common.regions import DESA_PATTERN, KABUPATEN_PATTERN, LEVELS, REGION_PATTERN

SHORT_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,30}$"
OPD_CODE_PATTERN = KABUPATEN_PATTERN[:-1] + "/" + SHORT_CODE_PATTERN[1:]
KECAMATAN_PATTERN = r"^\d{2}\.\d{2}\.\d{2}$"
ROLES = ("kader", "tph", "opd_officer", "opd_head", "admin", "viewer")


def _phone(value: str) -> str:
    normalized = lokal.normalize_phone(value)
    if normalized is None:
        raise ValueError("bukan nomor telepon Indonesia yang sah")
    return normalized


RegionCode = Annotated[str, Field(pattern=REGION_PATTERN, examples=["33.25.01"])]
KabupatenCode = Annotated[str, Field(pattern=KABUPATEN_PATTERN, examples=["33.25"])]
KecamatanCode = Annotated[str, Field(pattern=KECAMATAN_PATTERN, examples=["33.25.01"])]
DesaCode = Annotated[str, Field(pattern=DESA_PATTERN, examples=["33.25.01.2001"],
                                description="Kemendagri code of a desa/kelurahan")]
ShortCode = Annotated[str, Field(pattern=SHORT_CODE_PATTERN, examples=["dinkes"])]
OpdCode = Annotated[str, Field(pattern=OPD_CODE_PATTERN, examples=["33.25/dinkes"])]
UnitCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,60}$",
                                examples=["puskesmas-33.25.01"])]
PosyanduId = Annotated[str, Field(min_length=1, max_length=40, examples=["P332501200101"])]
Level = Literal[LEVELS]  # type: ignore[valid-type]
ServiceType = Literal[SERVICE_TYPES]  # type: ignore[valid-type]
AREA_WILDCARDS = tuple(f"{area}.*" for area in SPM_AREAS)   # a rule may name a whole SPM area
RuleServiceType = Literal[SERVICE_TYPES + AREA_WILDCARDS]  # type: ignore[valid-type]
IlpCluster = Literal[tuple(sorted(set(ILP_CLUSTERS.values())))]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
PersonName = Annotated[str, Field(min_length=2, max_length=120, examples=["Siti Aminah"])]
Phone = Annotated[str, Field(max_length=20, examples=["081234567890"],
                             description="Indonesian number, stored as +62…"),
                  AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                             examples=["dinkes@batangkab.go.id"])]
Search = Annotated[str, Field(min_length=1, max_length=100, description="Part of the name")]
