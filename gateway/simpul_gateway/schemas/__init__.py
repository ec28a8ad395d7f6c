"""Request and response bodies of the API, one module per resource. Unknown fields are refused,
never ignored. The names below stay importable from `simpul_gateway.schemas`."""
from .base import Page, Strict
from .health import Health
from .posyandu import Posyandu
from .regions import Region, RegionDetail
from .reporting import Summary
from .reports import AssignedOpd, CitizenIn, Delivery, HistoryEntry, ReportAccepted, ReportIn, ReportOut
from .rules import Coverage, CoverageGap

__all__ = ["AssignedOpd", "CitizenIn", "Coverage", "CoverageGap", "Delivery", "Health",
           "HistoryEntry", "Page", "Posyandu", "Region", "RegionDetail", "ReportAccepted", "ReportIn",
           "ReportOut", "Strict", "Summary"]
