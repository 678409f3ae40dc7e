"""Invoices: one per accepted shipment, billing shipped units at the PO's net cost.

The invoice number is derived from the shipment, stored (unique per vendor) and queued
in the outbox in one transaction, so it can never be issued twice; cancelled or unshipped
lines never reach an invoice because only shipment lines are billed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from decimal import Decimal
from typing import Any

from acorn import contract
from acorn.config import VendorAccountSettings
from acorn.domain.invoice import InvoiceDraft, PaymentTerms, ShippedLine, build_invoice, invoice_number_for
from acorn.gates import gate_each, gate_invoice
from acorn.services import outbox
from acorn.services.outbox import crash_point
from acorn.services.archive import archive_invoice
from acorn.store import UnitOfWork
from schemas.tables import Invoice, InvoiceLine, Shipment

log = logging.getLogger("acorn.invoices")

TAX_TYPE = {"CA": "GST", "UK": "VAT", "DE": "VAT", "FR": "TVA", "IT": "VAT", "ES": "VAT", "NL": "VAT", "SE": "VAT",
            "PL": "VAT", "AU": "GST", "JP": "Consumption", "MX": "VAT", "BR": "ST", "US": "ST"}


@dataclass
class InvoiceQueueResult:
    queued: list[str] = field(default_factory=list)
    gated: list[str] = field(default_factory=list)


def invoice_key(account_code: str, invoice_number: str) -> str:
    return f"invoice:{account_code}:{invoice_number}"


def queue_invoices(database_url: str, account: VendorAccountSettings, *, as_of: datetime,
                   documents_dir: Path | None = None) -> InvoiceQueueResult:
    """Invoice every shipment whose ASN Amazon accepted and that has no invoice yet."""
    result = InvoiceQueueResult()
    terms = PaymentTerms(net_days=account.payment_terms.net_days,
                         discount_percent=account.payment_terms.discount_percent,
                         discount_days=account.payment_terms.discount_days, basis=account.payment_terms.basis)
    with UnitOfWork(database_url) as uow:
        uow.stage_lock(f"queue-invoices:{account.code}")
        drafts = {}
        for shipment in uow.shipments.list(account.code, statuses=["accepted"]):
            if uow.invoices.for_shipment(shipment.shipment_identifier) is not None:
                continue
            shipped, po_lines = _shipped_lines(uow, shipment)
            number = invoice_number_for(prefix=account.invoice_prefix, shipment_id=shipment.shipment_identifier)
            draft = build_invoice(invoice_number=number, invoice_date=as_of.date(), shipped_lines=shipped,
                                  tax_rate=account.tax_rate, payment_terms=terms, currency=account.currency)
            drafts[number] = (shipment, draft, po_lines)
        gates = gate_each(gate_invoice, {n: _gate_rows(d, lines) for n, (_, d, lines) in drafts.items()})
        for number, (shipment, draft, po_lines) in drafts.items():
            gate = gates[number]
            if not gate.passed:
                result.gated.append(number)
                uow.alerts.raise_alert(
                    dedupe_key=f"invoice-gate:{account.code}:{number}", account_code=account.code,
                    kind="invoice_gate_failed", subject=f"Invoice {number} held back by the quality gate",
                    message=gate.summary(), severity="error",
                    next_step="Correct the named lines (quantity, cost, currency); nothing was sent to Amazon.")
                continue
            payload = invoice_payload(account, draft, shipment)
            contract.validate("invoices", "SubmitInvoicesRequest", payload)
            if documents_dir is not None:
                archive_invoice(documents_dir, account, payload)
            _store(uow, account, draft, shipment, po_lines)
            outbox.enqueue(uow, kind="invoice", key=invoice_key(account.code, number), account_code=account.code,
                           business_id=number, payload=payload)
            result.queued.append(number)
        uow.commit()
    crash_point("after_queue", "invoice")
    return result


def _gate_rows(draft: InvoiceDraft, po_lines: dict) -> list[dict[str, Any]]:
    rows = []
    for ln in draft.lines:
        item = po_lines[(ln.po_number, ln.item_sequence)]
        rows.append({"po_number": ln.po_number, "item_sequence": ln.item_sequence, "invoiced_qty": ln.quantity,
                     "shipped_qty": item.shipped_qty - item.invoiced_qty, "unit_cost": ln.unit_net_cost,
                     "po_unit_cost": item.net_cost, "currency": draft.currency,
                     "po_currency": item.currency or draft.currency, "line_amount": ln.line_amount})
    return rows


def _shipped_lines(uow: UnitOfWork, shipment: Shipment) -> tuple[list[ShippedLine], dict]:
    shipped, po_lines = [], {}
    for line, item, po in uow.shipments.lines_with_orders(shipment):
        po_lines[(line.po_number, line.item_sequence)] = item
        shipped.append(ShippedLine(po_number=line.po_number, item_sequence=line.item_sequence,
                                   vendor_sku=line.vendor_sku or "", asin=line.asin or "",
                                   shipped_qty=line.shipped_qty, net_cost=item.net_cost,
                                   currency=item.currency or po.currency, order_date=po.order_date))
    return shipped, po_lines


def _store(uow: UnitOfWork, account: VendorAccountSettings, draft: InvoiceDraft, shipment: Shipment,
           po_lines: dict) -> None:
    invoice = uow.invoices.add(Invoice(
        account_code=account.code, invoice_number=draft.invoice_number,
        shipment_identifier=shipment.shipment_identifier,
        invoice_date=datetime.combine(draft.invoice_date, datetime.min.time(), tzinfo=shipment.departure.tzinfo),
        currency=draft.currency, subtotal=draft.subtotal, tax_amount=draft.tax_amount, total=draft.total,
        payment_due=draft.due_date(), status="queued"))
    uow.flush()
    for n, ln in enumerate(draft.lines, start=1):
        uow.invoices.add(InvoiceLine(invoice_id=invoice.id, item_sequence=str(n), po_number=ln.po_number,
                                     po_item_sequence=ln.item_sequence, vendor_sku=ln.vendor_sku, asin=ln.asin,
                                     quantity=ln.quantity, unit_cost=ln.unit_net_cost, amount=ln.line_amount))
        po_lines[(ln.po_number, ln.item_sequence)].invoiced_qty += ln.quantity
    uow.audit.append(action="invoice.issued", entity="invoice", entity_id=draft.invoice_number,
                     detail={"shipment": shipment.shipment_identifier, "total": str(draft.total),
                             "currency": draft.currency})


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"currencyCode": currency, "amount": f"{amount:.2f}"}


def invoice_payload(account: VendorAccountSettings, draft: InvoiceDraft, shipment: Shipment) -> dict[str, Any]:
    address = account.ship_from_address
    remit: dict[str, Any] = {"partyId": account.selling_party, "address": {
        "name": address.name, "addressLine1": address.line1, "city": address.city,
        **({"stateOrRegion": address.state_or_region} if address.state_or_region else {}),
        "postalOrZipCode": address.postal_code, "countryCode": address.country_code}}
    if account.tax_registration:
        remit["taxRegistrationDetails"] = [{"taxRegistrationType": "GST" if account.marketplace in ("CA", "AU")
                                            else "VAT", "taxRegistrationNumber": account.tax_registration}]
    terms = account.payment_terms
    invoice: dict[str, Any] = {
        "invoiceType": "Invoice", "id": draft.invoice_number, "referenceNumber": shipment.shipment_identifier,
        "date": f"{draft.invoice_date.isoformat()}T00:00:00Z", "remitToParty": remit,
        "shipToParty": {"partyId": shipment.ship_to}, "shipFromParty": {"partyId": account.ship_from_party},
        "paymentTerms": {"type": "Basic", "netDueDays": terms.net_days,
                         **({"discountPercent": f"{terms.discount_percent}", "discountDueDays": terms.discount_days}
                            if terms.discount_percent else {})},
        "invoiceTotal": _money(draft.total, draft.currency),
        "items": [{"itemSequenceNumber": int(ln.item_sequence) if ln.item_sequence.isdigit() else n,
                   **({"amazonProductIdentifier": ln.asin} if ln.asin else {}),
                   **({"vendorProductIdentifier": ln.vendor_sku} if ln.vendor_sku else {}),
                   "invoicedQuantity": {"amount": ln.quantity, "unitOfMeasure": "Eaches"},
                   "netCost": _money(ln.unit_net_cost, draft.currency), "purchaseOrderNumber": ln.po_number}
                  for n, ln in enumerate(draft.lines, start=1)],
    }
    if draft.tax_amount:
        invoice["taxDetails"] = [{"taxType": TAX_TYPE.get(account.marketplace, "VAT"),
                                  "taxRate": f"{draft.tax_rate_percent.normalize():f}",
                                  "taxAmount": _money(draft.tax_amount, draft.currency),
                                  "taxableAmount": _money(draft.subtotal, draft.currency)}]
    return {"invoices": [invoice]}
