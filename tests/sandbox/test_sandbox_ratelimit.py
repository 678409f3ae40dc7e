"""Usage plans: the published rate and burst per operation, scaled, with 429 beyond them."""

from __future__ import annotations

import time
from typing import Any

from acorn.sandbox import SandboxConfig
from acorn.sandbox.ratelimit import usage_plans

ORDERS = "/vendor/orders/v1/purchaseOrders"


def test_the_usage_plans_are_read_from_the_models() -> None:
    plans = usage_plans()
    assert plans["getPurchaseOrders"] == (10.0, 10.0)
    assert plans["getTransaction"] == (10.0, 20.0)
    assert {"submitAcknowledgement", "SubmitShipmentConfirmations", "submitInvoices"} <= plans.keys()


def test_a_burst_beyond_the_plan_is_answered_429_quota_exceeded(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=0.5))  # 5/s, burst 5
    statuses = [vendor.http.get(ORDERS, params={"limit": 1}) for _ in range(8)]
    codes = [r.status_code for r in statuses]
    assert codes[:5] == [200] * 5
    assert 429 in codes[5:]
    throttled = next(r for r in statuses if r.status_code == 429)
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert statuses[0].headers["x-amzn-RateLimit-Limit"] == "5"


def test_each_operation_has_its_own_bucket_and_buckets_refill(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=0.2))  # 2/s, burst 2 (getTransaction burst 4)
    assert [vendor.http.get(ORDERS, params={"limit": 1}).status_code for _ in range(3)] == [200, 200, 429]
    # another operation is untouched by the first one's bucket
    assert vendor.http.get("/vendor/orders/v1/purchaseOrders/ABCDEFGH").status_code == 404
    time.sleep(0.6)  # 2 tokens/s refill at least one
    assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 200


def test_rate_scale_raises_the_limit_and_the_header_says_so(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=10))
    answers = [vendor.http.get(ORDERS, params={"limit": 1}) for _ in range(40)]
    assert {r.status_code for r in answers} == {200}
    assert answers[0].headers["x-amzn-RateLimit-Limit"] == "100"
