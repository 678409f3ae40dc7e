"""Client-side rate limiting: one token bucket per SP-API operation.

Amazon publishes a rate (requests per second) and a burst for each operation in the
description table of its model, and reports the rate actually applied to the account in
the ``x-amzn-RateLimit-Limit`` response header. Each bucket starts from the published
figures (or an override), follows the header, and is emptied by a 429 so that every thread
sharing it slows down, not only the one that was refused.

The default limiter keeps one request of headroom (:data:`HEADROOM`): Amazon's bucket starts
when our first request reaches it, and that request is the slowest (it opens the connection),
so a client bucket exactly as full as Amazon's is a little ahead of it and earns a 429 now and
then. Never saving up the last token costs one request per quiet spell and absorbs that lag.

The buckets are shared by all threads using one client. To share a limit across processes
or machines (e.g. a Prefect global concurrency limit), pass any object that satisfies
:class:`RateLimiter` to the client; nothing here imports Prefect.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from acorn import contract


@dataclass(frozen=True)
class RateLimit:
    """Requests per second and how many may go at once after a quiet spell."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and math.isfinite(self.rate)) or self.burst < 1:
            raise ValueError(f"a rate limit needs rate > 0 and burst >= 1, got {self.rate}/s burst {self.burst}")


#: Amazon's default for every vendor operation when the model says nothing we can read.
DEFAULT_LIMIT = RateLimit(rate=10.0, burst=10)
#: tokens of the published burst the default limiter never saves up (its safety margin, 1/rate seconds)
HEADROOM = 1.0

_TABLE_ROW = re.compile(r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[-\s|]+\|\s*\n"
                        r"\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|")


@cache
def published_rate_limits() -> dict[str, RateLimit]:
    """operationId -> published rate and burst, read from the models' description tables."""
    limits: dict[str, RateLimit] = {}
    for api in contract.APIS:
        for ops in contract.model(api)["paths"].values():
            for op in ops.values():
                if isinstance(op, dict) and "operationId" in op:
                    m = _TABLE_ROW.search(op.get("description", ""))
                    limits[op["operationId"]] = (RateLimit(float(m.group(1)), int(m.group(2)))
                                                 if m else DEFAULT_LIMIT)
    return limits


@runtime_checkable
class RateLimiter(Protocol):
    """What the client needs from a rate limiter; one call of ``acquire`` per HTTP request."""

    def acquire(self, operation: str) -> float:
        """Block until one request of ``operation`` may go; return the seconds waited."""
        ...

    def observe_limit(self, operation: str, rate: float) -> None:
        """Amazon said (``x-amzn-RateLimit-Limit``) this operation runs at ``rate`` per second."""
        ...

    def throttled(self, operation: str) -> None:
        """Amazon answered 429 for ``operation``."""
        ...


class TokenBucket:
    """A thread-safe token bucket that hands out reservations.

    ``acquire`` takes a token even when none is left (the count goes negative) and sleeps
    until that token would have been earned, outside the lock. Waiting callers thus queue
    in arrival order and the long-run rate is exact, with no busy polling.

    ``headroom`` tokens of the burst are never saved up: every request then goes a little
    later than the server's own bucket would allow, a margin for the latency of the requests.
    """

    def __init__(self, limit: RateLimit, *, headroom: float = 0.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not 0.0 <= headroom <= limit.burst:
            raise ValueError(f"headroom {headroom} must lie between 0 and the burst {limit.burst}")
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._rate = limit.rate
        self._burst = limit.burst
        self._capacity = float(limit.burst) - headroom
        self._tokens = self._capacity
        self._stamp = clock()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> int:
        return self._burst

    def _refill(self, now: float) -> None:
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def reserve(self) -> float:
        """Take one token; return how long the caller must wait before using it."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def acquire(self) -> float:
        delay = self.reserve()
        if delay > 0:
            self._sleep(delay)
        return delay

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._refill(self._clock())
            self._rate = rate

    def drain(self) -> None:
        """Forget any saved-up burst: the server says we are over."""
        with self._lock:
            self._refill(self._clock())
            self._tokens = min(self._tokens, 0.0)


def _as_limit(value: RateLimit | tuple[float, int] | float) -> RateLimit:
    if isinstance(value, RateLimit):
        return value
    if isinstance(value, tuple):
        return RateLimit(float(value[0]), int(value[1]))
    return RateLimit(float(value), max(1, math.ceil(float(value))))


class TokenBucketLimiter:
    """The default :class:`RateLimiter`: a :class:`TokenBucket` per operation, in-process.

    ``overrides`` replace the published figures (``{"getPurchaseOrders": (5, 5)}``) and cap
    what the response header may raise the rate to: an operator who set 5/s to share an
    account between two workers keeps 5/s even when Amazon reports 10. Each bucket keeps
    ``headroom`` tokens of its burst unused (:data:`HEADROOM`).
    """

    def __init__(self, overrides: Mapping[str, RateLimit | tuple[float, int] | float] | None = None, *,
                 headroom: float = HEADROOM, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._overrides = {op: _as_limit(v) for op, v in (overrides or {}).items()}
        self._headroom = headroom
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, operation: str) -> TokenBucket:
        bucket = self._buckets.get(operation)
        if bucket is None:
            with self._lock:
                bucket = self._buckets.get(operation)
                if bucket is None:
                    limit = self._overrides.get(operation) or published_rate_limits().get(operation, DEFAULT_LIMIT)
                    bucket = self._buckets[operation] = TokenBucket(
                        limit, headroom=min(self._headroom, limit.burst), clock=self._clock, sleep=self._sleep)
        return bucket

    def acquire(self, operation: str) -> float:
        return self.bucket(operation).acquire()

    def observe_limit(self, operation: str, rate: float) -> None:
        if not (rate > 0 and math.isfinite(rate)):
            return
        override = self._overrides.get(operation)
        rate = min(rate, override.rate) if override else rate
        bucket = self.bucket(operation)
        if abs(bucket.rate - rate) > 1e-9 * max(rate, 1.0):
            bucket.set_rate(rate)

    def throttled(self, operation: str) -> None:
        self.bucket(operation).drain()


def parse_rate_limit_header(value: str | None) -> float | None:
    """``x-amzn-RateLimit-Limit: 10.0`` -> 10.0; anything unreadable -> None."""
    if not value:
        return None
    try:
        rate = float(value.strip())
    except ValueError:
        return None
    return rate if rate > 0 and math.isfinite(rate) else None
