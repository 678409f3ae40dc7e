"""The monthly four-way match: what was ordered, shipped, received, invoiced and paid, per PO line.

Scope: the account's PO lines whose purchase order's ``order_date`` falls in the month
(UTC). For each line the engine gathers these facts (:class:`LineFacts`):

* ``accepted`` — units acknowledged; the line is *unwanted* when Amazon cancelled it or
  when every unit was rejected (``rejected > 0`` and nothing accepted or backordered);
* ``shipped`` (S) — units on shipments whose ASN Amazon accepted; ``shipped_receipt_due``
  the part of it whose estimated delivery + the receipt window (``receipt_alert_days``,
  5) has passed; ``shipped_invoice_due`` the part whose ASN was applied (accepted
  submission, else the departure) more than the invoice grace (2 days) before ``as_of``;
* ``unconfirmed`` (U) — units on shipments that departed (``departure <= as_of``) whose
  ASN is not accepted (planned, submitted, failed, in review): goods on the road Amazon
  has no ASN for;
* ``received`` (R) — what Amazon's warehouse reports received (``goods_receipt``);
  damaged units are not received;
* ``invoiced`` (I) and its amount (A) — invoice lines billing the PO line, over invoices
  not rejected by Amazon (status other than ``failed``); ``invoices`` how many distinct
  invoices bill it; their highest and lowest unit cost;
* ``unremitted`` — invoiced units on invoices no remittance line mentions yet;
  ``unpaid_past_due`` and its amount — the same, restricted to invoices whose
  ``payment_due`` is before the day of ``as_of``;
* paid and deducted — sums of the remittance lines of the PO line (``line_paid``; the
  shortage, damage, price and other deductions).

"Value cost" is the PO net cost, or the highest invoiced cost when the PO states none.
"Billed cost" is the line's average invoiced unit cost, A ÷ I. Money is rounded half up
to the cent once per line and category. A line falls in every category whose rule it
meets; each category's units and money are those of the rule:

``cancelled_but_shipped``  unwanted and S + U > 0. Units S + U, money at value cost.
``missing_asn``            max(U, I − S) > 0, where I − S only counts while a single
                           invoice bills the line (two or more make it a duplicate).
                           Units that many, money at value cost.
``missing_receipt``        nothing received (R = 0), some shipped units due for receipt
                           (``shipped_receipt_due`` > 0) and no invoice of the line
                           remitted yet. Units ``shipped_receipt_due``, money at value cost.
``shortage``               receiving is due — every accepted shipped unit is past its
                           receipt window, or Amazon already remitted an invoice of the line —
                           and min(I, S) > R, unless the line is a missing receipt. Units
                           min(I, S) − R, money at billed cost (what Amazon deducts). Units
                           billed beyond the accepted ASN are a missing ASN or a duplicate
                           invoice, not counted again as short.
``overage``                R > max(I, S): received beyond what was shipped and billed.
                           Units R − max(I, S), money at value cost (owed to us).
``price_variance``         the PO has a net cost and an invoice line bills another unit
                           cost. Units I, money A − I × PO cost (negative when we billed
                           below the PO: money left on the table).
``missing_invoice``        a wanted line with ``shipped_invoice_due`` > I. Units the
                           difference, money at value cost (a cancelled item is not
                           invoiced: it is ``cancelled_but_shipped``).
``unpaid_past_due``        ``unpaid_past_due`` > 0. Units that, money its invoiced amount.
``duplicate_invoice``      two or more invoices bill the line and I > S. Units I − S,
                           money at billed cost.
``matched``                none of the above, and the loop closed: S > 0 and
                           R = I = S with every invoice of the line remitted (units S,
                           money A), or nothing moved on an unwanted line (0 and 0).
                           Units accepted but never shipped do not keep a line open:
                           fill rate is not a money question.
``open``                   none of the above: still in flight (not yet shipped, received,
                           invoiced or paid, and not yet late). Units max(accepted, S, I),
                           money at value cost: the value still on its way (an
                           unacknowledged line is open with nothing promised: 0 and 0).

Deductions are facts, not categories: a line Amazon paid short although receipt, invoice
and PO agree is matched on quantities and carries its deduction in ``deducted``; the
claims (``acorn.domain.claims``) are where it is disputed. The run's totals add every
line's invoiced, paid and deducted (shortage, damage, price, other) amounts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acorn.domain import _checks
from acorn.domain.errors import InvalidRecord
from acorn.domain.money import round_cents

__all__ = [
    "EXCEPTIONS",
    "Category",
    "CategoryTotal",
    "Cutoffs",
    "Finding",
    "LineFacts",
    "classify",
    "cutoffs",
    "money_text",
    "parse_month",
    "totals_document",
]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ZERO = Decimal("0")


class Category(StrEnum):
    MATCHED = "matched"
    SHORTAGE = "shortage"
    OVERAGE = "overage"
    PRICE_VARIANCE = "price_variance"
    MISSING_ASN = "missing_asn"
    MISSING_RECEIPT = "missing_receipt"
    MISSING_INVOICE = "missing_invoice"
    UNPAID_PAST_DUE = "unpaid_past_due"
    DUPLICATE_INVOICE = "duplicate_invoice"
    CANCELLED_BUT_SHIPPED = "cancelled_but_shipped"
    OPEN = "open"


#: the categories that mean something is wrong (a line in none of them is matched or open)
EXCEPTIONS: tuple[Category, ...] = tuple(c for c in Category if c not in (Category.MATCHED, Category.OPEN))


def parse_month(month: str) -> tuple[datetime, datetime]:
    """``"2026-11"`` → (2026-11-01 00:00 UTC, 2026-12-01 00:00 UTC): the month's half-open bounds."""
    found = _MONTH.match(month) if isinstance(month, str) else None
    if found is None:
        raise InvalidRecord(f"expected YYYY-MM (e.g. 2026-11), got {month!r}", record="reconciliation",
                            field="month")
    year, number = int(found[1]), int(found[2])
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


