"""Documents Acorn prints or archives: carton and pallet labels (ZPL, PDF/PNG previews),
packing lists and bills of lading (from the stored shipment, at packing time), invoices
(HTML and PDF), the daily report (Markdown for a Prefect artifact) and the operations
dashboard (``acorn.documents.dashboard``: HTML with inline SVG charts).

Jinja2 templates live in ``acorn/documents/templates/``; HTML is autoescaped, ZPL and
Markdown escaped by their own filters. Invoices render from the SP-API payload that was
submitted, so the archived paper matches what Amazon received.
"""

from __future__ import annotations

from acorn.documents.errors import DocumentError
from acorn.documents.invoice import invoice_view, render_invoice_html
from acorn.documents.invoice_pdf import render_invoice_pdf
from acorn.documents.labels import LogisticsLabel, format_sscc, render_label_zpl
from acorn.documents.report import render_daily_report_md

__all__ = [
    "DocumentError",
    "LogisticsLabel",
    "format_sscc",
    "invoice_view",
    "render_daily_report_md",
    "render_label_zpl",
    "render_invoice_html",
    "render_invoice_pdf",
]
