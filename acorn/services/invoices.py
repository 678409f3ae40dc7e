"""Invoices: one per accepted shipment, billing shipped units at the PO's net cost.

The invoice number is derived from the shipment, stored (unique per vendor) and queued
in the outbox in one transaction, so it can never be issued twice; cancelled or unshipped
lines never reach an invoice because only shipment lines are billed.

The payload names every party with its address: the vendor (``remitToParty``: the account's
``remit_to_address``, else its ship-from address; ``shipFromParty``), the fulfilment centre
(``shipToParty``, from the FC address table) and Amazon's billing entity of the marketplace
(``billToParty``, from the entity table). The tax comes from ``acorn.domain.tax`` by the FC's
country and province; it is rounded per line (as ``acorn.domain.invoice`` does) and sent on
each item and, summed, on the invoice, so the items' taxes add up to the invoice's exactly.
``vendorProductIdentifier`` echoes what the PO sent (the model asks for that; often the EAN);
the printed invoice also shows the ERP's SKU and EAN, resolved from the SKU master.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, cast

from acorn import contract
from acorn.config import PaymentTermsSettings, VendorAccountSettings
from acorn.domain.documents import DocumentKind
from acorn.domain.errors import InvalidRecord
from acorn.domain.invoice import InvoiceDraft, InvoiceLine, PaymentTerms, ShippedLine, build_invoice, invoice_number_for
from acorn.domain.states import InvoiceStatus
from acorn.domain.tax import TaxRate, tax_rate_for
from acorn.gates import gate_each, gate_invoice
from acorn.reference import Address, AmazonEntity, FulfilmentCentre, UnknownReference
from acorn.services import outbox
from acorn.services.archive import archive_invoice
from acorn.services.outbox import crash_point
from acorn.services.ports import Units
from acorn.services.stock import SkuResolver, sku_master
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import Invoice, PurchaseOrder, PurchaseOrderItem, Shipment, ShipmentLine

log = logging.getLogger("acorn.invoices")
#: a shipment's PO items by (PO number, item sequence): what the invoice lines bill
PoLines = dict[tuple[str, str], PurchaseOrderItem]


class ReferenceTables(Protocol):
    """Where addresses come from: ``AcornSettings`` (with the vendor's extra CSVs) fits."""

    def fulfilment_centre(self, code: str) -> FulfilmentCentre: ...

    def amazon_entity(self, account: VendorAccountSettings) -> AmazonEntity: ...


@dataclass
class InvoiceQueueResult:
    queued: list[str] = field(default_factory=list)
    gated: list[str] = field(default_factory=list)


def invoice_key(account_code: str, invoice_number: str) -> str:
    return f"invoice:{account_code}:{invoice_number}"


def queue_invoices(units: Units, account: VendorAccountSettings, *, as_of: datetime, settings: ReferenceTables,
                   documents_dir: Path | None = None) -> InvoiceQueueResult:
    """Invoice every shipment whose ASN Amazon accepted and that has no invoice yet.

    ``settings`` (``AcornSettings``) supplies FC and Amazon-entity addresses (the shipped
    tables plus the vendor's own CSVs). What the invoices need is read for all of them at once,
    and their rows, lines, outbox rows, alerts and audit are written together after the loop:
    the statements follow the stage, not the invoices.
    """
    tables, result, terms = settings, InvoiceQueueResult(), _terms(account)
    with units() as uow:
        uow.stage_lock(f"queue-invoices:{account.code}")
        resolve = SkuResolver(sku_master(uow))
        waiting = uow.shipments.awaiting_invoice(account.code)
        drafts, problems = _draft_all(account, waiting, uow.shipments.lines_with_orders_of(waiting), tables,
                                      terms=terms, as_of=as_of, result=result)
        gates = gate_each(gate_invoice, {n: _gate_rows(d, lines) for n, (_, d, lines) in drafts.items()})
        issued, documents = [], []
        for number, (shipment, draft, po_lines) in drafts.items():
            gate = gates[number]
            if not gate.passed:
                result.gated.append(number)
                problems.append(_held_by_gate(account, number, shipment, gate.summary()))
                continue
            payload = invoice_payload(account, draft, shipment, tables)
            contract.validate("invoices", "SubmitInvoicesRequest", payload)
            if documents_dir is not None:
                archive_invoice(documents_dir, account, payload, lines=_printed_lines(draft, resolve),
                                payment_basis=str(terms.basis))
            issued.append((shipment, draft, po_lines))
            documents.append({"kind": DocumentKind.INVOICE, "key": invoice_key(account.code, number),
                              "account_code": account.code, "business_id": number, "payload": payload})
            result.queued.append(number)
        uow.alerts.raise_alerts(problems)
        _store_all(uow, account, issued)
        outbox.enqueue_many(uow, documents)
        uow.commit()
    crash_point("after_queue", DocumentKind.INVOICE)
    return result


def _terms(account: VendorAccountSettings) -> PaymentTerms:
    terms = account.payment_terms
    return PaymentTerms(net_days=terms.net_days, discount_percent=terms.discount_percent,
                        discount_days=terms.discount_days, basis=terms.basis)


def _draft_all(account: VendorAccountSettings, waiting: list[Shipment],
               shipped_of: dict[int, list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]],
               tables: ReferenceTables, *, terms: PaymentTerms, as_of: datetime, result: InvoiceQueueResult
               ) -> tuple[dict[str, tuple[Shipment, InvoiceDraft, PoLines]], list[dict[str, Any]]]:
    """Each waiting shipment's draft (with its PO items) by invoice number, and the alerts
    (``raise_alert``'s arguments) of those whose addresses or tax rule are missing."""
    drafts, problems = {}, []
    for shipment in waiting:
        shipped, po_lines = _shipped_lines(shipped_of[stored_id(shipment)])
        number = invoice_number_for(prefix=account.invoice_prefix, shipment_id=shipment.shipment_identifier)
        try:  # addresses and tax rule first: a gap there holds this invoice back, not the batch
            tables.amazon_entity(account)
            tax = invoice_tax(account, tables.fulfilment_centre(shipment.ship_to), record=number)
        except (UnknownReference, InvalidRecord) as err:
            result.gated.append(number)
            problems.append({
                "dedupe_key": f"invoice-paperwork:{account.code}:{number}", "account_code": account.code,
                "invoice_number": number, "shipment_identifier": shipment.shipment_identifier,
                "kind": "invoice_gate_failed", "subject": f"Invoice {number} cannot be written", "message": str(err),
                "severity": "error", "next_step": "Add the missing address or tax rule as the message says and "
                                                  "rerun; nothing was sent to Amazon."})
            continue
        draft = build_invoice(invoice_number=number, invoice_date=as_of.date(), shipped_lines=shipped,
                              tax=tax, payment_terms=terms, currency=account.currency)
        drafts[number] = (shipment, draft, po_lines)
    return drafts, problems