@dataclass(frozen=True)
class Cutoffs:
    """The instants the rules compare against, all derived from business time ``as_of``."""

    as_of: datetime
    receipt_cutoff: datetime  # a shipment estimated to arrive on or before this is due for receipt
    invoice_cutoff: datetime  # an ASN applied on or before this is due to be invoiced
    today: date  # an invoice due before this day is past due


def cutoffs(as_of: datetime, *, receipt_window_days: int, invoice_grace_days: int) -> Cutoffs:
    as_of = _checks.utc(as_of, record="reconciliation", field="as_of")
    _checks.count(receipt_window_days, record="reconciliation", field="receipt_window_days")
    _checks.count(invoice_grace_days, record="reconciliation", field="invoice_grace_days")
    return Cutoffs(as_of=as_of, receipt_cutoff=as_of - timedelta(days=receipt_window_days),
                   invoice_cutoff=as_of - timedelta(days=invoice_grace_days), today=as_of.date())


@dataclass(frozen=True)
class LineFacts:
    """What the sources say about one PO line (see the module docstring for each field)."""

    accepted: int = 0
    backordered: int = 0
    rejected: int = 0
    cancelled: bool = False
    po_cost: Decimal | None = None
    shipped: int = 0
    shipped_receipt_due: int = 0
    shipped_invoice_due: int = 0
    unconfirmed: int = 0
    received: int = 0
    invoiced: int = 0
    invoiced_amount: Decimal = _ZERO
    invoices: int = 0
    max_invoiced_cost: Decimal | None = None
    min_invoiced_cost: Decimal | None = None
    unremitted: int = 0
    unpaid_past_due: int = 0
    unpaid_past_due_amount: Decimal = _ZERO

    @property
    def wanted(self) -> bool:
        rejected_all = self.rejected > 0 and self.accepted + self.backordered == 0
        return not (self.cancelled or rejected_all)

    @property
    def value_cost(self) -> Decimal:
        return next((c for c in (self.po_cost, self.max_invoiced_cost) if c is not None), _ZERO)

    @property
    def remitted(self) -> bool:
        """Amazon remitted at least one invoice billing this line."""
        return self.invoiced - self.unremitted > 0

    def at_value(self, units: int) -> Decimal:
        return _cents(units * self.value_cost)

    def at_billed(self, units: int) -> Decimal:
        return _cents(units * self.invoiced_amount / self.invoiced) if self.invoiced else _ZERO


