"""Payment terms: when Amazon pays an invoice, and what paying early earns.

Terms run from the invoice date (Amazon's default, ``basis="invoice"``) or from the goods
receipt (``basis="receipt"``). On receipt-based terms the clock has not started until the
goods are received, so the due date is ``None`` until then: reconciliation shows such
invoices as not yet due rather than inventing a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from acorn.domain import _checks
from acorn.domain.errors import InvalidRecord
from acorn.domain.money import round_money


class PaymentBasis(StrEnum):
    INVOICE = "invoice"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class PaymentTerms:
    """``net_days`` to pay in full; ``discount_percent`` off when paid within ``discount_days``."""

    net_days: int
    discount_percent: Decimal = Decimal(0)
    discount_days: int = 0
    basis: PaymentBasis | str = PaymentBasis.INVOICE

    def __post_init__(self) -> None:
        _checks.count(self.net_days, record="payment terms", field="net_days")
        _checks.count(self.discount_days, record="payment terms", field="discount_days")
        pct = _checks.decimal(self.discount_percent, record="payment terms", field="discount_percent")
        if pct >= 100:
            raise InvalidRecord("a discount is below 100 percent", record="payment terms", field="discount_percent")
        if self.discount_days > self.net_days:
            raise InvalidRecord(
                "discount period ends after the net due date", record="payment terms", field="discount_days"
            )
        try:
            basis = PaymentBasis(self.basis)
        except ValueError:
            raise InvalidRecord(
                f"basis is 'invoice' or 'receipt', not {self.basis!r}", record="payment terms", field="basis"
            ) from None
        object.__setattr__(self, "discount_percent", pct)
        object.__setattr__(self, "basis", basis)

    def _start(self, invoice_date: date, receipt_date: date | None) -> date | None:
        return invoice_date if self.basis is PaymentBasis.INVOICE else receipt_date

    def due_date(self, *, invoice_date: date, receipt_date: date | None = None) -> date | None:
        """When the full amount is due; ``None`` on receipt terms before the goods are received."""
        start = self._start(invoice_date, receipt_date)
        return None if start is None else start + timedelta(days=self.net_days)

    def discount_due_date(self, *, invoice_date: date, receipt_date: date | None = None) -> date | None:
        """Last day the early-payment discount applies (``None`` when there is none)."""
        start = self._start(invoice_date, receipt_date)
        if start is None or not self.discount_percent:
            return None
        return start + timedelta(days=self.discount_days)

    def discount_amount(self, total: Decimal, currency: str) -> Decimal:
        """The early-payment discount on ``total``, rounded to the currency's minor unit."""
        return round_money(total * self.discount_percent / 100, currency)
