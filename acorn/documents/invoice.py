"""The invoice as a printable HTML document, from the very payload sent to Amazon.

Input is one SP-API ``Invoice`` (an element of ``submitInvoices``' ``invoices`` array):
rendering what was submitted, not a parallel copy, is what makes the archived document
(kept five years) prove what was billed. Line amounts are ``invoicedQuantity`` in eaches
(cases x ``unitSize``) x ``netCost``; charges add, allowances subtract, taxes add. The
total printed is the payload's ``invoiceTotal``; if the lines do not add up to it the
document says so beside the total instead of hiding it. Prices by weight
(``netCostUnitOfMeasure``) are shown per unit as sent and not recomputed.

``invoice_view`` turns the payload into what is printed; the HTML (here) and the PDF
(``acorn.documents.invoice_pdf``) both render that one view. Two things the payload cannot
carry are passed beside it: ``lines`` (per ``"PO/itemSequenceNumber"``: the ERP's
``vendor_sku`` and the ``ean``; without them the PO's ``vendorProductIdentifier`` is shown as
the vendor SKU) and ``payment_basis`` (``"receipt"`` terms run from the goods receipt, so
the due date is printed as a rule, not a day). Taxes are the invoice-level ``taxDetails``,
else the items' summed by type and rate; Canada's ``GST`` is printed "GST/HST" (the model
has no HST type).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from acorn.documents._env import decimal, render
from acorn.documents._parties import party_view
from acorn.documents.errors import DocumentError
from acorn.domain.payment_terms import PaymentTerms

_TERMS = {
    "Basic": "",
    "EndOfMonth": "end of month, ",
    "FixedDate": "fixed date, ",
    "Proximo": "proximo, ",
    "PaymentDueUponReceiptOfInvoice": "due upon receipt, ",
    "LetterofCredit": "letter of credit, ",
}


#: printed for a field the payload leaves out, so no cell is silently blank
MISSING = "-"


def render_invoice_html(invoice: Mapping[str, Any], *, lines: Mapping[str, Mapping[str, str]] | None = None,
                        payment_basis: str = "invoice") -> str:
    """A standalone HTML page for one SP-API ``Invoice`` payload (a credit note too)."""
    return render("invoice.html", **invoice_view(invoice, lines=lines, payment_basis=payment_basis))


def invoice_view(invoice: Mapping[str, Any], *, lines: Mapping[str, Mapping[str, str]] | None = None,
                 payment_basis: str = "invoice") -> dict[str, Any]:
    """What the printed invoice shows, from one SP-API ``Invoice`` payload (see the module doc)."""
    number = str(invoice.get("id") or "").strip()
    if not number:
        raise DocumentError("an invoice needs its number", field="id")
    total = invoice.get("invoiceTotal") or {}
    total_amount = decimal(total.get("amount"))
    if total_amount is None:
        raise DocumentError("invoiceTotal.amount is missing or not a number", record=number, field="invoiceTotal")
    line_views = [_line(item, number, lines or {}) for item in invoice.get("items") or []]
    amounts = _amounts(invoice, line_views)
    computed = _added_up(amounts)
    terms = invoice.get("paymentTerms")
    return dict(
        number=number,
        kind="Credit note" if invoice.get("invoiceType") == "CreditNote" else "Invoice",
        date=invoice.get("date") or "",
        reference=invoice.get("referenceNumber") or "",
        remit_to=party_view(invoice.get("remitToParty")),
        bill_to=party_view(invoice.get("billToParty")),
        ship_from=party_view(invoice.get("shipFromParty")),
        ship_to=party_view(invoice.get("shipToParty")),
        terms=_terms(terms),
        due=_due(invoice.get("date"), terms, payment_basis, number),
        currency=total.get("currencyCode") or "",
        lines=line_views,
        purchase_orders=sorted({line["po_number"] for line in line_views if line["po_number"] != MISSING}),
        **amounts,
        total=total_amount,
        # only flag a real difference: lines-only invoices (Amazon's examples) have none
        computed_total=computed if line_views and computed != total_amount else None,
    )


def _amounts(invoice: Mapping[str, Any], line_views: list[dict[str, Any]]) -> dict[str, Any]:
    """The subtotal of the lines, and the charges, allowances and taxes printed under them."""
    canada = ((invoice.get("shipToParty") or {}).get("address") or {}).get("countryCode") == "CA"
    return dict(
        subtotal=sum((line["amount"] for line in line_views), Decimal(0)),
        charges=[_adjustment(c, "chargeAmount") for c in invoice.get("chargeDetails") or []],
        allowances=[_adjustment(a, "allowanceAmount") for a in invoice.get("allowanceDetails") or []],
        taxes=[_tax(t, canada) for t in invoice.get("taxDetails") or _item_taxes(invoice.get("items") or [])],
    )


def _added_up(amounts: Mapping[str, Any]) -> Decimal:
    """Lines + charges - allowances + taxes: what the invoice total should be."""
    subtotal: Decimal = amounts["subtotal"]
    return (
        subtotal
        + sum((c["amount"] for c in amounts["charges"]), Decimal(0))
        - sum((a["amount"] for a in amounts["allowances"]), Decimal(0))
        + sum((t["amount"] for t in amounts["taxes"]), Decimal(0))
    )


def _line(item: Mapping[str, Any], number: str, extra: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    quantity = item.get("invoicedQuantity") or {}
    qty = quantity.get("amount")
    unit_cost = decimal((item.get("netCost") or {}).get("amount"))
    sequence = item.get("itemSequenceNumber")
    if not isinstance(qty, int) or isinstance(qty, bool) or unit_cost is None:
        raise DocumentError(
            "invoice line needs a whole invoicedQuantity and a netCost", record=f"{number}/{sequence}", field="items"
        )
    eaches = qty * int(quantity.get("unitSize") or 1) if quantity.get("unitOfMeasure") == "Cases" else qty
    po_number = item.get("purchaseOrderNumber") or ""
    known = extra.get(f"{po_number}/{sequence}") or {}
    vendor_id = str(item.get("vendorProductIdentifier") or "")
    gtin = vendor_id if vendor_id.isdigit() and 8 <= len(vendor_id) <= 14 else ""
    return {
        "sequence": sequence,
        "po_number": po_number or MISSING,
        "asin": item.get("amazonProductIdentifier") or MISSING,
        "vendor_sku": known.get("vendor_sku") or vendor_id or MISSING,
        "ean": known.get("ean") or gtin or MISSING,
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


def _item_taxes(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items' taxDetails summed per (type, rate), when the invoice gives no total of its own."""
    summed: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        for detail in item.get("taxDetails") or []:
            key = (detail.get("taxType") or "", detail.get("taxRate") or "")
            entry = summed.setdefault(key, {"taxType": key[0], "taxRate": key[1], "taxAmount": {"amount": 0},
                                            "taxableAmount": {"amount": 0}})
            for field in ("taxAmount", "taxableAmount"):
                entry[field]["amount"] += decimal((detail.get(field) or {}).get("amount")) or Decimal(0)
    return list(summed.values())


