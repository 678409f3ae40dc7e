"""Deliver what the outbox holds, then reflect the outcome on the business records."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.services.acknowledge import confirm_acknowledged
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
                            confirmers={"acknowledgement": confirm_acknowledged(client)})
    with UnitOfWork(database_url) as uow:
        keys = [e.idempotency_key for e in uow.outbox.list(kind=kind, states=OPEN_STATES, account_code=account_code)]
    result = DeliveryResult()
    for key in keys:
        result.reports.append(courier.deliver(key))
    _reflect(database_url, result.reports)
    return result


def _reflect(database_url: str, reports: list[DeliveryReport]) -> None:
    """Shipment and invoice status follow their outbox rows."""
    with UnitOfWork(database_url) as uow:
        for r in reports:
            if r.state not in ("accepted", "failed"):
                continue
            if r.kind == "shipment_confirmation":
                shipment = uow.shipments.get(r.business_id)
                if shipment is not None and shipment.status == "queued" and r.key.endswith(f"r{shipment.asn_revision}"):
                    shipment.status = r.state
            elif r.kind == "invoice":
                entry = uow.outbox.get(r.key)
                invoice = uow.invoices.get(entry.account_code, r.business_id) if entry else None
                if invoice is not None:
                    invoice.status = r.state
        uow.commit()
