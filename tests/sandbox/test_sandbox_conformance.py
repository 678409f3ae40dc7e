"""Conformance with Amazon's models and Amazon's own sandbox examples."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from acorn import contract, spapi
from acorn.sandbox import SandboxConfig, official_examples
from acorn.sandbox.timefmt import iso, parse_iso

#: every registered POST answered by a transaction (those Amazon ships examples for are posted below)
POST_PATHS = {op.name: op.path for op in spapi.operations() if op.answers_with_transaction}


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


def _body(example: Any) -> Any:
    return example.request["parameters"]["body"].get("value", {})


@pytest.mark.parametrize("example", _examples("2", posts_only=True))
def test_every_official_post_example_is_accepted_and_those_with_a_document_succeed(vendor: Any, example: Any) -> None:
    _load_examples_scenario(vendor)
    r = vendor.post(POST_PATHS[example.operation_id], _body(example))
    assert r.status_code == 202, r.text
    transaction_id = r.json()["payload"]["transactionId"]
    outcome = vendor.outcome(transaction_id)
    if _body(example):  # an example without a body is posted as {}: the gateway takes it; what the
        # transaction makes of an empty document is the business rules' affair (ack_rules, asn_rules)
        assert outcome == {"transactionId": transaction_id, "status": "Success"}


def test_all_official_post_examples_with_a_document_succeed_one_after_another_on_one_sandbox(vendor: Any) -> None:
    _load_examples_scenario(vendor)
    outcomes = [vendor.submit(POST_PATHS[ex.operation_id], _body(ex))["status"] for ex in contract.sandbox_examples()
                if ex.operation_id in POST_PATHS and ex.status == "202" and _body(ex)]
    assert outcomes == ["Success"] * 3
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
    changed = vendor.orders(isPOChanged="true", createdAfter="2026-02-27T00:00:00Z",
                            createdBefore="2026-03-02T14:00:00Z")
    assert changed, "seed 7 has at least one order Amazon changed"
    r = vendor.http.get("/vendor/orders/v1/purchaseOrdersStatus",
                        params={"createdAfter": "2026-02-27T00:00:00Z", "createdBefore": "2026-03-02T14:00:00Z"})
    assert r.status_code == 200 and r.json()["payload"]["ordersStatus"]
    missing = vendor.http.get("/vendor/orders/v1/purchaseOrders/ZZZZZZZZ")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    unknown_txn = vendor.http.get("/vendor/transactions/v1/transactions/nope")
    assert unknown_txn.status_code == 404


# ---- the official-examples scenario: all of Amazon's examples, played in date order ------------

SCENARIO = "official-examples"


def _scenario_sandbox(make_sandbox: Any) -> Any:
    """A sandbox for the whole scenario: it starts before the first example, with no generated orders."""
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100.0, clock_start=official_examples.start_moment(),
                                           pos_per_day=0, history_days=0))
    return vendor


def _dates_as_instants(value: Any) -> Any:
    """The same JSON with every ISO-8601 date-time written one way (``.00Z`` and ``Z`` are one instant)."""
    if isinstance(value, dict):
        return {k: _dates_as_instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_instants(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return iso(parse_iso(value))
        except ValueError:
            return value
    return value


def _listed(payload: dict[str, Any]) -> list[dict[str, Any]]:
    if "purchaseOrderNumber" in payload:
        return [payload]
    return payload.get("orders", payload.get("ordersStatus", []))


def _what_it_shows(order: dict[str, Any]) -> tuple[Any, ...]:
    """An order's state as an example shows it: the PO state or status, and each item's (confirmation,
    receiving) status as a set (the sandbox's version of an order may have other lines)."""
    items = {(i["acknowledgementStatus"]["confirmationStatus"], i["receivingStatus"]["receiveStatus"])
             for i in order.get("itemStatus", [])}
    return order.get("purchaseOrderState"), order.get("purchaseOrderStatus"), frozenset(items)


def _play(vendor: Any, step: dict[str, Any], answers: dict[int, Any]) -> Any:
    moved = vendor.http.post("/_sandbox/scenario", json={"name": SCENARIO, "step": step["step"]})
    assert moved.status_code == 200, moved.text
    if step["at"] is not None:
        assert moved.json()["now"] == step["at"]
        vendor.refresh()  # an access token lives an hour of sandbox time too
    request = step["request"]
    query = dict(request["query"])
    if step["nextTokenFrom"] is not None:
        query["nextToken"] = answers[step["nextTokenFrom"]].json()["payload"]["pagination"]["nextToken"]
    return vendor.http.request(request["method"], request["path"], params=query,
                               json=request["body"] if request["method"] == "POST" else None)


def test_all_23_official_examples_get_their_status_and_orders_when_played_in_date_order(make_sandbox: Any) -> None:
    examples = list(contract.sandbox_examples())
    assert Counter(ex.api for ex in examples) == {"orders": 19, "shipments": 2, "invoices": 2}
    vendor = _scenario_sandbox(make_sandbox)
    started = vendor.http.post("/_sandbox/scenario", json={"name": SCENARIO})
    assert started.status_code == 200, started.text
    steps = started.json()["steps"]
    assert sorted(s["example"]["index"] for s in steps) == list(range(23))
    moments = [s["at"] for s in steps if s["at"] is not None]
    assert [parse_iso(m) for m in moments] == sorted(parse_iso(m) for m in moments)  # date order

    answers: dict[int, Any] = {}
    wrong = []
    for step in steps:  # every answer is checked against the model by the client's response hook
        r = answers[step["step"]] = _play(vendor, step, answers)
        example = examples[step["example"]["index"]]
        label = f"step {step['step']} ({example.operation_id} {example.status}, example {step['example']['index']})"
        if r.status_code != int(example.status):
            wrong.append(f"{label}: {r.status_code} {r.text[:200]}")
            continue
        if step["expect"]["purchaseOrderNumbers"] is not None:
            shown = {o["purchaseOrderNumber"]: o for o in _listed(example.response["payload"])}
            served = {o["purchaseOrderNumber"]: o for o in _listed(r.json()["payload"])}
            if served.keys() != shown.keys():
                wrong.append(f"{label}: orders {sorted(served)}, the example {sorted(shown)}")
            elif any(_what_it_shows(shown[n])[i] not in (None, frozenset(), _what_it_shows(served[n])[i])
                     for n in shown for i in range(3)):
                wrong.append(f"{label}: states {[_what_it_shows(o) for o in served.values()]}, "
                             f"the example {[_what_it_shows(o) for o in shown.values()]}")
        if r.status_code == 202 and step["request"]["body"]:
            outcome = vendor.outcome(r.json()["payload"]["transactionId"])
            if outcome["status"] != "Success":
                wrong.append(f"{label}: the transaction ended {outcome}")
    assert not wrong, "\n".join(wrong)

    by_example = {s["example"]["index"]: answers[s["step"]] for s in steps}
    # answers the sandbox can give exactly as Amazon shows them: a closed order, and an order Amazon replaced
    closed, replaced = examples[8], examples[15]
    assert by_example[8].json()["payload"] == closed.response["payload"]
    assert _dates_as_instants(by_example[15].json()["payload"]) == _dates_as_instants(replaced.response["payload"])


def test_examples_mode_relaxes_only_the_window_rules_amazons_examples_break(vendor: Any) -> None:
    long_window = {"createdAfter": "2026-02-01T00:00:00Z", "createdBefore": "2026-03-02T00:00:00Z"}
    reversed_window = {"createdAfter": "2026-03-02T00:00:00Z", "createdBefore": "2026-02-27T00:00:00Z"}
    purchase_orders, statuses = "/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrdersStatus"
    for window in (long_window, reversed_window):  # a normal run keeps Amazon's rules
        assert vendor.http.get(purchase_orders, params=window).status_code == 400

    _load_examples_scenario(vendor)
    vendor.advance(9 * 86400)  # orders over 12 days: a 29-day window holds some no 7-day window ending with it does
    found = vendor.orders(createdAfter=long_window["createdAfter"], createdBefore=vendor.now())
    oldest = min(parse_iso(o["orderDetails"]["purchaseOrderDate"]) for o in found)
    assert parse_iso(vendor.now()) - oldest > timedelta(days=7)
    swapped = vendor.http.get(purchase_orders, params=reversed_window)
    straight = vendor.http.get(purchase_orders, params={"createdAfter": reversed_window["createdBefore"],
                                                        "createdBefore": reversed_window["createdAfter"]})
    assert swapped.status_code == 200 and swapped.json()["payload"]["orders"]
    assert swapped.json()["payload"]["orders"] == straight.json()["payload"]["orders"]
    # what the examples do not break stays: the 6-month look-back, and getPurchaseOrdersStatus's windows
    too_old = vendor.http.get(purchase_orders, params={"createdAfter": "2025-06-01T00:00:00Z",
                                                       "createdBefore": "2025-06-05T00:00:00Z"})
    assert too_old.status_code == 400 and "6 months" in too_old.json()["errors"][0]["message"]
    assert vendor.http.get(statuses, params=long_window).status_code == 400

    vendor.http.post("/_sandbox/reset")  # a reset leaves the scenario, and examples mode with it
    vendor.refresh()
    assert vendor.http.get(purchase_orders, params=long_window).status_code == 400


def test_the_scenario_endpoint_explains_what_it_cannot_do(vendor: Any) -> None:
    def post(body: Any) -> Any:
        return vendor.http.post("/_sandbox/scenario", json=body)

    assert post({"name": "nope"}).status_code == 400
    early = post({"name": SCENARIO, "step": 0})
    assert early.status_code == 400 and "load the scenario first" in early.json()["errors"][0]["message"]
    plan = vendor.http.get("/_sandbox/scenario", params={"name": SCENARIO}).json()
    assert len(plan["steps"]) == 23 and plan["start"] == "2019-07-26T00:00:00Z"

    loaded = post({"name": SCENARIO})
    assert loaded.status_code == 200 and loaded.json()["loaded"] == 13 and loaded.json()["steps"] == plan["steps"]
    again = post({"name": SCENARIO})
    assert again.status_code == 400 and "already loaded" in again.json()["errors"][0]["message"]
    past = post({"name": SCENARIO, "step": 0})  # this sandbox's clock is in 2026: it cannot go back to 2019
    assert past.status_code == 400 and "--start 2019-07-26T00:00:00Z" in past.json()["errors"][0]["message"]
    assert post({"name": SCENARIO, "step": 23}).status_code == 400
    assert post({"name": SCENARIO, "step": "1"}).status_code == 400
    # loaded after August 2020, the scenario already holds the orders Amazon put in place then
    assert vendor.status("TestPO1")["purchaseOrderDate"] == "2020-08-15T05:24:00Z"
