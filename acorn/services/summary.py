"""The day in numbers: what the demo prints and what the daily flow publishes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from acorn.domain.deadlines import acknowledgement_is_on_time, asn_is_on_time
from acorn.domain.documents import DocumentState
from acorn.services.asn_keys import gate_alert_key
from acorn.store import UnitOfWork
from schemas.tables import (Acknowledgement, Alert, GoodsReceipt, Invoice, OutboxEntry, PurchaseOrder, PurchaseOrderItem, Shipment,
                            Carton, Pallet)


def lifecycle_counts(database_url: str, account_code: str | None = None) -> dict[str, Any]:
    """Counts across the lifecycle, for one account or all of them."""
    with UnitOfWork(database_url) as uow:
        return _Counter(uow, account_code).counts()


class _Counter:
    def __init__(self, uow: UnitOfWork, account_code: str | None) -> None:
        self.s = uow.outbox.session  # the summary is a read model: plain queries are clearest
        self.account = account_code

    def _where(self, q: Any, column: Any) -> Any:
        return q.where(column == self.account) if self.account else q

    def _count(self, q: Any) -> int:
        return int(self.s.exec(q).one())

    def _late_acknowledgements(self, acks: list[OutboxEntry]) -> int:
        """Applied acknowledgements judged like Amazon does: the applied POST against the PO's 24 hours."""
        deadlines = {a.outbox_key: a.deadline for a in self.s.exec(
            self._where(select(Acknowledgement), Acknowledgement.account_code)).all()}
        return sum(1 for e in acks if e.state == "accepted" and e.applied_at is not None
                   and deadlines.get(e.idempotency_key) is not None
                   and not acknowledgement_is_on_time(e.applied_at, deadlines[e.idempotency_key]))

    def counts(self) -> dict[str, Any]:
        items = self.s.exec(self._where(select(PurchaseOrderItem).join(
            PurchaseOrder, PurchaseOrderItem.purchase_order_id == PurchaseOrder.id), PurchaseOrder.account_code)).all()
        shipments = self.s.exec(self._where(select(Shipment), Shipment.account_code)).all()
        asn = {"on_time": 0, "late": 0, "failed": 0, "needs_review": 0, "held": 0, "pending": 0}
        held = set(self.s.exec(self._where(select(Alert.dedupe_key).where(Alert.status == "open"),
                                           Alert.account_code)).all())
        for sh in shipments:
            if sh.status == DocumentState.ACCEPTED:
                # judged like Amazon does: the submission it applied, against the deadline (one rule)
                on_time = sh.asn_submitted_at is not None and asn_is_on_time(sh.asn_submitted_at, sh.asn_deadline)
                asn["on_time" if on_time else "late"] += 1
            elif sh.status in (DocumentState.FAILED, DocumentState.NEEDS_REVIEW):
                asn[str(sh.status)] += 1
            elif gate_alert_key(sh) in held:  # the quality gate stopped it; ops have the alert
                asn["held"] += 1
            else:
                asn["pending"] += 1
        invoices = self.s.exec(self._where(select(Invoice), Invoice.account_code)).all()
        outbox = self.s.exec(self._where(select(OutboxEntry), OutboxEntry.account_code)).all()
        acks = [e for e in outbox if e.kind == "acknowledgement"]
        ship_ids = [sh.id for sh in shipments]
        cartons = self._count(select(sa.func.count()).select_from(Carton).where(Carton.shipment_id.in_(ship_ids)))
        pallets = self._count(select(sa.func.count()).select_from(Pallet).where(Pallet.shipment_id.in_(ship_ids)))
        receipts = self.s.exec(self._where(select(GoodsReceipt), GoodsReceipt.account_code)).all()
        alerts = self.s.exec(self._where(select(Alert), Alert.account_code)).all()
        return {
            "purchase_orders": self._count(self._where(select(sa.func.count()).select_from(PurchaseOrder),
                                                       PurchaseOrder.account_code)),
            "items": {
                "total": len(items),
                "accepted": sum(i.accepted_qty > 0 for i in items),
                "backordered": sum(i.backordered_qty > 0 for i in items),
                "rejected": sum(i.rejected_qty > 0 for i in items),
                "cancelled": sum(bool(i.cancelled) for i in items),
            },
            "units": {"ordered": sum(i.ordered_qty for i in items), "accepted": sum(i.accepted_qty for i in items),
                      "backordered": sum(i.backordered_qty for i in items),
                      "rejected": sum(i.rejected_qty for i in items), "shipped": sum(i.shipped_qty for i in items),
                      "received": sum(i.received_qty for i in items), "invoiced": sum(i.invoiced_qty for i in items)},
            "acknowledgements": {"accepted": sum(e.state == "accepted" for e in acks),
                                 "failed": sum(e.state == "failed" for e in acks),
                                 "open": sum(e.state not in ("accepted", "failed") for e in acks),
                                 "late": self._late_acknowledgements(acks)},
            "shipments": len(shipments),
            "cartons": cartons,
            "pallets": pallets,
            "asns": asn,
            "invoices": {"accepted": sum(i.status == "accepted" for i in invoices),
                         "rejected": sum(i.status == "failed" for i in invoices),
                         "open": sum(i.status not in ("accepted", "failed") for i in invoices),
                         "billed": str(sum((i.total for i in invoices if i.status == "accepted"), start=0))},
            "receipts": {"items": len(receipts), "fully_received": sum(r.receive_status.upper().replace("_", "")
                                                                       == "RECEIVED" for r in receipts)},
            "alerts": {"open": sum(a.status == "open" for a in alerts), "total": len(alerts),
                       "by_kind": dict(sorted(Counter(a.kind for a in alerts if a.status == "open").items()))},
            "submissions": {"posts": sum(e.attempts for e in outbox), "documents": len(outbox)},
        }
