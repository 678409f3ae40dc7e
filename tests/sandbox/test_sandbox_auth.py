"""Login with Amazon and the access token every SP-API call needs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig

ORDERS = "/vendor/orders/v1/purchaseOrders"


def _grant(http: httpx.Client, **overrides: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", **DEFAULT_CREDENTIALS, **overrides}
    return http.post("/auth/o2/token", data={k: v for k, v in form.items() if v is not None})


def test_the_refresh_token_grant_issues_a_bearer_token_valid_for_an_hour(vendor: Any) -> None:
    r = _grant(vendor.http)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("overrides", "status", "error"), [
    pytest.param({"client_id": "someone-else"}, 401, "invalid_client", id="wrong-client-id"),
    pytest.param({"client_secret": "guess"}, 401, "invalid_client", id="wrong-client-secret"),
    pytest.param({"refresh_token": "Atzr|stolen"}, 400, "invalid_grant", id="wrong-refresh-token"),
    pytest.param({"grant_type": "client_credentials"}, 400, "unsupported_grant_type", id="other-grant"),
    pytest.param({"refresh_token": ""}, 400, "invalid_request", id="no-refresh-token"),
])
def test_wrong_credentials_get_the_lwa_error_and_status(vendor: Any, overrides: dict[str, str], status: int,
                                                        error: str) -> None:
    r = _grant(vendor.http, **overrides)
    assert r.status_code == status
    assert r.json()["error"] == error
    assert "guess" not in r.text and "stolen" not in r.text


def test_credentials_given_to_the_config_replace_the_defaults(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(client_id="ops-app", client_secret="s3cret", refresh_token="Atzr|mine"))
    assert _grant(vendor.http).status_code == 401
    ok = _grant(vendor.http, client_id="ops-app", client_secret="s3cret", refresh_token="Atzr|mine")
    assert ok.status_code == 200


@pytest.mark.parametrize(("headers", "details"), [
    pytest.param({}, "missing", id="missing"),
    pytest.param({"x-amz-access-token": "Atza|forged"}, "invalid", id="forged"),
    pytest.param({"Authorization": "Bearer whatever"}, "missing", id="wrong-header"),
])
def test_sp_api_calls_without_a_valid_token_get_403_unauthorized(vendor: Any, headers: dict[str, str],
                                                                 details: str) -> None:
    with httpx.Client(base_url=vendor.sb.base_url, headers=headers) as anonymous:
        r = anonymous.get(ORDERS)
    assert r.status_code == 403
    (error,) = r.json()["errors"]
    assert error["code"] == "Unauthorized" and details in error["details"]
    assert "x-amzn-RequestId" in r.headers and "x-amzn-RateLimit-Limit" not in r.headers


def test_a_token_outlives_simulated_days_and_expires_only_on_the_wall_clock_or_on_demand(vendor: Any) -> None:
    assert vendor.http.get(ORDERS).status_code == 200
    vendor.advance(3 * 86400, refresh=False)  # clients cache tokens by their own clock: a simulated day is no hour
    assert vendor.http.get(ORDERS).status_code == 200
    assert vendor.http.post("/_sandbox/tokens/expire", json={}).json() == {"accessTokens": 1, "nextTokens": 0}
    r = vendor.http.get(ORDERS)
    assert r.status_code == 403 and "expired" in r.json()["errors"][0]["details"]
    vendor.refresh()
    assert vendor.http.get(ORDERS).status_code == 200


def test_every_sp_api_operation_requires_the_token(vendor: Any) -> None:
    calls = [("GET", ORDERS), ("GET", ORDERS + "/ABCDEFGH"), ("GET", "/vendor/orders/v1/purchaseOrdersStatus"),
             ("POST", "/vendor/orders/v1/acknowledgements"), ("POST", "/vendor/shipping/v1/shipmentConfirmations"),
             ("POST", "/vendor/payments/v1/invoices"), ("GET", "/vendor/transactions/v1/transactions/x")]
    with httpx.Client(base_url=vendor.sb.base_url) as anonymous:
        statuses = [anonymous.request(method, path, json={} if method == "POST" else None).status_code
                    for method, path in calls]
    assert statuses == [403] * len(calls)
    ledger = vendor.ledger()
    assert {"acknowledgements", "shipmentConfirmations", "invoices"} <= ledger.keys()
    assert all(entries == {} for entries in ledger.values())


def test_the_config_never_shows_its_secrets() -> None:
    config = SandboxConfig(client_secret="top-secret-value", refresh_token="Atzr|top-secret-refresh")
    assert "top-secret" not in repr(config) and "top-secret" not in str(config.model_dump())
    assert config.client_secret.get_secret_value() == "top-secret-value"
