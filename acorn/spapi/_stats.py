"""Counters of what the client did, per operation: what benchmarks and run reports print."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class OperationStats:
    requests: int = 0          # HTTP requests sent (every attempt)
    throttled: int = 0         # 429 answers
    server_errors: int = 0     # 5xx answers
    network_errors: int = 0    # attempts that got no answer
    retries: int = 0           # attempts that were re-sent
    failures: int = 0          # calls that raised to the caller
    waited_s: float = 0.0      # time spent waiting for the rate limiter
    statuses: Counter[int] = field(default_factory=Counter)


class ClientStats:
    """Thread-safe counters; ``snapshot()`` gives a plain copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ops: dict[str, OperationStats] = {}
        self.token_refreshes = 0

    def record(self, operation: str, **increments: float) -> None:
        with self._lock:
            ops = self._ops.setdefault(operation, OperationStats())
            for name, amount in increments.items():
                setattr(ops, name, getattr(ops, name) + amount)

    def record_status(self, operation: str, status: int) -> None:
        with self._lock:
            ops = self._ops.setdefault(operation, OperationStats())
            ops.statuses[status] += 1
            ops.throttled += status == 429
            ops.server_errors += status >= 500

    def token_refreshed(self) -> None:
        with self._lock:
            self.token_refreshes += 1

    def operation(self, operation: str) -> OperationStats:
        with self._lock:
            ops = self._ops.get(operation, OperationStats())
            return OperationStats(ops.requests, ops.throttled, ops.server_errors, ops.network_errors,
                                  ops.retries, ops.failures, ops.waited_s, Counter(ops.statuses))

    def snapshot(self) -> dict[str, OperationStats]:
        with self._lock:
            names = list(self._ops)
        return {name: self.operation(name) for name in names}
