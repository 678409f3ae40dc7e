"""Amazon's rate limits shared across runs through Prefect global concurrency limits (rate-limit mode).

Two runs with clients of their own hit one operation of the sandbox, which enforces the
published usage plan (getPurchaseOrder: 10/s, burst 10) per selling partner and application.
On their own buckets the two together go at twice the plan and meet 429s; sharing a limit on
a real Prefect server, neither sees a 429 and together they stay within the plan.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from acorn import prefect_env
from acorn.prefect_limits import PrefectRateLimiter, partner_key, shared_rate_limiter, spapi_limit_name
from acorn.sandbox import SandboxServer
from acorn.spapi import LwaCredentials, SpApiClient, published_rate_limits
from acorn.spapi._operations import GET_PURCHASE_ORDER
from acorn.testing.prefect_server import prefect_server

from .conftest import RecordingTransport, fast_retries

CALLS_PER_RUN = 25
PATH = "/vendor/orders/v1/purchaseOrders/"


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefect_env.configure()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with prefect_server(tmp_path_factory.mktemp("prefect")) as api:
        with temporary_settings({PREFECT_API_URL: api}), mock.patch.dict(os.environ, {"PREFECT_API_URL": api}):
            yield api


def _two_runs(sandbox: SandboxServer, credentials: LwaCredentials, limiters: list[Any],
              calls: int) -> tuple[list[RecordingTransport], list[SpApiClient], list[BaseException], float]:
    """Two threads, each with its own client, each reading one purchase order ``calls`` times."""
    po = sandbox.state.visible_orders()[-1].number
    transports = [RecordingTransport() for _ in limiters]
    clients = [SpApiClient(sandbox.base_url, credentials=credentials, transport=t, rate_limiter=lim,
                           retry_policy=fast_retries(max_retries=5))
               for t, lim in zip(transports, limiters, strict=True)]
    start, errors = threading.Barrier(len(clients)), []

    def run(client: SpApiClient) -> None:
        start.wait()
        try:
            for _ in range(calls):
                client.get_purchase_order(po)
        except Exception as exc:  # noqa: BLE001  (the assertion below names it)
            errors.append(exc)

    # each thread sees this test's Prefect settings, as a run's threads see its worker's
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(run, c)) for c in clients]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - began
    for c in clients:
        c.close()
    return transports, clients, errors, elapsed


def _throttled(clients: list[SpApiClient]) -> int:
    return sum(c.stats.operation(GET_PURCHASE_ORDER).throttled for c in clients)


def test_two_runs_share_amazons_rate_through_a_prefect_rate_limit(prefect_api: str, sandbox: SandboxServer,
                                                                 credentials: LwaCredentials) -> None:
    plan = published_rate_limits()[GET_PURCHASE_ORDER]
    assert (plan.rate, plan.burst) == (10.0, 10)

    # control: each run on its own in-process bucket goes at the full plan, so together at twice it
    _, alone, _, _ = _two_runs(sandbox, credentials, [None, None], calls=15)
    assert _throttled(alone) > 0, "two runs on their own buckets should have overrun the usage plan"
    time.sleep(plan.burst / plan.rate)  # the sandbox's bucket refills

    limiters = [shared_rate_limiter(credentials), shared_rate_limiter(credentials)]
    assert all(isinstance(lim, PrefectRateLimiter) for lim in limiters), "PREFECT_API_URL is set"
    transports, shared, errors, elapsed = _two_runs(sandbox, credentials, limiters, calls=CALLS_PER_RUN)

    assert not errors, errors
    assert _throttled(shared) == 0
    sent = sum(len(t.to(PATH)) for t in transports)
    assert sent == 2 * CALLS_PER_RUN
    allowed = plan.burst + plan.rate * elapsed
    assert sent <= allowed + 1, f"{sent} requests in {elapsed:.1f} s; the plan allows {allowed:.0f}"
    assert elapsed < 30

    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(
            spapi_limit_name(partner_key(credentials), GET_PURCHASE_ORDER))
    assert (limit.limit, limit.slot_decay_per_second) == (plan.burst, plan.rate)


def test_without_a_prefect_server_the_client_keeps_its_own_buckets(monkeypatch: pytest.MonkeyPatch,
                                                                   credentials: LwaCredentials) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert shared_rate_limiter(credentials) is None


def test_the_partner_name_never_shows_the_refresh_token(credentials: LwaCredentials) -> None:
    key = partner_key(credentials)
    other = LwaCredentials(client_id=credentials.client_id, client_secret="s", refresh_token="Atzr|another-partner")
    assert len(key) == 12 and key != partner_key(other)
    name = spapi_limit_name(key, GET_PURCHASE_ORDER)
    assert credentials.refresh_token.get_secret_value() not in name
    assert name == f"acorn-spapi-{key}-getPurchaseOrder"


def test_runtime_clients_use_the_shared_limits_when_a_server_is_configured(prefect_api: str, tmp_path: Path,
                                                                          sandbox: SandboxServer) -> None:
    from acorn.config import load_settings
    from acorn.runtime import Runtime

    rt = Runtime(load_settings(spapi_base_url=sandbox.base_url, database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    try:
        assert isinstance(rt.client().rate_limiter, PrefectRateLimiter)
    finally:
        rt.close()


def test_amazons_header_sets_the_shared_rate_and_a_429_holds_every_run(prefect_api: str) -> None:
    from prefect.client.orchestration import get_client

    limiter = PrefectRateLimiter("0123456789ab")
    name = limiter.limit_name(GET_PURCHASE_ORDER)
    limiter.observe_limit(GET_PURCHASE_ORDER, 5.0)   # x-amzn-RateLimit-Limit: 5.0
    limiter.throttled(GET_PURCHASE_ORDER)            # a 429: the shared limit is full for everyone
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(name)
    assert (limit.limit, limit.slot_decay_per_second, limit.active_slots) == (10, 5.0, 10)
    began = time.monotonic()
    limiter.acquire(GET_PURCHASE_ORDER)              # waits for a slot to decay at the new rate
    assert 0.1 <= time.monotonic() - began < 2
