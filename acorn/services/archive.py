"""Keep what was sent: ASN and invoice, as files (labels, packing list, BOL: ``services/packing.py``).

Amazon offers no way to read back an ASN or an invoice, and disputes (shortages,
chargebacks) are won with these documents, which vendors keep at least five years.
Files are written before the document is queued and never rewritten: the JSON is
exactly the payload the outbox will post.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.documents import render_invoice_html
from acorn.documents.invoice_pdf import render_invoice_pdf


def write_once(path: Path, content: str | bytes | Callable[[], str | bytes]) -> Path:
    """Write ``content`` (text, bytes, or a callable making them) unless ``path`` exists, atomically.

    Kept documents are never rewritten: what was sent, printed or signed is what stays on file."""
    if path.exists():
        return path
    data = content() if callable(content) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")  # two runs may write at once
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def archive_asn(documents_dir: Path, account: VendorAccountSettings, payload: dict[str, Any]) -> list[Path]:
    confirmation = payload["shipmentConfirmations"][0]
    revision = "replace" if confirmation["shipmentConfirmationType"] == "Replace" else "original"
    folder = documents_dir / account.code / "shipments" / confirmation["shipmentIdentifier"]
    written = [write_once(folder / f"asn-{revision}-{confirmation['shipmentConfirmationDate'][:10]}.json",
                          json.dumps(payload, indent=2))]
    # labels, packing list and bill of lading were written at packing time (services/packing.py)
    return written


def archive_invoice(documents_dir: Path, account: VendorAccountSettings, payload: dict[str, Any], *,
                    lines: dict[str, dict[str, str]] | None = None, payment_basis: str = "invoice") -> list[Path]:
    """The payload, and the invoice as HTML and PDF (``lines``, ``payment_basis``: see ``invoice_view``)."""
    invoice = payload["invoices"][0]
    folder = documents_dir / account.code / "invoices" / invoice["id"]
    written = [write_once(folder / "invoice.json", json.dumps(payload, indent=2)),
               write_once(folder / "invoice.html",
                           render_invoice_html(invoice, lines=lines, payment_basis=payment_basis))]
    return [*written, write_once(folder / "invoice.pdf",
                                 lambda: render_invoice_pdf(invoice, lines=lines, payment_basis=payment_basis))]
