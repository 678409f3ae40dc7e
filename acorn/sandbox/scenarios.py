"""Loading purchase orders from outside: SP-API ``Order`` JSON, ``OrderStatus`` JSON, and Amazon's own examples.

``orders_from_wire`` reads Amazon-shaped orders tolerantly (Amazon's examples break their own
model: missing states, ``CASES`` for ``Cases``) so a scenario can hold any order a client
may meet; ``order_from_status`` rebuilds the order behind a getPurchaseOrdersStatus answer
(its lines, Amazon's cuts, the vendor's acknowledgement and the receipts it reports).

``official_example_orders()`` holds every order Amazon's ``x-amzn-api-sandbox`` examples show,
as the official-examples scenario (``acorn.sandbox.official_examples``) plays them:

* every order of the getPurchaseOrder(s) answers, as first shown;
* the two orders the second page of a search shows by number and state only (``2JK3S9XY``,
  ``3TRD2ABC``), completed by the sandbox (see ``_completed_second_page``);
* the orders the getPurchaseOrdersStatus answers *of examples with parameters* show: a new
  number (``2JK3S9VB``) is a new order; a number the getPurchaseOrders examples used for another
  order (``TestPO1``, ``TestPO2``: created in May 2020 there, in August 2020 here, with other
  lines and ship-to) is a *later* order that Amazon puts in place of the earlier one at its
  creation, as ``/_sandbox/rawPurchaseOrders`` replaces a changed PO. The status example
  without parameters (Amazon's catch-all answer) adds nothing: it shows the August content of
  ``TestPO2`` / ``TestPO1`` under the numbers ``mock-purchaseOrderNumber1`` / ``2``, which the
  getPurchaseOrders example without parameters already defines;
* ``TestOrder202``, which the submitAcknowledgement and SubmitShipmentConfirmations examples
  use but no GET example shows. Loaded on a sandbox, every official POST example is accepted.

Orders of unknown vendor accounts have no country, so country rules (carrier details in
US/CA/MX) do not apply to them — Amazon's shipment example carries no carrier details.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from acorn import contract
from acorn.contract import SandboxExample
from acorn.sandbox.accounts import VENDOR_ACCOUNTS, country_of_party
from acorn.sandbox.orders import CASES, EACHES, LineAck, OrderLine, PoChange, PurchaseOrder, ShippedLine
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




# ---- getPurchaseOrdersStatus answers -----------------------------------------------------

def _eaches(qty: dict[str, Any] | None) -> int:
    """An ``ItemQuantity`` in eaches (``Cases`` count ``unitSize`` each)."""
    qty = qty or {}
    amount = int(qty.get("amount") or 0)
    return amount * max(int(qty.get("unitSize") or 1), 1) if _unit(qty.get("unitOfMeasure")) == CASES else amount


def _status_line(item: dict[str, Any]) -> tuple[OrderLine, list[tuple[datetime, int]]]:
    """One ``OrderItemStatus`` as a line ordered at its original amount, and Amazon's cuts to it.

    ``orderedQuantityDetails`` entries with a ``cancelledQuantity`` are cuts (moment, units cut);
    the original amount is what is ordered now plus every cut. Entries that only add units (a
    line ordered in two goes) cannot be told apart from the original order, so they are not.
    """
    ordered = item.get("orderedQuantity") or {}
    now_ordered = ordered.get("orderedQuantity") or {}
    cuts = [(parse_iso(d["updatedDate"]), int(d["cancelledQuantity"].get("amount") or 0))
            for d in ordered.get("orderedQuantityDetails") or [] if d.get("cancelledQuantity")]
    cost, price = item.get("netCost") or {}, item.get("listPrice") or {}
    line = OrderLine(
        sequence=str(item.get("itemSequenceNumber")), asin=item.get("buyerProductIdentifier"),
        vendor_id=item.get("vendorProductIdentifier"),
        quantity=int(now_ordered.get("amount") or 0) + sum(units for _, units in cuts),
        unit_of_measure=_unit(now_ordered.get("unitOfMeasure")), unit_size=int(now_ordered.get("unitSize") or 1),
        net_cost=Decimal(str(cost["amount"])) if cost.get("amount") is not None else None,
        currency=cost.get("currencyCode") or price.get("currencyCode"),
        list_price=Decimal(str(price["amount"])) if price.get("amount") is not None else None)
    return line, cuts


def _status_ack(item: dict[str, Any], created: datetime) -> LineAck | None:
    """The vendor's decision on a line, in eaches, dated by its latest acknowledgement (else the order's creation)."""
    ack = item.get("acknowledgementStatus") or {}
    if ack.get("confirmationStatus", "UNCONFIRMED") == "UNCONFIRMED":
        return None
    dates = [parse_iso(d["acknowledgementDate"]) for d in ack.get("acknowledgementStatusDetails") or []
             if d.get("acknowledgementDate")]
    return LineAck(accepted=_eaches(ack.get("acceptedQuantity")), rejected=_eaches(ack.get("rejectedQuantity")),
                   backordered=0, acknowledged_at=max(dates, default=created))


def _status_receipt(number: str, item: dict[str, Any]) -> ShippedLine | None:
    """What the FC reports received, as one delivery on ``lastReceiveDate`` that arrived in full."""
    receiving = item.get("receivingStatus") or {}
    received = _eaches(receiving.get("receivedQuantity"))
    if not received or not receiving.get("lastReceiveDate"):
        return None
    return ShippedLine(shipment_id=f"{number}-received", quantity=received,
                       delivered_at=parse_iso(receiving["lastReceiveDate"]), received=received, damaged=0, short=0)


def order_from_status(status: dict[str, Any]) -> PurchaseOrder:
    """The order behind one getPurchaseOrdersStatus ``OrderStatus``.

    The answer names no buying or bill-to party: both are taken to be the ship-to, as in every
    order of Amazon's getPurchaseOrders examples. Amazon's cuts become one change at the latest
    cut; acknowledged lines keep their accepted / rejected eaches; received units are one full
    delivery per line on its ``lastReceiveDate`` (the answer tells no more).
    """
    number = str(status["purchaseOrderNumber"])
    ship_to = (status.get("shipToParty") or {}).get("partyId") or "UNKNOWN"
    selling = (status.get("sellingParty") or {}).get("partyId") or "UNKNOWN"
    created = parse_iso(status["purchaseOrderDate"])
    lines, cuts = [], {}
    for item in status.get("itemStatus") or []:
        line, line_cuts = _status_line(item)
        line.ack = _status_ack(item, created)
        receipt = _status_receipt(number, item)
        if receipt is not None:
            line.shipped.append(receipt)
        if line_cuts:
            cuts[line.sequence] = (max(at for at, _ in line_cuts), line.quantity - sum(u for _, u in line_cuts))
        lines.append(line)
    po = PurchaseOrder(
        number=number, created=created, selling_party=selling, ship_to=ship_to, buying_party=ship_to,
        bill_to=ship_to, country=country_of_party(selling), currency=next((ln.currency for ln in lines if ln.currency),
                                                                           None), lines=lines)
    if cuts:
        po.change = PoChange(at=max(at for at, _ in cuts.values()), new_amounts={s: n for s, (_, n) in cuts.items()})
    acks = [ln.ack.acknowledged_at for ln in lines if ln.ack is not None]
    if acks:
        po.acknowledged_at = max(acks)
    return po


# ---- the official examples' orders -------------------------------------------------------

@dataclass
class ExampleOrders:
    """The orders of the official-examples scenario: ``first`` loaded with it; each of ``later``
    put in place of the order with its number once the clock reaches its creation."""

    first: list[PurchaseOrder]
    later: list[PurchaseOrder]


def _parameters(ex: SandboxExample) -> dict[str, Any]:
    return {name: spec.get("value") for name, spec in (ex.request.get("parameters") or {}).items()}


def _payload(ex: SandboxExample) -> dict[str, Any]:
    return ((ex.response or {}) if isinstance(ex.response, dict) else {}).get("payload") or {}


def listed_orders(ex: SandboxExample) -> list[dict[str, Any]]:
    """The orders (or order statuses) a 2xx GET example's answer lists."""
    payload = _payload(ex)
    if ex.operation_id == "getPurchaseOrder":
        return [payload] if payload.get("purchaseOrderNumber") else []
    if ex.operation_id == "getPurchaseOrders":
        return [o for o in payload.get("orders") or [] if isinstance(o, dict)]
    if ex.operation_id == "getPurchaseOrdersStatus":
        return [o for o in payload.get("ordersStatus") or [] if isinstance(o, dict)]
    return []


