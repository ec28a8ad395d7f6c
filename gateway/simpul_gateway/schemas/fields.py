"""Field types shared by the bodies and filters: syntax only, existence is the registry's answer."""
from typing import Annotated, Literal

import lokal
from pydantic import AfterValidator, Field, StringConstraints

from simpul_common.catalogue import AREA_WILDCARDS, ILP_CLUSTERS, SERVICE_TYPES, SPM_AREAS
from simpul_common.codes import OPD_CODE_PATTERN, OPD_SHORT_CODE_PATTERN, ROLES, UNIT_CODE_PATTERN
from simpul_common.regions import (DESA_PATTERN, KABUPATEN_PATTERN, KECAMATAN_PATTERN, LEVELS,
                                   REGION_PATTERN)


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
ShortCode = Annotated[str, Field(pattern=OPD_SHORT_CODE_PATTERN, examples=["dinkes"])]
OpdCode = Annotated[str, Field(pattern=OPD_CODE_PATTERN, examples=["33.25/dinkes"])]
UnitCode = Annotated[str, Field(pattern=UNIT_CODE_PATTERN,
                                examples=["puskesmas-33.25.01"])]
PosyanduId = Annotated[str, Field(min_length=1, max_length=40, examples=["P332501200101"])]
Level = Literal[LEVELS]  # type: ignore[valid-type]
ServiceType = Literal[SERVICE_TYPES]  # type: ignore[valid-type]
SpmArea = Literal[tuple(SPM_AREAS)]  # type: ignore[valid-type]
RuleServiceType = Literal[SERVICE_TYPES + AREA_WILDCARDS]  # type: ignore[valid-type]
IlpCluster = Literal[tuple(sorted(set(ILP_CLUSTERS.values())))]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
PersonName = Annotated[str, Field(min_length=2, max_length=120, examples=["Siti Aminah"])]
Phone = Annotated[str, Field(max_length=20, examples=["081234567890"],
                             description="Indonesian number, stored as +62…"),
                  AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",
                             examples=["dinkes@batangkab.go.id"])]   # as the registry checks it
Username = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,62}$", examples=["kader.batang"],
                                description="What the person signs in with")]
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=10, max_length=200),
                     Field(json_schema_extra={"format": "password"},
                           description="10–200 characters, spaces count; stored only as a hash")]
Search = Annotated[str, Field(min_length=1, max_length=100, description="Part of the name")]
