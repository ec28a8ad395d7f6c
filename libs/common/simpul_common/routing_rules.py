"""Which OPD is responsible: routing rules of service type × region prefix, most specific wins.

Shared by routing (which decides) and the registry (which checks coverage), so both read a
rule the same way."""
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Rule:
    id: str
    region_prefix: str
    service_type: str          # exact code, or "<area>.*"
    opd_code: str
    unit_code: Optional[str]
    valid_from: str            # ISO date, inclusive
    valid_to: Optional[str]    # ISO date, exclusive; None = open-ended

    @classmethod
    def from_dict(cls, d: dict) -> "Rule":
        return cls(id=d["id"], region_prefix=d["region_prefix"], service_type=d["service_type"],
                   opd_code=d["opd_code"], unit_code=d.get("unit_code"),
                   valid_from=d["valid_from"], valid_to=d.get("valid_to"))

    def covers(self, service_type: str, region_code: str, on_date: str) -> bool:
        in_region = region_code == self.region_prefix or region_code.startswith(self.region_prefix + ".")
        if self.service_type.endswith(".*"):
            typed = service_type.startswith(self.service_type[:-1])
        else:
            typed = service_type == self.service_type
        in_time = self.valid_from <= on_date and (self.valid_to is None or on_date < self.valid_to)
        return in_region and typed and in_time

    def specificity(self) -> tuple:
        return (self.region_prefix.count("."), not self.service_type.endswith(".*"),
                self.valid_from, self.id)


def pick_rule(rules: list[Rule], service_type: str, region_code: str, on_date: str) -> Optional[Rule]:
    """The most specific rule in force on `on_date`: deeper region, then exact service type,
    then the most recent start; None when nobody is responsible."""
    candidates = [r for r in rules if r.covers(service_type, region_code, on_date)]
    return max(candidates, key=Rule.specificity, default=None)
