"""Loading purchase orders from outside: SP-API ``Order`` JSON, and Amazon's own examples.

``orders_from_wire`` reads Amazon-shaped orders tolerantly (Amazon's examples break their own
model: missing states, ``CASES`` for ``Cases``) so a scenario can hold any order a client
may meet. ``official_examples_scenario()`` returns the orders Amazon's ``x-amzn-api-sandbox``
examples reference: every order shown in the getPurchaseOrder(s) examples, plus
``TestOrder202``, which the submitAcknowledgement and SubmitShipmentConfirmations examples
use but no GET example shows. Loaded on a sandbox, every official POST example is accepted.

Orders of unknown vendor accounts have no country, so country rules (carrier details in
US/CA/MX) do not apply to them — Amazon's shipment example carries no carrier details.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from acorn import contract
from acorn.sandbox.accounts import VENDOR_ACCOUNTS, country_of_party
from acorn.sandbox.orders import CASES, EACHES, OrderLine, PoChange, PurchaseOrder
from acorn.sandbox.timefmt import parse_iso

_KEPT_DETAILS = ("importDetails", "dealCode")


def _unit(raw: Any) -> str:
    return CASES if str(raw or "").lower() == "cases" else EACHES


def _window(raw: Any) -> tuple[datetime, datetime] | None:
    if not isinstance(raw, str) or "--" not in raw:
        return None
    start, end = raw.split("--", 1)
    return parse_iso(start), parse_iso(end)


def _line(item: dict[str, Any]) -> OrderLine:
    qty = item.get("orderedQuantity") or {}
    cost = item.get("netCost") or {}
    price = item.get("listPrice") or {}
    return OrderLine(
        sequence=str(item.get("itemSequenceNumber")),
        asin=item.get("amazonProductIdentifier"),
        vendor_id=item.get("vendorProductIdentifier"),
        quantity=int(qty.get("amount") or 0),
        unit_of_measure=_unit(qty.get("unitOfMeasure")),
        unit_size=int(qty.get("unitSize") or 1),
        net_cost=Decimal(str(cost["amount"])) if cost.get("amount") is not None else None,
        currency=cost.get("currencyCode") or price.get("currencyCode"),
        list_price=Decimal(str(price["amount"])) if price.get("amount") is not None else None,
        backorder_allowed=bool(item.get("isBackOrderAllowed")),
    )


def order_from_wire(order: dict[str, Any]) -> PurchaseOrder:
    """One SP-API ``Order`` (with ``orderDetails``) as a sandbox purchase order."""
    d = order.get("orderDetails") or {}

    def party(name: str) -> str:
        return (d.get(name) or {}).get("partyId") or "UNKNOWN"

    selling = party("sellingParty")
    lines = [_line(item) for item in d.get("items") or []]
    currency = next((ln.currency for ln in lines if ln.currency), None)
    if selling in VENDOR_ACCOUNTS:
        currency = VENDOR_ACCOUNTS[selling].marketplace.currency
    created = parse_iso(d["purchaseOrderDate"])
    po = PurchaseOrder(
        number=str(order["purchaseOrderNumber"]), created=created, selling_party=selling,
        ship_to=party("shipToParty"), buying_party=party("buyingParty"), bill_to=party("billToParty"),
        country=country_of_party(selling), currency=currency, lines=lines, ship_window=_window(d.get("shipWindow")),
        delivery_window=_window(d.get("deliveryWindow")), order_type=d.get("purchaseOrderType") or "RegularOrder",
        payment_method=d.get("paymentMethod") or "Invoice",
        extra_details={k: d[k] for k in _KEPT_DETAILS if k in d} or None)
    if d.get("purchaseOrderChangedDate"):
        po.change = PoChange(at=parse_iso(d["purchaseOrderChangedDate"]), new_amounts={})
    state = order.get("purchaseOrderState")
    if state in ("Acknowledged", "Closed"):
        po.fixed_state = (state, parse_iso(d.get("purchaseOrderStateChangedDate") or d["purchaseOrderDate"]))
    return po


def orders_from_wire(orders: list[dict[str, Any]]) -> list[PurchaseOrder]:
    return [order_from_wire(o) for o in orders]


#: The order Amazon's POST examples refer to. Its lines are laid out so the acknowledgement
#: example (10 of UPC 028877454078) and the shipment example (100 eaches of line "001", 100
#: cases of line "002") both fit, in either order.
TEST_ORDER_202: dict[str, Any] = {
    "purchaseOrderNumber": "TestOrder202",
    "purchaseOrderState": "New",
    "orderDetails": {
        "purchaseOrderDate": "2021-03-10T08:00:00Z",
        "purchaseOrderStateChangedDate": "2021-03-10T08:00:00Z",
        "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice",
        "buyingParty": {"partyId": "JKL1"},
        "sellingParty": {"partyId": "API01"},
        "shipToParty": {"partyId": "JKL1"},
        "billToParty": {"partyId": "TES1"},
        "shipWindow": "2021-03-11T07:00:00Z--2021-03-18T07:00:00Z",
        "items": [
            {"itemSequenceNumber": "1", "amazonProductIdentifier": "B0SANDBX01",
             "vendorProductIdentifier": "0614141000012",
             "orderedQuantity": {"amount": 100, "unitOfMeasure": "Eaches", "unitSize": 1},
             "isBackOrderAllowed": False, "netCost": {"amount": "5.00", "currencyCode": "USD"}},
            {"itemSequenceNumber": "2", "amazonProductIdentifier": "B0SANDBX02",
             "vendorProductIdentifier": "0614141000029",
             "orderedQuantity": {"amount": 100, "unitOfMeasure": "Cases", "unitSize": 12},
             "isBackOrderAllowed": False, "netCost": {"amount": "3.32", "currencyCode": "USD"}},
            {"itemSequenceNumber": "3", "amazonProductIdentifier": "B0SANDBX03",
             "vendorProductIdentifier": "028877454078",
             "orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1},
             "isBackOrderAllowed": True, "netCost": {"amount": "10.2", "currencyCode": "USD"}},
        ],
    },
}


def official_examples_scenario() -> list[dict[str, Any]]:
    """The SP-API ``Order`` objects Amazon's sandbox examples reference (first occurrence of each)."""
    found: dict[str, dict[str, Any]] = {}
    for ex in contract.sandbox_examples("orders"):
        if ex.operation_id not in ("getPurchaseOrders", "getPurchaseOrder") or not str(ex.status).startswith("2"):
            continue
        payload = (ex.response or {}).get("payload") or {}
        orders = payload.get("orders") if ex.operation_id == "getPurchaseOrders" else [payload]
        for order in orders or []:
            if isinstance(order, dict) and order.get("orderDetails") and order.get("purchaseOrderNumber"):
                found.setdefault(order["purchaseOrderNumber"], order)
    found.setdefault(TEST_ORDER_202["purchaseOrderNumber"], TEST_ORDER_202)
    return list(found.values())
