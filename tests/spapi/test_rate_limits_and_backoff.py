"""Token buckets, published limits and backoff (pure: a hand-driven clock, no network)."""

from __future__ import annotations

import random
import threading
import time

import pytest

from acorn import contract
from acorn.spapi import Backoff, RateLimit, RateLimiter, TokenBucket, TokenBucketLimiter, published_rate_limits
from acorn.spapi._ratelimit import parse_rate_limit_header
from acorn.spapi._retry import retry_after_seconds


class FakeClock:
    """Time that moves only when a caller sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_published_limits_are_read_from_every_operation_table_in_the_models() -> None:
    limits = published_rate_limits()
    operations = {op["operationId"] for api in contract.APIS for ops in contract.model(api)["paths"].values()
                  for op in ops.values() if isinstance(op, dict)}
    assert set(limits) == operations
    assert limits["getPurchaseOrders"] == RateLimit(10.0, 10)
    assert limits["submitInvoices"] == RateLimit(10.0, 10)
    assert limits["getTransaction"] == RateLimit(10.0, 20)


def test_a_bucket_lets_the_burst_through_then_spaces_requests_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(10.0, 10), clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(15)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == pytest.approx([0.1] * 5)
    assert clock.now - 1000.0 == pytest.approx(0.5)


def test_reservations_queue_callers_in_arrival_order() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(2.0, 1), clock=clock, sleep=clock.sleep)
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0.0, 0.5, 1.0, 1.5])


def test_a_quiet_spell_refills_the_bucket_only_up_to_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(10.0, 5), clock=clock, sleep=clock.sleep)
    for _ in range(5):
        bucket.acquire()
    clock.now += 60
    assert [bucket.reserve() for _ in range(6)] == pytest.approx([0, 0, 0, 0, 0, 0.1])


def test_a_throttle_empties_the_saved_up_burst() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(clock=clock, sleep=clock.sleep)
    limiter.throttled("getPurchaseOrders")
    assert limiter.acquire("getPurchaseOrders") == pytest.approx(0.1)


def test_the_rate_limit_header_moves_the_bucket_but_not_above_an_operator_override() -> None:
    limiter = TokenBucketLimiter({"submitInvoices": (5.0, 5)})
    limiter.observe_limit("getPurchaseOrders", 25.0)
    limiter.observe_limit("submitInvoices", 25.0)
    assert limiter.bucket("getPurchaseOrders").rate == 25.0
    assert limiter.bucket("submitInvoices").rate == 5.0
    limiter.observe_limit("submitInvoices", 2.0)
    assert limiter.bucket("submitInvoices").rate == 2.0


def test_overrides_accept_a_rate_a_pair_or_a_rate_limit() -> None:
    limiter = TokenBucketLimiter({"a": 3.5, "b": (2, 7), "c": RateLimit(1.0, 1)})
    assert (limiter.bucket("a").rate, limiter.bucket("a").burst) == (3.5, 4)
    assert (limiter.bucket("b").rate, limiter.bucket("b").burst) == (2.0, 7)
    assert (limiter.bucket("c").rate, limiter.bucket("c").burst) == (1.0, 1)
    with pytest.raises(ValueError, match="rate > 0"):
        TokenBucketLimiter({"d": (0, 1)})


def test_threads_share_one_bucket_per_operation() -> None:
    limiter = TokenBucketLimiter({"getPurchaseOrders": (100.0, 5)})
    started = time.monotonic()

    def worker() -> None:
        for _ in range(10):
            limiter.acquire("getPurchaseOrders")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 40 requests, 5 free: at least 35 / 100 per second, whatever the threads did
    assert time.monotonic() - started >= 0.34


def test_the_default_limiter_satisfies_the_pluggable_protocol() -> None:
    assert isinstance(TokenBucketLimiter(), RateLimiter)


@pytest.mark.parametrize(("header", "rate"), [
    pytest.param("10.0", 10.0, id="decimal"), pytest.param(" 0.5 ", 0.5, id="spaces"),
    pytest.param("", None, id="empty"), pytest.param("fast", None, id="junk"),
    pytest.param("0", None, id="zero"), pytest.param("inf", None, id="infinite"), pytest.param(None, None, id="absent"),
])
def test_the_rate_limit_header_is_read_when_it_makes_sense(header: str | None, rate: float | None) -> None:
    assert parse_rate_limit_header(header) == rate


def test_backoff_grows_exponentially_with_jitter_and_stops_at_the_cap() -> None:
    backoff = Backoff(base=0.25, cap=4.0)
    rng = random.Random(3)
    for attempt, step in [(0, 0.25), (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        delays = [backoff.delay(attempt, rng) for _ in range(200)]
        assert min(delays) >= step / 2 and max(delays) <= step
        assert max(delays) - min(delays) > step / 4   # really jittered


def test_retry_after_is_honoured_in_seconds_and_bounded() -> None:
    assert retry_after_seconds("2", ceiling=60) == 2.0
    assert retry_after_seconds("3600", ceiling=60) == 60
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", ceiling=60) is None


def test_the_default_limiter_never_saves_up_the_last_token_of_a_burst() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(clock=clock, sleep=clock.sleep)
    waits = [limiter.bucket("getPurchaseOrders").reserve() for _ in range(11)]
    assert waits[:9] == [0.0] * 9                       # burst 10, one kept in hand
    assert waits[9:] == pytest.approx([0.1, 0.2])
    clock.now += 60                                      # a quiet spell refills it to burst - 1 only
    assert [limiter.bucket("getPurchaseOrders").reserve() for _ in range(10)][-1] == pytest.approx(0.1)


def test_a_burst_of_one_keeps_its_margin_as_one_interval_of_waiting() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter({"a": RateLimit(2.0, 1)}, clock=clock, sleep=clock.sleep)
    assert [limiter.bucket("a").reserve() for _ in range(3)] == pytest.approx([0.5, 1.0, 1.5])
    assert limiter.bucket("a").burst == 1                # the published figure is still reported


def test_a_headroom_larger_than_the_burst_is_refused() -> None:
    with pytest.raises(ValueError, match="headroom"):
        TokenBucket(RateLimit(10.0, 2), headroom=3)
