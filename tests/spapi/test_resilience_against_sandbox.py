"""Throttling, server errors and lost answers, injected by the sandbox (real HTTP, real faults)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from acorn.sandbox import SandboxConfig, SandboxServer
from acorn.spapi import (
    NetworkError,
    ServerError,
    SpApiClient,
    SubmissionOutcomeUnknown,
    ThrottledError,
    TokenBucketLimiter,
)

from .conftest import RecordingTransport, fast_retries, ledger, set_faults
from .test_submissions_against_sandbox import _acknowledge_all

ORDERS_PATH = "/vendor/orders/v1/purchaseOrders"
ACK_PATH = "/vendor/orders/v1/acknowledgements"


def test_reads_survive_injected_429s_and_5xx_without_losing_an_order(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient]) -> None:
    client = make_client(retry_policy=fast_retries(max_retries=10))   # ~1e-4 odds that 11 draws all fail
    now = sandbox.state.now()
    after = now - timedelta(days=3)
    set_faults(sandbox, throttle_rate=0.3, error_rate=0.2)
    numbers = [o.purchase_order_number for o in client.list_purchase_orders(created_after=after, created_before=now,
                                                                            limit=6)]
    expected = {po.number for po in sandbox.state.visible_orders() if after <= po.created < now}
    assert sorted(numbers) == sorted(expected)
    stats = client.stats.operation("getPurchaseOrders")
    assert stats.throttled > 0 and stats.server_errors > 0 and stats.failures == 0
    assert stats.retries == stats.throttled + stats.server_errors


def test_a_read_that_keeps_failing_raises_a_server_error_after_the_retry_budget(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(retry_policy=fast_retries(max_retries=3))
    set_faults(sandbox, error_rate=1.0)
    with pytest.raises(ServerError) as caught:
        client.get_purchase_order("ANY00000")
    assert caught.value.status_code in (500, 503) and caught.value.request_id
    assert caught.value.code in ("InternalFailure", "ServiceUnavailable")
    assert transport.count(f"{ORDERS_PATH}/ANY00000") == 4


def test_a_read_that_stays_throttled_raises_a_throttled_error(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(retry_policy=fast_retries(max_retries=2))
    set_faults(sandbox, throttle_rate=1.0)
    with pytest.raises(ThrottledError) as caught:
        client.get_purchase_order("ANY00000")
    assert (caught.value.status_code, caught.value.code) == (429, "QuotaExceeded")
    assert transport.count(f"{ORDERS_PATH}/ANY00000") == 3


def test_a_throttled_submission_is_sent_again_and_applied_once(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    set_faults(sandbox, throttle_rate=0.6)
    transaction_id = client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now()))
    set_faults(sandbox)
    assert client.wait_for_transaction(transaction_id, timeout_s=5, poll_interval_s=0.02).status == "Success"
    entry = ledger(sandbox)["acknowledgements"][0]
    assert (entry["id"], entry["submissions"], entry["accepted"]) == (order.purchase_order_number, 1, 1)
    assert transport.count(ACK_PATH) == 1 + client.stats.operation("submitAcknowledgement").throttled


def test_a_submission_answered_with_a_5xx_is_never_sent_again(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    set_faults(sandbox, error_rate=1.0)
    with pytest.raises(ServerError) as caught:
        client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now()))
    assert caught.value.operation == "submitAcknowledgement" and caught.value.status_code in (500, 503)
    assert transport.count(ACK_PATH) == 1


def test_a_submission_whose_answer_is_lost_raises_outcome_unknown_and_is_not_resent(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    set_faults(sandbox, drop_after_commit_rate=1.0)
    with pytest.raises(SubmissionOutcomeUnknown) as caught:
        client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now()))
    assert caught.value.operation == "submitAcknowledgement"
    assert transport.count(ACK_PATH) == 1
    entry = ledger(sandbox)["acknowledgements"][0]   # Amazon did apply it: the outbox must look, not resend
    assert (entry["id"], entry["submissions"], entry["accepted"]) == (order.purchase_order_number, 1, 1)


def test_a_submission_that_times_out_after_sending_raises_outcome_unknown(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(timeout=0.2)
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    set_faults(sandbox, latency_ms=[500, 500])
    with pytest.raises(SubmissionOutcomeUnknown):
        client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now()))
    assert transport.count(ACK_PATH) == 1


def test_a_read_that_times_out_is_retried_then_raises_a_network_error(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(timeout=0.2, retry_policy=fast_retries(max_retries=1))
    client._sender._tokens.token()
    set_faults(sandbox, latency_ms=[500, 500])
    with pytest.raises(NetworkError) as caught:
        client.get_purchase_order("ANY00000")
    assert "ReadTimeout" in str(caught.value)
    assert transport.count(f"{ORDERS_PATH}/ANY00000") == 2


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_a_submission_that_never_connected_is_retried_because_nothing_left(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(base_url=_closed_port(), token_url=f"{sandbox.base_url}/auth/o2/token",
                         retry_policy=fast_retries(max_retries=2))
    with pytest.raises(NetworkError) as caught:   # not SubmissionOutcomeUnknown: no byte was sent
        client.submit_invoices({"invoices": []})
    assert "ConnectError" in str(caught.value)
    assert transport.count("/vendor/payments/v1/invoices") == 3


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(seed=7, rate_scale=3.0, pos_per_day=6, history_days=3)])
def test_the_client_follows_the_rate_the_api_reports(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient]) -> None:
    limiter = TokenBucketLimiter()
    client = make_client(rate_limiter=limiter)
    number = sandbox.state.visible_orders()[0].number
    started = time.monotonic()
    for _ in range(40):
        client.get_purchase_order(number)
    elapsed = time.monotonic() - started
    assert limiter.bucket("getPurchaseOrder").rate == 30.0     # the header, not the published 10/s
    assert (40 - 10) / 30 * 0.9 <= elapsed < (40 - 10) / 10    # paced at 30/s, faster than 10/s
    assert client.stats.operation("getPurchaseOrder").throttled <= 2
