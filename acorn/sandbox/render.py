"""The sandbox's purchase orders in Amazon's wire shapes (``Order``, ``OrderStatus``).

Ordered quantities are in the line's unit (``Eaches``, or ``Cases`` with the case pack as
``unitSize``); accepted, rejected and received quantities are in ``Eaches`` whatever the order
used, each stating its unit. Each change Amazon made to a line is one ``orderedQuantityDetails``
entry with its ``cancelledQuantity``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from acorn.sandbox.accounts import BILL_TO_ADDRESSES
from acorn.sandbox.orders import OrderLine, PurchaseOrder
from acorn.sandbox.timefmt import iso


def money(amount: Decimal, currency: str | None) -> dict[str, str]:
    out = {"amount": str(amount)}
    if currency:
        out["currencyCode"] = currency
    return out


def quantity(amount: int, unit: str = "Eaches", size: int = 1) -> dict[str, Any]:
    return {"amount": amount, "unitOfMeasure": unit, "unitSize": size}


def _window(w: tuple[datetime, datetime] | None) -> str | None:
    return None if w is None else f"{iso(w[0])}--{iso(w[1])}"


def order_json(po: PurchaseOrder, now: datetime, *, details: bool = True) -> dict[str, Any]:
    state, state_at = po.state(now)
    out: dict[str, Any] = {"purchaseOrderNumber": po.number, "purchaseOrderState": state}
    if not details:
        return out
    d: dict[str, Any] = {"purchaseOrderDate": iso(po.created)}
    changed = po.changed_at(now)
    if changed is not None:
        d["purchaseOrderChangedDate"] = iso(changed)
    d["purchaseOrderStateChangedDate"] = iso(state_at)
    d["purchaseOrderType"] = po.order_type
    if po.extra_details:
        d.update(po.extra_details)
    d["paymentMethod"] = po.payment_method
    d["buyingParty"] = {"partyId": po.buying_party}
    d["sellingParty"] = {"partyId": po.selling_party}
    d["shipToParty"] = {"partyId": po.ship_to}
    bill_to: dict[str, Any] = {"partyId": po.bill_to}
    if po.bill_to in BILL_TO_ADDRESSES:
        bill_to["address"] = dict(BILL_TO_ADDRESSES[po.bill_to])
    d["billToParty"] = bill_to
    for name, w in (("shipWindow", po.ship_window), ("deliveryWindow", po.delivery_window)):
        if w is not None:
            d[name] = _window(w)
    d["items"] = [_item(po, line, now) for line in po.lines]
    out["orderDetails"] = d
    return out


def _item(po: PurchaseOrder, line: OrderLine, now: datetime) -> dict[str, Any]:
    item: dict[str, Any] = {"itemSequenceNumber": line.sequence}
    if line.asin:
        item["amazonProductIdentifier"] = line.asin
    if line.vendor_id:
        item["vendorProductIdentifier"] = line.vendor_id
    item["orderedQuantity"] = quantity(po.amount(line, now), line.unit_of_measure, line.unit_size)
    item["isBackOrderAllowed"] = line.backorder_allowed
    if line.net_cost is not None:
        item["netCost"] = money(line.net_cost, line.currency)
    if line.list_price is not None:
        item["listPrice"] = money(line.list_price, line.currency)
    return item


def status_json(po: PurchaseOrder, now: datetime, *,
                omit_receiving: Callable[[PurchaseOrder, OrderLine], bool] | None = None) -> dict[str, Any]:
    state, _ = po.state(now)
    return {
        "purchaseOrderNumber": po.number,
        "purchaseOrderStatus": "CLOSED" if state == "Closed" else "OPEN",
        "purchaseOrderDate": iso(po.created),
        "lastUpdatedDate": iso(po.last_updated(now)),
        "sellingParty": {"partyId": po.selling_party},
        "shipToParty": {"partyId": po.ship_to},
        "itemStatus": [_item_status(po, line, now, omit_receiving) for line in po.lines],
    }


def _item_status(po: PurchaseOrder, line: OrderLine, now: datetime,
                 omit_receiving: Callable[[PurchaseOrder, OrderLine], bool] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"itemSequenceNumber": line.sequence}
    if line.asin:
        out["buyerProductIdentifier"] = line.asin
    if line.vendor_id:
        out["vendorProductIdentifier"] = line.vendor_id
    if line.net_cost is not None:
        out["netCost"] = money(line.net_cost, line.currency)
    if line.list_price is not None:
        out["listPrice"] = money(line.list_price, line.currency)
    unit, size = line.unit_of_measure, line.unit_size
    history = po.amount_history(line, now)
    details = [{"updatedDate": iso(history[0][0]), "orderedQuantity": quantity(history[0][1], unit, size)}]
    for (_, before), (at, after) in zip(history, history[1:]):  # one entry per change of Amazon's
        details.append({"updatedDate": iso(at), "orderedQuantity": quantity(after, unit, size),
                        "cancelledQuantity": quantity(before - after, unit, size)})
    amount = history[-1][1]
    out["orderedQuantity"] = {"orderedQuantity": quantity(amount, unit, size), "orderedQuantityDetails": details}
    ack: dict[str, Any] = {"confirmationStatus": po.confirmation_status(line, now)}
    if line.ack is None:
        ack["acceptedQuantity"] = quantity(0)
        ack["rejectedQuantity"] = quantity(0)
    else:
        # "to be shipped" (the model): after Amazon cut the line, no more than it now orders; the
        # details keep what the vendor acknowledged
        ack["acceptedQuantity"] = quantity(po.owed_each(line, now))
        ack["rejectedQuantity"] = rejected = quantity(line.ack.rejected)
        acknowledged = quantity(line.ack.accepted + line.ack.backordered)
        ack["acknowledgementStatusDetails"] = [{"acknowledgementDate": iso(line.ack.acknowledged_at),
                                                "acceptedQuantity": acknowledged, "rejectedQuantity": rejected}]
    out["acknowledgementStatus"] = ack
    if omit_receiving is None or not omit_receiving(po, line):
        status, received, last = po.receive_status(line, now)
        receiving: dict[str, Any] = {"receiveStatus": status, "receivedQuantity": quantity(received)}
        if last is not None:
            receiving["lastReceiveDate"] = iso(last)
        out["receivingStatus"] = receiving
    return out