def _held_by_gate(account: VendorAccountSettings, number: str, shipment: Shipment, summary: str) -> dict[str, Any]:
    """The alert (``raise_alert``'s arguments) of an invoice the quality gate held back."""
    return {"dedupe_key": f"invoice-gate:{account.code}:{number}", "account_code": account.code,
            "invoice_number": number, "shipment_identifier": shipment.shipment_identifier,
            "kind": "invoice_gate_failed", "subject": f"Invoice {number} held back by the quality gate",
            "message": summary, "severity": "error",
            "next_step": "Correct the named lines (quantity, cost, currency); nothing was sent to Amazon."}


def invoice_tax(account: VendorAccountSettings, fc: FulfilmentCentre, *, record: str) -> TaxRate | None:
    """The invoice's tax: by the FC's country and province, only for a registered vendor; the
    account's ``tax_rate``, when not zero, overrides the table's rate (``acorn.domain.tax``)."""
    return tax_rate_for(ship_to_country=fc.address.country_code, ship_to_region=fc.address.state_or_region,
                        ship_from_country=account.ship_from_address.country_code,
                        registered=bool(account.tax_registration), override=account.tax_rate, record=record)


def _printed_lines(draft: InvoiceDraft, resolve: SkuResolver) -> dict[str, dict[str, str]]:
    """Per ``PO/itemSequenceNumber`` of the payload: the ERP's SKU and EAN, for the printed invoice."""
    out = {}
    for n, ln in enumerate(draft.lines, start=1):
        sku = resolve.erp_sku(ln.vendor_sku or None, ln.asin or None)
        info = resolve.skus.get(sku or "")
        out[f"{ln.po_number}/{_sequence(ln.item_sequence, n)}"] = {
            "vendor_sku": sku or "", "ean": (info.ean if info and info.ean else "")}
    return out


