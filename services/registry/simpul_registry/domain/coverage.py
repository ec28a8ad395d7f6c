"""Coverage of a kabupaten/kota's routing table: which (service type, kecamatan) has nobody."""
from simpul_common.catalogue import SERVICE_TYPES
from simpul_common.routing_rules import Rule, pick_rule


def coverage_gaps(rules: list[Rule], opd_codes: set[str], kecamatan_codes: list[str],
                  on_date: str) -> list[dict]:
    """Every (service type, kecamatan) for which no rule in force names a known OPD."""
    gaps = []
    for kecamatan in sorted(kecamatan_codes):
        for service_type in SERVICE_TYPES:
            rule = pick_rule(rules, service_type, kecamatan, on_date)
            if rule is None or rule.opd_code not in opd_codes:
                gaps.append({"service_type": service_type, "kecamatan_code": kecamatan,
                             "reason": "no_rule" if rule is None else "unknown_opd"})
    return gaps
