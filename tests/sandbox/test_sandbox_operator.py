"""Operator endpoints: the clock, reset and loading extra purchase orders."""

from __future__ import annotations

from typing import Any

import pytest


def test_the_clock_reads_and_advances_in_iso_8601_utc(vendor: Any) -> None:
    assert vendor.http.get("/_sandbox/clock").json() == {"now": "2026-03-02T14:00:00Z", "mode": "manual"}
    r = vendor.http.post("/_sandbox/clock", json={"advance_seconds": 90.5})
    assert r.json() == {"now": "2026-03-02T14:01:30.500Z"}
    r = vendor.http.post("/_sandbox/clock", json={"set": "2026-03-09T08:00:00+02:00"})
    assert r.json() == {"now": "2026-03-09T06:00:00Z"}
    assert vendor.http.get("/_sandbox/clock").json() == {"now": "2026-03-09T06:00:00Z", "mode": "manual"}


@pytest.mark.parametrize("body", [
    pytest.param({"set": "2026-03-01T00:00:00Z"}, id="backwards"),
    pytest.param({"advance_seconds": -5}, id="negative"),
    pytest.param({"advance_seconds": "soon"}, id="not-a-number"),
    pytest.param({"set": "next tuesday"}, id="not-a-date"),
    pytest.param({}, id="empty"),
    pytest.param({"advance_seconds": 1, "set": "2026-04-01T00:00:00Z"}, id="both"),
])
def test_bad_clock_moves_are_refused_400_and_the_clock_stays(vendor: Any, body: dict[str, Any]) -> None:
    r = vendor.http.post("/_sandbox/clock", json=body)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
    assert vendor.now() == "2026-03-02T14:00:00Z"


def test_reset_returns_to_the_seed_start_and_forgets_everything(vendor: Any, us_order: Any) -> None:
    vendor.submit("/vendor/orders/v1/acknowledgements", vendor.acknowledgement(us_order))
    vendor.http.post("/_sandbox/faults", json={"error_rate": 0.5})
    vendor.advance(86400)
    r = vendor.http.post("/_sandbox/reset")
    assert r.json() == {"now": "2026-03-02T14:00:00Z"}
    assert vendor.http.get("/_sandbox/faults").json()["error_rate"] == 0.0
    assert vendor.ledger()["acknowledgements"] == {}
    assert vendor.http.get("/vendor/orders/v1/purchaseOrders").status_code == 403  # tokens are forgotten too
    vendor.refresh()
    assert vendor.order(us_order["purchaseOrderNumber"])["purchaseOrderState"] == "New"


def test_extra_orders_can_be_loaded_but_not_twice(vendor: Any) -> None:
    order = {"purchaseOrderNumber": "EXTRA001", "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": "2026-03-02T09:00:00Z", "purchaseOrderStateChangedDate": "2026-03-02T09:00:00Z",
        "sellingParty": {"partyId": "ACRNCA"}, "shipToParty": {"partyId": "YYZ4"},
        "items": [{"itemSequenceNumber": "1", "vendorProductIdentifier": "0614141000012",
                   "orderedQuantity": {"amount": 2, "unitOfMeasure": "CASES", "unitSize": 6},
                   "isBackOrderAllowed": False, "netCost": {"amount": "3.10", "currencyCode": "CAD"}}]}}
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"orders": [order]}).json() == {"loaded": 1}
    served = vendor.order("EXTRA001")
    assert served["orderDetails"]["items"][0]["orderedQuantity"] == {"amount": 2, "unitOfMeasure": "Cases",
                                                                     "unitSize": 6}
    again = vendor.http.post("/_sandbox/purchaseOrders", json={"orders": [order]})
    assert again.status_code == 400 and "EXTRA001" in again.json()["errors"][0]["message"]
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"orders": "nope"}).status_code == 400


def test_unknown_paths_answer_404_in_the_sp_api_error_shape(vendor: Any) -> None:
    r = vendor.http.get("/vendor/orders/v2/whatever")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "NotFound"
