"""The Prefect global concurrency limits Acorn keeps on the server.

Two kinds: ``acorn-submit-<ACCOUNT>`` (limit 1: one submitting flow per account at a time,
see ``acorn.submission_slot``) and ``acorn-spapi-<partner>-<operation>`` in
rate-limit mode, Amazon's usage plan shared by every run and worker on the server:
``limit`` = the operation's burst, ``slot_decay_per_second`` = its rate. Amazon counts a
usage plan per selling partner and application, which is what one set of LWA credentials
is; ``partner`` names that pair by a fingerprint, never by the secret itself.

The limits are used only when ``PREFECT_API_URL`` is in the environment (a worker sets it for
every run it starts); without a server the client keeps its in-process buckets.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from acorn.spapi import LwaCredentials, RateLimit, published_rate_limits
from acorn.spapi._ratelimit import DEFAULT_LIMIT

_created: set[str] = set()
_lock = threading.Lock()


def ensure_limit(name: str, limit: int = 1, slot_decay_per_second: float = 0.0) -> None:
    """Create the limit once (Prefect no longer creates it on first use); a race with another worker is fine.

    A limit that exists is left as it is: an operator who lowered it keeps the lower figure.
    """
    if name in _created:
        return
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(
                    name=name, limit=limit, slot_decay_per_second=slot_decay_per_second))
            except ObjectAlreadyExists:
                pass
    with _lock:
        _created.add(name)


def forget_limit(name: str) -> None:
    """The limit was deleted on the server: create it again on next use."""
    with _lock:
        _created.discard(name)


def forget_all_limits() -> None:
    """Another server from here on (tests): create every limit again on next use."""
    with _lock:
        _created.clear()


def partner_key(credentials: LwaCredentials) -> str:
    """12 hex digits naming the (application, selling partner) pair Amazon counts a usage plan for."""
    pair = f"{credentials.client_id}\0{credentials.refresh_token.get_secret_value()}"
    return hashlib.sha256(pair.encode()).hexdigest()[:12]


def spapi_limit_name(partner: str, operation: str) -> str:
    return f"acorn-spapi-{partner}-{operation}"


def shared_rate_limiter(credentials: LwaCredentials) -> PrefectRateLimiter | None:
    """Rate limits on the Prefect server when one is configured; None keeps the client's in-process buckets."""
    if not os.environ.get("PREFECT_API_URL"):
        return None
    return PrefectRateLimiter(partner_key(credentials))


class PrefectRateLimiter:
    """A :class:`acorn.spapi.RateLimiter` on Prefect global concurrency limits in rate-limit mode.

    Each request takes one slot of the operation's limit; slots decay at the operation's rate,
    so every process asking the same server shares Amazon's burst and rate.

    Not ``prefect.concurrency.sync.rate_limit``: it retries a full limit every ~1/rate seconds,
    and the server, on each refusal, stamps the limit as updated without applying the decay
    since the last stamp, so two runs waiting on one limit kept it from ever decaying (50
    requests took 61 s against the 4 s the plan allows). Here a run reads the limit (a read
    does not stamp it), sleeps until a slot has decayed, and only then takes it; a refusal
    is left for the rare race between two runs.
    """

    def __init__(self, partner: str) -> None:
        self.partner = partner
        self._rates: dict[str, float] = {}   # what this process last set each limit's decay to
        self._local = threading.local()      # a Prefect client per thread: opening one costs ~90 ms

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            from prefect.client.orchestration import get_client

            client = self._local.client = get_client(sync_client=True).__enter__()
        return client

    def limit_name(self, operation: str) -> str:
        return spapi_limit_name(self.partner, operation)

    def acquire(self, operation: str) -> float:
        name, plan = self.limit_name(operation), _published(operation)
        started = time.monotonic()
        ensure_limit(name, plan.burst, plan.rate)
        while not _take_slot(self._client(), name, plan):
            pass
        return time.monotonic() - started

    def observe_limit(self, operation: str, rate: float) -> None:
        """Amazon's header says the rate it applies: the shared limit decays at that rate."""
        if not (rate > 0 and math.isfinite(rate)) or math.isclose(self._rates.get(operation, -1.0), rate):
            return
        self._update(operation, slot_decay_per_second=rate)
        self._rates[operation] = rate

    def throttled(self, operation: str) -> None:
        """A 429: fill the limit, so every run and worker waits for slots to decay, not only this one."""
        self._update(operation, fill=True)

    def _update(self, operation: str, *, fill: bool = False, **fields: Any) -> None:
        from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate

        name, limit = self.limit_name(operation), _published(operation)
        ensure_limit(name, limit.burst, limit.rate)
        client = self._client()
        if fill:  # up to the limit as it stands on the server (an operator may have lowered it)
            fields["active_slots"] = client.read_global_concurrency_limit_by_name(name).limit
        client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(**fields))


def _take_slot(client: Any, name: str, plan: RateLimit) -> bool:
    """One slot of ``name`` if one has decayed, else sleep about until one will have; True once taken."""
    import httpx
    from prefect.exceptions import ObjectNotFound

    try:
        limit = client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:  # deleted on the server since this process created it
        forget_limit(name)
        ensure_limit(name, plan.burst, plan.rate)
        return False
    decay = limit.slot_decay_per_second or plan.rate
    if limit.active_slots + 1 <= limit.limit:
        try:
            client.increment_concurrency_slots(names=[name], slots=1, mode="rate_limit")
            return True
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 423:
                raise
    time.sleep(_until_next_slot(limit.updated, decay))
    return False


def _until_next_slot(updated: datetime | None, decay: float) -> float:
    """Seconds until the server's decay frees the next whole slot (it counts from the last update).

    A little jitter keeps two waiting runs from asking in the same millisecond.
    """
    jitter = random.random() * 0.1 / decay
    if updated is None:
        return 1.0 / decay + jitter
    since = (datetime.now(UTC) - updated).total_seconds()
    if since < 0:  # the server's clock is ahead of ours: wait a whole slot
        return 1.0 / decay + jitter
    return (1.0 - (since * decay) % 1.0) / decay + jitter


def _published(operation: str) -> RateLimit:
    return published_rate_limits().get(operation, DEFAULT_LIMIT)
