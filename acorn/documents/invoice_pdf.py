"""The invoice as a PDF (fpdf2), from the same view as the HTML page.

``invoice_view`` (``acorn.documents.invoice``) is the one source of what is printed; this
module only lays it out on A4 portrait paper. The built-in PDF fonts cover
Latin-1, so other characters are replaced by their closest Latin-1 form (or ``?``), never
dropped silently from a name or an address.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from acorn.documents._env import money, unit_money
from acorn.documents.invoice import invoice_view

_REPLACE = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
            "\u2026": "...", "\u00a0": " "}


def _latin1(text: Any) -> str:
    out = []
    for ch in str(text):
        ch = _REPLACE.get(ch, ch)
        try:
            ch.encode("latin-1")
        except UnicodeEncodeError:
            ch = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1") or "?"
        out.append(ch)
    return "".join(out)


def render_invoice_pdf(invoice: Mapping[str, Any], *, lines: Mapping[str, Mapping[str, str]] | None = None,
                       payment_basis: str = "invoice") -> bytes:
    """A PDF of one SP-API ``Invoice`` payload; arguments as ``render_invoice_html``."""
    view = invoice_view(invoice, lines=lines, payment_basis=payment_basis)
    cur = view["currency"]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_latin1(f"{view['kind']} {view['number']}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin1(f"{view['kind']} {view['number']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    meta = [f"Date: {str(view['date'])[:10]}"]
    if view["reference"]:
        meta.append(f"Reference: {view['reference']}")
    if view["purchase_orders"]:
        meta.append(f"Purchase orders: {', '.join(view['purchase_orders'])}")
    pdf.multi_cell(0, 5, _latin1("   ".join(meta)), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _latin1(f"Terms: {view['terms'] or '-'}   Due: {view['due']}   Currency: {cur}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _parties(pdf, [("Remit to (vendor)", view["remit_to"]), ("Bill to", view["bill_to"])])
    _parties(pdf, [("Ship from", view["ship_from"]), ("Ship to", view["ship_to"])])
    _lines(pdf, view, cur)
    return bytes(pdf.output())


def _parties(pdf: FPDF, parties: list[tuple[str, dict[str, Any]]]) -> None:
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(parties)
    top, bottom = pdf.get_y(), pdf.get_y()
    for n, (title, party) in enumerate(parties):
        pdf.set_xy(pdf.l_margin + n * width, top)
        text = [party["name"], *party["lines"]]
        if party["party_id"]:
            text.append(f"Party ID: {party['party_id']}")
        text += [f"Tax registration: {reg}" for reg in party["tax"]]
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(width, 5, _latin1(title.upper()), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(width - 4, 4.5, _latin1("\n".join(t for t in text if t) or "-"), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _lines(pdf: FPDF, view: dict[str, Any], cur: str) -> None:
    pdf.set_font("Helvetica", "", 8)
    widths = (8, 20, 26, 22, 26, 12, 20, 22, 24)
    heading = ("#", "PO", "Vendor SKU", "ASIN", "EAN", "Qty", "Unit", "Unit cost", "Amount")
    right = {5, 7, 8}
    with pdf.table(col_widths=widths, text_align=tuple("RIGHT" if i in right else "LEFT" for i in range(9)),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(242, 242, 242)),
                   line_height=5, first_row_as_headings=True) as table:
        table.row([_latin1(h) for h in heading])
        for line in view["lines"]:
            unit = line["unit_of_measure"]
            if unit == "Cases" and line["unit_size"]:
                unit = f"Cases of {line['unit_size']}"
            table.row([_latin1(v) for v in (line["sequence"], line["po_number"], line["vendor_sku"], line["asin"],
                                            line["ean"], line["qty"], unit, unit_money(line["unit_cost"], cur),
                                            money(line["amount"], cur))])
    totals = [("Subtotal", money(view["subtotal"], cur))]
    totals += [(f"Charge: {c['type']} {c['description']}".strip(), money(c["amount"], cur)) for c in view["charges"]]
    totals += [(f"Allowance: {a['type']} {a['description']}".strip(), "-" + money(a["amount"], cur))
               for a in view["allowances"]]
    for t in view["taxes"]:
        label = f"Tax: {t['type']}" + (f" {t['rate']}%" if t["rate"] else "")
        if t["taxable"] is not None:
            label += f" on {money(t['taxable'], cur)}"
        totals.append((label, money(t["amount"], cur)))
    totals.append((f"Total {cur}", money(view["total"], cur)))
    pdf.ln(2)
    label_width = sum(widths) - widths[-1]
    for n, (label, amount) in enumerate(totals):
        pdf.set_font("Helvetica", "B" if n == len(totals) - 1 else "", 9)
        pdf.cell(label_width, 5.5, _latin1(label), align="R")
        pdf.cell(widths[-1], 5.5, _latin1(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    if view["computed_total"] is not None:
        pdf.set_text_color(164, 0, 0)
        pdf.multi_cell(0, 5, _latin1(f"The lines, charges, allowances and taxes add up to "
                                     f"{money(view['computed_total'], cur)} {cur}, not the invoice total."))
