"""The simulated warehouse: receipts after delivery, shortages and damage, receivingStatus."""

from __future__ import annotations

from typing import Any

from acorn.sandbox import SandboxConfig

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"


def _big_us_order(vendor: Any) -> dict[str, Any]:
    orders = vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC")
    return max(orders, key=lambda o: sum(it["orderedQuantity"]["amount"] for it in o["orderDetails"]["items"]))


def _receipts(vendor: Any, number: str) -> list[tuple[str, int]]:
    return [(ln["receivingStatus"]["receiveStatus"], ln["receivingStatus"]["receivedQuantity"]["amount"])
            for ln in vendor.status(number)["itemStatus"]]


def test_goods_are_received_at_the_estimated_delivery_less_shortage_and_damage(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, shortage_rate=0.2, damage_rate=0.1, rate_scale=100))
    order = _big_us_order(vendor)
    number = order["purchaseOrderNumber"]
    vendor.submit(ACK, vendor.acknowledgement(order))
    vendor.submit(ASN, vendor.shipment(order, "RCV-1", delivery="2026-03-04T09:30:00Z"))
    assert {status for status, _ in _receipts(vendor, number)} == {"NOT_RECEIVED"}
    vendor.advance(86400)  # 2026-03-03T14:00: still on the truck
    assert {status for status, _ in _receipts(vendor, number)} == {"NOT_RECEIVED"}
    vendor.advance(86400)  # 2026-03-04T14:00: delivered at 09:30
    status = vendor.status(number)
    with sb.state.lock:
        lines = sb.state.purchase_order(number).lines
        expected = [(ln.shipped[0].received, ln.shipped[0].short, ln.shipped[0].damaged, ln.shipped[0].quantity)
                    for ln in lines]
    shipped = sum(q for *_, q in expected)
    lost = sum(short + damaged for _, short, damaged, _ in expected)
    assert 0.15 * shipped < lost < 0.45 * shipped  # 30% expected loss
    for line, (received, short, damaged, quantity) in zip(status["itemStatus"], expected):
        receiving = line["receivingStatus"]
        assert receiving["receivedQuantity"]["amount"] == received == quantity - short - damaged
        assert receiving["lastReceiveDate"] == "2026-03-04T09:30:00Z"
        assert receiving["receiveStatus"] == ("RECEIVED" if received == quantity else "PARTIALLY_RECEIVED")
    assert status["lastUpdatedDate"] == "2026-03-04T09:30:00Z"


def test_the_same_seed_loses_the_same_units(make_sandbox: Any) -> None:
    results = []
    for _ in range(2):
        _, vendor = make_sandbox(SandboxConfig(seed=7, shortage_rate=0.1, damage_rate=0.1, rate_scale=100))
        order = _big_us_order(vendor)
        vendor.submit(ASN, vendor.shipment(order, "SAME-LOSS"))
        results.append(_receipts(vendor, order["purchaseOrderNumber"]))
    assert results[0] == results[1]
    assert any(status == "PARTIALLY_RECEIVED" for status, _ in results[0])


def test_without_an_estimated_delivery_goods_arrive_two_days_after_shipping(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "NO-ETA", shipped="2026-03-02T13:00:00Z")
    del body["shipmentConfirmations"][0]["estimatedDeliveryDate"]
    vendor.submit(ASN, body)
    assert vendor.ledger()["shipmentConfirmations"]["NO-ETA"]["receivedAt"] == "2026-03-04T13:00:00Z"
    vendor.advance(2 * 86400 - 3601)
    assert {s for s, _ in _receipts(vendor, us_order["purchaseOrderNumber"])} == {"NOT_RECEIVED"}
    vendor.advance(2)
    assert {s for s, _ in _receipts(vendor, us_order["purchaseOrderNumber"])} <= {"RECEIVED", "PARTIALLY_RECEIVED"}


def test_an_order_closes_once_everything_accepted_is_shipped_and_received(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, shortage_rate=0, damage_rate=0, rate_scale=100))
    order = next(o for o in vendor.orders(orderingVendorCode="ACRNUS") if len(o["orderDetails"]["items"]) >= 2
                 and "purchaseOrderChangedDate" not in o["orderDetails"])
    number = order["purchaseOrderNumber"]
    first, second = (it["itemSequenceNumber"] for it in order["orderDetails"]["items"][:2])
    vendor.submit(ACK, vendor.acknowledgement(order, accept={second: 0}))  # second line rejected
    rest = {it["itemSequenceNumber"]: it["orderedQuantity"]["amount"] for it in order["orderDetails"]["items"]
            if it["itemSequenceNumber"] != second}
    half = dict(rest, **{first: rest[first] - 1})
    vendor.submit(ASN, vendor.shipment(order, "CLOSE-1", quantities=half, delivery="2026-03-02T20:00:00Z"))
    vendor.advance(86400)
    assert vendor.order(number)["purchaseOrderState"] == "Acknowledged"
    statuses = {ln["itemSequenceNumber"]: ln for ln in vendor.status(number)["itemStatus"]}
    assert statuses[second]["acknowledgementStatus"]["confirmationStatus"] == "REJECTED"
    assert statuses[first]["receivingStatus"]["receiveStatus"] == "PARTIALLY_RECEIVED"
    vendor.submit(ASN, vendor.shipment(order, "CLOSE-2", quantities={first: 1}, delivery="2026-03-04T08:00:00Z"))
    vendor.advance(86400)
    closed = vendor.order(number)
    assert closed["purchaseOrderState"] == "Closed"
    assert closed["orderDetails"]["purchaseOrderStateChangedDate"] == "2026-03-04T08:00:00Z"
    received = vendor.http.get(STATUS, params={"itemReceiveStatus": "RECEIVED", "purchaseOrderStatus": "CLOSED"})
    assert [s["purchaseOrderNumber"] for s in received.json()["payload"]["ordersStatus"]] == [number]


def test_the_missing_receiving_status_fault_leaves_the_field_out(vendor: Any, us_order: Any) -> None:
    vendor.submit(ASN, vendor.shipment(us_order, "MISSING"))
    number = us_order["purchaseOrderNumber"]
    assert all("receivingStatus" in ln for ln in vendor.status(number)["itemStatus"])
    assert vendor.http.post("/_sandbox/faults", json={"missing_receiving_status_rate": 1.0}).status_code == 200
    assert all("receivingStatus" not in ln for ln in vendor.status(number)["itemStatus"])
    vendor.http.post("/_sandbox/faults", json={"missing_receiving_status_rate": 0.5})
    seen = [("receivingStatus" in ln) for _ in range(10) for ln in vendor.status(number)["itemStatus"]]
    assert any(seen) and not all(seen)
