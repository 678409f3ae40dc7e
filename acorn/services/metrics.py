"""Vendor metrics over a range of days: how Amazon sees us, from what Acorn recorded.

The range is ``start`` to ``end``, both included, as UTC calendar days. Each rate keeps its
numerator and denominator (a report prints ``97.1% (135/139)``); its value is ``None`` when
nothing was measured. Definitions (the population first, then what counts):

* **Acknowledgement on time** — acknowledgements of POs *ordered* in the range; on time when
  Amazon accepted the outbox row and applied it (``outbox.applied_at``) no later than
  ``acknowledgement.deadline``. One not yet applied is not on time.
* **Fill rate** — on those same POs, accepted units / ordered units (lines Amazon cancelled
  are left out: nothing could be promised on them).
* **ASN on time** — shipments that *departed* in the range whose ASN Amazon accepted,
  judged by :func:`acorn.domain.deadlines.asn_is_on_time` on the submission Amazon applied
  (``shipment.asn_submitted_at``; none recorded = late). Same rule as the daily summary.
* **ASN accuracy** — units Amazon received / units our accepted ASNs said we shipped, over
  the PO lines of those shipments that Amazon reports received (a ``goods_receipt`` row).
  Amazon reports receipt per PO line, so all accepted-ASN units of such a line are counted.
* **Invoice first-pass acceptance** — invoices *dated* in the range that Amazon decided
  (outbox accepted or failed); first-pass = accepted on the one and only POST (attempts 1).
* **Days from delivery to receipt** — per shipment that departed in the range, from
  ``estimated_delivery`` to the first receipt snapshot after departure that shows units
  received on one of its lines; mean and median over shipments with such a snapshot.
* **Deductions as % of invoiced** — deductions on remittance lines *paid* in the range
  (shortage + damage + price, plus ``other`` from invoice-level files; reversals are
  negative, so this is net) / the total of our invoices that a payment in the range covered.
* **Dispute recovery** — claims *disputed* in the range (status disputed, won, lost or
  recovered): recovered / disputed amount, where recovered is ``claim.recovered``, or the
  whole amount for a claim won.

Money rates add amounts as they are: pass ``account_code`` for a single-currency figure.
Everything is summed by the database; only the ASN rule and the median run in Python, over
one narrow row per shipment, because the rule lives in the domain and must stay one rule.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

from acorn.domain.claims import ClaimStatus
from acorn.domain.deadlines import asn_is_on_time
from acorn.domain.documents import DocumentKind, DocumentState
from acorn.domain.measures import round_to_tenth
from acorn.domain.money import round_cents
from acorn.services.ports import Units
from schemas.tables import (
    Acknowledgement,
    Claim,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    PurchaseOrder,
    PurchaseOrderItem,
    ReceiptSnapshot,
    RemittanceLine,
    Shipment,
    ShipmentLine,
)

#: claims that went to Amazon as a dispute (whatever came of it)
DISPUTED_STATUSES = (ClaimStatus.DISPUTED, ClaimStatus.WON, ClaimStatus.LOST, ClaimStatus.RECOVERED)
#: one metric's query; its row is read as a plain tuple (:meth:`_Queries._row`)
_Query = sa.Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator``; units or money, kept so a reader can check the sum."""

    numerator: int | Decimal
    denominator: int | Decimal

    @property
    def value(self) -> Decimal | None:
        return Decimal(self.numerator) / Decimal(self.denominator) if self.denominator else None

    @property
    def percent(self) -> Decimal | None:
        """The rate in percent, one decimal (``Decimal('97.1')``)."""
        value = self.value
        return None if value is None else round_to_tenth(value * 100)

    @property
    def shown(self) -> str:
        return "n/a" if self.percent is None else f"{self.percent}%"

    @property
    def basis(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    def __str__(self) -> str:
        return f"{self.shown} ({self.basis})"


@dataclass(frozen=True)
class DayStats:
    """Days between two events per shipment: mean and median (``None`` when none measured)."""

    count: int
    mean: Decimal | None
    median: Decimal | None

    @property
    def shown(self) -> str:
        return "n/a" if not self.count else f"mean {self.mean:.1f} d, median {self.median:.1f} d"

    @property
    def basis(self) -> str:
        return f"{self.count} shipment{'' if self.count == 1 else 's'}"

    def __str__(self) -> str:
        return f"{self.shown} ({self.basis})"


@dataclass(frozen=True)
class VendorMetrics:
    start: date
    end: date
    account_code: str | None
    acknowledgement_on_time: Rate
    fill_rate: Rate
    asn_on_time: Rate
    asn_accuracy: Rate
    invoice_first_pass: Rate
    delivery_to_receipt_days: DayStats
    deductions_of_invoiced: Rate
    dispute_recovery: Rate


LABELS = {
    "acknowledgement_on_time": "Acknowledgements on time",
    "fill_rate": "Fill rate (accepted / ordered units)",
    "asn_on_time": "ASNs on time (Amazon's view)",
    "asn_accuracy": "ASN accuracy (received / shipped units)",
    "invoice_first_pass": "Invoices accepted first time",
    "delivery_to_receipt_days": "Days from delivery to receipt",
    "deductions_of_invoiced": "Deductions as % of invoiced",
    "dispute_recovery": "Dispute recovery (recovered / disputed)",
}


def metrics_rows(metrics: VendorMetrics) -> list[tuple[str, str, str]]:
    """(label, figure, basis) in reading order, e.g. ``("Fill rate …", "92.0%", "46/50")``: CLI and report."""
    return [(label, getattr(metrics, name).shown, getattr(metrics, name).basis) for name, label in LABELS.items()]


def vendor_metrics(units: Units, *, start: date, end: date, account_code: str | None = None) -> VendorMetrics:
    """The metrics above for ``start``..``end`` (both included), for one account or all."""
    if end < start:
        raise ValueError(f"metrics range: end {end.isoformat()} is before start {start.isoformat()}")
    with units() as uow:
        q = _Queries(uow.outbox.session, start, end, account_code)
        return VendorMetrics(
            start=start, end=end, account_code=account_code,
            acknowledgement_on_time=q.acknowledgement_on_time(), fill_rate=q.fill_rate(),
            asn_on_time=q.asn_on_time(), asn_accuracy=q.asn_accuracy(), invoice_first_pass=q.invoice_first_pass(),
            delivery_to_receipt_days=q.delivery_to_receipt(), deductions_of_invoiced=q.deductions_of_invoiced(),
            dispute_recovery=q.dispute_recovery())


def recovered_amount() -> sa.ColumnElement[Decimal]:
    """SQL for what a disputed claim brought back: all of it when won, else what reversals returned."""
    return sa.case((col(Claim.status) == ClaimStatus.WON, col(Claim.amount)), else_=col(Claim.recovered))


def money_sum(value: Decimal | float | None) -> Decimal:
    """A database SUM of money as cents (SQLite adds Numeric as floating point)."""
    return round_cents(Decimal(str(value or 0)))


class _Queries:
    """One aggregate query per metric; a read model, so plain SQL reads clearest."""

    def __init__(self, session: Session, start: date, end: date, account_code: str | None) -> None:
        self.s, self.start, self.end, self.account = session, start, end, account_code
        self.lo = datetime.combine(start, time(), tzinfo=UTC)
        self.hi = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)

    def _mine(self, column: Mapped[str | None]) -> sa.ColumnElement[bool]:
        return column == self.account if self.account else sa.true()

    def _at(self, column: Mapped[datetime | None]) -> sa.ColumnElement[bool]:
        return sa.and_(column >= self.lo, column < self.hi)

    def _on(self, column: Mapped[date | None]) -> sa.ColumnElement[bool]:
        return column.between(self.start, self.end)

    def _row(self, query: _Query) -> tuple[Any, ...]:
        return tuple(self.s.execute(query).one())

    def _acknowledged_pos(self, query: _Query) -> _Query:
        a, po = Acknowledgement, PurchaseOrder
        return query.join(po, sa.and_(col(po.account_code) == col(a.account_code),
                                      col(po.po_number) == col(a.po_number))).where(
            self._at(col(po.order_date)), self._mine(col(a.account_code)))

    def acknowledgement_on_time(self) -> Rate:
        a, o = Acknowledgement, OutboxEntry
        on_time = sa.and_(col(o.state) == DocumentState.ACCEPTED, col(a.deadline).is_not(None),
                          col(o.applied_at) <= col(a.deadline))
        query = self._acknowledged_pos(sa.select(sa.func.count(col(a.id)), sa.func.sum(sa.case((on_time, 1), else_=0)))
                                       .select_from(a).outerjoin(o, col(o.idempotency_key) == col(a.outbox_key)))
        total, on_time_count = self._row(query)
        return Rate(int(on_time_count or 0), int(total or 0))

    def fill_rate(self) -> Rate:
        a, po, i = Acknowledgement, PurchaseOrder, PurchaseOrderItem
        query = self._acknowledged_pos(sa.select(sa.func.sum(col(i.accepted_qty)), sa.func.sum(col(i.ordered_qty)))
                                       .select_from(a)).join(i, col(i.purchase_order_id) == col(po.id)).where(
            col(i.cancelled).is_(False))
        accepted, ordered = self._row(query)
        return Rate(int(accepted or 0), int(ordered or 0))

    def _accepted_shipments(self) -> sa.ColumnElement[bool]:
        sh = Shipment
        return sa.and_(col(sh.status) == DocumentState.ACCEPTED, self._at(col(sh.departure)),
                       self._mine(col(sh.account_code)))

    def asn_on_time(self) -> Rate:
        sh = Shipment
        rows = self.s.execute(sa.select(col(sh.asn_submitted_at), col(sh.asn_deadline))
                              .where(self._accepted_shipments()))
        judged = [sent is not None and asn_is_on_time(sent, deadline) for sent, deadline in rows]
        return Rate(sum(judged), len(judged))

    def asn_accuracy(self) -> Rate:
        sh, sl, gr = Shipment, ShipmentLine, GoodsReceipt
        lines = (sa.select(col(sh.account_code), col(sl.po_number), col(sl.item_sequence))
                 .join(sh, col(sl.shipment_id) == col(sh.id))
                 .where(self._accepted_shipments()).distinct().subquery())
        shipped = (sa.select(col(sh.account_code), col(sl.po_number), col(sl.item_sequence),
                             sa.func.sum(col(sl.shipped_qty)).label("qty"))
                   .join(sh, col(sl.shipment_id) == col(sh.id)).where(col(sh.status) == DocumentState.ACCEPTED)
                   .group_by(col(sh.account_code), col(sl.po_number), col(sl.item_sequence)).subquery())
        def same(t: sa.Subquery) -> sa.ColumnElement[bool]:
            return sa.and_(t.c.account_code == lines.c.account_code,
                           t.c.po_number == lines.c.po_number, t.c.item_sequence == lines.c.item_sequence)

        receipts = sa.select(col(gr.account_code), col(gr.po_number), col(gr.item_sequence),
                             col(gr.received_qty)).subquery()
        query = (sa.select(sa.func.sum(receipts.c.received_qty), sa.func.sum(shipped.c.qty)).select_from(lines)
                 .join(shipped, same(shipped)).join(receipts, same(receipts)))
        received, sent = self._row(query)
        return Rate(int(received or 0), int(sent or 0))

    def invoice_first_pass(self) -> Rate:
        inv, o = Invoice, OutboxEntry
        first = sa.and_(col(o.state) == DocumentState.ACCEPTED, col(o.attempts) == 1)
        query = (sa.select(sa.func.sum(sa.case((first, 1), else_=0)), sa.func.count(col(inv.id))).select_from(inv)
                 .join(o, sa.and_(col(o.kind) == DocumentKind.INVOICE, col(o.account_code) == col(inv.account_code),
                                  col(o.business_id) == col(inv.invoice_number)))
                 .where(self._at(col(inv.invoice_date)), self._mine(col(inv.account_code)),
                        col(o.state).in_([DocumentState.ACCEPTED, DocumentState.FAILED])))
        first_pass, decided = self._row(query)
        return Rate(int(first_pass or 0), int(decided or 0))

    def delivery_to_receipt(self) -> DayStats:
        sh, sl, rs = Shipment, ShipmentLine, ReceiptSnapshot
        query = (sa.select(col(sh.id), col(sh.estimated_delivery), sa.func.min(col(rs.observed_at)))
                 .join(sl, col(sl.shipment_id) == col(sh.id))
                 .join(rs, sa.and_(col(rs.account_code) == col(sh.account_code),
                                   col(rs.po_number) == col(sl.po_number),
                                   col(rs.item_sequence) == col(sl.item_sequence)))
                 .where(self._accepted_shipments(), col(rs.received_qty) > 0,
                        col(rs.observed_at) >= col(sh.departure))
                 .group_by(col(sh.id), col(sh.estimated_delivery)))
        days = [_days(first - delivery) for _, delivery, first in self.s.execute(query)]
        if not days:
            return DayStats(0, None, None)
        return DayStats(len(days), _tenth(statistics.mean(days)), _tenth(statistics.median(days)))

    def deductions_of_invoiced(self) -> Rate:
        r, inv = RemittanceLine, Invoice
        deducted = sa.func.sum(col(r.shortage_deduction) + col(r.damage_deduction) + col(r.price_deduction)
                               + col(r.other_deduction))
        (kept,) = self._row(sa.select(deducted).where(self._on(col(r.payment_date)), self._mine(col(r.account_code))))
        paid_in_range = sa.exists().where(col(r.account_code) == col(inv.account_code),
                                          col(r.invoice_number) == col(inv.invoice_number),
                                          self._on(col(r.payment_date)))
        (invoiced,) = self._row(sa.select(sa.func.sum(col(inv.total)))
                                .where(paid_in_range, self._mine(col(inv.account_code))))
        return Rate(money_sum(kept), money_sum(invoiced))

    def dispute_recovery(self) -> Rate:
        c = Claim
        query = sa.select(sa.func.sum(recovered_amount()), sa.func.sum(col(c.amount))).where(
            col(c.status).in_(DISPUTED_STATUSES), self._on(col(c.disputed_on)), self._mine(col(c.account_code)))
        recovered, disputed = self._row(query)
        return Rate(money_sum(recovered), money_sum(disputed))


def _days(delta: timedelta) -> Decimal:
    return Decimal(delta.days * 86400 + delta.seconds) / 86400


def _tenth(value: Decimal) -> Decimal:
    return round_to_tenth(value)
