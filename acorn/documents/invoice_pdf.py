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
    _totals(pdf, view, cur)
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
        _text_block(pdf, width - 4, 4.5, [_latin1(t) for t in text if t] or ["-"])
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 3)


_WIDTHS = (8, 20, 26, 22, 26, 12, 20, 22, 24)
_HEADING = ("#", "PO", "Vendor SKU", "ASIN", "EAN", "Qty", "Unit", "Unit cost", "Amount")
_RIGHT = {5, 7, 8}
_LINE_HEIGHT = 5


def _text_block(pdf: FPDF, width: float, height: float, lines: list[str]) -> None:
    """Lines one under the other, as ``multi_cell`` prints them, without its line breaking when each fits."""
    if any(pdf.get_string_width(line) > width - 2 * pdf.c_margin for line in lines):
        pdf.multi_cell(width, height, "\n".join(lines), new_x="LEFT", new_y="NEXT")
        return
    for line in lines:
        pdf.cell(width, height, line, new_x="LEFT", new_y="NEXT")


def _lines(pdf: FPDF, view: dict[str, Any], cur: str) -> None:
    pdf.set_font("Helvetica", "", 8)
    rows = [[_latin1(h) for h in _HEADING]] + [_line_cells(line, cur) for line in view["lines"]]
    if _fits_on_one_line(pdf, rows):
        _plain_table(pdf, rows)
    else:
        _wrapping_table(pdf, rows)


def _line_cells(line: dict[str, Any], cur: str) -> list[str]:
    unit = line["unit_of_measure"]
    if unit == "Cases" and line["unit_size"]:
        unit = f"Cases of {line['unit_size']}"
    return [_latin1(v) for v in (line["sequence"], line["po_number"], line["vendor_sku"], line["asin"],
                                 line["ean"], line["qty"], unit, unit_money(line["unit_cost"], cur),
                                 money(line["amount"], cur))]


def _column_widths(pdf: FPDF) -> list[float]:
    """The columns' widths in mm: ``_WIDTHS`` are fractions of the printable width, as fpdf's table reads them."""
    return [w * pdf.epw / sum(_WIDTHS) for w in _WIDTHS]


def _fits_on_one_line(pdf: FPDF, rows: list[list[str]]) -> bool:
    """Whether every cell's text fits its column on one line (the bold heading measured bold)."""
    widths = _column_widths(pdf)
    for n, row in enumerate(rows):
        pdf.set_font(style="B" if n == 0 else "")
        if any(pdf.get_string_width(text) > width - 2 * pdf.c_margin for text, width in zip(row, widths)):
            pdf.set_font(style="")
            return False
    pdf.set_font(style="")
    return True


def _plain_table(pdf: FPDF, rows: list[list[str]]) -> None:
    """The lines table drawn cell by cell: what fpdf's table draws when no cell wraps, without its line breaking.

    fpdf's ``table()`` breaks every cell's text into lines twice (to size the row, then to draw
    it), which made the table most of an invoice's rendering; an invoice's cells almost always
    fit on one line, so they are drawn as single cells, and the heading repeats on a new page
    as the table repeats it.
    """
    widths = _column_widths(pdf)
    aligns = ["R" if i in _RIGHT else "L" for i in range(len(widths))]

    def draw(cells: list[str], *, heading: bool) -> None:
        pdf.set_x(pdf.l_margin)
        if heading:
            pdf.set_font(style="B")
            pdf.set_fill_color(242, 242, 242)
        for text, width, align in zip(cells, widths, aligns):
            pdf.cell(width, _LINE_HEIGHT, text, border=1, align=align, fill=heading)
        pdf.ln(_LINE_HEIGHT)
        if heading:
            pdf.set_font(style="")

    draw(rows[0], heading=True)
    for cells in rows[1:]:
        if pdf.will_page_break(_LINE_HEIGHT):
            pdf.add_page()
            draw(rows[0], heading=True)
        draw(cells, heading=False)


def _wrapping_table(pdf: FPDF, rows: list[list[str]]) -> None:
    """The lines table through fpdf's ``table()``, which wraps a cell too long for its column."""
    with pdf.table(col_widths=_WIDTHS, text_align=tuple("RIGHT" if i in _RIGHT else "LEFT" for i in range(9)),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(242, 242, 242)),
                   line_height=_LINE_HEIGHT, first_row_as_headings=True) as table:
        for cells in rows:
            table.row(cells)


def _totals(pdf: FPDF, view: dict[str, Any], cur: str) -> None:
    widths = _WIDTHS
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
