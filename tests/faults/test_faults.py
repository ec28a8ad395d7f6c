"""The bounded subset of `make faults` (simpul_devtools.faults) that CI runs: one Simpul of its
own, and for each kind of fault a stream of reports broken in the middle; each must end with
every accepted report delivered to its OPD and counted once, nothing duplicated."""
import pytest

from simpul_devtools import faults

REPORTS, RATE = 60, 15.0


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    with faults.own_vhost("simpul-faults") as amqp_uri:
        rig = faults.Rig(tmp_path_factory.mktemp("faults"), amqp_uri, amqp_uri.rsplit("/", 1)[1])
        try:
            rig.start()
            yield rig
        finally:
            rig.stop()


@pytest.mark.parametrize("name", faults.CI_FAULTS)
def test_nothing_accepted_is_lost_or_done_twice(rig, name):
    result = faults.run_fault(rig, faults.FAULTS[name], REPORTS, RATE)
    print(result.line())
    assert result.accepted > 0 and result.checks == [], result.line()
    assert (result.lost, result.duplicated) == (0, 0), result.line()
    assert result.delivered == result.counted == result.accepted, result.line()
    assert result.dead_letters == result.expected_dead_letters, result.line()
    assert result.slowest_answer_s <= faults.ANSWER_BOUND_S, result.line()
    assert result.passed
