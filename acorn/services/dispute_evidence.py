"""The evidence behind a claim, gathered from the store into one dispute package per invoice and kind.

Vendor Central decides a shortage dispute on proof that the units were ordered, promised,
shipped and billed: the PO line, the acknowledgement Amazon accepted, the ASN with its
carton SSCCs, the carrier's PRO and bill of lading with the ship date, what the warehouse
reported received over time, the invoice and the remittance that deducted the money. A
price dispute needs the PO cost beside the invoiced cost. Everything here is read from
the records Acorn kept when each document was sent, so the package shows what Amazon
received, not a later copy. Rendering lives in ``acorn.documents.dispute_package``.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.documents.dispute_package import render_dispute_package_csv, render_dispute_package_html
from acorn.domain.claims import ClaimStatus, at_stake, is_disputable
from acorn.domain.states import ShipmentStatus
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from schemas.tables import Claim, GoodsReceipt, Invoice, InvoiceLine, ReceiptSnapshot, RemittanceLine, Shipment

ZERO = Decimal(0)
#: an ASN that never reached Amazon proves nothing
_NOT_SENT = (ShipmentStatus.PLANNED, ShipmentStatus.FAILED)


def write_packages(units: Units, account: VendorAccountSettings, out_dir: Path, *, today: date,
                   as_of: datetime) -> list[Path]:
    """Write ``<invoice>-<kind>.html`` and ``.csv`` for every open or disputed claim with money at stake."""
    written = []
    with units() as uow:
        groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
        for claim in uow.claims.list(account_code=account.code, statuses=(ClaimStatus.OPEN, ClaimStatus.DISPUTED)):
            if _worth_filing(claim, today):
                groups[(claim.invoice_number, claim.kind)].append(claim)
        for (invoice_number, kind), claims in sorted(groups.items()):
            package = build_package(uow, account, invoice_number, kind, claims, as_of=as_of, today=today)
            html = Path(out_dir) / f"{_file_name(invoice_number)}-{kind}.html"
            _write(html, render_dispute_package_html(package))
            _write(html.with_suffix(".csv"), render_dispute_package_csv(package))
            for claim in claims:
                if claim.package_path != str(html):
                    claim.package_path = str(html)
            written.append(html)
        uow.commit()
    return written


def _worth_filing(claim: Claim, today: date) -> bool:
    if claim.status == ClaimStatus.DISPUTED:
        return at_stake(claim.amount, claim.recovered) > 0
    return is_disputable(claim.status, deadline=claim.dispute_deadline, amount=claim.amount,
                         recovered=claim.recovered, today=today)


def _file_name(invoice_number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", invoice_number).strip("._") or "invoice"


def _write(path: Path, text: str) -> None:
    """Write beside, then rename: a reader never opens half a package."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_package(uow: UnitOfWork, account: VendorAccountSettings, invoice_number: str, kind: str,
                  claims: list[Claim], *, as_of: datetime, today: date) -> dict[str, Any]:
    """Everything the HTML and CSV show, as plain values (the documents layer sees no database rows)."""
    invoice = uow.invoices.get(account.code, invoice_number)
    invoice_lines = uow.invoices.lines(invoice) if invoice is not None else []
    claim_lines = [line for claim in claims for line in claim.lines]
    keys = list(dict.fromkeys((ln["po_number"], ln["item_sequence"]) for ln in claim_lines if ln.get("po_number")))
    if not keys:  # an invoice-level deduction: the whole invoice is the evidence
        keys = list(dict.fromkeys((ln.po_number, ln.po_item_sequence) for ln in invoice_lines))
    deadline = min((c.dispute_deadline for c in claims if c.dispute_deadline), default=None)
    return {
        "account": {"code": account.code, "selling_party": account.selling_party,
                    "vendor": account.ship_from_address.name},
        "invoice_number": invoice_number, "kind": kind, "currency": claims[0].currency, "prepared_at": as_of,
        "deadline": deadline, "days_left": (deadline - today).days if deadline else None,
        "claims": [_claim_view(c) for c in claims],
        "amount": sum((c.amount for c in claims), ZERO), "recovered": sum((c.recovered for c in claims), ZERO),
        "at_stake": sum((at_stake(c.amount, c.recovered) for c in claims), ZERO),
        "claim_lines": claim_lines,
        "purchase_orders": _purchase_orders(uow, account.code, keys),
        "shipments": _shipments(uow, account.code, keys, invoice.shipment_identifier if invoice else None),
        "receipts": _receipts(uow, account.code, keys),
        "invoice": _invoice_view(invoice, invoice_lines),
        "remittance": [_remittance_view(ln) for ln in uow.remittances.for_invoice(account.code, invoice_number)],
    }


def _claim_view(claim: Claim) -> dict[str, Any]:
    return {"claim_key": claim.claim_key, "payment_number": claim.payment_number, "deducted_on": claim.deducted_on,
            "amount": claim.amount, "recovered": claim.recovered, "at_stake": at_stake(claim.amount, claim.recovered),
            "units": claim.units, "deadline": claim.dispute_deadline, "status": claim.status,
            "disputed_on": claim.disputed_on}


