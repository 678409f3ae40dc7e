"""The invoice as a printable HTML document, from the very payload sent to Amazon.

Input is one SP-API ``Invoice`` (an element of ``submitInvoices``' ``invoices`` array):
rendering what was submitted, not a parallel copy, is what makes the archived document
(kept five years) prove what was billed. Line amounts are ``invoicedQuantity`` in eaches
(cases x ``unitSize``) x ``netCost``; charges add, allowances subtract, taxes add. The
total printed is the payload's ``invoiceTotal``; if the lines do not add up to it the
document says so beside the total instead of hiding it. Prices by weight
(``netCostUnitOfMeasure``) are shown per unit as sent and not recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from acorn.documents._env import decimal, render
from acorn.documents._parties import party_view
from acorn.documents.errors import DocumentError

_TERMS = {
    "Basic": "",
    "EndOfMonth": "end of month, ",
    "FixedDate": "fixed date, ",
    "Proximo": "proximo, ",
    "PaymentDueUponReceiptOfInvoice": "due upon receipt, ",
    "LetterofCredit": "letter of credit, ",
}


def render_invoice_html(invoice: Mapping[str, Any]) -> str:
    """A standalone HTML page for one SP-API ``Invoice`` payload (a credit note too)."""
    number = str(invoice.get("id") or "").strip()
    if not number:
        raise DocumentError("an invoice needs its number", field="id")
    total = invoice.get("invoiceTotal") or {}
    currency = total.get("currencyCode") or ""
    total_amount = decimal(total.get("amount"))
    if total_amount is None:
        raise DocumentError("invoiceTotal.amount is missing or not a number", record=number, field="invoiceTotal")

    lines = [_line(item, number) for item in invoice.get("items") or []]
    subtotal = sum((line["amount"] for line in lines), Decimal(0))
    charges = [_adjustment(c, "chargeAmount") for c in invoice.get("chargeDetails") or []]
    allowances = [_adjustment(a, "allowanceAmount") for a in invoice.get("allowanceDetails") or []]
    taxes = [_tax(t) for t in invoice.get("taxDetails") or []]
    computed = (
        subtotal
        + sum((c["amount"] for c in charges), Decimal(0))
        - sum((a["amount"] for a in allowances), Decimal(0))
        + sum((t["amount"] for t in taxes), Decimal(0))
    )
    return render(
        "invoice.html",
        number=number,
        kind="Credit note" if invoice.get("invoiceType") == "CreditNote" else "Invoice",
        date=invoice.get("date") or "",
        reference=invoice.get("referenceNumber") or "",
        remit_to=party_view(invoice.get("remitToParty")),
        bill_to=party_view(invoice.get("billToParty")),
        ship_from=party_view(invoice.get("shipFromParty")),
        ship_to=party_view(invoice.get("shipToParty")),
        terms=_terms(invoice.get("paymentTerms")),
        currency=currency,
        lines=lines,
        purchase_orders=sorted({line["po_number"] for line in lines if line["po_number"]}),
        subtotal=subtotal,
        charges=charges,
        allowances=allowances,
        taxes=taxes,
        total=total_amount,
        # only flag a real difference: lines-only invoices (Amazon's examples) have none
        computed_total=computed if lines and computed != total_amount else None,
    )


def _line(item: Mapping[str, Any], number: str) -> dict[str, Any]:
    quantity = item.get("invoicedQuantity") or {}
    qty = quantity.get("amount")
    unit_cost = decimal((item.get("netCost") or {}).get("amount"))
    sequence = item.get("itemSequenceNumber")
    if not isinstance(qty, int) or isinstance(qty, bool) or unit_cost is None:
        raise DocumentError(
            "invoice line needs a whole invoicedQuantity and a netCost", record=f"{number}/{sequence}", field="items"
        )
    eaches = qty * int(quantity.get("unitSize") or 1) if quantity.get("unitOfMeasure") == "Cases" else qty
    return {
        "sequence": sequence,
        "po_number": item.get("purchaseOrderNumber") or "",
        "asin": item.get("amazonProductIdentifier") or "",
        "vendor_sku": item.get("vendorProductIdentifier") or "",
        "qty": qty,
        "unit_of_measure": quantity.get("unitOfMeasure") or "Eaches",
        "unit_size": quantity.get("unitSize"),
        "unit_cost": unit_cost,
        "amount": eaches * unit_cost,
    }


def _adjustment(detail: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {
        "type": detail.get("type") or "",
        "description": detail.get("description") or "",
        "amount": decimal((detail.get(key) or {}).get("amount")) or Decimal(0),
    }


def _tax(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": detail.get("taxType") or "",
        "rate": detail.get("taxRate") or "",
        "taxable": decimal((detail.get("taxableAmount") or {}).get("amount")),
        "amount": decimal((detail.get("taxAmount") or {}).get("amount")) or Decimal(0),
    }


def _terms(terms: Mapping[str, Any] | None) -> str:
    if not terms:
        return ""
    text = _TERMS.get(terms.get("type") or "Basic", "")
    if terms.get("netDueDays") is not None:
        text += f"net {_number(terms['netDueDays'])} days"
    if terms.get("discountPercent") and terms.get("discountDueDays") is not None:
        text += f", {terms['discountPercent']}% discount if paid within {_number(terms['discountDueDays'])} days"
    return text.strip(", ")


def _number(value: Any) -> str:
    """``60.0`` (the model types days as ``number``) prints as ``60``."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
