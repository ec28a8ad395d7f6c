"""Only a test or demo system lets a caller set routing's clock."""
from simpul_routing.service import RoutingService


def sweep_with(config, now):
    service = RoutingService()
    service.config = config
    return RoutingService.sweep(service, now)


def test_the_clock_cannot_be_set_in_production():
    refused = sweep_with({}, "2030-01-01T00:00:00+00:00")
    assert refused["status"] == 403 and refused["errors"][0]["field"] == "now"
    assert sweep_with({"SIMPUL_CLOCK_OVERRIDE": "0"}, "2030-01-01T00:00:00+00:00")["status"] == 403


def test_a_settable_clock_still_needs_an_instant_with_a_time_zone():
    refused = sweep_with({"SIMPUL_CLOCK_OVERRIDE": "1"}, "2030-01-01T00:00:00")
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "now"