def _purchase_orders(uow: UnitOfWork, account_code: str, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for po_number, seq in keys:
        wanted[po_number].add(seq)
    views = []
    for po_number, seqs in wanted.items():
        po = uow.purchase_orders.get(account_code, po_number)
        if po is None:
            views.append({"po_number": po_number, "found": False, "order_date": None, "ship_window_start": None,
                          "ship_window_end": None, "ship_to": "", "order_lines": [], "acknowledgement": None})
            continue
        items = [i for i in uow.purchase_orders.items(po) if i.item_sequence in seqs]
        views.append({"po_number": po_number, "found": True, "order_date": po.order_date, "ship_to": po.ship_to,
                      "ship_window_start": po.ship_window_start, "ship_window_end": po.ship_window_end,
                      "order_lines": [{"item_sequence": i.item_sequence, "asin": i.asin, "vendor_sku": i.vendor_sku,
                                 "ordered": i.ordered_qty, "accepted": i.accepted_qty, "net_cost": i.net_cost,
                                 "shipped": i.shipped_qty, "received": i.received_qty, "damaged": i.damaged_qty,
                                 "invoiced": i.invoiced_qty} for i in items],
                      "acknowledgement": _acknowledgement(uow, account_code, po_number)})
    return views


def _acknowledgement(uow: UnitOfWork, account_code: str, po_number: str) -> dict[str, Any] | None:
    """The decision sent, and when Amazon applied it (the outbox row keeps the delivery)."""
    ack = uow.acknowledgements.get(account_code, po_number)
    if ack is None:
        return None
    entry = uow.outbox.get(ack.outbox_key)
    return {"decided_at": ack.decided_at, "accepted": ack.accepted_units, "backordered": ack.backordered_units,
            "rejected": ack.rejected_units, "state": entry.state if entry else "unknown",
            "applied_at": (entry.applied_at or entry.completed_at) if entry else None,
            "transaction_id": entry.transaction_id if entry else None}


def _shipments(uow: UnitOfWork, account_code: str, keys: list[tuple[str, str]],
               invoiced_shipment: str | None) -> list[dict[str, Any]]:
    shipments = uow.claims.shipments_carrying(account_code, keys)
    extra = uow.shipments.get(invoiced_shipment) if invoiced_shipment else None
    if extra is not None and extra.id not in {s.id for s in shipments}:
        shipments.append(extra)
    return [_shipment_view(uow, s, set(keys)) for s in shipments if s.status not in _NOT_SENT]


def _shipment_view(uow: UnitOfWork, shipment: Shipment, keys: set[tuple[str, str]]) -> dict[str, Any]:
    lines = [ln for ln in uow.shipments.lines(shipment) if (ln.po_number, ln.item_sequence) in keys]
    pallets = {p.id: p.sscc for p in uow.shipments.pallets(shipment)}
    cartons = []
    for carton in uow.shipments.cartons(shipment):
        contents = [i for i in carton.items or [] if (i.get("po_number"), str(i.get("item_sequence"))) in keys]
        if contents:
            cartons.append({"sscc": carton.sscc, "pallet_sscc": pallets.get(carton.pallet_id),
                            "weight_kg": carton.weight_kg, "contents": contents})
    return {"shipment_identifier": shipment.shipment_identifier, "status": shipment.status,
            "ship_to": shipment.ship_to, "transport_mode": shipment.transport_mode,
            "carrier_scac": shipment.carrier_scac, "pro_number": shipment.pro_number,
            "bill_of_lading": shipment.bill_of_lading, "departure": shipment.departure,
            "estimated_delivery": shipment.estimated_delivery, "asn_submitted_at": shipment.asn_submitted_at,
            "lines": [{"po_number": ln.po_number, "item_sequence": ln.item_sequence, "asin": ln.asin,
                       "vendor_sku": ln.vendor_sku, "shipped": ln.shipped_qty} for ln in lines],
            "cartons": cartons}


def _receipts(uow: UnitOfWork, account_code: str, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """What the warehouse reported, each time it changed; the latest figure when no history was kept."""
    views: list[dict[str, Any]] = []
    for po_number, seq in keys:
        history: Sequence[ReceiptSnapshot | GoodsReceipt] = uow.receipts.history(account_code, po_number, seq)
        if not history and (current := uow.receipts.get(account_code, po_number, seq)) is not None:
            history = [current]
        views.extend({"po_number": po_number, "item_sequence": seq, "observed_at": r.observed_at,
                      "receive_status": r.receive_status, "received": r.received_qty,
                      "last_receive_date": r.last_receive_date} for r in history)
    return views


def _invoice_view(invoice: Invoice | None, lines: Iterable[InvoiceLine]) -> dict[str, Any] | None:
    if invoice is None:
        return None
    return {"invoice_number": invoice.invoice_number, "invoice_date": invoice.invoice_date,
            "payment_due": invoice.payment_due, "status": invoice.status, "subtotal": invoice.subtotal,
            "tax_amount": invoice.tax_amount, "total": invoice.total,
            "shipment_identifier": invoice.shipment_identifier,
            "lines": [{"item_sequence": ln.item_sequence, "po_number": ln.po_number,
                       "po_item_sequence": ln.po_item_sequence, "asin": ln.asin, "vendor_sku": ln.vendor_sku,
                       "quantity": ln.quantity, "unit_cost": ln.unit_cost, "amount": ln.amount} for ln in lines]}


def _remittance_view(line: RemittanceLine) -> dict[str, Any]:
    return {"payment_number": line.payment_number, "payment_date": line.payment_date, "po_number": line.po_number,
            "item_sequence": line.item_sequence, "asin": line.asin, "invoiced_quantity": line.invoiced_quantity,
            "received_quantity": line.received_quantity, "invoiced_unit_cost": line.invoiced_unit_cost,
            "po_unit_cost": line.po_unit_cost, "line_amount": line.line_amount,
            "shortage": line.shortage_deduction, "damage": line.damage_deduction, "price": line.price_deduction,
            "other": line.other_deduction, "line_paid": line.line_paid}
