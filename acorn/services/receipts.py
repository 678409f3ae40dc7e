"""Goods receipts: what Amazon's warehouse says it received, per PO item.

``receivingStatus`` can be missing or lag the warehouse, so a missing status is never
read as "nothing received"; only time decides when to alert: a shipment delivered more
than N days ago and still not fully received raises one alert, resolved when it lands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.services.ports import AmazonApi, Units
from acorn.store import UnitOfWork
from schemas.tables import GoodsReceipt, PurchaseOrder, PurchaseOrderItem, Shipment, utcnow

log = logging.getLogger("acorn.receipts")


@dataclass
class ReceiptResult:
    polled_pos: int = 0
    items_received: int = 0
    units_received: int = 0
    missing_status: int = 0
    overdue: list[str] = field(default_factory=list)


def awaiting_receipt(units: Units, account: VendorAccountSettings) -> set[str]:
    """PO numbers with shipped units Amazon has not yet reported as received (one query)."""
    with units() as uow:
        return uow.receipts.awaiting_goods(account.code)


STATUS_WINDOW = timedelta(days=7)  # getPurchaseOrdersStatus accepts at most 7 days per query


def status_windows(watermark: datetime | None, as_of: datetime) -> list[tuple[datetime, datetime]]:
    """Consecutive windows of at most 7 days from the watermark (or a week back) to ``as_of``."""
    start = watermark if watermark is not None and watermark < as_of else as_of - STATUS_WINDOW
    windows = []
    while start < as_of:
        end = min(start + STATUS_WINDOW, as_of)
        windows.append((start, end))
        start = end
    return windows


def fetch_statuses(client: AmazonApi, account: VendorAccountSettings, watermark: datetime | None, as_of: datetime,
                   *, awaiting: set[str]) -> list[Any]:
    """PO statuses Amazon updated since the watermark, for POs we still expect goods on.

    One paged query per week of updates replaces one call per PO: the cost follows the
    number of changes, not the number of open POs.
    """
    statuses = []
    for start, end in status_windows(watermark, as_of):
        for status in client.get_purchase_orders_status(updated_after=start, updated_before=end,
                                                        ordering_vendor_code=account.selling_party):
            if status.purchase_order_number in awaiting:
                statuses.append(status)
    return statuses


def poll_receipts(units: Units, client: AmazonApi, account: VendorAccountSettings, *, as_of: datetime,
                  alert_after_days: int) -> ReceiptResult:
    """The whole step: statuses updated since the watermark for POs awaiting goods, recorded."""
    with units() as uow:
        watermark = uow.watermarks.get(f"po-status:{account.code}")
    statuses = fetch_statuses(client, account, watermark, as_of, awaiting=awaiting_receipt(units, account))
    return record_receipts(units, account, statuses, as_of=as_of, alert_after_days=alert_after_days)


def record_receipts(units: Units, account: VendorAccountSettings, statuses: list[Any], *, as_of: datetime,
                    alert_after_days: int) -> ReceiptResult:
    result = ReceiptResult(polled_pos=len({s.purchase_order_number for s in statuses}))
    with units() as uow:
        # two runs of the day (a rerun beside the scheduled one) must not both insert a line's first receipt
        uow.stage_lock(f"record-receipts:{account.code}")
        orders = uow.purchase_orders.with_items(account.code, {s.purchase_order_number for s in statuses})
        receipts = uow.receipts.for_orders(account.code, orders)
        seen: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (snapshot, audit event) per receipt that moved
        with uow.batched_writes():  # every read is above: the receipts, snapshots and audit go out together
            for status in statuses:
                if status.purchase_order_number in orders:
                    seen += _record(uow, account, status, *orders[status.purchase_order_number], receipts, result,
                                    as_of=as_of)
        uow.receipts.keep_snapshots([snapshot for snapshot, _ in seen])
        uow.audit.append_all([event for _, event in seen])
        result.overdue = _alert_overdue(uow, account, as_of=as_of, after=timedelta(days=alert_after_days))
        uow.watermarks.set(f"po-status:{account.code}",
                           max(uow.watermarks.get(f"po-status:{account.code}") or as_of, as_of))
        uow.commit()
    return result


def _record(uow: UnitOfWork, account: VendorAccountSettings, status: Any, po: PurchaseOrder,
            items: dict[str, PurchaseOrderItem], receipts: dict[tuple[str, str], GoodsReceipt],
            result: ReceiptResult, *, as_of: datetime) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """One PO's status: each item's receipt changed since the last poll is kept; returns its snapshot and audit."""
    seen = []
    for item_status in status.item_status:
        rs = item_status.receiving_status
        if rs is None or rs.receive_status is None:
            result.missing_status += 1
            continue
        received = (rs.received_quantity.amount if rs.received_quantity else 0) or 0
        item = items.get(item_status.item_sequence_number)
        if item is None:
            continue
        row = receipts.get((po.po_number, item.item_sequence))
        if row is None and not received and rs.receive_status.upper() == "NOT_RECEIVED":
            continue  # nothing arrived yet: a receipt row starts with the first goods
        if row is None:
            row = receipts[(po.po_number, item.item_sequence)] = uow.receipts.add(GoodsReceipt(
                account_code=account.code, po_number=po.po_number, item_sequence=item.item_sequence,
                receive_status="", received_qty=0))
        if received != row.received_qty or rs.receive_status != row.receive_status:
            if received > item.received_qty:
                result.items_received += 1
                result.units_received += received - item.received_qty
            row.receive_status, row.received_qty = rs.receive_status, received
            row.last_receive_date, row.observed_at = rs.last_receive_date, utcnow()
            item.received_qty = received
            seen.append((uow.receipts.snapshot(row, at=as_of),
                         {"action": "receipt.observed", "entity": "purchase_order_item",
                          "entity_id": f"{po.po_number}/{item.item_sequence}",
                          "detail": {"received": received, "status": rs.receive_status}}))
    return seen


def _alert_overdue(uow: UnitOfWork, account: VendorAccountSettings, *, as_of: datetime,
                   after: timedelta) -> list[str]:
    """Shortage and not-received alerts, from one aggregate over the accepted shipments still missing units.

    A shipment with nothing missing matters only while its not-received alert is open (to resolve
    it); an alert already open is not raised again, so a day's statements follow what changed.
    """
    open_now = uow.alerts.open_keys(account.code, prefix="not-received:") | uow.alerts.open_keys(
        account.code, prefix="shortage:")
    watched = [k.removeprefix("not-received:") for k in open_now if k.startswith("not-received:")]
    overdue, settled = [], []
    for shipment, missing, received, closed in uow.receipts.receiving(account.code, also=watched):
        key = f"not-received:{shipment.shipment_identifier}"
        overdue_now = as_of - shipment.estimated_delivery > after
        # Amazon finished receiving, or received part and nothing more for N days: the rest is short
        if missing and (closed or (received and overdue_now)):
            settled.append(key)
            if f"shortage:{shipment.shipment_identifier}" not in open_now:  # once per shortage, not at every poll
                _alert_shortage(uow, account, shipment, missing, closed=closed, after=after)
        elif missing and overdue_now:
            overdue.append(shipment.shipment_identifier)
            if key not in open_now:
                _alert_not_received(uow, account, shipment, missing, after=after)
        elif not missing:
            settled.append(key)
    uow.alerts.resolve_all([k for k in settled if k in open_now], at=as_of)
    return overdue


def _alert_shortage(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment, missing: int, *,
                    closed: bool, after: timedelta) -> None:
    """Amazon closed receiving, or stopped receiving for ``after``, with units missing: a shortage to dispute."""
    _, created = uow.alerts.raise_alert(
        dedupe_key=f"shortage:{shipment.shipment_identifier}", account_code=account.code, kind="shortage",
        shipment_identifier=shipment.shipment_identifier,
        subject=f"Shipment {shipment.shipment_identifier}: {missing} units short at receipt",
        message=(f"Amazon reports {missing} of the shipped units not received "
                 f"{'(receiving closed)' if closed else f'{after.days} days after the estimated delivery'}."),
        next_step="Dispute the shortage in Vendor Central with the ASN, bill of lading / carrier proof of "
                  "delivery and the carton labels (SSCC list) as evidence.")
    if created:
        log.warning("%s: shipment %s is %d units short at receipt", account.code,
                    shipment.shipment_identifier, missing)


def _alert_not_received(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment, missing: int, *,
                        after: timedelta) -> None:
    """Delivered ``after`` ago and nothing received yet: proof of delivery is what settles it."""
    _, created = uow.alerts.raise_alert(
        dedupe_key=f"not-received:{shipment.shipment_identifier}", account_code=account.code, kind="not_received",
        shipment_identifier=shipment.shipment_identifier,
        subject=f"Shipment {shipment.shipment_identifier} delivered but not received",
        message=(f"{missing} units not reported received {after.days} days after the estimated delivery "
                 f"{shipment.estimated_delivery:%Y-%m-%d}"),
        next_step="Ask the carrier for proof of delivery (POD) and keep the ASN, BOL and labels; open a "
                  "Vendor Central case if Amazon does not receive it within a week.")
    if created:
        log.warning("%s: shipment %s delivered but %d units not received", account.code,
                    shipment.shipment_identifier, missing)
