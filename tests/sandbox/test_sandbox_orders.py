"""Purchase orders: deterministic generation, windows, filters and nextToken paging."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from acorn.sandbox import VENDOR_ACCOUNTS, WAREHOUSES, SandboxConfig, SandboxState, catalogue
from acorn.sandbox.gs1 import is_valid_gtin

ORDERS = "/vendor/orders/v1/purchaseOrders"
START_7 = datetime(2026, 3, 2, 14, tzinfo=UTC)


def _numbers(state: SandboxState) -> list[str]:
    return [po.number for po in state.visible_orders()]


def test_the_start_clock_is_fixed_by_the_seed(make_sandbox: Any) -> None:
    for seed, expected in ((7, "2026-03-02T14:00:00Z"), (3, "2026-03-05T14:00:00Z"), (13, "2026-03-08T14:00:00Z")):
        _, vendor = make_sandbox(SandboxConfig(seed=seed))
        assert vendor.now() == expected


def test_orders_exist_for_the_history_days_and_appear_as_the_clock_moves() -> None:
    state = SandboxState(SandboxConfig(seed=7, pos_per_day=4, history_days=2))
    first = state.visible_orders()
    history_starts = datetime(2026, 2, 28, tzinfo=UTC)  # two whole UTC days before the start day
    assert history_starts <= min(po.created for po in first) < history_starts + timedelta(hours=6)
    assert all(po.created <= START_7 for po in first)
    per_day = len([po for po in first if po.created.date() == (START_7 - timedelta(days=1)).date()])
    assert per_day == 4 * len(VENDOR_ACCOUNTS)
    state.advance(86400)
    assert len(state.visible_orders()) > len(first)
    assert all(po.created <= state.now() for po in state.visible_orders())


def test_the_same_seed_gives_the_same_orders_however_the_clock_is_moved() -> None:
    jumped = SandboxState(SandboxConfig(seed=5))
    jumped.advance(5 * 86400)
    crawled = SandboxState(SandboxConfig(seed=5))
    for _ in range(5 * 24):
        crawled.advance(3600)
    assert _numbers(jumped) == _numbers(crawled)
    a, b = jumped.purchase_order(_numbers(jumped)[-1]), crawled.purchase_order(_numbers(crawled)[-1])
    assert [(ln.asin, ln.quantity, ln.net_cost) for ln in a.lines] == [(ln.asin, ln.quantity, ln.net_cost)
                                                                       for ln in b.lines]
    assert _numbers(SandboxState(SandboxConfig(seed=6))) != _numbers(SandboxState(SandboxConfig(seed=5)))


def test_generated_orders_look_like_amazon_orders(vendor: Any) -> None:
    items = {it.asin: it for it in catalogue(7)}
    orders = vendor.orders(createdAfter="2026-02-27T00:00:00Z", createdBefore="2026-03-02T14:00:00Z")
    assert len(orders) == 6 * 2 * 3 + len([o for o in orders if o["orderDetails"]["purchaseOrderDate"] >= "2026-03-02"])
    whole_cases = 0
    lines = 0
    for order in orders:
        assert re.fullmatch(r"[A-Z0-9]{8}", order["purchaseOrderNumber"])
        d = order["orderDetails"]
        assert d["purchaseOrderType"] == "RegularOrder" and d["paymentMethod"] == "Invoice"
        seller = d["sellingParty"]["partyId"]
        assert d["shipToParty"]["partyId"] in VENDOR_ACCOUNTS[seller].warehouses
        assert d["buyingParty"] == d["shipToParty"]
        start, end = d["shipWindow"].split("--")
        days_out = (datetime.fromisoformat(start) - datetime.fromisoformat(d["purchaseOrderDate"])).days
        assert 1 <= days_out <= 5 and end > start
        assert 1 <= len(d["items"]) <= 8
        currency = VENDOR_ACCOUNTS[seller].marketplace.currency
        for it in d["items"]:
            product = items[it["amazonProductIdentifier"]]
            assert it["vendorProductIdentifier"] == product.ean and is_valid_gtin(product.ean)
            assert it["netCost"] == {"amount": str(product.cost_for(seller[-2:])[0]), "currencyCode": currency}
            lines += 1
            ordered = it["orderedQuantity"]
            if ordered["unitOfMeasure"] == "Cases":  # some orders are placed in cases of the case pack
                assert ordered["unitSize"] == product.case_pack
            whole_cases += ordered["amount"] * ordered["unitSize"] % product.case_pack == 0
    assert whole_cases / lines > 0.7  # mostly whole cases, sometimes not
    assert whole_cases < lines or lines < 20


def test_amazon_changes_a_few_orders_after_placing_them() -> None:
    state = SandboxState(SandboxConfig(seed=7, pos_per_day=50, history_days=5))
    orders = state.visible_orders()
    changed = [po for po in orders if po.change_effective(state.now())]
    assert 0.02 < len(changed) / len(orders) < 0.10
    cancelled = [po for po in changed if any(po.is_cancelled(ln, state.now()) for ln in po.lines)]
    reduced = [po for po in changed if po not in cancelled]
    assert cancelled and reduced
    for po in reduced:
        (seq, new), = po.change.new_amounts.items()
        assert 0 < new < next(ln.quantity for ln in po.lines if ln.sequence == seq)


def test_changed_and_cancelled_orders_are_found_by_their_filters(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, pos_per_day=40, history_days=5, rate_scale=100))
    window = {"createdAfter": "2026-02-25T14:00:00Z", "createdBefore": "2026-03-02T14:00:00Z"}
    everything = vendor.orders(**window)
    changed = vendor.orders(isPOChanged="true", **window)
    assert changed and len(changed) < len(everything)
    assert all("purchaseOrderChangedDate" in o["orderDetails"] for o in changed)
    cancelled = vendor.orders(poItemState="Cancelled", **window)
    assert cancelled and {o["purchaseOrderNumber"] for o in cancelled} <= {o["purchaseOrderNumber"] for o in changed}
    assert all(any(it["orderedQuantity"]["amount"] == 0 for it in o["orderDetails"]["items"]) for o in cancelled)
    by_change = vendor.orders(changedAfter="2026-02-26T00:00:00Z", changedBefore="2026-03-02T14:00:00Z")
    assert by_change and all(o["orderDetails"]["purchaseOrderChangedDate"] >= "2026-02-26" for o in by_change)
    status = vendor.status(cancelled[0]["purchaseOrderNumber"])
    details = [i["orderedQuantity"]["orderedQuantityDetails"] for i in status["itemStatus"]]
    assert any(len(d) == 2 and d[1]["cancelledQuantity"]["amount"] > 0 for d in details)


def test_paging_with_next_token_returns_every_order_once_in_order(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, pos_per_day=30, history_days=4, rate_scale=100))
    window = {"createdAfter": "2026-02-26T14:00:00Z", "createdBefore": "2026-03-02T14:00:00Z"}
    expected = [po.number for po in sb.state.visible_orders() if po.created >= START_7 - timedelta(days=4)]
    pages = []
    r = vendor.http.get(ORDERS, params={**window, "limit": 7, "sortOrder": "ASC"})
    while True:
        payload = r.json()["payload"]
        pages.append([o["purchaseOrderNumber"] for o in payload["orders"]])
        token = payload.get("pagination", {}).get("nextToken")
        if not token:
            break
        r = vendor.http.get(ORDERS, params={"nextToken": token})
    flat = [n for page in pages for n in page]
    assert flat == expected and len(set(flat)) == len(flat) > 200
    assert all(len(p) == 7 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 7
    dates = [o["orderDetails"]["purchaseOrderDate"] for o in vendor.orders(**window, sortOrder="ASC")]
    assert dates == sorted(dates)
    newest_first = [o["purchaseOrderNumber"] for o in vendor.orders(**window)]
    assert newest_first == flat[::-1]


def test_a_next_token_keeps_its_query_when_new_orders_arrive_between_pages(vendor: Any) -> None:
    first = vendor.http.get(ORDERS, params={"limit": 5}).json()["payload"]
    vendor.advance(86400)
    rest = vendor.orders(nextToken=first["pagination"]["nextToken"])
    numbers = [o["purchaseOrderNumber"] for o in first["orders"] + rest]
    assert len(numbers) == len(set(numbers))
    assert all(o["orderDetails"]["purchaseOrderDate"] <= "2026-03-02T14:00:00Z" for o in rest)


@pytest.mark.parametrize(("params", "fragment"), [
    pytest.param({"createdAfter": "2026-02-20T00:00:00Z", "createdBefore": "2026-03-01T00:00:00Z"}, "7 days",
                 id="window-over-7-days"),
    pytest.param({"createdAfter": "2026-03-01T00:00:00Z", "createdBefore": "2026-02-28T00:00:00Z"}, "earlier",
                 id="window-backwards"),
    pytest.param({"createdAfter": "2025-06-01T00:00:00Z", "createdBefore": "2025-06-03T00:00:00Z"}, "6 months",
                 id="older-than-6-months"),
    pytest.param({"changedAfter": "2026-02-01T00:00:00Z"}, "7 days", id="open-changed-window-too-long"),
    pytest.param({"createdAfter": "yesterday"}, "ISO-8601", id="not-a-date"),
    pytest.param({"limit": "0"}, "limit", id="limit-zero"),
    pytest.param({"limit": "101"}, "limit", id="limit-over-100"),
    pytest.param({"limit": "ten"}, "limit", id="limit-not-a-number"),
    pytest.param({"sortOrder": "UP"}, "sortOrder", id="bad-sort-order"),
    pytest.param({"includeDetails": "yes"}, "includeDetails", id="bad-boolean"),
    pytest.param({"purchaseOrderState": "Open"}, "purchaseOrderState", id="bad-state"),
    pytest.param({"nextToken": "not-a-token"}, "nextToken", id="bad-token"),
])
def test_invalid_search_parameters_are_answered_400(vendor: Any, params: dict[str, str], fragment: str) -> None:
    r = vendor.http.get(ORDERS, params=params)
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert fragment in error["message"] + error["details"]


def test_status_searches_validate_windows_and_filter_by_status(vendor: Any, us_order: Any) -> None:
    status = "/vendor/orders/v1/purchaseOrdersStatus"
    too_long = vendor.http.get(status, params={"updatedAfter": "2026-02-01T00:00:00Z",
                                               "updatedBefore": "2026-03-01T00:00:00Z"})
    assert too_long.status_code == 400
    vendor.submit("/vendor/orders/v1/acknowledgements", vendor.acknowledgement(us_order))
    vendor.advance(60)
    updated = vendor.http.get(status, params={"updatedAfter": "2026-03-02T13:00:00Z"}).json()["payload"]
    assert [s["purchaseOrderNumber"] for s in updated["ordersStatus"]] == [us_order["purchaseOrderNumber"]]
    accepted = vendor.http.get(status, params={"itemConfirmationStatus": "ACCEPTED"}).json()["payload"]
    assert [s["purchaseOrderNumber"] for s in accepted["ordersStatus"]] == [us_order["purchaseOrderNumber"]]
    fc = us_order["orderDetails"]["shipToParty"]["partyId"]
    at_fc = vendor.http.get(status, params={"shipToPartyId": fc}).json()["payload"]["ordersStatus"]
    assert at_fc and {s["shipToParty"]["partyId"] for s in at_fc} == {fc}
    assert fc in WAREHOUSES


def test_include_details_false_returns_only_numbers_and_states(vendor: Any) -> None:
    orders = vendor.orders(includeDetails="false", limit=3)
    assert orders and all(set(o) == {"purchaseOrderNumber", "purchaseOrderState"} for o in orders)


def test_ten_thousand_orders_page_through_one_window(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, pos_per_day=715, history_days=7, rate_scale=1000))
    window = {"createdAfter": "2026-02-23T14:00:00Z", "createdBefore": "2026-03-02T14:00:00Z"}
    numbers = [o["purchaseOrderNumber"] for o in vendor.orders(**window, includeDetails="false")]
    assert len(numbers) == len(set(numbers)) >= 10_000
