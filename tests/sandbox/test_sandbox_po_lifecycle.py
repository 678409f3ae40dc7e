"""The purchase-order lifecycle: Amazon's cuts after acknowledgement, closing by the window, the
24-hour acknowledgement deadline in the ledger, and orders placed in cases."""

from __future__ import annotations

import copy
import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from acorn.sandbox import SandboxConfig, SandboxState, catalogue
from acorn.sandbox.orders import CASES, PurchaseOrder
from acorn.sandbox.timefmt import iso

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
INVOICE = "/vendor/payments/v1/invoices"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"

#: every order cut once after acknowledgement, nothing else in the way
CUTS = SandboxConfig(seed=7, change_rate=0, change_after_ack_rate=1.0, cases_rate=0, shortage_rate=0, damage_rate=0,
                     rate_scale=100)
#: orders close two days after their ship window
CLOSING = SandboxConfig(seed=7, change_rate=0, change_after_ack_rate=0, cases_rate=0, close_after_window_days=2,
                        shortage_rate=0, damage_rate=0, rate_scale=100)
#: every order in cases
IN_CASES = SandboxConfig(seed=7, change_rate=0, change_after_ack_rate=0, cases_rate=1.0, shortage_rate=0,
                         damage_rate=0, rate_scale=100)


# ---- helpers ---------------------------------------------------------------------------

def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _advance_to(vendor: Any, moment: datetime) -> None:
    seconds = (moment - _moment(vendor.now())).total_seconds()
    assert seconds >= 0
    vendor.advance(seconds)


def _find(sb: Any, wanted: Any, *, skip: tuple[str, ...] = ()) -> PurchaseOrder:
    with sb.state.lock:
        return next(po for po in sb.state.visible_orders() if po.number not in skip and wanted(po, sb.state.now()))


def _cut(po: PurchaseOrder) -> tuple[str, int, int, datetime]:
    """(line sequence, amount before, amount after, moment) of the order's cut after acknowledgement."""
    assert po.late_change is not None
    ((seq, new),) = po.late_change.new_amounts.items()
    old = next(ln.quantity for ln in po.lines if ln.sequence == seq)
    return seq, old, new, po.late_change.at


def _item(order_or_status: dict[str, Any], seq: str) -> dict[str, Any]:
    items = order_or_status.get("itemStatus") or order_or_status["orderDetails"]["items"]
    return next(it for it in items if it["itemSequenceNumber"] == seq)


def _numbers(orders: list[dict[str, Any]]) -> set[str]:
    return {o["purchaseOrderNumber"] for o in orders}


def _errors(outcome: dict[str, Any]) -> list[str]:
    return [e["code"] for e in outcome.get("errors") or []]


# ---- Amazon's cuts after acknowledgement -----------------------------------------------------

def _cut_ahead(new_is_zero: bool) -> Any:
    def wanted(po: PurchaseOrder, now: datetime) -> bool:
        if po.late_change is None or po.late_change.at <= now or len(po.lines) < 2:
            return False
        _, old, new, _ = _cut(po)
        return (new == 0) if new_is_zero else (0 < new and old - new >= 2)
    return wanted


