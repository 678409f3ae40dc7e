"""One purchase order's thread (`acorn po`): PO → acknowledgement → shipments and cartons → ASN
→ invoice → receipts → remittance and claims, with the alerts about any of them.

A read model in one unit of work; the ASN's standing is :func:`acorn.services.status.asn_bucket`
(the same rule `acorn status` and the daily summary use) and acknowledgement lateness is
:func:`acorn.domain.deadlines.acknowledgement_is_on_time`.

An alert belongs to the thread when its PO, shipment or invoice column names one of the
thread's records, or, for alerts raised before those columns existed, when its key or
subject does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from acorn.domain.deadlines import acknowledgement_deadline, acknowledgement_is_on_time, asn_is_on_time
from acorn.domain.documents import DocumentKind
from acorn.domain.states import AlertStatus
from acorn.services.asn_keys import gate_alert_key
from acorn.services.ports import Units
from acorn.services.status import asn_bucket
from acorn.store import UnitOfWork
from schemas.tables import (
    Alert,
    Carton,
    Claim,
    GoodsReceipt,
    Invoice,
    InvoiceLine,
    OutboxEntry,
    Pallet,
    PurchaseOrder,
    RemittanceLine,
    Shipment,
    ShipmentLine,
)


class AmbiguousPurchaseOrder(LookupError):
    """The PO number exists under more than one vendor account: the caller must name one."""


@dataclass
class PoThread:
    as_of: datetime
    purchase_order: dict[str, Any]
    lines: list[dict[str, Any]]
    acknowledgement: dict[str, Any] | None
    shipments: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    remittances: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def po_thread(units: Units, po_number: str, *, as_of: datetime, account_code: str | None = None
              ) -> PoThread | None:
    """The thread of ``po_number`` (None when no account has it); raises AmbiguousPurchaseOrder."""
    with units() as uow:
        s = uow.outbox.session
        q = select(PurchaseOrder).where(PurchaseOrder.po_number == po_number)
        found = s.exec(q.where(PurchaseOrder.account_code == account_code) if account_code else q).all()
        if len(found) > 1:
            raise AmbiguousPurchaseOrder(f"PO {po_number} exists for accounts "
                                         f"{', '.join(sorted(p.account_code for p in found))}: give --account")
        if not found:
            return None
        return _Thread(uow, found[0], as_of).build()


class _Thread:
    def __init__(self, uow: UnitOfWork, po: PurchaseOrder, as_of: datetime) -> None:
        self.uow, self.s, self.po, self.as_of = uow, uow.outbox.session, po, as_of
        self.items = uow.purchase_orders.items(po)

    def build(self) -> PoThread:
        shipments = self._shipments()
        invoices = self._invoices()
        return PoThread(as_of=self.as_of, purchase_order=self._header(), lines=self._lines(),
                        acknowledgement=self._acknowledgement(), shipments=shipments, invoices=invoices,
                        receipts=self._receipts(), remittances=self._remittances(),
                        claims=self._claims([i["invoice_number"] for i in invoices]),
                        alerts=self._alerts([sh["shipment_identifier"] for sh in shipments],
                                            [i["invoice_number"] for i in invoices]))

    def _header(self) -> dict[str, Any]:
        po = self.po
        return {"account_code": po.account_code, "po_number": po.po_number, "state": po.state,
                "order_type": po.order_type, "order_date": po.order_date, "ship_to": po.ship_to,
                "currency": po.currency, "ship_window": [po.ship_window_start, po.ship_window_end],
                "delivery_window": [po.delivery_window_start, po.delivery_window_end]}

    def _lines(self) -> list[dict[str, Any]]:
        return [{"item_sequence": i.item_sequence, "vendor_sku": i.vendor_sku, "asin": i.asin,
                 "ordered": i.ordered_qty, "accepted": i.accepted_qty, "backordered": i.backordered_qty,
                 "rejected": i.rejected_qty, "rejection_reason": i.rejection_reason, "cancelled": i.cancelled,
                 "shipped": i.shipped_qty, "received": i.received_qty, "damaged": i.damaged_qty,
                 "invoiced": i.invoiced_qty, "net_cost": i.net_cost} for i in self.items]

    def _acknowledgement(self) -> dict[str, Any] | None:
        ack = self.uow.acknowledgements.get(self.po.account_code, self.po.po_number)
        if ack is None:
            deadline = acknowledgement_deadline(self.po.order_date)
            return {"decided": False, "deadline": deadline, "time_left": deadline - self.as_of}
        entry = self.uow.outbox.get(ack.outbox_key)
        applied = entry.applied_at if entry else None
        deadline = ack.deadline or acknowledgement_deadline(self.po.order_date)
        return {"decided": True, "decided_at": ack.decided_at, "deadline": deadline,
                "accepted_units": ack.accepted_units, "backordered_units": ack.backordered_units,
                "rejected_units": ack.rejected_units, **_document(entry),
                "on_time": None if applied is None else acknowledgement_is_on_time(applied, deadline)}

    def _shipments(self) -> list[dict[str, Any]]:
        q = (select(Shipment).join(ShipmentLine, col(ShipmentLine.shipment_id) == col(Shipment.id))
             .where(Shipment.account_code == self.po.account_code, ShipmentLine.po_number == self.po.po_number)
             .distinct().order_by(col(Shipment.departure), col(Shipment.shipment_identifier)))
        shipments = self.s.exec(q).all()
        if not shipments:
            return []
        ids = [sh.id for sh in shipments]
        cartons = self.s.exec(select(Carton).where(col(Carton.shipment_id).in_(ids)).order_by(col(Carton.id))).all()
        pallets = {p.id: p for p in self.s.exec(select(Pallet).where(col(Pallet.shipment_id).in_(ids))).all()}
        open_alerts = set(self.s.exec(select(Alert.dedupe_key).where(Alert.status == AlertStatus.OPEN,
                                                                     Alert.account_code == self.po.account_code)))
        asn_rows = self._documents(DocumentKind.SHIPMENT_CONFIRMATION, [sh.shipment_identifier for sh in shipments])
        return [self._shipment(sh, [c for c in cartons if c.shipment_id == sh.id], pallets,
                               held=gate_alert_key(sh) in open_alerts, asns=asn_rows.get(sh.shipment_identifier, []))
                for sh in shipments]

    def _shipment(self, sh: Shipment, cartons: list[Carton], pallets: dict[int | None, Pallet], *, held: bool,
                  asns: list[OutboxEntry]) -> dict[str, Any]:
        ours = [c for c in cartons if any(i.get("po_number") == self.po.po_number for i in c.items)]
        our_pallets = sorted({pallets[c.pallet_id].sscc for c in ours if c.pallet_id in pallets})
        units = sum(int(i.get("qty", 0)) for c in ours for i in c.items if i.get("po_number") == self.po.po_number)
        current = next((e for e in asns if e.idempotency_key.endswith(f":r{sh.asn_revision}")), None)
        return {"shipment_identifier": sh.shipment_identifier, "status": sh.status,
                "freight_term": sh.freight_term, "carrier_scac": sh.carrier_scac, "pro_number": sh.pro_number,
                "bill_of_lading": sh.bill_of_lading, "departure": sh.departure,
                "estimated_delivery": sh.estimated_delivery, "units_of_this_po": units,
                "cartons": len(ours), "cartons_in_shipment": len(cartons), "pallets": len(our_pallets),
                "carton_ssccs": [c.sscc for c in ours], "pallet_ssccs": our_pallets,
                "asn": {"standing": asn_bucket(sh, as_of=self.as_of, held=held), "revision": sh.asn_revision,
                        "deadline": sh.asn_deadline, "submitted_at": sh.asn_submitted_at,
                        "late": None if sh.asn_submitted_at is None
                        else not asn_is_on_time(sh.asn_submitted_at, sh.asn_deadline),
                        "time_left": sh.asn_deadline - self.as_of if sh.asn_submitted_at is None else None,
                        **_document(current)}}

    def _documents(self, kind: str, business_ids: list[str]) -> dict[str, list[OutboxEntry]]:
        rows: dict[str, list[OutboxEntry]] = {}
        q = select(OutboxEntry).where(OutboxEntry.kind == kind, col(OutboxEntry.business_id).in_(business_ids),
                                      OutboxEntry.account_code == self.po.account_code)
        for e in self.s.exec(q.order_by(col(OutboxEntry.id))).all():
            rows.setdefault(e.business_id, []).append(e)
        return rows

    def _invoices(self) -> list[dict[str, Any]]:
        q = (select(Invoice, sa.func.sum(InvoiceLine.amount), sa.func.sum(InvoiceLine.quantity))
             .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
             .where(Invoice.account_code == self.po.account_code, InvoiceLine.po_number == self.po.po_number)
             .group_by(col(Invoice.id)).order_by(col(Invoice.invoice_date), col(Invoice.invoice_number)))
        rows = self.s.exec(q).all()
        docs = self._documents(DocumentKind.INVOICE, [inv.invoice_number for inv, _, _ in rows])
        return [{"invoice_number": inv.invoice_number, "shipment_identifier": inv.shipment_identifier,
                 "invoice_date": inv.invoice_date, "status": inv.status, "currency": inv.currency,
                 "total": inv.total, "amount_for_this_po": Decimal(amount or 0), "units_for_this_po": int(units or 0),
                 "payment_due": inv.payment_due, **_document(next(reversed(docs.get(inv.invoice_number, [])), None))}
                for inv, amount, units in rows]

    def _receipts(self) -> list[dict[str, Any]]:
        q = select(GoodsReceipt).where(GoodsReceipt.account_code == self.po.account_code,
                                       GoodsReceipt.po_number == self.po.po_number)
        receipts = {r.item_sequence: r for r in self.s.exec(q).all()}
        rows = []
        for item in self.items:
            r = receipts.get(item.item_sequence)
            if r is None and not item.shipped_qty:
                continue
            rows.append({"item_sequence": item.item_sequence, "receive_status": r.receive_status if r else None,
                         "shipped": item.shipped_qty, "received": item.received_qty, "damaged": item.damaged_qty,
                         # as acorn.services.receipts counts it: shipped, neither received nor damaged (yet)
                         "not_received": max(item.shipped_qty - item.received_qty - item.damaged_qty, 0),
                         "last_receive_date": r.last_receive_date if r else None})
        return rows

    def _remittances(self) -> list[dict[str, Any]]:
        q = select(RemittanceLine).where(RemittanceLine.account_code == self.po.account_code,
                                         RemittanceLine.po_number == self.po.po_number)
        return [{"payment_number": r.payment_number, "payment_date": r.payment_date,
                 "invoice_number": r.invoice_number, "item_sequence": r.item_sequence, "currency": r.currency,
                 "paid": r.line_paid, "deducted": r.shortage_deduction + r.damage_deduction + r.price_deduction
                 + r.other_deduction} for r in self.s.exec(q.order_by(col(RemittanceLine.payment_date),
                                                                       col(RemittanceLine.id))).all()]

    def _claims(self, invoice_numbers: list[str]) -> list[dict[str, Any]]:
        if not invoice_numbers:
            return []
        q = select(Claim).where(Claim.account_code == self.po.account_code,
                                col(Claim.invoice_number).in_(invoice_numbers))
        rows = []
        for c in self.s.exec(q.order_by(col(Claim.deducted_on), col(Claim.claim_key))).all():
            ours = [ln for ln in c.lines if ln.get("po_number") in (None, "", self.po.po_number)]
            if ours:
                rows.append({"claim_key": c.claim_key, "kind": c.kind, "invoice_number": c.invoice_number,
                             "amount": c.amount, "recovered": c.recovered, "currency": c.currency,
                             "status": c.status, "dispute_deadline": c.dispute_deadline})
        return rows

    def _alerts(self, shipment_identifiers: list[str], invoice_numbers: list[str]) -> list[Alert]:
        """Alerts about the PO, one of its shipments or one of its invoices: by the alert's own
        columns, or (alerts raised before the columns existed) by its key or subject naming them."""
        texts = [self.po.po_number, *shipment_identifiers, *invoice_numbers]
        about = sa.or_(col(Alert.po_number) == self.po.po_number,
                       col(Alert.shipment_identifier).in_(shipment_identifiers),
                       col(Alert.invoice_number).in_(invoice_numbers),
                       *[column.contains(text, autoescape=True) for text in texts
                         for column in (col(Alert.dedupe_key), col(Alert.subject))])
        q = select(Alert).where(Alert.account_code == self.po.account_code, about)
        return list(self.s.exec(q.order_by(col(Alert.created_at), col(Alert.id))).all())


def _document(entry: OutboxEntry | None) -> dict[str, Any]:
    """Where the document sent to Amazon stands: outbox state, transaction, when sent and applied."""
    if entry is None:
        return {"outbox_state": None}
    return {"outbox_key": entry.idempotency_key, "outbox_state": entry.state, "transaction_id": entry.transaction_id,
            "attempts": entry.attempts, "posted_at": entry.posted_at, "applied_at": entry.applied_at,
            "completed_at": entry.completed_at}
