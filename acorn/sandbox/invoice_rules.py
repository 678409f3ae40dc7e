"""submitInvoices: what Amazon refuses outright, and what an accepted invoice changes.

Amazon refuses only what it cannot process: an invoice number used before
(``DuplicateInvoiceNumber``); a line naming an unknown PO or line (``UnknownPurchaseOrder``,
``UnknownItem``); a currency other than the PO's (``CurrencyMismatch``, also for
``invoiceTotal``); an invoice dated before one of its POs (``InvoiceDateBeforeOrder``); an
``invoiceTotal`` that is not the lines (quantity x net cost) plus charges, minus allowances,
plus taxes, to the cent (``InvoiceTotalMismatch``). For each of charges, allowances and taxes
the invoice-level figure is used when given, else the sum of the line-level ones.

A quantity or cost that differs from the PO or the receipt is *not* a refusal: Amazon accepts
the invoice and pays it short later, with shortage and price claims on the remittance
(``acorn.sandbox.settlement``). So each accepted line keeps the PO's cost next to the invoiced
one. Credit notes are checked for duplicates only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.matching import eaches, find_line, item_reference
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import OrderLine, PurchaseOrder
from acorn.sandbox.records import InvoiceLine, InvoiceRecord, Registry
from acorn.sandbox.timefmt import parse_iso

DEFAULT_NET_DAYS = 60
TOLERANCE = Decimal("0.01")


@dataclass
class InvoicePlan:
    records: list[InvoiceRecord] = field(default_factory=list)


def _amount(money: dict[str, Any] | None) -> Decimal:
    return Decimal(str((money or {}).get("amount") or "0"))


def _sum(entries: list[dict[str, Any]] | None, key: str) -> Decimal:
    return sum((_amount(e.get(key)) for e in entries or []), Decimal("0"))


def _adjustments(invoice: dict[str, Any], list_name: str, money_key: str) -> Decimal:
    if invoice.get(list_name):
        return _sum(invoice[list_name], money_key)
    return sum((_sum(item.get(list_name), money_key) for item in invoice.get("items") or []), Decimal("0"))


def _add_line(record: InvoiceRecord, entry: InvoiceLine) -> None:
    """Two items billing one PO line at one cost are one line to Amazon (one remittance row per PO line)."""
    for known in record.lines:
        if known.line is entry.line and known.net_cost == entry.net_cost:
            known.quantity += entry.quantity
            return
    record.lines.append(entry)


def check_invoices(body: dict[str, Any], *, book: OrderBook, registry: Registry,
                   now: datetime) -> tuple[list[RuleViolation], InvoicePlan]:
    """Every rule the body's invoices break, and the invoices to record when none is."""
    found: list[RuleViolation] = []
    plan = InvoicePlan()
    seen: set[str] = set()
    for i, invoice in enumerate(body.get("invoices") or []):
        base = f"invoices[{i}]"
        invoice_id = invoice["id"]
        if invoice_id in registry.invoices or invoice_id in seen:
            found.append(RuleViolation("DuplicateInvoiceNumber", f"{base}.id",
                                       f"invoice number {invoice_id} was already used"))
            continue  # a re-post of an applied invoice: the duplicate is the whole story
        seen.add(invoice_id)
        record = _invoice_record(invoice, now)
        plan.records.append(record)
        if record.invoice_type == "Invoice":  # credit notes are checked for duplicates only
            found.extend(_invoice_rules(invoice, base, record, book=book, now=now))
    return found, plan


def _invoice_record(invoice: dict[str, Any], now: datetime) -> InvoiceRecord:
    """The invoice as Amazon would keep it, before its lines are added."""
    total_money = invoice["invoiceTotal"]
    terms = invoice.get("paymentTerms") or {}
    return InvoiceRecord(invoice_id=invoice["id"], invoice_type=invoice["invoiceType"],
                         date=parse_iso(invoice["date"]), total=_amount(total_money),
                         currency=total_money.get("currencyCode"),
                         net_days=int(terms.get("netDueDays") or DEFAULT_NET_DAYS), accepted_at=now)


