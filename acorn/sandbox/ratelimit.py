"""Amazon's usage plans: a token bucket per selling partner, application and operation.

Each operation's description carries a table ``| Rate (requests per second) | Burst |``;
the sandbox applies it times ``rate_scale`` (``--rate-scale 0.1`` rehearses a stingy
account, ``100`` takes the brakes off for benchmarks). Amazon counts a usage plan per
selling partner and application, so two processes sharing one credential share a bucket
while two credentials (another partner, or another application) have buckets of their own.
Buckets run on the wall clock — the sandbox clock is simulated business time, throttling is
about real request pacing.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from functools import cache

from acorn import contract
from acorn.sandbox.auth import Principal

_TABLE = re.compile(r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\s*\|[-\s|]+\|\s*\n"
                    r"\s*\|\s*([0-9.]+)\s*\|\s*([0-9.]+)\s*\|")


@cache
def usage_plans() -> dict[str, tuple[float, float]]:
    """operationId → (rate per second, burst) as published in the models."""
    plans: dict[str, tuple[float, float]] = {}
    for api in contract.APIS:
        for ops in contract.model(api)["paths"].values():
            for op in ops.values():
                if isinstance(op, dict) and "operationId" in op:
                    m = _TABLE.search(op.get("description", ""))
                    if m:
                        plans[op["operationId"]] = (float(m.group(1)), float(m.group(2)))
    return plans


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(self, scale: float) -> None:
        self.scale = scale
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def limit(self, operation: str) -> float:
        """The rate applied to ``operation`` (what ``x-amzn-RateLimit-Limit`` says)."""
        return usage_plans()[operation][0] * self.scale

    def allow(self, operation: str, principal: Principal) -> bool:
        """Take a token from ``principal``'s bucket for ``operation``; False when it is empty (a 429)."""
        rate, burst = usage_plans()[operation]
        rate, burst = rate * self.scale, max(1.0, burst * self.scale)
        key = (principal.selling_partner, principal.client_id, operation)
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(rate, burst, burst, now)
            bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.stamp) * bucket.rate)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return True
            return False
