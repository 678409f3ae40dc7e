"""Secrets never reach a log line, an exception or a repr (every logger captured at DEBUG)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxServer
from acorn.spapi import ClientRequestError, LwaCredentials, SpApiClient, SpApiError

from .conftest import RecordingTransport, advance_clock, fast_retries, set_faults


def test_no_secret_appears_in_logs_exceptions_or_reprs_across_success_retries_and_failures(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)   # root: acorn.spapi, httpx, httpcore, everything
    shown: list[str] = []
    client = make_client(retry_policy=fast_retries(max_retries=10))
    number = sandbox.state.visible_orders()[0].number
    client.get_purchase_order(number)                       # token grant + a call
    advance_clock(sandbox, 86400)
    httpx.post(f"{sandbox.base_url}/_sandbox/tokens/expire").raise_for_status()  # 403 on the old token, refresh, retry
    client.get_purchase_order(number)
    set_faults(sandbox, throttle_rate=0.3, error_rate=0.2)  # retry decisions get logged
    for _ in range(6):
        client.get_purchase_order(number)
    set_faults(sandbox)
    wrong_secret, wrong_refresh = "wrong-secret-4b1d9e", "Atzr|wrong-refresh-77c0"
    failures: list[SpApiError] = []
    for attempt in (lambda: client.get_purchase_order("MISSING0"),
                    lambda: make_client(credentials=LwaCredentials(
                        client_id="acorn-sandbox-client", client_secret=SecretStr(wrong_secret),
                        refresh_token=SecretStr(DEFAULT_CREDENTIALS["refresh_token"]))).get_purchase_order(number),
                    lambda: make_client(credentials=LwaCredentials(
                        client_id="acorn-sandbox-client", client_secret=SecretStr(DEFAULT_CREDENTIALS["client_secret"]),
                        refresh_token=SecretStr(wrong_refresh))).get_purchase_order(number)):
        with pytest.raises(SpApiError) as caught:
            attempt()
        failures.append(caught.value)
    shown += [str(e) for e in failures] + [repr(e) for e in failures]
    shown += [repr(client), repr(client._sender._tokens), repr(client.stats.snapshot())]
    for record in caplog.records:
        shown += [record.getMessage(), repr(record.args), record.exc_text or ""]

    access_tokens = {s.access_token for s in transport.sent if s.access_token}
    secrets = {DEFAULT_CREDENTIALS["client_secret"], DEFAULT_CREDENTIALS["refresh_token"], wrong_secret,
               wrong_refresh, *access_tokens}
    assert len(access_tokens) >= 2                      # the scenario really renewed its token
    assert any("retrying" in line for line in shown)    # and really logged retry decisions
    assert any("request_id=" in line for line in shown)
    text = "\n".join(shown)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []


def test_a_secret_the_server_echoes_back_is_masked_in_the_error(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="acorn.spapi")
    client = make_client()
    token = client._sender._tokens.token()
    with pytest.raises(ClientRequestError) as caught:
        client.get_purchase_order(token)     # the sandbox answers "purchaseOrderNumber cannot be <it>"
    err = caught.value
    assert err.details == "purchaseOrderNumber cannot be ***"
    assert token not in str(err) and token not in repr(err) and token not in str(err.errors)
    assert all(token not in r.getMessage() for r in caplog.records)
