"""When to try again, and how long to wait first.

GETs are repeatable: they retry on 429, 5xx and network errors. POSTs are not: they retry
only when Amazon certainly did not apply them (a 429, or a connection that never opened);
everything else goes back to the caller (the outbox), see ``_exceptions``.

These are the only retries an SP-API call gets in Acorn: a task does not retry what the
client raised. Acorn's budget is ``acorn.retry_policy.CLIENT_RETRIES``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": half the step fixed, half random.

    The fixed half guarantees real spacing after a failure; the random half keeps a crowd
    of workers that failed together from coming back together.
    """

    base: float
    cap: float
    factor: float = 2.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
        step = min(self.cap, self.base * self.factor ** attempt)
        return step / 2 + (rng or random).uniform(0, step / 2)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry budget and waits; ``max_retries`` counts re-sends after the first attempt."""

    max_retries: int = 5
    throttle: Backoff = field(default_factory=lambda: Backoff(base=0.1, cap=10.0))
    server: Backoff = field(default_factory=lambda: Backoff(base=0.25, cap=15.0))
    #: Never wait longer than this for a ``Retry-After`` header.
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")


#: Transport errors raised before a single byte of the request left: re-sending is safe.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout,
                                                           httpx.PoolTimeout, httpx.UnsupportedProtocol)

#: Status codes worth trying again for a GET.
TRANSIENT_STATUSES = frozenset({408, 500, 502, 503, 504})


def retry_after_seconds(value: str | None, *, ceiling: float) -> float | None:
    """Read a ``Retry-After`` header given in seconds; dates and junk are ignored."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return min(max(seconds, 0.0), ceiling)
