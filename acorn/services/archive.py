"""Keep what was sent: ASN, carton labels, bill of lading and invoice, as files.

Amazon offers no way to read back an ASN or an invoice, and disputes (shortages,
chargebacks) are won with these documents, which vendors keep at least five years.
Files are written before the document is queued and never rewritten: the JSON is
exactly the payload the outbox will post.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.documents import render_bill_of_lading_html, render_carton_label, render_invoice_html


def _write_once(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def archive_asn(documents_dir: Path, account: VendorAccountSettings, payload: dict[str, Any]) -> list[Path]:
    confirmation = payload["shipmentConfirmations"][0]
    revision = "replace" if confirmation["shipmentConfirmationType"] == "Replace" else "original"
    folder = documents_dir / account.code / "shipments" / confirmation["shipmentIdentifier"]
    written = [_write_once(folder / f"asn-{revision}-{confirmation['shipmentConfirmationDate'][:10]}.json",
                           json.dumps(payload, indent=2))]
    cartons = confirmation.get("cartons", [])
    po_of = {i["itemSequenceNumber"]: i.get("itemDetails", {}).get("purchaseOrderNumber")
             for i in confirmation["shippedItems"]}
    labels = [render_carton_label(
        sscc=c["cartonIdentifiers"][0]["containerIdentificationNumber"], ship_from=confirmation["shipFromParty"],
        ship_to=confirmation["shipToParty"], po_number=po_of.get(c["items"][0]["itemReference"]) or "",
        carton_number=n, carton_count=len(cartons), company_prefix_length=len(account.gs1_company_prefix),
        carrier_scac=confirmation["transportationDetails"].get("carrierScac"),
        pro_number=confirmation["transportationDetails"].get("carrierShipmentReferenceNumber"),
        bill_of_lading=confirmation["transportationDetails"].get("billOfLadingNumber"),
        contents=[{"vendor_sku": "", "asin": "", "qty": i["shippedQuantity"]["amount"]} for i in c["items"]])
        for n, c in enumerate(cartons, start=1)]
    written.append(_write_once(folder / "carton-labels.zpl", "\n".join(labels)))
    if confirmation.get("pallets"):
        written.append(_write_once(folder / "bill-of-lading.html", render_bill_of_lading_html(confirmation)))
    return written


def archive_invoice(documents_dir: Path, account: VendorAccountSettings, payload: dict[str, Any]) -> list[Path]:
    invoice = payload["invoices"][0]
    folder = documents_dir / account.code / "invoices" / invoice["id"]
    return [_write_once(folder / "invoice.json", json.dumps(payload, indent=2)),
            _write_once(folder / "invoice.html", render_invoice_html(invoice))]
