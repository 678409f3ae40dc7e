"""Invoices that match: shipped quantity × the PO's net unit cost, tax, terms.

Amazon matches every invoice line to the PO (number, item, unit net cost, currency) and
to what was shipped, so a line bills the *shipped* quantity, never the ordered one.
Rounding is per line, half up, to the currency's minor unit (cents; whole yen): each
line amount and each line's tax are rounded, and the totals are sums of the rounded
lines, so the lines always add up to the invoice. An invoice is dated on or after the
purchase order it bills (compared with the PO's order date in UTC). Which tax, at what rate,
is ``acorn.domain.tax``'s decision; here it is only applied.

Quantities are kept in eaches (what was shipped and what reconciliation compares). A PO
line Amazon ordered in ``Cases`` is invoiced in cases of its ``unit_size`` when the shipped
eaches are whole cases, and in eaches otherwise (the model allows either; Amazon counts
``Cases`` x ``unitSize`` eaches): ``InvoiceLine.invoiced_quantity``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from acorn.domain import _checks
from acorn.domain.errors import CurrencyMismatch, DuplicateRecord, InvalidRecord, InvoiceDatedBeforeOrder
from acorn.domain.model import OrderLine, line_ref
from acorn.domain.money import round_money
from acorn.domain.payment_terms import PaymentBasis, PaymentTerms
from acorn.domain.tax import TaxRate

__all__ = [
    "INVOICE_NUMBER_MAX_LENGTH",
    "InvoiceDraft",
    "InvoiceLine",
    "PaymentBasis",
    "PaymentTerms",
    "ShippedLine",
    "build_invoice",
    "invoice_number_for",
]

INVOICE_NUMBER_MAX_LENGTH = 20
_PREFIX = re.compile(r"^[A-Z0-9]{1,8}$")
_READABLE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


@dataclass(frozen=True)
class ShippedLine:
    """Units of one PO line that left on a shipment, at the PO's net unit cost."""

    po_number: str
    item_sequence: str
    vendor_sku: str
    asin: str
    shipped_qty: int
    net_cost: Decimal
    currency: str
    order_date: datetime
    unit_of_measure: str = "Eaches"
    unit_size: int = 1

    def __post_init__(self) -> None:
        ref = line_ref(self.po_number, self.item_sequence)
        _checks.count(self.shipped_qty, record=ref, field="shipped_qty", minimum=1)
        if self.unit_of_measure not in ("Eaches", "Cases"):
            raise InvalidRecord(f"unit of measure is Eaches or Cases, not {self.unit_of_measure!r}", record=ref,
                                field="unit_of_measure")
        _checks.count(self.unit_size, record=ref, field="unit_size", minimum=1)
        cost = _checks.decimal(self.net_cost, record=ref, field="net_cost")
        if cost <= 0:
            raise InvalidRecord("Amazon refuses a zero or negative net cost", record=ref, field="net_cost")
        object.__setattr__(self, "net_cost", cost)
        _checks.currency(self.currency, record=ref)
        object.__setattr__(self, "order_date", _checks.utc(self.order_date, record=ref, field="order_date"))

    @property
    def ref(self) -> str:
        return line_ref(self.po_number, self.item_sequence)

    @classmethod
    def from_order_line(cls, line: OrderLine, *, shipped_qty: int, order_date: datetime) -> ShippedLine:
        return cls(
            line.po_number,
            line.item_sequence,
            line.vendor_sku,
            line.asin,
            shipped_qty,
            line.net_cost,
            line.currency,
            order_date,
        )


@dataclass(frozen=True)
class InvoiceLine:
    po_number: str
    item_sequence: str
    vendor_sku: str
    asin: str
    quantity: int
    unit_net_cost: Decimal
    line_amount: Decimal
    tax_amount: Decimal
    unit_of_measure: str = "Eaches"
    unit_size: int = 1

    @property
    def invoiced_quantity(self) -> tuple[int, str, int]:
        """``(amount, unit, unit size)`` as invoiced: whole cases of a ``Cases`` line, else eaches."""
        if self.unit_of_measure == "Cases" and self.quantity % self.unit_size == 0:
            return self.quantity // self.unit_size, "Cases", self.unit_size
        return self.quantity, "Eaches", 1


@dataclass(frozen=True)
class InvoiceDraft:
    """An invoice ready to be rendered and submitted; amounts already rounded."""

    invoice_number: str
    invoice_date: date
    currency: str
    tax_rate: Decimal
    lines: tuple[InvoiceLine, ...]
    payment_terms: PaymentTerms
    tax: TaxRate | None = None

    @property
    def subtotal(self) -> Decimal:
        """Net amount before tax: the sum of the rounded line amounts."""
        return sum((line.line_amount for line in self.lines), Decimal(0))

    @property
    def tax_amount(self) -> Decimal:
        return sum((line.tax_amount for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax_amount

    @property
    def tax_rate_percent(self) -> Decimal:
        return self.tax_rate * 100

    @property
    def po_numbers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.po_number for line in self.lines))

    def due_date(self, *, receipt_date: date | None = None) -> date | None:
        return self.payment_terms.due_date(invoice_date=self.invoice_date, receipt_date=receipt_date)


