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
        total_money = invoice["invoiceTotal"]
        terms = invoice.get("paymentTerms") or {}
        record = InvoiceRecord(invoice_id=invoice_id, invoice_type=invoice["invoiceType"],
                               date=parse_iso(invoice["date"]), total=_amount(total_money),
                               currency=total_money.get("currencyCode"),
                               net_days=int(terms.get("netDueDays") or DEFAULT_NET_DAYS), accepted_at=now)
        plan.records.append(record)
        if record.invoice_type != "Invoice":
            continue
        flagged: set[str] = set()
        lines_total, resolved = Decimal("0"), True
        for j, item in enumerate(invoice.get("items") or []):
            where = f"{base}.items[{j}]"
            number = item["purchaseOrderNumber"]
            po = book.get(number, now)
            if po is None:
                found.append(RuleViolation("UnknownPurchaseOrder", f"{where}.purchaseOrderNumber",
                                           f"purchase order {number} does not exist"))
                resolved = False
                continue
            line = find_line(po, asin=item.get("amazonProductIdentifier"),
                             vendor_id=item.get("vendorProductIdentifier"), sequence=item["itemSequenceNumber"])
            if line is None:
                found.append(RuleViolation("UnknownItem", where,
                                           f"{item_reference(item)} is not a line of purchase order {number}"))
                resolved = False
                continue
            if record.date < po.created and f"date:{number}" not in flagged:
                flagged.add(f"date:{number}")
                found.append(RuleViolation("InvoiceDateBeforeOrder", f"{base}.date",
                                           f"{invoice['date']} is before purchase order {number} was placed"))
            if po.currency and record.currency and record.currency != po.currency and "total" not in flagged:
                flagged.add("total")
                found.append(RuleViolation("CurrencyMismatch", f"{base}.invoiceTotal.currencyCode",
                                           f"{record.currency} differs from purchase order {number}'s "
                                           f"{po.currency}"))
            cost = _amount(item["netCost"])
            currency = item["netCost"].get("currencyCode")
            if po.currency and currency and currency != po.currency:
                found.append(RuleViolation("CurrencyMismatch", f"{where}.netCost.currencyCode",
                                           f"{currency} differs from purchase order {number}'s {po.currency}"))
            units = eaches(item["invoicedQuantity"], line)
            lines_total += units * cost
            _add_line(record, InvoiceLine(po, line, units, cost, line.net_cost))
        if invoice.get("items") and resolved:
            expected = (lines_total + _adjustments(invoice, "chargeDetails", "chargeAmount")
                        - _adjustments(invoice, "allowanceDetails", "allowanceAmount")
                        + _adjustments(invoice, "taxDetails", "taxAmount"))
            if abs(expected - record.total) > TOLERANCE:
                found.append(RuleViolation("InvoiceTotalMismatch", f"{base}.invoiceTotal.amount",
                                           f"{record.total} does not equal lines + charges - allowances + taxes "
                                           f"= {expected.quantize(TOLERANCE)}"))
    return found, plan


def apply_invoices(plan: InvoicePlan, *, book: OrderBook, registry: Registry) -> None:
    for record in plan.records:
        registry.invoices[record.invoice_id] = record
        for entry in record.lines:
            entry.line.invoiced += entry.quantity
            book.touch(entry.po)
