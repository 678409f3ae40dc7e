"""The packing list that travels with a shipment: every carton with its SSCC, pallet and contents.

Built from the same stored rows and parties as the labels (:func:`packing_list`), rendered
as HTML (``templates/packing_list.html``) and as a PDF (fpdf2) for the dock and the driver.
Totals are per PO line, so receiving at the fulfilment centre can count against the PO.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fpdf import FPDF

from acorn.documents._env import render, when
from acorn.documents.errors import DocumentError
from acorn.documents.labels import ContentLine, Party, content_lines


@dataclass(frozen=True)
class PackedCarton:
    number: int
    sscc: str
    pallet_sscc: str  # "" when the carton travels loose
    contents: tuple[ContentLine, ...]


@dataclass(frozen=True)
class PoLineTotal:
    po_number: str
    item_sequence: str
    vendor_sku: str
    asin: str
    qty: int


@dataclass(frozen=True)
class PackingList:
    shipment_identifier: str
    departure: datetime
    ship_from: Party
    ship_to: Party
    carrier_scac: str
    pro_number: str
    bill_of_lading: str
    cartons: tuple[PackedCarton, ...]
    pallets: tuple[str, ...]
    totals: tuple[PoLineTotal, ...]

    @property
    def units(self) -> int:
        return sum(t.qty for t in self.totals)


def packing_list(shipment: Any, cartons: Sequence[Any], pallets: Sequence[Any], *, ship_from: Party,
                 ship_to: Party) -> PackingList:
    """The packing list of one shipment from its stored rows; refuses to leave a field blank."""
    record = f"shipment {shipment.shipment_identifier}"
    for name, value in (("carrier_scac", shipment.carrier_scac), ("pro_number", shipment.pro_number)):
        if not str(value or "").strip():
            raise DocumentError(f"a packing list needs the {name.replace('_', ' ')}", record=record, field=name)
    if not cartons:
        raise DocumentError("a packing list needs at least one carton", record=record, field="cartons")
    for side, party in (("ship_from", ship_from), ("ship_to", ship_to)):
        if not (party.name.strip() and party.lines):
            raise DocumentError(f"a packing list needs the full {side.replace('_', '-')} address", record=record,
                                field=side)
    pallet_sscc = {p.id: p.sscc for p in pallets}
    totals: dict[tuple[str, str, str, str], int] = {}
    for c in cartons:
        for i in c.items:
            key = (str(i["po_number"]), str(i["item_sequence"]), str(i.get("vendor_sku") or ""),
                   str(i.get("asin") or ""))
            totals[key] = totals.get(key, 0) + int(i["qty"])
    return PackingList(
        shipment_identifier=shipment.shipment_identifier, departure=shipment.departure, ship_from=ship_from,
        ship_to=ship_to, carrier_scac=shipment.carrier_scac, pro_number=shipment.pro_number,
        bill_of_lading=shipment.bill_of_lading or "",
        cartons=tuple(PackedCarton(n, c.sscc, pallet_sscc.get(c.pallet_id, ""), content_lines(c.items))
                      for n, c in enumerate(cartons, start=1)),
        pallets=tuple(p.sscc for p in pallets),
        totals=tuple(PoLineTotal(*key, qty) for key, qty in sorted(totals.items())))


def render_packing_list_html(packing: PackingList) -> str:
    return render("packing_list.html", p=packing)


def render_packing_list_pdf(packing: PackingList) -> bytes:
    """A US Letter PDF: header, parties, cartons table, totals per PO line."""
    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin1(f"Packing list - shipment {packing.shipment_identifier}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    carrier = f"Carrier {packing.carrier_scac}, PRO {packing.pro_number}"
    if packing.bill_of_lading:
        carrier += f", BOL {packing.bill_of_lading}"
    pdf.cell(0, 6, _latin1(f"Departure {when(packing.departure)} - {carrier}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    for x, title, party in ((10, "Ship from", packing.ship_from), (110, "Ship to", packing.ship_to)):
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(90, 5, title.upper(), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for line in (party.name if party.code in party.name else f"{party.name} ({party.code})", *party.lines):
            pdf.cell(90, 5, _latin1(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(10, top + 5 * (2 + max(len(packing.ship_from.lines), len(packing.ship_to.lines))) + 2)
    _table(pdf, f"Cartons ({len(packing.cartons)}), pallets ({len(packing.pallets)})",
           ("#", "SSCC", "Pallet SSCC", "Vendor SKU", "ASIN", "Qty"), (10, 42, 42, 48, 32, 16),
           [(str(c.number) if n == 0 else "", c.sscc if n == 0 else "", c.pallet_sscc if n == 0 else "",
             line.vendor_sku, line.asin, str(line.qty))
            for c in packing.cartons for n, line in enumerate(c.contents)])
    _table(pdf, "Totals per PO line", ("PO", "Line", "Vendor SKU", "ASIN", "Qty"), (40, 20, 70, 40, 20),
           [(t.po_number, t.item_sequence, t.vendor_sku, t.asin, str(t.qty)) for t in packing.totals]
           + [("Total units", "", "", "", str(packing.units))])
    return bytes(pdf.output())


def _table(pdf: FPDF, title: str, heads: Sequence[str], widths: Sequence[float],
           rows: Sequence[Sequence[str]]) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    for head, width in zip(heads, widths, strict=True):
        pdf.cell(width, 6, head, border="B", align="R" if head == "Qty" else "L")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in rows:
        for value, head, width in zip(row, heads, widths, strict=True):
            pdf.cell(width, 5, _latin1(value), align="R" if head == "Qty" else "L")
        pdf.ln()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
