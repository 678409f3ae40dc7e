"""PO intake: new and changed purchase orders since the last watermark, upserted.

Each PO is converted on its own; a malformed one is quarantined with an alert naming the
PO and the field, and the rest of the batch goes on. The raw payload is archived on the
row, because Amazon's PO can change later and disputes need what we saw.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.store import UnitOfWork
from schemas.tables import PurchaseOrder, PurchaseOrderItem, utcnow

log = logging.getLogger("acorn.intake")

FIRST_RUN_LOOKBACK = timedelta(days=7)
RERUN_LOOKBACK = timedelta(days=2)


class MalformedPurchaseOrder(ValueError):
    def __init__(self, po_number: str, field_name: str, problem: str) -> None:
        self.po_number, self.field_name = po_number, field_name
        super().__init__(f"PO {po_number}: {field_name}: {problem}")


@dataclass
class IntakeResult:
    window: tuple[datetime, datetime]
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    quarantined: list[str] = field(default_factory=list)


def intake_window(watermark: datetime | None, as_of: datetime) -> tuple[datetime, datetime]:
    """From the watermark to ``as_of``; a rerun of an earlier day re-reads a short window."""
    if watermark is None:
        return as_of - FIRST_RUN_LOOKBACK, as_of
    if watermark >= as_of:
        return as_of - RERUN_LOOKBACK, as_of
    return watermark, as_of


def fetch_purchase_orders(client: Any, account: VendorAccountSettings, start: datetime, end: datetime,
                          *, unreadable: list[Any] | None = None) -> list[Any]:
    """Created and changed POs in the window, deduplicated by number (changed wins).

    A PO Amazon sends that does not fit the model is collected in ``unreadable`` (the
    client's ``ResponseFormatError`` names it) instead of stopping the batch.
    """
    seen: dict[str, Any] = {}
    sink = unreadable if unreadable is not None else []
    filters = {"ordering_vendor_code": account.selling_party, "on_invalid": sink.append}
    for order in client.list_purchase_orders(created_after=start, created_before=end, **filters):
        seen[order.purchase_order_number] = order
    for order in client.list_purchase_orders(changed_after=start, changed_before=end, **filters):
        seen[order.purchase_order_number] = order
    return [seen[k] for k in sorted(seen)]


def record_purchase_orders(database_url: str, account: VendorAccountSettings, orders: list[Any],
                           *, as_of: datetime, window: tuple[datetime, datetime],
                           unreadable: list[Any] = ()) -> IntakeResult:
    result = IntakeResult(window=window)
    with UnitOfWork(database_url) as uow:
        for error in unreadable:
            record = getattr(error, "record", None) or "unknown PO"
            result.quarantined.append(str(record))
            uow.alerts.raise_alert(
                dedupe_key=f"po-malformed:{account.code}:{record}", account_code=account.code, kind="po_malformed",
                subject=f"PO {record} could not be read", message=str(error), severity="error",
                next_step="Open the PO in Vendor Central; Acorn skipped it and goes on with the rest.")
        for order in orders:
            try:
                header, items = _convert(order, account)
            except MalformedPurchaseOrder as exc:
                result.quarantined.append(exc.po_number)
                uow.alerts.raise_alert(
                    dedupe_key=f"po-malformed:{account.code}:{exc.po_number}", account_code=account.code,
                    kind="po_malformed", subject=f"PO {exc.po_number} could not be read",
                    message=str(exc), severity="error",
                    next_step="Open the PO in Vendor Central; Acorn kept its raw payload in the audit log and "
                              "will read it again when Amazon changes it.")
                uow.audit.append(action="po.quarantined", entity="purchase_order", entity_id=exc.po_number,
                                 detail={"field": exc.field_name, "error": str(exc), "raw": _raw(order)})
                log.error("%s", exc)
                continue
            outcome = _upsert(uow, account, header, items)
            if outcome == "unchanged":
                result.unchanged += 1
            else:
                getattr(result, outcome).append(header["po_number"])
        uow.watermarks.set(f"po-intake:{account.code}", max(uow.watermarks.get(f"po-intake:{account.code}") or as_of,
                                                          as_of))
        uow.commit()
    return result


def intake_purchase_orders(database_url: str, client: Any, account: VendorAccountSettings, *,
                           as_of: datetime) -> IntakeResult:
    """The whole step: window from the watermark, fetch, upsert, move the watermark."""
    with UnitOfWork(database_url) as uow:
        watermark = uow.watermarks.get(f"po-intake:{account.code}")
    start, end = intake_window(watermark, as_of)
    unreadable: list[Any] = []
    orders = fetch_purchase_orders(client, account, start, end, unreadable=unreadable)
    return record_purchase_orders(database_url, account, orders, as_of=as_of, window=(start, end),
                                  unreadable=unreadable)


def _raw(order: Any) -> dict[str, Any]:
    if hasattr(order, "model_dump"):
        return order.model_dump(by_alias=True, mode="json", exclude_none=True)
    return dict(order)


def _convert(order: Any, account: VendorAccountSettings) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    po = getattr(order, "purchase_order_number", None) or "?"
    details = order.order_details
    if details is None:
        raise MalformedPurchaseOrder(po, "orderDetails", "missing")
    party = details.selling_party.party_id if details.selling_party else None
    if party and party != account.selling_party:
        raise MalformedPurchaseOrder(po, "orderDetails.sellingParty.partyId",
                                     f"{party!r} is not this account's selling party {account.selling_party!r}")
    if details.ship_to_party is None:
        raise MalformedPurchaseOrder(po, "orderDetails.shipToParty", "missing")
    if not details.items:
        raise MalformedPurchaseOrder(po, "orderDetails.items", "no items")
    ship, deliver = details.ship_window, details.delivery_window
    header = {
        "po_number": po, "state": order.purchase_order_state or "New",
        "order_type": details.purchase_order_type, "selling_party": party or account.selling_party,
        "ship_to": details.ship_to_party.party_id,
        "bill_to": details.bill_to_party.party_id if details.bill_to_party else None,
        "marketplace": account.marketplace, "currency": account.currency,
        "order_date": details.purchase_order_date, "changed_date": details.purchase_order_changed_date,
        "state_changed_date": details.purchase_order_state_changed_date,
        "ship_window_start": ship.start if ship else None, "ship_window_end": ship.end if ship else None,
        "delivery_window_start": deliver.start if deliver else None,
        "delivery_window_end": deliver.end if deliver else None,
        "payment_method": details.payment_method, "raw_payload": _raw(order),
    }
    items = []
    for i, item in enumerate(details.items):
        where = f"orderDetails.items[{i}]"
        qty = item.ordered_quantity
        if qty is None or qty.amount is None or qty.amount < 0:
            raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.amount", "missing or negative")
        unit = (qty.unit_of_measure or "Eaches")
        unit_size = qty.unit_size or 1
        eaches = qty.amount * (unit_size if str(unit).lower() == "cases" else 1)
        cost = item.net_cost
        if cost is None or cost.amount is None or Decimal(cost.amount) <= 0:
            raise MalformedPurchaseOrder(po, f"{where}.netCost.amount", "missing, zero or negative")
        if cost.currency_code and cost.currency_code != account.currency:
            raise MalformedPurchaseOrder(po, f"{where}.netCost.currencyCode",
                                         f"{cost.currency_code} is not the marketplace currency {account.currency}")
        if not (item.amazon_product_identifier or item.vendor_product_identifier):
            raise MalformedPurchaseOrder(po, f"{where}.amazonProductIdentifier", "no ASIN and no vendor SKU")
        items.append({"item_sequence": item.item_sequence_number, "asin": item.amazon_product_identifier,
                      "vendor_sku": item.vendor_product_identifier, "ordered_qty": eaches,
                      "unit_of_measure": "Eaches", "unit_size": 1, "net_cost": Decimal(cost.amount),
                      "currency": cost.currency_code or account.currency, "cancelled": eaches == 0})
    return header, items


def _upsert(uow: UnitOfWork, account: VendorAccountSettings, header: dict[str, Any],
            items: list[dict[str, Any]]) -> str:
    po = uow.purchase_orders.get(account.code, header["po_number"])
    if po is None:
        po = uow.purchase_orders.add(PurchaseOrder(account_code=account.code, **header))
        uow.flush()
        for item in items:
            uow.purchase_orders.add(PurchaseOrderItem(purchase_order_id=po.id, **item))
        uow.audit.append(action="po.received", entity="purchase_order", entity_id=po.po_number,
                         detail={"items": len(items), "account": account.code})
        return "new"
    if po.raw_payload == header["raw_payload"]:
        return "unchanged"
    changes: list[str] = []
    for key, value in header.items():
        if key == "state" and po.state in ("Acknowledged", "Closed") and value == "New":
            continue  # our own acknowledgement already moved it on
        if getattr(po, key) != value:
            if key != "raw_payload":
                changes.append(key)
            setattr(po, key, value)
    po.updated_at = utcnow()
    existing = {i.item_sequence: i for i in uow.purchase_orders.items(po)}
    for item in items:
        row = existing.get(item["item_sequence"])
        if row is None:
            uow.purchase_orders.add(PurchaseOrderItem(purchase_order_id=po.id, **item))
            continue
        if row.ordered_qty != item["ordered_qty"]:
            changes.append(f"item {row.item_sequence} qty {row.ordered_qty}->{item['ordered_qty']}")
            row.ordered_qty = item["ordered_qty"]
            row.cancelled = item["cancelled"]
            # Amazon's change wins: never ship more than it still wants
            row.accepted_qty = min(row.accepted_qty, row.ordered_qty)
            row.backordered_qty = min(row.backordered_qty, row.ordered_qty - row.accepted_qty)
    uow.audit.append(action="po.changed", entity="purchase_order", entity_id=po.po_number,
                     detail={"changes": sorted(changes)})
    return "changed"
