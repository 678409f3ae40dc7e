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
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

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
        first_order = uow.outbox.session.execute(sa.select(sa.func.min(col(PurchaseOrder.order_date))).where(
            col(PurchaseOrder.account_code).in_([a.code for a in accounts]))).scalar()
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
_FIRST: sa.ColumnClause[int] = sa.literal_column("1")
#: a figure's query: its rows are (day, value, ...)
_Query = sa.Select[*tuple[Any, ...]]


class _Days:
    """Consecutive business days of one account: each figure is one query grouped by day (a ``CASE``
    on the days' bounds), so a quarter of history costs the statements of one day."""

    def __init__(self, session: Session, days: list[BusinessDay]) -> None:
        assert days and all(a.end == b.start for a, b in zip(days, days[1:])), "consecutive days of one account"
        self.s, self.days, self.account_code = session, days, days[0].account_code
        start = datetime.combine(days[0].day, time(), tzinfo=UTC)
        self._dates = [start + timedelta(days=n) for n in range(len(days) + 1)]  # calendar dates, midnight UTC

    def _in_days(self, column: Mapped[datetime | None]) -> sa.ColumnElement[bool]:
        return sa.and_(column >= self.days[0].start, column < self.days[-1].end)

    def _day_of(self, column: Mapped[datetime | None]) -> sa.ColumnElement[int]:
        """Which of the days (0, 1, ...) ``column`` falls in, for a column within :meth:`_in_days`."""
        return sa.case(*[(column < day.end, n) for n, day in enumerate(self.days)], else_=len(self.days))

    def _on_dates(self, column: Mapped[datetime | None]) -> sa.ColumnElement[bool]:
        """A calendar-date column (stored as midnight UTC, e.g. ``invoice_date``) on the business days' dates."""
        return sa.and_(column >= self._dates[0], column < self._dates[-1])

    def _date_of(self, column: Mapped[datetime | None]) -> sa.ColumnElement[int]:
        return sa.case(*[(column < end, n) for n, end in enumerate(self._dates[1:])], else_=len(self.days))

    def _per_day(self, query: _Query) -> list[int]:
        """``query`` selects (day, value) rows: the value of each day, 0 where none."""
        out = [0] * len(self.days)
        for n, value in self.s.execute(query):
            out[n] = int(value or 0)
        return out

    def _count(self, counted: Mapped[int | None], stamp: Mapped[datetime | None], *where: sa.ColumnElement[bool],
               source: sa.Join | None = None) -> list[int]:
        q = sa.select(self._day_of(stamp), sa.func.count(counted))
        if source is not None:
            q = q.select_from(source)
        return self._per_day(q.where(self._in_days(stamp), *where).group_by(_FIRST))

    def _outbox(self, kind: str, state: str, stamp: Mapped[datetime | None]) -> list[int]:
        o = OutboxEntry
        return self._count(col(o.id), stamp, col(o.kind) == kind, col(o.state) == state,
                           col(o.account_code) == self.account_code)

    def figures(self) -> list[DayFigures]:
        po = PurchaseOrder
        ack = DocumentKind.ACKNOWLEDGEMENT
        columns = {
            "purchase_orders": self._count(col(po.id), col(po.order_date), col(po.account_code) == self.account_code),
            "acknowledgements_accepted": self._outbox(ack, ACCEPTED, col(OutboxEntry.applied_at)),
            "acknowledgements_late": self._late_acknowledgements(),
            "acknowledgements_failed": self._outbox(ack, FAILED, col(OutboxEntry.completed_at)),
            "asns_failed": self._outbox(DocumentKind.SHIPMENT_CONFIRMATION, FAILED, col(OutboxEntry.completed_at)),
            "invoices_accepted": self._outbox(DocumentKind.INVOICE, ACCEPTED, col(OutboxEntry.applied_at)),
            "invoices_rejected": self._outbox(DocumentKind.INVOICE, FAILED, col(OutboxEntry.completed_at)),
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
        rows = self.s.execute(sa.select(self._day_of(col(o.applied_at)), col(o.applied_at), col(a.deadline))
                              .select_from(sa.join(a, o, col(o.idempotency_key) == col(a.outbox_key)))
                              .where(col(a.account_code) == self.account_code,
                                     col(o.account_code) == self.account_code,
                                     col(o.kind) == DocumentKind.ACKNOWLEDGEMENT, col(o.state) == ACCEPTED,
                                     col(a.deadline).is_not(None), self._in_days(col(o.applied_at))))
        for n, applied_at, deadline in rows:
            assert applied_at is not None and deadline is not None  # the WHERE leaves NULLs out
            late[n] += not acknowledgement_is_on_time(applied_at, deadline)
        return late

    def _shipments(self) -> tuple[list[int], list[int]]:
        sh, c = Shipment, Carton
        mine = col(sh.account_code) == self.account_code
        return (self._count(col(sh.id), col(sh.departure), mine),
                self._count(col(c.id), col(sh.departure), mine,
                            source=sa.join(c, sh, col(c.shipment_id) == col(sh.id))))

    def _asns(self) -> tuple[list[int], list[int]]:
        sh = Shipment
        on_time, late = [0] * len(self.days), [0] * len(self.days)
        rows = self.s.execute(sa.select(self._day_of(col(sh.asn_submitted_at)), col(sh.asn_submitted_at),
                                        col(sh.asn_deadline)).where(
            col(sh.account_code) == self.account_code, col(sh.status) == ACCEPTED,
            self._in_days(col(sh.asn_submitted_at))))
        for n, sent, deadline in rows:
            assert sent is not None  # in the days, so not NULL
            if asn_is_on_time(sent, deadline):
                on_time[n] += 1
            else:
                late[n] += 1
        return on_time, late

    def _invoiced(self) -> list[dict[str, Decimal]]:
        inv = Invoice
        day = self._date_of(col(inv.invoice_date))
        out: list[dict[str, Decimal]] = [{} for _ in self.days]
        for n, currency, total in self.s.execute(sa.select(day, col(inv.currency), sa.func.sum(col(inv.total))).where(
                col(inv.account_code) == self.account_code, col(inv.status) != FAILED,
                self._on_dates(col(inv.invoice_date)))
                .group_by(_FIRST, col(inv.currency))):
            out[n][currency] = money_sum(total)
        return out

    def _fill(self) -> tuple[list[int], list[int]]:
        a = Acknowledgement
        day = self._day_of(col(a.decided_at))
        accepted, requested = [0] * len(self.days), [0] * len(self.days)
        for n, units, asked in self.s.execute(sa.select(
                day, sa.func.sum(col(a.accepted_units)),
                sa.func.sum(col(a.accepted_units) + col(a.backordered_units) + col(a.rejected_units)))
                .where(col(a.account_code) == self.account_code, self._in_days(col(a.decided_at)))
                .group_by(_FIRST)):
            accepted[n], requested[n] = int(units or 0), int(asked or 0)
        return accepted, requested

    def _receipt_items(self) -> list[int]:
        gr = GoodsReceipt
        return self._count(col(gr.id), col(gr.last_receive_date), col(gr.account_code) == self.account_code)

    def _units_short(self) -> list[int]:
        gr, po, i = GoodsReceipt, PurchaseOrder, PurchaseOrderItem
        short = col(i.shipped_qty) - col(i.received_qty) - col(i.damaged_qty)
        day = self._day_of(col(gr.last_receive_date))
        return self._per_day(
            sa.select(day, sa.func.sum(sa.case((short > 0, short), else_=0)))
            .select_from(gr)
            .join(po, sa.and_(col(po.account_code) == col(gr.account_code), col(po.po_number) == col(gr.po_number)))
            .join(i, sa.and_(col(i.purchase_order_id) == col(po.id), col(i.item_sequence) == col(gr.item_sequence)))
            .where(col(gr.account_code) == self.account_code, self._in_days(col(gr.last_receive_date)))
            .group_by(_FIRST))
