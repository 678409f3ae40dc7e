"""Purchase orders served exactly as given, poison included (``POST /_sandbox/rawPurchaseOrders``).

Callable without HTTP (the fake Amazon of the fast tests uses :func:`store_raw_orders` too).
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from acorn.sandbox.orderbook import RawOrderLine, RawPurchaseOrder
from acorn.sandbox.scenarios import order_from_wire

if TYPE_CHECKING:
    from acorn.sandbox.state import SandboxState


class RawOrdersRefused(ValueError):
    """Orders the sandbox cannot even file (no number string, no parseable date, one number twice)."""


#: orderDetails keys the sandbox renders from its own fields; any other key is served as sent
_RENDERED_DETAILS = frozenset({
    "purchaseOrderDate", "purchaseOrderChangedDate", "purchaseOrderStateChangedDate", "purchaseOrderType",
    "paymentMethod", "buyingParty", "sellingParty", "shipToParty", "billToParty", "shipWindow", "deliveryWindow",
    "items"})


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _raw_line(item: Any) -> RawOrderLine:
    """One item as sent: no defaults, no conversion (``null`` stays ``null``)."""
    item = _object(item)
    qty, cost, price = (_object(item.get(k)) for k in ("orderedQuantity", "netCost", "listPrice"))
    return RawOrderLine(
        sequence=item.get("itemSequenceNumber"), asin=item.get("amazonProductIdentifier"),
        vendor_id=item.get("vendorProductIdentifier"), quantity=qty.get("amount"),
        unit_of_measure=qty.get("unitOfMeasure"), unit_size=qty.get("unitSize"), net_cost=cost.get("amount"),
        currency=cost.get("currencyCode"), list_price=price.get("amount"),
        backorder_allowed=item.get("isBackOrderAllowed"))


def raw_order(order: Any) -> RawPurchaseOrder:
    """An SP-API ``Order`` kept as given. Only what the sandbox needs to file it must be sound:
    a string ``purchaseOrderNumber`` (it may be empty), an ``orderDetails`` object with a
    parseable ``purchaseOrderDate`` and, when present, parseable windows and changed date."""
    if not isinstance(order, dict):
        raise ValueError("each order must be a JSON object")
    number = order.get("purchaseOrderNumber")
    if not isinstance(number, str):
        raise ValueError("purchaseOrderNumber must be a string (it may be empty)")
    details = order.get("orderDetails")
    if not isinstance(details, dict):
        raise ValueError(f"order {number!r}: orderDetails must be an object")
    items = details.get("items")
    base = order_from_wire({**order, "orderDetails": {**details, "items": []}})
    po = RawPurchaseOrder(**{f.name: getattr(base, f.name) for f in fields(base)})
    po.lines = [_raw_line(item) for item in items] if isinstance(items, list) else []
    po.extra_details = {k: v for k, v in details.items() if k not in _RENDERED_DETAILS} or None
    return po


def store_raw_orders(state: SandboxState, orders: list[Any]) -> list[str]:
    """File every order as given, all or none; the numbers of the orders they replaced ("Amazon changed it")."""
    try:
        kept = [raw_order(o) for o in orders]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RawOrdersRefused(f"cannot store these orders: {exc}") from None
    numbers = [po.number for po in kept]
    doubled = sorted({n for n in numbers if numbers.count(n) > 1})
    if doubled:
        raise RawOrdersRefused(f"the same purchase order twice in one request: {', '.join(map(repr, doubled))}")
    with state.lock:  # all or nothing, and never half-replaced under a running query
        return [old.number for old in (state.book.put(po) for po in kept) if old is not None]
