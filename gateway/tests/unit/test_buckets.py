"""The token buckets behind the rate limits, on a clock the test moves: the burst, the refill,
the wait a refusal names and its Retry-After, a cost above the burst, and the bound on memory."""
import threading
import time

import pytest

from simpul_gateway.api.buckets import TokenBuckets, retry_after


def test_a_full_bucket_admits_its_burst_then_says_how_long_to_wait(clock):
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    clock.now += 0.25
    assert buckets.take("a") == pytest.approx(0.75)   # a refusal takes nothing


def test_tokens_come_back_at_the_rate_and_never_beyond_the_burst(clock):
    buckets = TokenBuckets(per_minute=30, burst=2, clock=clock)   # one token every 2 s
    buckets.take("a", 2)
    clock.now += 2
    assert buckets.take("a") == 0.0 and buckets.take("a") == pytest.approx(2.0)
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, pytest.approx(2.0)]


def test_each_key_has_its_own_bucket(clock):
    buckets = TokenBuckets(per_minute=60, burst=1, clock=clock)
    assert buckets.take("a") == 0.0 and buckets.take("a") > 0
    assert buckets.take("b") == 0.0


def test_a_cost_of_several_is_taken_whole_or_not_at_all(clock):
    buckets = TokenBuckets(per_minute=60, burst=5, clock=clock)
    assert buckets.take("p", 4) == 0.0
    assert buckets.take("p", 3) == pytest.approx(2.0)
    assert buckets.take("p", 1) == 0.0   # the refused three took nothing


def test_a_cost_above_the_burst_goes_through_a_full_bucket_and_is_paid_in_full(clock):
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert buckets.take("p", 5) == 0.0
    assert buckets.take("p") == pytest.approx(3.0)   # 2 in debt: three seconds to the next one
    assert buckets.take("q", 5) == 0.0


@pytest.mark.parametrize("seconds, header", [
    (0.0001, 1), (0.5, 1), (1.0, 1), (1.0000000001, 1), (1.2, 2), (2.5, 3), (59.01, 60)])
def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one(seconds, header):
    assert retry_after(seconds) == header


def test_past_the_cap_the_least_recently_used_bucket_is_forgotten(clock):
    buckets = TokenBuckets(per_minute=60, burst=1, max_keys=2, clock=clock)
    buckets.take("a"), buckets.take("b")
    buckets.take("a")          # "a" was used last: "b" goes when "c" comes
    buckets.take("c")
    assert len(buckets) == 2
    assert buckets.take("a") > 0          # still remembered, still empty
    assert buckets.take("b") == 0.0       # forgotten: back full


def test_the_clock_is_monotonic_by_default():
    assert TokenBuckets(60, 1).clock is time.monotonic


def test_concurrent_takes_never_admit_more_than_the_burst(clock):
    buckets = TokenBuckets(per_minute=1, burst=50, clock=clock)
    admitted = []

    def take_many():
        admitted.extend(wait == 0.0 for wait in (buckets.take("k") for _ in range(100)))
    threads = [threading.Thread(target=take_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(admitted) == 50


@pytest.mark.parametrize("per_minute, burst, max_keys", [(0, 1, 1), (60, 0, 1), (60, 1, 0)])
def test_a_bucket_without_rate_burst_or_room_is_refused(per_minute, burst, max_keys):
    with pytest.raises(ValueError):
        TokenBuckets(per_minute, burst, max_keys)
