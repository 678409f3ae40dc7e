"""Deliver what the outbox holds, then reflect the outcome on the business records."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.services.acknowledge import confirm_acknowledged
from acorn.services.asns import asn_key
from acorn.services.outbox import OPEN_STATES, DeliveryReport, OutboxCourier
from acorn.store import UnitOfWork

log = logging.getLogger("acorn.delivery")


@dataclass
class DeliveryResult:
    reports: list[DeliveryReport] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.reports)

    @property
    def retryable(self) -> list[str]:
        """Rows that want another attempt soon (throttled or answer lost)."""
        return [r.key for r in self.reports if r.state in ("pending", "unknown")]


def deliver(database_url: str, client: Any, *, account_code: str, kind: str, as_of: datetime,
            stuck_after: timedelta, wait_s: float = 5.0) -> DeliveryResult:
    courier = OutboxCourier(database_url, client, now=as_of, stuck_after=stuck_after, wait_s=wait_s,
                            confirmers={"acknowledgement": confirm_acknowledged(client)},
                            cross_check=po_status_note(client))
    with UnitOfWork(database_url) as uow:
        keys = [e.idempotency_key for e in uow.outbox.list(kind=kind, states=OPEN_STATES, account_code=account_code)]
    result = DeliveryResult(reports=courier.deliver_all(keys))
    _reflect(database_url, account_code, result.reports)
    return result


def purchase_orders_of(payload: dict[str, Any]) -> list[str]:
    """The PO numbers a queued document is about (acknowledgement, ASN or invoice)."""
    found: set[str] = set()
    for ack in payload.get("acknowledgements", []):
        found.add(ack["purchaseOrderNumber"])
    for confirmation in payload.get("shipmentConfirmations", []):
        found.update(i.get("itemDetails", {}).get("purchaseOrderNumber", "") for i in confirmation["shippedItems"])
    for invoice in payload.get("invoices", []):
        found.update(i.get("purchaseOrderNumber", "") for i in invoice.get("items", []))
    return sorted(found - {""})


def po_status_note(client: Any):  # noqa: ANN201
    """For a stuck transaction: what Amazon's PO status says, so ops can judge without guessing."""

    def note(entry: Any) -> str:
        parts = []
        for po in purchase_orders_of(entry.payload):
            for status in client.get_purchase_orders_status(purchase_order_number=po):
                confirmations = sorted({(i.acknowledgement_status.confirmation_status
                                         if i.acknowledgement_status else None) or "?" for i in status.item_status})
                receipts = sorted({(i.receiving_status.receive_status if i.receiving_status else None) or "?"
                                   for i in status.item_status})
                parts.append(f"PO {po}: {status.purchase_order_status or '?'}, acknowledgement "
                             f"{'/'.join(confirmations)}, receiving {'/'.join(receipts)}")
        return "cross-check: " + "; ".join(parts) if parts else "cross-check: PO status unavailable"

    return note


def _reflect(database_url: str, account_code: str, reports: list[DeliveryReport]) -> None:
    """Shipment and invoice status follow their outbox rows."""
    with UnitOfWork(database_url) as uow:
        for r in reports:
            if r.state not in ("accepted", "failed"):
                continue
            if r.kind == "shipment_confirmation":
                shipment = uow.shipments.get(r.business_id)
                if shipment is not None and shipment.status == "queued" and r.key == asn_key(shipment):
                    shipment.status = r.state
            elif r.kind == "invoice":
                invoice = uow.invoices.get(account_code, r.business_id)
                if invoice is not None:
                    invoice.status = r.state
        uow.commit()
