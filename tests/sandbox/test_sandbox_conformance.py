"""Conformance with Amazon's models and Amazon's own sandbox examples."""

from __future__ import annotations

from typing import Any

import pytest

from acorn import contract

POST_PATHS = {
    "submitAcknowledgement": "/vendor/orders/v1/acknowledgements",
    "SubmitShipmentConfirmations": "/vendor/shipping/v1/shipmentConfirmations",
    "submitInvoices": "/vendor/payments/v1/invoices",
}


def _examples(status_prefix: str, *, posts_only: bool) -> list[Any]:
    found = []
    for ex in contract.sandbox_examples():
        if ex.status.startswith(status_prefix) and (ex.operation_id in POST_PATHS or not posts_only):
            found.append(pytest.param(ex, id=f"{ex.operation_id}-{ex.status}-{len(found)}"))
    return found


def _load_examples_scenario(vendor: Any) -> None:
    r = vendor.http.post("/_sandbox/purchaseOrders", json={"scenario": "official-examples"})
    assert r.status_code == 200, r.text
    assert r.json()["loaded"] >= 5


@pytest.mark.parametrize("example", _examples("2", posts_only=True))
def test_every_official_post_example_is_accepted_then_succeeds(vendor: Any, example: Any) -> None:
    _load_examples_scenario(vendor)
    body = example.request["parameters"]["body"].get("value", {})
    r = vendor.post(POST_PATHS[example.operation_id], body)
    assert r.status_code == 202, r.text
    assert r.json()["payload"]["transactionId"]
    assert vendor.outcome(r.json()["payload"]["transactionId"]) == {
        "transactionId": r.json()["payload"]["transactionId"], "status": "Success"}


def test_all_official_post_examples_succeed_one_after_another_on_one_sandbox(vendor: Any) -> None:
    _load_examples_scenario(vendor)
    outcomes = []
    for ex in contract.sandbox_examples():
        if ex.operation_id in POST_PATHS and ex.status == "202":
            outcomes.append(vendor.submit(POST_PATHS[ex.operation_id], ex.request["parameters"]["body"].get("value", {}))
                            ["status"])
    assert outcomes and set(outcomes) == {"Success"}
    ledger = vendor.ledger()
    assert ledger["acknowledgements"]["TestOrder202"]["accepted"] == 1
    assert ledger["shipmentConfirmations"]["TestShipmentConfirmation202"]["accepted"] == 1
    assert ledger["invoices"]["TestInvoice202"]["accepted"] == 1


def _request_for(ex: Any) -> tuple[str, str, dict[str, Any], Any]:
    params = ex.request.get("parameters", {})
    path, query, body = ex.path, {}, None
    for name, spec in params.items():
        if name == "body":
            body = spec.get("value", {})
        elif "{" + name + "}" in path:
            path = path.replace("{" + name + "}", str(spec["value"]))
        else:
            query[name] = spec["value"]
    return ex.method, path, query, body


@pytest.mark.parametrize("example", _examples("400", posts_only=False))
def test_every_official_400_example_is_answered_400_with_the_example_error_code(vendor: Any, example: Any) -> None:
    method, path, query, body = _request_for(example)
    r = vendor.http.request(method, path, params=query, json=body if method == "POST" else None)
    assert r.status_code == 400, r.text
    errors = r.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    assert errors[0]["code"] == example.response["errors"][0]["code"]


def test_the_official_get_purchase_order_example_is_served_as_amazon_shows_it(vendor: Any) -> None:
    _load_examples_scenario(vendor)
    (example,) = [ex for ex in contract.sandbox_examples("orders")
                  if ex.operation_id == "getPurchaseOrder" and ex.status == "200"
                  and ex.request["parameters"].get("purchaseOrderNumber")]
    number = example.request["parameters"]["purchaseOrderNumber"]["value"]
    assert vendor.order(number) == example.response["payload"]


def test_generated_orders_and_statuses_conform_to_the_models_in_every_shape(vendor: Any, us_order: Any) -> None:
    # the response hook validates each answer; here we make sure every optional branch is exercised
    assert vendor.orders(includeDetails="false")[0].keys() == {"purchaseOrderNumber", "purchaseOrderState"}
    vendor.submit("/vendor/orders/v1/acknowledgements", vendor.acknowledgement(us_order))
    vendor.submit("/vendor/shipping/v1/shipmentConfirmations", vendor.shipment(us_order, "CONF-1"))
    vendor.advance(3600)
    status = vendor.status(us_order["purchaseOrderNumber"])
    assert {i["acknowledgementStatus"]["confirmationStatus"] for i in status["itemStatus"]} == {"ACCEPTED"}
    assert all("lastReceiveDate" in i["receivingStatus"] for i in status["itemStatus"])
    changed = vendor.orders(isPOChanged="true", createdAfter="2026-02-27T00:00:00Z", createdBefore="2026-03-02T14:00:00Z")
    assert changed, "seed 7 has at least one order Amazon changed"
    r = vendor.http.get("/vendor/orders/v1/purchaseOrdersStatus",
                        params={"createdAfter": "2026-02-27T00:00:00Z", "createdBefore": "2026-03-02T14:00:00Z"})
    assert r.status_code == 200 and r.json()["payload"]["ordersStatus"]
    missing = vendor.http.get("/vendor/orders/v1/purchaseOrders/ZZZZZZZZ")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    unknown_txn = vendor.http.get("/vendor/transactions/v1/transactions/nope")
    assert unknown_txn.status_code == 404
