"""Login with Amazon against the sandbox's token endpoint, over loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from acorn.sandbox import SandboxServer
from acorn.spapi import AuthError, LwaCredentials, SpApiClient
from acorn.spapi._auth import LwaTokenSource
from acorn.spapi._redact import RedactingLog, Redactor
from acorn.spapi._stats import ClientStats

from .conftest import FAST_RETRIES, RecordingTransport, advance_clock

TOKEN_PATH = "/auth/o2/token"


def expire_tokens(sandbox: SandboxServer) -> None:
    httpx.post(f"{sandbox.base_url}/_sandbox/tokens/expire", json={}).raise_for_status()


def test_one_access_token_serves_many_calls(sandbox: SandboxServer, client: SpApiClient,
                                            transport: RecordingTransport) -> None:
    numbers = [po.number for po in sandbox.state.visible_orders()[:5]]
    for number in numbers:
        client.get_purchase_order(number)
    assert transport.count(TOKEN_PATH) == 1 and client.stats.token_refreshes == 1
    tokens = {s.access_token for s in transport.to("/vendor/")}
    assert len(tokens) == 1 and next(iter(tokens)).startswith("Atza|")


def test_threads_that_need_a_token_at_once_cause_exactly_one_refresh(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    numbers = [po.number for po in sandbox.state.visible_orders()[:8]]
    barrier = threading.Barrier(len(numbers))
    found: list[str] = []
    errors: list[BaseException] = []

    def fetch(number: str) -> None:
        try:
            barrier.wait()
            found.append(client.get_purchase_order(number).purchase_order_number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(found) == sorted(numbers)
    assert transport.count(TOKEN_PATH) == 1


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_access_token_is_renewed_shortly_before_it_expires(
        sandbox: SandboxServer, credentials: LwaCredentials, transport: RecordingTransport) -> None:
    clock = ManualClock()
    with httpx.Client(transport=transport) as http:
        source = LwaTokenSource(http=http, token_url=f"{sandbox.base_url}{TOKEN_PATH}", credentials=credentials,
                                redactor=Redactor(), log=RedactingLog(Redactor()), policy=FAST_RETRIES,
                                stats=ClientStats(), clock=clock)
        first = source.token()
        clock.now = 3600 - 61          # the sandbox's tokens live 3600 s; renewal 60 s ahead
        assert source.token() == first
        clock.now = 3600 - 59
        second = source.token()
    assert second != first and transport.count(TOKEN_PATH) == 2


def test_a_token_the_api_rejects_is_replaced_once_and_the_call_goes_through(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    number = sandbox.state.visible_orders()[0].number
    client.get_purchase_order(number)
    advance_clock(sandbox, 86400)    # a simulated day is no real hour: the token still works
    client.get_purchase_order(number)
    assert transport.count(TOKEN_PATH) == 1
    expire_tokens(sandbox)           # as an hour of real time would (or Amazon revoking it)
    assert client.get_purchase_order(number).purchase_order_number == number
    calls = transport.to(f"/vendor/orders/v1/purchaseOrders/{number}")
    assert len(calls) == 4 and calls[2].access_token == calls[0].access_token != calls[3].access_token
    assert transport.count(TOKEN_PATH) == 2


@pytest.mark.parametrize(("field", "status", "code"), [
    pytest.param("refresh_token", 400, "invalid_grant", id="wrong-refresh-token"),
    pytest.param("client_secret", 401, "invalid_client", id="wrong-client-secret"),
])
def test_refused_credentials_raise_an_auth_error_at_once_without_showing_them(
        make_client: Callable[..., SpApiClient], transport: RecordingTransport, field: str, status: int,
        code: str) -> None:
    wrong = "definitely-wrong-" + field
    creds = LwaCredentials(client_id="acorn-sandbox-client",
                           client_secret=SecretStr(wrong if field == "client_secret" else "acorn-sandbox-secret"),
                           refresh_token=SecretStr(wrong if field == "refresh_token" else "Atzr|acorn-sandbox-refresh"))
    client = make_client(credentials=creds)
    with pytest.raises(AuthError) as caught:
        client.get_purchase_order("ANY00000")
    err = caught.value
    assert (err.operation, err.status_code, err.code) == ("lwaToken", status, code)
    assert transport.count(TOKEN_PATH) == 1 and transport.to("/vendor/") == []
    assert wrong not in str(err) and wrong not in repr(err)