def _tax(detail: Mapping[str, Any], canada: bool = False) -> dict[str, Any]:
    kind = detail.get("taxType") or ""
    return {
        "type": "GST/HST" if canada and kind == "GST" else kind,
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


def _due(invoice_date: Any, terms: Mapping[str, Any] | None, basis: str, number: str) -> str:
    """The due date as printed: a day, or the rule when the day is not known yet."""
    kind = (terms or {}).get("type") or "Basic"
    if not terms or (kind == "Basic" and terms.get("netDueDays") is None):
        return "not stated (the invoice carries no payment terms)"
    try:
        issued = date.fromisoformat(str(invoice_date)[:10])
    except ValueError:
        raise DocumentError(f"date {invoice_date!r} is not an ISO date", record=number, field="date") from None
    if kind == "PaymentDueUponReceiptOfInvoice":
        return issued.isoformat()
    if kind != "Basic":
        return _terms(terms)  # end of month, proximo, ...: the rule is the date
    days = int(terms["netDueDays"])
    if basis == "receipt":
        return f"{days} days after Amazon receives the goods"
    due = PaymentTerms(net_days=days).due_date(invoice_date=issued)
    return due.isoformat() if due else MISSING


def _number(value: Any) -> str:
    """``60.0`` (the model types days as ``number``) prints as ``60``."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
