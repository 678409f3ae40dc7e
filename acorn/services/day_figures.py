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
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from acorn.config import VendorAccountSettings
from acorn.domain.deadlines import acknowledgement_is_on_time, asn_is_on_time
from acorn.domain.documents import DocumentKind, DocumentState
from acorn.services.metrics import money_sum
from acorn.services.ports import Units
from schemas.tables import (
    Acknowledgement,
    Carton,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    PurchaseOrder,
    PurchaseOrderItem,
    Shipment,
)

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
    start = datetime.combine(local_day, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(local_day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
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


def day_figures(units: Units, accounts: Iterable[VendorAccountSettings], as_of: datetime) -> DayFigures:
    """The figures of the business day containing ``as_of``, each account on its dock's local day."""
    return figures_for(units, [business_day(a, as_of) for a in accounts])


def history(units: Units, accounts: Iterable[VendorAccountSettings], as_of: datetime, *,
            max_days: int = 92) -> list[tuple[date, DayFigures]]:
    """Every business day from the first PO on record (at most ``max_days`` back) to ``as_of``'s day."""
    accounts = list(accounts)
    if not accounts:
        return []
    last = max(business_day(a, as_of).day for a in accounts)
    with units() as uow:
        first_order = uow.outbox.session.execute(sa.select(sa.func.min(PurchaseOrder.order_date)).where(
            PurchaseOrder.account_code.in_([a.code for a in accounts]))).scalar()
    if first_order is None:
        return []
    first = min(business_day(a, first_order).day for a in accounts)
    first = max(first, last - timedelta(days=max_days - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    totals = [DayFigures() for _ in days]
    with units() as uow:
        session = uow.outbox.session  # a read model: plain aggregate queries read clearest
        for a in accounts:  # one set of queries per account for the whole window, not per day
            windows = [day_window(a.code, d, ZoneInfo(a.ship_from_tz)) for d in days]
            for total, figures in zip(totals, _Days(session, windows).figures()):
                total.add(figures)
    return list(zip(days, totals))


def figures_for(units: Units, days: Iterable[BusinessDay]) -> DayFigures:
    """The figures of these business days (one per account), added up."""
    total = DayFigures()
    with units() as uow:
        session = uow.outbox.session
        for day in days:
            total.add(_Days(session, [day]).figures()[0])
    return total


#: ``GROUP BY 1``: by the day, the first column (its CASE repeated would bind its bounds twice)
_FIRST = sa.literal_column("1")


class _Days:
    """Consecutive business days of one account: each figure is one query grouped by day (a ``CASE``
    on the days' bounds), so a quarter of history costs the statements of one day."""

    def __init__(self, session: Any, days: list[BusinessDay]) -> None:
        assert days and all(a.end == b.start for a, b in zip(days, days[1:])), "consecutive days of one account"
        self.s, self.days, self.account_code = session, days, days[0].account_code
        start = datetime.combine(days[0].day, time(), tzinfo=UTC)
        self._dates = [start + timedelta(days=n) for n in range(len(days) + 1)]  # calendar dates, midnight UTC

    def _in_days(self, column: Any) -> Any:
        return sa.and_(column >= self.days[0].start, column < self.days[-1].end)

    def _day_of(self, column: Any) -> Any:
        """Which of the days (0, 1, ...) ``column`` falls in, for a column within :meth:`_in_days`."""
        return sa.case(*[(column < day.end, n) for n, day in enumerate(self.days)], else_=len(self.days))

    def _on_dates(self, column: Any) -> Any:
        """A calendar-date column (stored as midnight UTC, e.g. ``invoice_date``) on the business days' dates."""
        return sa.and_(column >= self._dates[0], column < self._dates[-1])

    def _date_of(self, column: Any) -> Any:
        return sa.case(*[(column < end, n) for n, end in enumerate(self._dates[1:])], else_=len(self.days))

    def _per_day(self, query: Any) -> list[int]:
        """``query`` selects (day, value) rows: the value of each day, 0 where none."""
        out = [0] * len(self.days)
        for n, value in self.s.execute(query):
            out[n] = int(value or 0)
        return out

    def _count(self, counted: Any, stamp: Any, *where: Any, source: Any = None) -> list[int]:
        q = sa.select(self._day_of(stamp), sa.func.count(counted))
        if source is not None:
            q = q.select_from(source)
        return self._per_day(q.where(self._in_days(stamp), *where).group_by(_FIRST))

    def _outbox(self, kind: str, state: str, stamp: Any) -> list[int]:
        o = OutboxEntry
        return self._count(o.id, stamp, o.kind == kind, o.state == state, o.account_code == self.account_code)

    def figures(self) -> list[DayFigures]:
        po = PurchaseOrder
        columns = {
            "purchase_orders": self._count(po.id, po.order_date, po.account_code == self.account_code),
            "acknowledgements_accepted": self._outbox(DocumentKind.ACKNOWLEDGEMENT, ACCEPTED, OutboxEntry.applied_at),
            "acknowledgements_late": self._late_acknowledgements(),
            "acknowledgements_failed": self._outbox(DocumentKind.ACKNOWLEDGEMENT, FAILED, OutboxEntry.completed_at),
            "asns_failed": self._outbox(DocumentKind.SHIPMENT_CONFIRMATION, FAILED, OutboxEntry.completed_at),
            "invoices_accepted": self._outbox(DocumentKind.INVOICE, ACCEPTED, OutboxEntry.applied_at),
            "invoices_rejected": self._outbox(DocumentKind.INVOICE, FAILED, OutboxEntry.completed_at),
            "receipt_items": self._receipt_items(), "units_short": self._units_short()}
        columns["shipments"], columns["cartons"] = self._shipments()
        columns["asns_on_time"], columns["asns_late"] = self._asns()
        columns["units_accepted"], columns["units_requested"] = self._fill()
        invoiced = self._invoiced()
        return [DayFigures(invoiced=invoiced[n], **{name: values[n] for name, values in columns.items()})
                for n in range(len(self.days))]

    def _late_acknowledgements(self) -> list[int]:
        """Acknowledgements applied on each day, judged by the domain's rule (``acknowledgement_is_on_time``)."""
        a, o = Acknowledgement, OutboxEntry
        late = [0] * len(self.days)
        # the outbox's account and kind too: the day's applied rows are then read by ix_outbox_account_applied
        rows = self.s.execute(sa.select(self._day_of(o.applied_at), o.applied_at, a.deadline)
                              .select_from(sa.join(a, o, o.idempotency_key == a.outbox_key))
                              .where(a.account_code == self.account_code, o.account_code == self.account_code,
                                     o.kind == DocumentKind.ACKNOWLEDGEMENT, o.state == ACCEPTED,
                                     a.deadline.is_not(None), self._in_days(o.applied_at)))
        for n, applied_at, deadline in rows:
            late[n] += not acknowledgement_is_on_time(applied_at, deadline)
        return late

    def _shipments(self) -> tuple[list[int], list[int]]:
        sh, c = Shipment, Carton
        mine = sh.account_code == self.account_code
        return (self._count(sh.id, sh.departure, mine),
                self._count(c.id, sh.departure, mine, source=sa.join(c, sh, c.shipment_id == sh.id)))

    def _asns(self) -> tuple[list[int], list[int]]:
        sh = Shipment
        on_time, late = [0] * len(self.days), [0] * len(self.days)
        rows = self.s.execute(sa.select(self._day_of(sh.asn_submitted_at), sh.asn_submitted_at, sh.asn_deadline).where(
            sh.account_code == self.account_code, sh.status == ACCEPTED, self._in_days(sh.asn_submitted_at)))
        for n, sent, deadline in rows:
            if asn_is_on_time(sent, deadline):
                on_time[n] += 1
            else:
                late[n] += 1
        return on_time, late

    def _invoiced(self) -> list[dict[str, Decimal]]:
        inv = Invoice
        day = self._date_of(inv.invoice_date)
        out: list[dict[str, Decimal]] = [{} for _ in self.days]
        for n, currency, total in self.s.execute(sa.select(day, inv.currency, sa.func.sum(inv.total)).where(
                inv.account_code == self.account_code, inv.status != FAILED, self._on_dates(inv.invoice_date))
                .group_by(_FIRST, inv.currency)):
            out[n][currency] = money_sum(total)
        return out

    def _fill(self) -> tuple[list[int], list[int]]:
        a = Acknowledgement
        day = self._day_of(a.decided_at)
        accepted, requested = [0] * len(self.days), [0] * len(self.days)
        for n, units, asked in self.s.execute(sa.select(
                day, sa.func.sum(a.accepted_units),
                sa.func.sum(a.accepted_units + a.backordered_units + a.rejected_units))
                .where(a.account_code == self.account_code, self._in_days(a.decided_at)).group_by(_FIRST)):
            accepted[n], requested[n] = int(units or 0), int(asked or 0)
        return accepted, requested

    def _receipt_items(self) -> list[int]:
        gr = GoodsReceipt
        return self._count(gr.id, gr.last_receive_date, gr.account_code == self.account_code)

    def _units_short(self) -> list[int]:
        gr, po, i = GoodsReceipt, PurchaseOrder, PurchaseOrderItem
        short = i.shipped_qty - i.received_qty - i.damaged_qty
        day = self._day_of(gr.last_receive_date)
        return self._per_day(
            sa.select(day, sa.func.sum(sa.case((short > 0, short), else_=0)))
            .select_from(gr)
            .join(po, sa.and_(po.account_code == gr.account_code, po.po_number == gr.po_number))
            .join(i, sa.and_(i.purchase_order_id == po.id, i.item_sequence == gr.item_sequence))
            .where(gr.account_code == self.account_code, self._in_days(gr.last_receive_date)).group_by(_FIRST))