def _sequence(item_sequence: str, n: int) -> int:
    return int(item_sequence) if item_sequence.isdigit() else n


def _gate_rows(draft: InvoiceDraft, po_lines: PoLines) -> list[dict[str, Any]]:
    rows = []
    for ln in draft.lines:
        item = po_lines[(ln.po_number, ln.item_sequence)]
        rows.append({"po_number": ln.po_number, "item_sequence": ln.item_sequence, "invoiced_qty": ln.quantity,
                     "shipped_qty": item.shipped_qty - item.invoiced_qty, "unit_cost": ln.unit_net_cost,
                     "po_unit_cost": item.net_cost, "currency": draft.currency,
                     "po_currency": item.currency or draft.currency, "line_amount": ln.line_amount})
    return rows


def _shipped_lines(lines_with_orders: list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]
                   ) -> tuple[list[ShippedLine], PoLines]:
    shipped: list[ShippedLine] = []
    po_lines: PoLines = {}
    for line, item, po in lines_with_orders:
        po_lines[(line.po_number, line.item_sequence)] = item
        shipped.append(ShippedLine(po_number=line.po_number, item_sequence=line.item_sequence,
                                   vendor_sku=line.vendor_sku or "", asin=line.asin or "",
                                   # a missing cost reaches the domain's own check, which names the line
                                   shipped_qty=line.shipped_qty, net_cost=cast(Decimal, item.net_cost),
                                   currency=item.currency or po.currency, order_date=po.order_date,
                                   unit_of_measure=item.unit_of_measure or "Eaches",
                                   unit_size=item.unit_size or 1))
    return shipped, po_lines


def _store_all(uow: UnitOfWork, account: VendorAccountSettings,
               issued: list[tuple[Shipment, InvoiceDraft, PoLines]]) -> None:
    """The invoices, their lines and their audit, in four statements whatever their number: the invoices,
    their new ids, the lines, the audit (SQLite cannot return a batch's ids, so they are read back)."""
    uow.invoices.insert_all([_invoice_row(account, draft, shipment) for shipment, draft, _ in issued])
    stored = uow.invoices.by_numbers(account.code, [draft.invoice_number for _, draft, _ in issued])
    uow.invoices.add_lines([row for _, draft, po_lines in issued
                            for row in _line_rows(stored[draft.invoice_number], draft, po_lines)])
    uow.audit.append_all([{"action": "invoice.issued", "entity": "invoice", "entity_id": draft.invoice_number,
                           "detail": {"shipment": shipment.shipment_identifier, "total": str(draft.total),
                                      "currency": draft.currency}} for shipment, draft, _ in issued])


def _invoice_row(account: VendorAccountSettings, draft: InvoiceDraft, shipment: Shipment) -> Invoice:
    return Invoice(
        account_code=account.code, invoice_number=draft.invoice_number,
        shipment_identifier=shipment.shipment_identifier,
        invoice_date=datetime.combine(draft.invoice_date, datetime.min.time(), tzinfo=shipment.departure.tzinfo),
        currency=draft.currency, subtotal=draft.subtotal, tax_amount=draft.tax_amount, total=draft.total,
        payment_due=draft.due_date(), status=InvoiceStatus.QUEUED.value)


def _line_rows(invoice: Invoice, draft: InvoiceDraft, po_lines: PoLines) -> list[dict[str, Any]]:
    """The invoice's lines as rows to insert; the units they bill are counted on the PO items."""
    rows = []
    for n, ln in enumerate(draft.lines, start=1):
        rows.append({"invoice_id": invoice.id, "item_sequence": str(n), "po_number": ln.po_number,
                     "po_item_sequence": ln.item_sequence, "vendor_sku": ln.vendor_sku, "asin": ln.asin,
                     "quantity": ln.quantity, "unit_cost": ln.unit_net_cost, "amount": ln.line_amount})
        po_lines[(ln.po_number, ln.item_sequence)].invoiced_qty += ln.quantity
    return rows


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"currencyCode": currency, "amount": f"{amount:.2f}"}


def _address(address: Address) -> dict[str, str]:
    """An address as the invoice model's ``Address`` (which spells the postcode ``postalOrZipCode``)."""
    out = address.as_spapi()
    if "postalCode" in out:
        out["postalOrZipCode"] = out.pop("postalCode")
    return out