def token_source(examples: Iterable[SandboxExample], ex: SandboxExample) -> SandboxExample | None:
    """The example whose answer carries the ``nextToken`` ``ex`` sends: of the same operation, with
    that token, sharing most parameters with ``ex`` (Amazon's examples reuse one token value)."""
    token = _parameters(ex).get("nextToken")
    if not token:
        return None
    mine = {k: v for k, v in _parameters(ex).items() if k != "nextToken"}
    candidates = [other for other in examples if other is not ex and other.operation_id == ex.operation_id
                  and (_payload(other).get("pagination") or {}).get("nextToken") == token]
    return max(candidates, key=lambda o: sum(_parameters(o).get(k) == v for k, v in mine.items()), default=None)


#: how far apart the sandbox places the orders it completes on a second page, below the first page's last
_SECOND_PAGE_SPACING = timedelta(minutes=10)


def _completed_second_page(page: list[dict[str, Any]], first_page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders a second page shows by number and state only, completed so the search finds them there.

    Each takes the details (parties, windows, items) of the first-page order in the same position
    and is created 10, 20, ... minutes before the oldest first-page order, in the page's order
    (newest first): inside the search's window, after the first page's cursor. No change date.
    """
    oldest = min(parse_iso(o["orderDetails"]["purchaseOrderDate"]) for o in first_page)
    completed = []
    for k, (shown, model) in enumerate(zip(page, first_page)):
        details = copy.deepcopy(model["orderDetails"])
        created = oldest - (k + 1) * _SECOND_PAGE_SPACING
        details["purchaseOrderDate"] = details["purchaseOrderStateChangedDate"] = created.isoformat()
        details.pop("purchaseOrderChangedDate", None)
        completed.append({**shown, "orderDetails": details})
    return completed


def official_example_orders() -> ExampleOrders:
    """Every order Amazon's examples show, fresh objects each call (the sandbox changes them)."""
    examples = list(contract.sandbox_examples())
    wire: dict[str, dict[str, Any]] = {}
    for ex in examples:  # getPurchaseOrder(s): first occurrence of each number
        if ex.operation_id in ("getPurchaseOrders", "getPurchaseOrder") and ex.status.startswith("2"):
            for order in listed_orders(ex):
                if order.get("orderDetails") and order.get("purchaseOrderNumber"):
                    wire.setdefault(order["purchaseOrderNumber"], order)
    for ex in examples:  # second pages that show numbers only
        source = token_source(examples, ex)
        if ex.operation_id == "getPurchaseOrders" and source is not None:
            unknown = [o for o in listed_orders(ex) if o.get("purchaseOrderNumber") not in wire]
            for order in _completed_second_page(unknown, [o for o in listed_orders(source) if o.get("orderDetails")]):
                wire[order["purchaseOrderNumber"]] = order
    wire.setdefault(TEST_ORDER_202["purchaseOrderNumber"], TEST_ORDER_202)
    first = {number: order_from_wire(order) for number, order in wire.items()}
    later: dict[str, PurchaseOrder] = {}
    for ex in examples:  # statuses of examples with parameters
        if ex.operation_id != "getPurchaseOrdersStatus" or not ex.status.startswith("2") or not _parameters(ex):
            continue
        for status in listed_orders(ex):
            number = str(status["purchaseOrderNumber"])
            if number not in first:
                first[number] = order_from_status(status)
            elif number not in later and first[number].created != parse_iso(status["purchaseOrderDate"]):
                later[number] = order_from_status(status)
    return ExampleOrders(first=list(first.values()), later=list(later.values()))