def _invoice_rules(invoice: dict[str, Any], base: str, record: InvoiceRecord, *, book: OrderBook,
                   now: datetime) -> list[RuleViolation]:
    """Each item bills a known PO line in the PO's currency; the total adds up once every line is known."""
    found: list[RuleViolation] = []
    flagged: set[str] = set()  # invoice-level findings already reported, once per invoice (or per PO)
    lines_total, resolved = Decimal("0"), True
    for j, item in enumerate(invoice.get("items") or []):
        where = f"{base}.items[{j}]"
        billed = _line_billed(item, where, book=book, now=now)
        if isinstance(billed, RuleViolation):
            found.append(billed)
            resolved = False
            continue
        po, line = billed
        found.extend(_against_order(invoice, base, record, po, flagged))
        cost = _amount(item["netCost"])
        found.extend(_item_currency_rules(item, where, po))
        units = eaches(item["invoicedQuantity"], line)
        lines_total += units * cost
        _add_line(record, InvoiceLine(po, line, units, cost, line.net_cost))
    if invoice.get("items") and resolved:
        found.extend(_total_rules(invoice, base, record, lines_total))
    return found


def _line_billed(item: dict[str, Any], where: str, *, book: OrderBook,
                 now: datetime) -> tuple[PurchaseOrder, OrderLine] | RuleViolation:
    """The PO line an invoice item bills, or why Amazon cannot find it."""
    number = item["purchaseOrderNumber"]
    po = book.get(number, now)
    if po is None:
        return RuleViolation("UnknownPurchaseOrder", f"{where}.purchaseOrderNumber",
                             f"purchase order {number} does not exist")
    line = find_line(po, asin=item.get("amazonProductIdentifier"),
                     vendor_id=item.get("vendorProductIdentifier"), sequence=item["itemSequenceNumber"])
    if line is None:
        return RuleViolation("UnknownItem", where, f"{item_reference(item)} is not a line of purchase order {number}")
    return po, line


def _against_order(invoice: dict[str, Any], base: str, record: InvoiceRecord, po: PurchaseOrder,
                   flagged: set[str]) -> list[RuleViolation]:
    """The invoice is dated after the PO was placed, and totals in its currency (each reported once)."""
    found = []
    if record.date < po.created and f"date:{po.number}" not in flagged:
        flagged.add(f"date:{po.number}")
        found.append(RuleViolation("InvoiceDateBeforeOrder", f"{base}.date",
                                   f"{invoice['date']} is before purchase order {po.number} was placed"))
    if po.currency and record.currency and record.currency != po.currency and "total" not in flagged:
        flagged.add("total")
        found.append(RuleViolation("CurrencyMismatch", f"{base}.invoiceTotal.currencyCode",
                                   f"{record.currency} differs from purchase order {po.number}'s {po.currency}"))
    return found


def _item_currency_rules(item: dict[str, Any], where: str, po: PurchaseOrder) -> list[RuleViolation]:
    currency = item["netCost"].get("currencyCode")
    if po.currency and currency and currency != po.currency:
        return [RuleViolation("CurrencyMismatch", f"{where}.netCost.currencyCode",
                              f"{currency} differs from purchase order {po.number}'s {po.currency}")]
    return []


def _total_rules(invoice: dict[str, Any], base: str, record: InvoiceRecord,
                 lines_total: Decimal) -> list[RuleViolation]:
    """``invoiceTotal`` is the lines plus charges, minus allowances, plus taxes, within a cent.

    Amazon compares the unrounded sum with what the vendor sent and allows a cent either way;
    it does not redo Acorn's rounding (each line half up, then summed: ``acorn.domain.money``),
    so a vendor who rounds another way is not refused. Hence a tolerance here, not ``round_money``.
    """
    expected = (lines_total + _adjustments(invoice, "chargeDetails", "chargeAmount")
                - _adjustments(invoice, "allowanceDetails", "allowanceAmount")
                + _adjustments(invoice, "taxDetails", "taxAmount"))
    if abs(expected - record.total) <= TOLERANCE:
        return []
    return [RuleViolation("InvoiceTotalMismatch", f"{base}.invoiceTotal.amount",
                          f"{record.total} does not equal lines + charges - allowances + taxes "
                          f"= {expected.quantize(TOLERANCE)}")]


def apply_invoices(plan: InvoicePlan, *, book: OrderBook, registry: Registry) -> None:
    for record in plan.records:
        registry.invoices[record.invoice_id] = record
        for entry in record.lines:
            entry.line.invoiced += entry.quantity
            book.touch(entry.po)