def _tax_detail(tax: TaxRate, amount: Decimal, taxable: Decimal, currency: str) -> dict[str, Any]:
    return {"taxType": tax.tax_type, "taxRate": f"{tax.percent.normalize():f}",
            "taxAmount": _money(amount, currency), "taxableAmount": _money(taxable, currency)}


def invoice_payload(account: VendorAccountSettings, draft: InvoiceDraft, shipment: Shipment,
                    tables: ReferenceTables) -> dict[str, Any]:
    """The ``SubmitInvoicesRequest`` for ``draft``; ``tables`` as in ``queue_invoices``."""
    remit = _remit_to_party(account)
    bill = _bill_to_party(tables.amazon_entity(account))
    fc = tables.fulfilment_centre(shipment.ship_to)
    currency = draft.currency
    items = [_invoice_item(draft, ln, n) for n, ln in enumerate(draft.lines, start=1)]
    invoice: dict[str, Any] = {
        "invoiceType": "Invoice", "id": draft.invoice_number, "referenceNumber": shipment.shipment_identifier,
        "date": f"{draft.invoice_date.isoformat()}T00:00:00Z", "remitToParty": remit, "billToParty": bill,
        "shipToParty": {"partyId": shipment.ship_to, "address": _address(fc.address)},
        "shipFromParty": {"partyId": account.ship_from_party, "address": _address(account.ship_from_address.printed())},
        "paymentTerms": _payment_terms(account.payment_terms),
        "invoiceTotal": _money(draft.total, currency),
        "items": items,
    }
    if draft.tax is not None:
        invoice["taxDetails"] = [_tax_detail(draft.tax, draft.tax_amount, draft.subtotal, currency)]
    elif draft.tax_amount:
        raise ValueError(f"{draft.invoice_number}: a tax amount without its tax type")
    return {"invoices": [invoice]}


def _remit_to_party(account: VendorAccountSettings) -> dict[str, Any]:
    """The vendor, paid at its remit-to address (the dock's when none is set), with its tax registration."""
    remit: dict[str, Any] = {"partyId": account.selling_party,
                             "address": _address((account.remit_to_address or account.ship_from_address).printed())}
    if account.tax_registration:
        remit["taxRegistrationDetails"] = [{"taxRegistrationType": "GST" if account.country in ("CA", "AU")
                                            else "VAT", "taxRegistrationNumber": account.tax_registration}]
    return remit


def _bill_to_party(entity: AmazonEntity) -> dict[str, Any]:
    """The Amazon entity billed in the marketplace, with its tax registrations."""
    bill: dict[str, Any] = {"partyId": entity.party_id, "address": _address(entity.address)}
    if entity.tax_registrations:
        bill["taxRegistrationDetails"] = [{"taxRegistrationType": kind, "taxRegistrationNumber": number}
                                          for kind, number in entity.tax_registrations]
    return bill


def _invoice_item(draft: InvoiceDraft, ln: InvoiceLine, n: int) -> dict[str, Any]:
    """The ``n``-th invoice line, in the unit Amazon ordered it in, taxed when the invoice is."""
    currency = draft.currency
    amount, unit, size = ln.invoiced_quantity
    item: dict[str, Any] = {
        "itemSequenceNumber": _sequence(ln.item_sequence, n),
        **({"amazonProductIdentifier": ln.asin} if ln.asin else {}),
        **({"vendorProductIdentifier": ln.vendor_sku} if ln.vendor_sku else {}),
        "invoicedQuantity": {"amount": amount, "unitOfMeasure": unit, **({"unitSize": size} if unit == "Cases"
                                                                       else {})},
        "netCost": _money(ln.unit_net_cost, currency), "purchaseOrderNumber": ln.po_number}
    if draft.tax is not None:
        item["taxDetails"] = [_tax_detail(draft.tax, ln.tax_amount, ln.line_amount, currency)]
    return item


def _payment_terms(terms: PaymentTermsSettings) -> dict[str, Any]:
    """Net days, and the early-payment discount when the account offers one."""
    return {"type": "Basic", "netDueDays": terms.net_days,
            **({"discountPercent": f"{terms.discount_percent}", "discountDueDays": terms.discount_days}
               if terms.discount_percent else {})}
