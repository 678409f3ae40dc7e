"""Documents Acorn prints or archives: carton labels (ZPL), invoices and bills of
lading (HTML), and the daily report (Markdown for a Prefect artifact).

Jinja2 templates live in ``acorn/documents/templates/``; HTML is autoescaped, ZPL and
Markdown escaped by their own filters. Invoices and bills of lading render from the SP-API
payloads that were submitted, so the archived paper matches what Amazon received.
"""

from __future__ import annotations

from acorn.documents.bill_of_lading import render_bill_of_lading_html
from acorn.documents.errors import DocumentError
from acorn.documents.invoice import invoice_view, render_invoice_html
from acorn.documents.invoice_pdf import render_invoice_pdf
from acorn.documents.labels import LogisticsLabel, format_sscc, render_carton_label, render_label_zpl
from acorn.documents.report import render_daily_report_md

__all__ = [
    "DocumentError",
    "LogisticsLabel",
    "format_sscc",
    "invoice_view",
    "render_bill_of_lading_html",
    "render_carton_label",
    "render_daily_report_md",
    "render_label_zpl",
    "render_invoice_html",
    "render_invoice_pdf",
]