def build_invoice(
    *,
    invoice_number: str,
    invoice_date: date,
    shipped_lines: Iterable[ShippedLine],
    tax_rate: Decimal = Decimal(0),
    payment_terms: PaymentTerms,
    currency: str,
    tax: TaxRate | None = None,
) -> InvoiceDraft:
    """Bill ``shipped_lines`` at their PO net cost, taxed at ``tax`` (from ``acorn.domain.tax``)
    or at a bare ``tax_rate`` (a fraction: 0.19 = 19 %); not both."""
    number = _checks.text(invoice_number, record=None, field="invoice_number")
    if isinstance(invoice_date, datetime) or not isinstance(invoice_date, date):
        raise InvalidRecord("invoice_date must be a date", record=number, field="invoice_date")
    rate = _tax_fraction(tax, tax_rate, number=number)
    _checks.currency(currency, record=number)
    lines = []
    seen: set[tuple[str, str]] = set()
    for shipped in shipped_lines:
        _check_line(shipped, number=number, invoice_date=invoice_date, currency=currency, seen=seen)
        lines.append(_billed_line(shipped, rate=rate, currency=currency))
    if not lines:
        raise InvalidRecord("an invoice needs at least one shipped line", record=number, field="shipped_lines")
    return InvoiceDraft(number, invoice_date, currency, rate, tuple(lines), payment_terms, tax)


def _tax_fraction(tax: TaxRate | None, tax_rate: Decimal, *, number: str) -> Decimal:
    """The rate to tax at, as a fraction: the tax's own, or the bare rate given (never both)."""
    if tax is not None and tax_rate:
        raise InvalidRecord("give the tax or a bare tax rate, not both", record=number, field="tax_rate")
    rate = _checks.decimal(tax.rate if tax is not None else tax_rate, record=number, field="tax_rate")
    if rate >= 1:
        raise InvalidRecord(f"tax rate {rate} is a fraction: 0.19 means 19 %", record=number, field="tax_rate")
    return rate


def _billed_line(shipped: ShippedLine, *, rate: Decimal, currency: str) -> InvoiceLine:
    """The shipped units at the PO's net cost; the amount and its tax each rounded (``acorn.domain.money``)."""
    amount = round_money(shipped.net_cost * shipped.shipped_qty, currency)
    return InvoiceLine(
        po_number=shipped.po_number,
        item_sequence=shipped.item_sequence,
        vendor_sku=shipped.vendor_sku,
        asin=shipped.asin,
        quantity=shipped.shipped_qty,
        unit_net_cost=shipped.net_cost,
        line_amount=amount,
        tax_amount=round_money(amount * rate, currency),
        unit_of_measure=shipped.unit_of_measure,
        unit_size=shipped.unit_size,
    )


def _check_line(
    shipped: ShippedLine, *, number: str, invoice_date: date, currency: str, seen: set[tuple[str, str]]
) -> None:
    key = (shipped.po_number, shipped.item_sequence)
    if key in seen:
        raise DuplicateRecord(
            f"PO line {shipped.ref} billed twice on one invoice", record=number, field="shipped_lines"
        )
    seen.add(key)
    if shipped.currency != currency:
        raise CurrencyMismatch(
            f"line is in {shipped.currency}, the invoice in {currency}",
            record=f"{number} {shipped.ref}",
            field="currency",
        )
    if invoice_date < shipped.order_date.date():
        raise InvoiceDatedBeforeOrder(
            f"invoice dated {invoice_date} bills PO {shipped.po_number} ordered {shipped.order_date.date()}",
            record=number,
            field="invoice_date",
        )


def invoice_number_for(*, prefix: str, shipment_id: str) -> str:
    """The invoice number of the shipment ``shipment_id``: deterministic, ≤ 20 characters.

    ``PREFIX-SHIPMENTID`` when the id is upper-case letters, digits and hyphens and fits;
    otherwise ``PREFIX.`` + a base32 SHA-256 digest of the id, cut to fit. The two forms
    never meet (the prefix has no ``-``; only the digest form has ``.``), so distinct
    shipments get distinct numbers and a rerun gets the same one.
    """
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        raise InvalidRecord("prefix is 1-8 upper-case letters or digits", record=str(prefix), field="prefix")
    shipment = _checks.text(shipment_id, record=prefix, field="shipment_id")
    readable = f"{prefix}-{shipment}"
    if _READABLE_ID.match(shipment) and len(readable) <= INVOICE_NUMBER_MAX_LENGTH:
        return readable
    digest = base64.b32encode(hashlib.sha256(shipment.encode("utf-8")).digest()).decode("ascii")
    return f"{prefix}.{digest[: INVOICE_NUMBER_MAX_LENGTH - len(prefix) - 1]}"