def test_a_cut_after_acknowledgement_shows_in_every_query_and_limits_the_asn(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(CUTS)
    po = _find(sb, _cut_ahead(new_is_zero=False))
    number, (seq, old, new, at) = po.number, _cut(po)
    order = vendor.order(number)
    assert "purchaseOrderChangedDate" not in order["orderDetails"]
    assert vendor.submit(ACK, vendor.acknowledgement(order))["status"] == "Success"
    _advance_to(vendor, at + timedelta(minutes=1))

    changed = vendor.order(number)
    assert changed["purchaseOrderState"] == "Acknowledged"
    assert changed["orderDetails"]["purchaseOrderChangedDate"] == iso(at)
    assert _item(changed, seq)["orderedQuantity"]["amount"] == new
    created = {"createdAfter": iso(po.created - timedelta(seconds=1)), "createdBefore": vendor.now()}
    assert number in _numbers(vendor.orders(isPOChanged="true", **created))
    assert number not in _numbers(vendor.orders(isPOChanged="false", **created))
    assert number in _numbers(vendor.orders(changedAfter=iso(at - timedelta(hours=1)),
                                            changedBefore=iso(at + timedelta(seconds=1))))
    assert number not in _numbers(vendor.orders(changedAfter=iso(at + timedelta(seconds=1)),
                                                changedBefore=vendor.now()))
    assert number not in _numbers(vendor.orders(poItemState="Cancelled", **created))  # reduced, not cancelled

    updated = vendor.http.get(STATUS, params={"updatedAfter": iso(at), "updatedBefore": vendor.now()})
    assert number in _numbers(updated.json()["payload"]["ordersStatus"])
    line = _item(vendor.status(number), seq)
    assert line["orderedQuantity"]["orderedQuantity"]["amount"] == new
    assert line["orderedQuantity"]["orderedQuantityDetails"][1] == {
        "updatedDate": iso(at), "orderedQuantity": {"amount": new, "unitOfMeasure": "Eaches", "unitSize": 1},
        "cancelledQuantity": {"amount": old - new, "unitOfMeasure": "Eaches", "unitSize": 1}}
    ack = line["acknowledgementStatus"]
    assert ack["confirmationStatus"] == "ACCEPTED" and ack["acceptedQuantity"]["amount"] == new  # owed now
    assert ack["acknowledgementStatusDetails"][0]["acceptedQuantity"]["amount"] == old  # as acknowledged

    too_many = vendor.submit(ASN, vendor.shipment(changed, "CUT-OLD", quantities={seq: old}))
    assert too_many["status"] == "Failure" and _errors(too_many) == ["QuantityExceedsAccepted"]
    assert vendor.submit(ASN, vendor.shipment(changed, "CUT-NEW"))["status"] == "Success"  # as now ordered
    vendor.advance(60)
    line = _item(vendor.status(number), seq)
    assert line["receivingStatus"]["receiveStatus"] == "RECEIVED"
    assert line["receivingStatus"]["receivedQuantity"]["amount"] == new
    assert vendor.order(number)["purchaseOrderState"] == "Closed"


def test_a_line_cancelled_after_acknowledgement_is_found_and_cannot_be_shipped(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(CUTS)
    po = _find(sb, _cut_ahead(new_is_zero=True))
    number, (seq, old, _, at) = po.number, _cut(po)
    order = vendor.order(number)
    assert vendor.submit(ACK, vendor.acknowledgement(order))["status"] == "Success"
    created = {"createdAfter": iso(po.created - timedelta(seconds=1)), "createdBefore": iso(at)}
    assert number not in _numbers(vendor.orders(poItemState="Cancelled", **created))
    _advance_to(vendor, at)  # the cut is in force from its moment on

    assert number in _numbers(vendor.orders(poItemState="Cancelled", **created))
    line = _item(vendor.status(number), seq)
    assert line["orderedQuantity"]["orderedQuantity"]["amount"] == 0
    assert line["orderedQuantity"]["orderedQuantityDetails"][1]["cancelledQuantity"]["amount"] == old
    assert line["acknowledgementStatus"]["acceptedQuantity"]["amount"] == 0
    refused = vendor.submit(ASN, vendor.shipment(order, "CANCELLED-LINE", quantities={seq: 1}))
    assert refused["status"] == "Failure" and _errors(refused) == ["CancelledItem"]


def test_a_cut_never_goes_below_what_was_already_shipped(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(CUTS)
    partly = _find(sb, _cut_ahead(new_is_zero=False))
    number, (seq, old, new, at) = partly.number, _cut(partly)
    fully = _find(sb, lambda po, now: po.late_change is not None and po.late_change.at <= at
                  and po.late_change.at > now, skip=(number,))
    full_seq, full_old, _, full_at = _cut(fully)
    order, full_order = vendor.order(number), vendor.order(fully.number)
    for o in (order, full_order):
        assert vendor.submit(ACK, vendor.acknowledgement(o))["status"] == "Success"
    on_truck = old - 1  # more than the cut leaves
    assert vendor.submit(ASN, vendor.shipment(order, "EARLY-1", quantities={seq: on_truck}))["status"] == "Success"
    assert vendor.submit(ASN, vendor.shipment(full_order, "EARLY-2",
                                                quantities={full_seq: full_old}))["status"] == "Success"
    _advance_to(vendor, max(at, full_at) + timedelta(minutes=1))

    line = _item(vendor.status(number), seq)
    assert line["orderedQuantity"]["orderedQuantity"]["amount"] == on_truck > new
    assert line["orderedQuantity"]["orderedQuantityDetails"][1]["cancelledQuantity"]["amount"] == 1
    assert vendor.order(number)["orderDetails"]["purchaseOrderChangedDate"] == iso(at)
    more = vendor.submit(ASN, vendor.shipment(order, "AFTER-CUT", quantities={seq: 1}))
    assert more["status"] == "Failure" and _errors(more) == ["QuantityExceedsAccepted"]
    # everything the cut would take had already left: no change at all
    untouched = vendor.order(fully.number)
    assert "purchaseOrderChangedDate" not in untouched["orderDetails"]
    assert _item(untouched, full_seq)["orderedQuantity"]["amount"] == full_old
    created = {"createdAfter": iso(fully.created - timedelta(seconds=1)), "createdBefore": vendor.now()}
    assert fully.number not in _numbers(vendor.orders(isPOChanged="true", **created))


def test_an_unacknowledged_order_is_cut_too_and_acknowledged_against_the_cut(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(CUTS)
    po = _find(sb, _cut_ahead(new_is_zero=False))
    number, (seq, old, new, at) = po.number, _cut(po)
    _advance_to(vendor, at)
    order = vendor.order(number)
    assert _item(order, seq)["orderedQuantity"]["amount"] == new
    body = vendor.acknowledgement(order, accept={seq: old})  # the amount before the cut
    outcome = vendor.submit(ACK, body)
    assert outcome["status"] == "Failure" and "QuantityExceedsOrdered" in _errors(outcome)
    assert vendor.submit(ACK, vendor.acknowledgement(order))["status"] == "Success"
    assert vendor.ledger()["acknowledgements"][number]["late"] is True  # the cut comes after the deadline


# ---- closing by the window ---------------------------------------------------------------

def test_an_order_closes_when_its_window_ended_more_than_the_grace_ago(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(CLOSING)
    grace = timedelta(days=2)
    with sb.state.lock:
        now = sb.state.now()
        by_closing = sorted((po for po in sb.state.visible_orders() if po.ship_window[1] + grace > now),
                            key=lambda po: po.ship_window[1])
    idle, on_road = by_closing[:2]  # the first two to close: one never acknowledged, one with goods on the road
    acted = next(po for po in by_closing[2:] if len(po.lines) >= 2)
    closes = acted.ship_window[1] + grace
    order, road_order = vendor.order(acted.number), vendor.order(on_road.number)
    first, second = (it["itemSequenceNumber"] for it in order["orderDetails"]["items"][:2])
    half = _item(order, first)["orderedQuantity"]["amount"] // 2 or 1
    for o in (order, road_order):
        assert vendor.submit(ACK, vendor.acknowledgement(o))["status"] == "Success"
    assert vendor.submit(ASN, vendor.shipment(order, "HALF", quantities={first: half}))["status"] == "Success"
    arrives = closes + timedelta(days=1)  # still on the road when its order's window closes
    assert vendor.submit(ASN, vendor.shipment(road_order, "ROAD", delivery=iso(arrives)))["status"] == "Success"

    _advance_to(vendor, closes - timedelta(seconds=1))
    assert vendor.order(acted.number)["purchaseOrderState"] == "Acknowledged"
    assert vendor.status(acted.number)["purchaseOrderStatus"] == "OPEN"
    assert vendor.order(idle.number)["purchaseOrderState"] == "Closed"  # never acknowledged: closed all the same
    assert (vendor.order(idle.number)["orderDetails"]["purchaseOrderStateChangedDate"]
            == iso(idle.ship_window[1] + grace))
    vendor.advance(1)

    closed = vendor.order(acted.number)
    assert closed["purchaseOrderState"] == "Closed"
    assert closed["orderDetails"]["purchaseOrderStateChangedDate"] == iso(closes)
    status = vendor.status(acted.number)
    assert status["purchaseOrderStatus"] == "CLOSED"
    assert _item(status, first)["receivingStatus"]["receiveStatus"] == "RECEIVED"  # all that will ever come
    assert _item(status, second)["receivingStatus"]["receiveStatus"] == "NOT_RECEIVED"
    rest = vendor.submit(ASN, vendor.shipment(closed, "TOO-LATE", quantities={second: 1}))
    assert rest["status"] == "Failure" and _errors(rest) == ["QuantityExceedsAccepted"]
    billed = vendor.submit(INVOICE, vendor.invoice(closed, "CLOSED-INV", quantities={first: half}))
    assert billed["status"] == "Success"  # invoicing what was shipped goes on after the order closed

    assert vendor.order(on_road.number)["purchaseOrderState"] == "Acknowledged"  # goods still on their way
    _advance_to(vendor, arrives)
    road = vendor.order(on_road.number)
    assert road["purchaseOrderState"] == "Closed"
    assert road["orderDetails"]["purchaseOrderStateChangedDate"] == iso(arrives)


def test_an_order_loaded_by_an_operator_never_closes_by_its_window(vendor: Any) -> None:
    loaded = copy.deepcopy(vendor.order(vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC")[0]
                                        ["purchaseOrderNumber"]))
    loaded["purchaseOrderNumber"] = "OLDWIN01"
    loaded["purchaseOrderState"] = "New"
    details = loaded["orderDetails"]
    details.pop("purchaseOrderChangedDate", None)
    details.update(purchaseOrderDate="2025-11-01T10:00:00Z", shipWindow="2025-11-03T00:00:00Z--2025-11-07T00:00:00Z")
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"orders": [loaded]}).status_code == 200
    assert vendor.order("OLDWIN01")["purchaseOrderState"] == "New"  # 4 months after its window
    seq = details["items"][0]["itemSequenceNumber"]
    assert vendor.submit(ASN, vendor.shipment(loaded, "OLD-WINDOW", quantities={seq: 1}))["status"] == "Success"


# ---- the 24-hour acknowledgement deadline ------------------------------------------------------

def _plain(po: PurchaseOrder) -> bool:
    """Ordered in eaches and never changed: the conftest acknowledgement fits it as it is."""
    return po.change is None and po.late_change is None and po.lines[0].unit_of_measure != CASES


def test_the_ledger_marks_acknowledgements_after_the_24_hour_deadline_as_late(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox()
    fresh = _find(sb, lambda po, now: po.created > now - timedelta(hours=20) and _plain(po))
    old = _find(sb, lambda po, now: now - timedelta(hours=40) < po.created < now - timedelta(hours=30) and _plain(po))
    edge = _find(sb, lambda po, now: po.created > now - timedelta(hours=20) and _plain(po), skip=(fresh.number,))
    for po in (fresh, old):
        assert vendor.submit(ACK, vendor.acknowledgement(vendor.order(po.number)))["status"] == "Success"
    _advance_to(vendor, edge.created + timedelta(hours=24))  # exactly at the deadline: on time
    assert vendor.submit(ACK, vendor.acknowledgement(vendor.order(edge.number)))["status"] == "Success"
    assert vendor.submit(ACK, vendor.acknowledgement(vendor.order(fresh.number)))["status"] == "Failure"  # re-post

    entries = vendor.ledger()["acknowledgements"]
    for po, late in ((fresh, False), (old, True), (edge, False)):
        assert entries[po.number]["late"] is late
        assert entries[po.number]["acknowledgementDeadline"] == iso(po.created + timedelta(hours=24))
    assert entries[fresh.number]["submissions"] == 2  # the refused re-post changed nothing else


def test_the_acknowledgement_deadline_follows_the_configuration(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, ack_deadline_hours=48, rate_scale=100))
    po = _find(sb, lambda po, now: now - timedelta(hours=40) < po.created < now - timedelta(hours=30) and _plain(po))
    assert vendor.submit(ACK, vendor.acknowledgement(vendor.order(po.number)))["status"] == "Success"
    entry = vendor.ledger()["acknowledgements"][po.number]
    assert entry["late"] is False and entry["acknowledgementDeadline"] == iso(po.created + timedelta(hours=48))


# ---- orders in cases --------------------------------------------------------------------------

def _in_order_units(body: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    """An acknowledgement built in eaches, restated in the order's own unit (cases as ordered)."""
    body = copy.deepcopy(body)
    for item in body["acknowledgements"][0]["items"]:
        ordered = _item(order, item["itemSequenceNumber"])["orderedQuantity"]
        for decision in item["itemAcknowledgements"]:
            decision["acknowledgedQuantity"].update(unitOfMeasure=ordered["unitOfMeasure"],
                                                    unitSize=ordered["unitSize"])
    return body


def test_an_order_in_cases_is_acknowledged_shipped_received_and_paid_in_eaches(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(IN_CASES)
    packs = {it.asin: it.case_pack for it in catalogue(7)}
    po = _find(sb, lambda po, now: len(po.lines) >= 2 and po.selling_party == "ACRNUS"
               and all(ln.unit_size > 1 for ln in po.lines))
    order = vendor.order(po.number)
    items = order["orderDetails"]["items"]
    for it in items:
        assert it["orderedQuantity"]["unitOfMeasure"] == "Cases"
        assert it["orderedQuantity"]["unitSize"] == packs[it["amazonProductIdentifier"]]
    cases = {it["itemSequenceNumber"]: (it["orderedQuantity"]["amount"], it["orderedQuantity"]["unitSize"])
             for it in items}
    eaches = {seq: n * size for seq, (n, size) in cases.items()}
    first, second = list(cases)[:2]

    assert vendor.submit(ACK, _in_order_units(vendor.acknowledgement(order), order))["status"] == "Success"
    ack = _item(vendor.status(po.number), first)["acknowledgementStatus"]
    assert ack["confirmationStatus"] == "ACCEPTED"
    assert ack["acceptedQuantity"] == {"amount": eaches[first], "unitOfMeasure": "Eaches", "unitSize": 1}

    body = vendor.shipment(order, "CASES-1", quantities=dict(eaches, **{second: eaches[second] - 1}))
    conf = body["shipmentConfirmations"][0]
    n, size = cases[first]
    in_cases = {"amount": n, "unitOfMeasure": "Cases", "unitSize": size}  # the first line counted in cases
    conf["shippedItems"][0]["shippedQuantity"] = in_cases
    conf["cartons"][0]["items"][0]["shippedQuantity"] = dict(in_cases)
    assert vendor.submit(ASN, body)["status"] == "Success"
    over = vendor.submit(ASN, vendor.shipment(order, "CASES-2", quantities={second: 2}))
    assert over["status"] == "Failure" and _errors(over) == ["QuantityExceedsAccepted"]
    assert vendor.submit(ASN, vendor.shipment(order, "CASES-3", quantities={second: 1}))["status"] == "Success"
    vendor.advance(60)

    status = vendor.status(po.number)
    for seq in cases:
        receiving = _item(status, seq)["receivingStatus"]
        assert receiving["receiveStatus"] == "RECEIVED" and receiving["receivedQuantity"]["amount"] == eaches[seq]
    assert status["purchaseOrderStatus"] == "CLOSED"

    invoice = vendor.invoice(order, "CASES-INV", quantities=eaches, net_days=1)
    invoice["invoices"][0]["items"][0]["invoicedQuantity"] = dict(in_cases)  # the same units, in cases
    assert vendor.submit(INVOICE, invoice)["status"] == "Success"
    vendor.advance(2 * 86400)
    csv_text = vendor.http.get("/_sandbox/remittances", params={"month": vendor.now()[:7]}).text
    paid = [row for row in csv.DictReader(io.StringIO(csv_text)) if row["invoice_number"] == "CASES-INV"]
    assert {r["item_sequence"]: int(r["invoiced_quantity"]) for r in paid} == eaches
    assert all(r["received_quantity"] == r["invoiced_quantity"] and Decimal(r["deduction_amount"]) == 0
               for r in paid)


# ---- shares and determinism -------------------------------------------------------------------

def test_the_shares_follow_the_configuration_over_many_orders(make_sandbox: Any) -> None:
    config = SandboxConfig(seed=7, pos_per_day=150, history_days=6, change_rate=0.1, change_after_ack_rate=0.2,
                           cases_rate=0.4, rate_scale=1000)
    sb, vendor = make_sandbox(config)
    window = {"createdAfter": iso(_moment(vendor.now()) - timedelta(days=7)), "createdBefore": vendor.now()}
    orders = vendor.orders(**window)
    assert len(orders) > 1800
    in_cases = [o for o in orders if o["orderDetails"]["items"][0]["orderedQuantity"]["unitOfMeasure"] == "Cases"]
    assert 0.35 < len(in_cases) / len(orders) < 0.45
    assert all(it["orderedQuantity"]["unitOfMeasure"] == "Cases" for o in in_cases for it in o["orderDetails"]["items"])
    with sb.state.lock:
        now = sb.state.now()
        mine = {po.number: po for po in sb.state.visible_orders() if po.created >= now - timedelta(days=7)}
        changed_now = {n for n, po in mine.items() if po.changed_at(now) is not None}
    assert set(mine) == _numbers(orders)
    assert 0.07 < sum(po.change is not None for po in mine.values()) / len(mine) < 0.13
    cut = [po for po in mine.values() if po.late_change is not None]
    assert 0.16 < len(cut) / len(mine) < 0.24
    for po in cut:  # after the deadline (when the window leaves room), before the window opens
        assert po.created < po.late_change.at < po.ship_window[0]
        if po.ship_window[0] - po.created >= timedelta(hours=25):
            assert po.late_change.at >= po.created + timedelta(hours=24)
    assert _numbers(vendor.orders(isPOChanged="true", **window)) == changed_now


def test_the_default_shares_and_a_stream_the_lifecycle_does_not_move() -> None:
    default = SandboxState(SandboxConfig(seed=7, pos_per_day=300, history_days=6))
    plain = SandboxState(SandboxConfig(seed=7, pos_per_day=300, history_days=6, cases_rate=0,
                                       change_after_ack_rate=0))
    orders, bare = default.visible_orders(), plain.visible_orders()
    assert 0.17 < sum(po.lines[0].unit_of_measure == CASES for po in orders) / len(orders) < 0.23
    assert 0.02 < sum(po.late_change is not None for po in orders) / len(orders) < 0.04
    assert 0.035 < sum(po.change is not None for po in orders) / len(orders) < 0.065
    assert [po.number for po in orders] == [po.number for po in bare]
    for po, same in zip(orders, bare):
        assert [ln.asin for ln in po.lines] == [ln.asin for ln in same.lines]
        for ln, other in zip(po.lines, same.lines):  # in cases: the eaches rounded up to whole cases
            assert ln.quantity * ln.factor == -(-other.quantity // ln.factor) * ln.factor
        assert (po.change is None) == (same.change is None)


def test_the_same_seed_gives_the_same_lifecycle_however_the_clock_moves(make_sandbox: Any) -> None:
    config = SandboxConfig(seed=9, change_after_ack_rate=0.3, cases_rate=0.3, rate_scale=100)
    seen = []
    for _ in range(2):
        _, vendor = make_sandbox(config)
        vendor.advance(3 * 86400)
        window = {"createdAfter": iso(_moment(vendor.now()) - timedelta(days=6)), "createdBefore": vendor.now()}
        orders = vendor.orders(**window)
        seen.append((orders, [vendor.status(o["purchaseOrderNumber"]) for o in orders[:20]]))
    assert seen[0] == seen[1]
    assert any("purchaseOrderChangedDate" in o["orderDetails"] for o in seen[0][0])
    jumped, crawled = SandboxState(config), SandboxState(config)
    jumped.advance(3 * 86400)
    for _ in range(3 * 24):
        crawled.advance(3600)
    now = jumped.now()
    assert now == crawled.now()
    assert ([(po.number, po.changed_at(now), po.state(now)) for po in jumped.visible_orders()]
            == [(po.number, po.changed_at(now), po.state(now)) for po in crawled.visible_orders()])
