"""Kemendagri regions, as the registry holds them."""
from typing import Optional

from pydantic import BaseModel, Field

from .fields import Level, RegionCode, Search


class Region(BaseModel):
    code: str = Field(..., examples=["33.25.01.2001"])
    name: str = Field(..., examples=["Silurah"])
    level: Level
    type: str = Field(..., examples=["desa"])
    parent: Optional[str] = Field(None, examples=["33.25.01"])
    path: Optional[str] = Field(None, examples=["Silurah, Wonotunggal, Kabupaten Batang, Jawa Tengah"])
    postal_code: Optional[str] = Field(None, examples=["51253"])


class RegionDetail(Region):
    ancestors: list[Region]
    children: list[Region]


class RegionFilters(BaseModel):
    q: Optional[Search] = Field(None, description="Name; case and accents do not matter, "
                                                  "`kab. batang` finds 33.25", examples=["kab. batang"])
    level: Optional[Level] = None
    within: Optional[RegionCode] = Field(None, description="Only the descendants of this region")
