"""What happened on one business day: the figures the daily report shows beside the running totals.

A business day is the calendar day of the dock (``ship_from_tz``) that contains ``as_of``:
each account is counted on its own local day, then the accounts are added up. Every
figure is read from a business-time stamp in the store (never the wall-clock
``created_at``), so a replayed or simulated day counts what happened *on* that day:

* **purchase orders** — Amazon's ``order_date`` falls in the day;
* **acknowledgements** — accepted: the outbox row Amazon applied in the day (``applied_at``);
  late: of those, applied after the PO's 24-hour deadline; failed: rejected in the day
  (``completed_at``, the courier's business time);
* **shipments** — their truck left in the day (``departure``), with their cartons;
* **ASNs** — accepted and sent in the day (``asn_submitted_at``), judged on time or late by
  :func:`acorn.domain.deadlines.asn_is_on_time`; failed: rejected in the day;
* **invoices** — accepted / rejected in the day (outbox), and the money on invoices *dated*
  the business day's date (an invoice date is a calendar date) and not rejected, per currency;
* **fill rate** — units accepted / units requested on the POs decided in the day;
* **receipts** — PO items whose latest receipt is in the day; **units short**: on those items,
  shipped minus received minus damaged. Amazon often leaves a short item "partially received"
  for good, so closure cannot be waited for; an item still arriving moves to its next
  receipt's day, so past days keep only what stayed short.

One aggregate query per figure and account (``GROUP BY``/``SUM`` in the database); only the
ASN rule runs in Python, over one narrow row per ASN, so the rule stays in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from acorn.config import VendorAccountSettings
from acorn.domain.deadlines import asn_is_on_time
from acorn.domain.documents import DocumentState
from acorn.services.metrics import money_sum
from acorn.store import UnitOfWork
from schemas.tables import (Acknowledgement, Carton, GoodsReceipt, Invoice, OutboxEntry, PurchaseOrder,
                            PurchaseOrderItem, Shipment)

ACCEPTED, FAILED = DocumentState.ACCEPTED, DocumentState.FAILED


@dataclass(frozen=True)
class BusinessDay:
    """One account's local calendar day, as a half-open UTC window ``[start, end)``."""

    account_code: str
    day: date
    start: datetime
    end: datetime


def business_day(account: VendorAccountSettings, as_of: datetime) -> BusinessDay:
    """The dock's calendar day containing ``as_of`` (aware), as UTC bounds (a DST day has 23 or 25 hours)."""
    tz = ZoneInfo(account.ship_from_tz)
    local_day = as_of.astimezone(tz).date()
    return day_window(account.code, local_day, tz)


