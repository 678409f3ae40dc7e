"""The straight bill of lading handed to the carrier.

:class:`BillOfLading` (rendered by :func:`render_vics_bill_of_lading_html` / ``_pdf``) is
built from the stored shipment by ``acorn.services.packing`` before the truck leaves. Laid
out like the VICS bill of lading US carriers expect: shipper, consignee (the fulfilment
centre's address), carrier with SCAC / PRO / VICS BOL number, seal, freight terms and class,
customer order information per purchase order (cartons, units, weight), handling units with
their SSCCs, weights in lb and kg, totals, and signature lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF

from acorn.documents._env import day, render, when
from acorn.documents.errors import DocumentError
from acorn.documents.labels import Party
from acorn.domain.carrier_numbers import kg_to_lb
from acorn.domain.measures import round_to_tenth_kg


@dataclass(frozen=True)
class HandlingUnit:
    """A pallet, or a carton travelling loose, as the carrier counts it."""

    kind: str  # "Pallet" / "Carton"
    sscc: str
    cartons: int
    weight_kg: Decimal

    @property
    def weight_lb(self) -> Decimal:
        return kg_to_lb(self.weight_kg)


@dataclass(frozen=True)
class OrderInfo:
    """VICS "customer order information": one row per purchase order."""

    po_number: str
    cartons: int
    units: int
    weight_kg: Decimal

    @property
    def weight_lb(self) -> Decimal:
        return kg_to_lb(self.weight_kg)


@dataclass(frozen=True)
class BillOfLading:
    bol_number: str
    shipment_identifier: str
    ship_date: datetime
    shipper: Party
    consignee: Party
    carrier_name: str
    carrier_scac: str
    pro_number: str
    freight_terms: str
    handling_units: tuple[HandlingUnit, ...]
    orders: tuple[OrderInfo, ...]
    total_weight_kg: Decimal
    seal_number: str | None = None  # None: a "Seal: ______" line the dock fills in by hand
    freight_class: str | None = None
    nmfc: str | None = None
    delivery_appointment: datetime | None = None
    amazon_reference: str | None = None  # the ARN, for Amazon-arranged freight

    def __post_init__(self) -> None:
        record = f"bill of lading {self.bol_number or '?'} (shipment {self.shipment_identifier})"
        for name in ("bol_number", "shipment_identifier", "carrier_name", "carrier_scac", "pro_number",
                     "freight_terms"):
            if not str(getattr(self, name) or "").strip():
                raise DocumentError(f"a bill of lading needs the {name.replace('_', ' ')}", record=record, field=name)
        for name in ("shipper", "consignee"):
            party: Party = getattr(self, name)
            if not (party.name.strip() and len(party.lines) >= 2):
                raise DocumentError(f"a bill of lading needs the {name}'s full address", record=record, field=name)
        if not self.handling_units:
            raise DocumentError("a bill of lading needs at least one handling unit", record=record,
                                field="handling_units")

    @property
    def total_weight_lb(self) -> Decimal:
        return kg_to_lb(self.total_weight_kg)

    @property
    def pallet_count(self) -> int:
        return sum(1 for u in self.handling_units if u.kind == "Pallet")

    @property
    def carton_count(self) -> int:
        return sum(u.cartons for u in self.handling_units)

    @property
    def units(self) -> int:
        return sum(o.units for o in self.orders)

    @property
    def seal_text(self) -> str:
        return self.seal_number or "____________ (recorded at the dock)"

    @property
    def carrier_details(self) -> list[tuple[str, str]]:
        """Label / value pairs printed in the carrier box: only what exists, never an empty label."""
        rows = [("Carrier", self.carrier_name), ("SCAC", self.carrier_scac), ("PRO number", self.pro_number),
                ("Seal number", self.seal_text), ("Freight terms", self.freight_terms)]
        if self.freight_class:
            rows.append(("Freight class", self.freight_class))
        if self.nmfc:
            rows.append(("NMFC", self.nmfc))
        if self.amazon_reference:
            rows.append(("Amazon reference (ARN)", self.amazon_reference))
        if self.delivery_appointment:
            rows.append(("Delivery appointment", when(self.delivery_appointment)))
        return rows


def kg_text(kg: Decimal) -> str:
    return f"{round_to_tenth_kg(kg):,} kg"


def lb_text(lb: Decimal) -> str:
    return f"{lb:,} lb"


def render_vics_bill_of_lading_html(bol: BillOfLading) -> str:
    return render("vics_bill_of_lading.html", b=bol, kg=kg_text, lb=lb_text)


def render_vics_bill_of_lading_pdf(bol: BillOfLading) -> bytes:
    """A US Letter PDF laid out like the VICS bill of lading."""
    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    _pdf_heading(pdf, bol)
    _pdf_parties(pdf, bol)
    _pdf_table(pdf, "Customer order information", ("Purchase order", "Cartons", "Units", "Weight lb", "Weight kg"),
               (60, 25, 25, 35, 35),
               [(o.po_number, str(o.cartons), str(o.units), lb_text(o.weight_lb), kg_text(o.weight_kg))
                for o in bol.orders])
    _pdf_table(pdf, "Carrier information (handling units)", ("Type", "SSCC", "Cartons", "Weight lb", "Weight kg"),
               (25, 60, 25, 35, 35),
               [(u.kind, u.sscc, str(u.cartons), lb_text(u.weight_lb), kg_text(u.weight_kg))
                for u in bol.handling_units]
               + [("Total", f"{bol.pallet_count} pallet(s), {bol.units} unit(s)", str(bol.carton_count),
                   lb_text(bol.total_weight_lb), kg_text(bol.total_weight_kg))])
    _pdf_signatures(pdf, bol)
    return bytes(pdf.output())


def _pdf_heading(pdf: FPDF, bol: BillOfLading) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, "Straight bill of lading - not negotiable", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin1(f"BOL number {bol.bol_number} - shipment {bol.shipment_identifier} - "
                           f"ship date {day(bol.ship_date)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _pdf_parties(pdf: FPDF, bol: BillOfLading) -> None:
    """Shipper, consignee and carrier side by side; the next section starts under the tallest box."""
    top = pdf.get_y()
    boxes = ((10, "Ship from (shipper)", [bol.shipper.name, *bol.shipper.lines, f"Party {bol.shipper.code}"]),
             (75, "Ship to (consignee)", [bol.consignee.name, *bol.consignee.lines,
                                          f"Fulfilment centre {bol.consignee.code}"]),
             (140, "Carrier", [f"{label}: {value}" for label, value in bol.carrier_details]))
    bottom = top
    for x, title, lines in boxes:
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(62, 5, title.upper(), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for line in lines:
            _box_line(pdf, 62, 4.5, _latin1(line))
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(10, bottom + 2)


def _pdf_signatures(pdf: FPDF, bol: BillOfLading) -> None:
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 9)
    for x, text in ((10, f"Shipper signature / date ({bol.shipper.name})"),
                    (75, f"Carrier signature / pickup date ({bol.carrier_scac})"),
                    (140, f"Consignee signature / date ({bol.consignee.code})")):
        pdf.set_x(x)
        pdf.cell(62, 10, _latin1(text), border="T")


def _box_line(pdf: FPDF, width: float, height: float, text: str) -> None:
    """One line of a box: a plain cell when it fits (what multi_cell would print, without its line breaking),
    wrapped over several lines only when it is too long."""
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        pdf.cell(width, height, text, new_x="LEFT", new_y="NEXT")
    else:
        pdf.multi_cell(width, height, text, new_x="LEFT", new_y="NEXT")


def _pdf_table(pdf: FPDF, title: str, heads: tuple[str, ...], widths: tuple[float, ...],
               rows: list[tuple[str, ...]]) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    for head, width in zip(heads, widths, strict=True):
        pdf.cell(width, 6, head, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in rows:
        for value, width in zip(row, widths, strict=True):
            pdf.cell(width, 5, _latin1(value))
        pdf.ln()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
