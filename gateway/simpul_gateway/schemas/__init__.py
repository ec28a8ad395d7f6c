"""Request and response bodies of the API, one module per resource. Unknown fields are refused,
never ignored. The names below stay importable from `simpul_gateway.schemas`."""
from .base import Page, Strict
from .cases import (AcknowledgeIn, AssignIn, CaseFilters, CaseOut, CasePage, ConfirmIn,
                    HistoryEntryOut, HouseholdOut, RejectIn, ReopenIn, ResolveIn, StartIn,
                    TransferIn, UpdateIn)
from .health import Health
from .notifications import (ChannelStateOut, DeliveryFilters, DeliveryOut, DeliveryPage,
                            InboxItemOut, InboxPage, MarkReadIn, RetryParkedIn, WebhookSecretOut)
from .posyandu import Posyandu
from .regions import Region, RegionDetail
from .reporting import Summary
from .reports import AssignedOpd, CitizenIn, Delivery, HistoryEntry, ReportAccepted, ReportIn, ReportOut
from .rules import Coverage, CoverageGap
from .visits import NeedIn, VisitAccepted, VisitIn

__all__ = ["AcknowledgeIn", "AssignIn", "AssignedOpd", "CaseFilters", "CaseOut", "CasePage",
           "ChannelStateOut", "CitizenIn", "ConfirmIn", "Coverage", "CoverageGap", "Delivery",
           "DeliveryFilters", "DeliveryOut", "DeliveryPage", "Health", "HistoryEntry",
           "HistoryEntryOut", "HouseholdOut", "InboxItemOut", "InboxPage", "MarkReadIn", "NeedIn",
           "Page", "Posyandu", "Region", "RegionDetail", "RejectIn", "ReopenIn", "ReportAccepted",
           "ReportIn", "ReportOut", "ResolveIn", "RetryParkedIn", "StartIn", "Strict", "Summary",
           "TransferIn", "UpdateIn", "VisitAccepted", "VisitIn", "WebhookSecretOut"]