def day_window(account_code: str, local_day: date, tz: ZoneInfo) -> BusinessDay:
    start = datetime.combine(local_day, time(), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(local_day + timedelta(days=1), time(), tzinfo=tz).astimezone(timezone.utc)
    return BusinessDay(account_code, local_day, start, end)


@dataclass
class DayFigures:
    """The day's counts (summed over accounts); ``invoiced`` is money per currency."""

    purchase_orders: int = 0
    acknowledgements_accepted: int = 0
    acknowledgements_late: int = 0
    acknowledgements_failed: int = 0
    shipments: int = 0
    cartons: int = 0
    asns_on_time: int = 0
    asns_late: int = 0
    asns_failed: int = 0
    invoices_accepted: int = 0
    invoices_rejected: int = 0
    invoiced: dict[str, Decimal] = field(default_factory=dict)
    units_requested: int = 0
    units_accepted: int = 0
    receipt_items: int = 0
    units_short: int = 0

    def add(self, other: DayFigures) -> DayFigures:
        for name, value in vars(other).items():
            if name == "invoiced":
                for currency, amount in value.items():
                    self.invoiced[currency] = self.invoiced.get(currency, Decimal("0")) + amount
            else:
                setattr(self, name, getattr(self, name) + value)
        return self

    @property
    def asn_on_time_percent(self) -> Decimal | None:
        judged = self.asns_on_time + self.asns_late
        return None if not judged else Decimal(100 * self.asns_on_time) / judged

    @property
    def fill_rate_percent(self) -> Decimal | None:
        return None if not self.units_requested else Decimal(100 * self.units_accepted) / self.units_requested


def day_figures(database_url: str, accounts: Iterable[VendorAccountSettings], as_of: datetime) -> DayFigures:
    """The figures of the business day containing ``as_of``, each account on its dock's local day."""
    return figures_for(database_url, [business_day(a, as_of) for a in accounts])


def history(database_url: str, accounts: Iterable[VendorAccountSettings], as_of: datetime, *,
            max_days: int = 92) -> list[tuple[date, DayFigures]]:
    """Every business day from the first PO on record (at most ``max_days`` back) to ``as_of``'s day."""
    accounts = list(accounts)
    if not accounts:
        return []
    last = max(business_day(a, as_of).day for a in accounts)
    with UnitOfWork(database_url) as uow:
        first_order = uow.outbox.session.execute(sa.select(sa.func.min(PurchaseOrder.order_date)).where(
            PurchaseOrder.account_code.in_([a.code for a in accounts]))).scalar()
    if first_order is None:
        return []
    first = min(business_day(a, first_order).day for a in accounts)
    first = max(first, last - timedelta(days=max_days - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(d, figures_for(database_url, [day_window(a.code, d, ZoneInfo(a.ship_from_tz)) for a in accounts]))
            for d in days]


def figures_for(database_url: str, days: Iterable[BusinessDay]) -> DayFigures:
    total = DayFigures()
    with UnitOfWork(database_url) as uow:
        session = uow.outbox.session  # a read model: plain aggregate queries read clearest
        for day in days:
            total.add(_Day(session, day).figures())
    return total


class _Day:
    def __init__(self, session: Any, day: BusinessDay) -> None:
        self.s, self.day = session, day

    def _in_day(self, column: Any) -> Any:
        return sa.and_(column >= self.day.start, column < self.day.end)

    def _on_date(self, column: Any) -> Any:
        """A calendar-date column (stored as midnight UTC, e.g. ``invoice_date``) on the business day's date."""
        start = datetime.combine(self.day.day, time(), tzinfo=timezone.utc)
        return sa.and_(column >= start, column < start + timedelta(days=1))

    def _scalar(self, query: Any) -> int:
        return int(self.s.execute(query).scalar() or 0)

    def _outbox(self, kind: str, state: str, stamp: Any) -> int:
        o = OutboxEntry
        return self._scalar(sa.select(sa.func.count(o.id)).where(
            o.kind == kind, o.state == state, o.account_code == self.day.account_code, self._in_day(stamp)))

    def figures(self) -> DayFigures:
        f = DayFigures(
            purchase_orders=self._scalar(sa.select(sa.func.count(PurchaseOrder.id)).where(
                PurchaseOrder.account_code == self.day.account_code, self._in_day(PurchaseOrder.order_date))),
            acknowledgements_accepted=self._outbox("acknowledgement", ACCEPTED, OutboxEntry.applied_at),
            acknowledgements_late=self._late_acknowledgements(),
            acknowledgements_failed=self._outbox("acknowledgement", FAILED, OutboxEntry.completed_at),
            asns_failed=self._outbox("shipment_confirmation", FAILED, OutboxEntry.completed_at),
            invoices_accepted=self._outbox("invoice", ACCEPTED, OutboxEntry.applied_at),
            invoices_rejected=self._outbox("invoice", FAILED, OutboxEntry.completed_at),
            invoiced=self._invoiced(), receipt_items=self._receipt_items(), units_short=self._units_short())
        f.shipments, f.cartons = self._shipments()
        f.asns_on_time, f.asns_late = self._asns()
        f.units_accepted, f.units_requested = self._fill()
        return f

    def _late_acknowledgements(self) -> int:
        a, o = Acknowledgement, OutboxEntry
        return self._scalar(sa.select(sa.func.count(a.id)).join(o, o.idempotency_key == a.outbox_key).where(
            a.account_code == self.day.account_code, o.state == ACCEPTED, self._in_day(o.applied_at),
            a.deadline.is_not(None), o.applied_at > a.deadline))

    def _shipments(self) -> tuple[int, int]:
        sh, c = Shipment, Carton
        mine = sa.and_(sh.account_code == self.day.account_code, self._in_day(sh.departure))
        shipments = self._scalar(sa.select(sa.func.count(sh.id)).where(mine))
        cartons = self._scalar(sa.select(sa.func.count(c.id)).join(sh, c.shipment_id == sh.id).where(mine))
        return shipments, cartons

    def _asns(self) -> tuple[int, int]:
        sh = Shipment
        rows = self.s.execute(sa.select(sh.asn_submitted_at, sh.asn_deadline).where(
            sh.account_code == self.day.account_code, sh.status == ACCEPTED, self._in_day(sh.asn_submitted_at)))
        judged = [asn_is_on_time(sent, deadline) for sent, deadline in rows]
        return sum(judged), len(judged) - sum(judged)

    def _invoiced(self) -> dict[str, Decimal]:
        inv = Invoice
        rows = self.s.execute(sa.select(inv.currency, sa.func.sum(inv.total)).where(
            inv.account_code == self.day.account_code, inv.status != FAILED, self._on_date(inv.invoice_date))
            .group_by(inv.currency))
        return {currency: money_sum(total) for currency, total in rows}

    def _fill(self) -> tuple[int, int]:
        a = Acknowledgement
        accepted, requested = self.s.execute(sa.select(
            sa.func.sum(a.accepted_units), sa.func.sum(a.accepted_units + a.backordered_units + a.rejected_units))
            .where(a.account_code == self.day.account_code, self._in_day(a.decided_at))).one()
        return int(accepted or 0), int(requested or 0)

    def _receipt_items(self) -> int:
        gr = GoodsReceipt
        return self._scalar(sa.select(sa.func.count(gr.id)).where(
            gr.account_code == self.day.account_code, self._in_day(gr.last_receive_date)))

    def _units_short(self) -> int:
        gr, po, i = GoodsReceipt, PurchaseOrder, PurchaseOrderItem
        short = i.shipped_qty - i.received_qty - i.damaged_qty
        return self._scalar(
            sa.select(sa.func.sum(sa.case((short > 0, short), else_=0)))
            .select_from(gr)
            .join(po, sa.and_(po.account_code == gr.account_code, po.po_number == gr.po_number))
            .join(i, sa.and_(i.purchase_order_id == po.id, i.item_sequence == gr.item_sequence))
            .where(gr.account_code == self.day.account_code, self._in_day(gr.last_receive_date)))