@dataclass(frozen=True)
class Finding:
    units: int
    amount: Decimal


def classify(f: LineFacts) -> dict[Category, Finding]:
    """The categories one line falls in, with their units and money: the rules, executable.

    The engine (``acorn.services.reconcile``) applies the same rules in SQL to every line
    at once; this is their reference, and tests hold the two together.
    """
    found: dict[Category, Finding] = {}
    s, u, r, i = f.shipped, f.unconfirmed, f.received, f.invoiced
    if not f.wanted and s + u > 0:
        found[Category.CANCELLED_BUT_SHIPPED] = Finding(s + u, f.at_value(s + u))
    if (units := max(u, i - s if f.invoices <= 1 else 0)) > 0:
        found[Category.MISSING_ASN] = Finding(units, f.at_value(units))
    missing_receipt = r == 0 and f.shipped_receipt_due > 0 and not f.remitted
    if missing_receipt:
        found[Category.MISSING_RECEIPT] = Finding(f.shipped_receipt_due, f.at_value(f.shipped_receipt_due))
    receipt_due = (s > 0 and f.shipped_receipt_due == s) or f.remitted
    if receipt_due and (units := min(i, s) - r) > 0 and not missing_receipt:
        found[Category.SHORTAGE] = Finding(units, f.at_billed(units))
    if (units := r - max(i, s)) > 0:
        found[Category.OVERAGE] = Finding(units, f.at_value(units))
    if i > 0 and f.po_cost is not None and not f.max_invoiced_cost == f.min_invoiced_cost == f.po_cost:
        found[Category.PRICE_VARIANCE] = Finding(i, _cents(f.invoiced_amount - i * f.po_cost))
    if f.wanted and (units := f.shipped_invoice_due - i) > 0:
        found[Category.MISSING_INVOICE] = Finding(units, f.at_value(units))
    if f.unpaid_past_due > 0:
        found[Category.UNPAID_PAST_DUE] = Finding(f.unpaid_past_due, _cents(f.unpaid_past_due_amount))
    if f.invoices > 1 and i > s:
        found[Category.DUPLICATE_INVOICE] = Finding(i - s, f.at_billed(i - s))
    if found:
        return found
    if s > 0 and r == i == s and f.unremitted == 0:
        return {Category.MATCHED: Finding(s, _cents(f.invoiced_amount))}
    if s == u == r == i == 0 and not f.wanted:
        return {Category.MATCHED: Finding(0, _ZERO)}
    units = max(f.accepted, s, i)
    return {Category.OPEN: Finding(units, f.at_value(units))}


@dataclass(frozen=True)
class CategoryTotal:
    """One category over a run: how many PO lines, and the units and money its rule put on them."""

    lines: int = 0
    units: int = 0
    amount: Decimal = _ZERO

    def as_json(self) -> dict[str, int | str]:
        return {"lines": self.lines, "units": self.units, "amount": money_text(self.amount)}


def money_text(amount: Decimal) -> str:
    """Money as the totals store it: a string with two decimals (JSON has no Decimal)."""
    return f"{_cents(amount):.2f}"


def totals_document(*, currency: str, lines: int, categories: Mapping[Category, CategoryTotal],
                    invoiced: Decimal, paid: Decimal, deducted: Mapping[str, Decimal]) -> dict[str, Any]:
    """The run's totals as stored in ``reconciliation_run.totals``; every category appears, zeros included.

    ``{"currency", "lines", "categories": {category: {"lines", "units", "amount"}}, "invoiced",
    "paid", "deducted": {"shortage", "damage", "price", "other"}}``, money as ``"123.45"``.
    """
    _checks.currency(currency, record="reconciliation")
    return {
        "currency": currency,
        "lines": lines,
        "categories": {c.value: categories.get(c, CategoryTotal()).as_json() for c in Category},
        "invoiced": money_text(invoiced),
        "paid": money_text(paid),
        "deducted": {kind: money_text(amount) for kind, amount in deducted.items()},
    }


def _cents(amount: Decimal) -> Decimal:
    return round_cents(amount)
