"""The straight bill of lading handed to the carrier.

:class:`BillOfLading` (rendered by :func:`render_vics_bill_of_lading_html` / ``_pdf``) is the
one the dock prints: built from the stored shipment by ``acorn.services.packing`` before the
truck leaves, with consignee address, SCAC, PRO, VICS BOL number, seal, freight terms and
class, and weights in lb and kg. The older :func:`render_bill_of_lading_html` below renders
the same layout from an ASN payload (kept for reading archived payloads).

Input is one SP-API ``ShipmentConfirmation`` (what ``SubmitShipmentConfirmations``
sends), so the paper the driver signs and the ASN Amazon receives describe the same
cartons, pallets, SSCCs and weights. Laid out like the VICS bill of lading US carriers
expect: shipper, consignee (the fulfilment centre), carrier with SCAC / PRO / BOL
number, customer order information per purchase order (cartons, units, weight),
handling units with their SSCCs, totals, and signature lines.

A carton's purchase order comes from the carton item's ``itemDetails`` or, failing
that, from the shipped item its ``itemReference`` points at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fpdf import FPDF

from acorn.documents._env import day, decimal, render, when
from acorn.documents._parties import party_view
from acorn.documents.errors import DocumentError
from acorn.documents.labels import Party
from acorn.domain.carrier_numbers import kg_to_lb


def render_bill_of_lading_html(shipment: Mapping[str, Any], *, freight_terms: str | None = None) -> str:
    """A standalone HTML bill of lading for one ``ShipmentConfirmation`` payload.

    ``freight_terms`` (``Prepaid``, ``Collect``, ``Third party``) is printed when given;
    the ASN model has no field for it.
    """
    shipment_id = str(shipment.get("shipmentIdentifier") or "").strip()
    if not shipment_id:
        raise DocumentError("a bill of lading needs the shipment identifier", field="shipmentIdentifier")
    transport = shipment.get("transportationDetails") or {}
    items = shipment.get("shippedItems") or []
    po_by_sequence = {str(i.get("itemSequenceNumber")): _po_of(i) for i in items}
    cartons = [_carton(c, po_by_sequence) for c in shipment.get("cartons") or []]
    pallets = [_pallet(p) for p in shipment.get("pallets") or []]
    measurements = shipment.get("shipmentMeasurements") or {}
    gross = measurements.get("grossShipmentWeight") or {}
    carton_weight = sum((c["weight"] or Decimal(0) for c in cartons), Decimal(0))
    return render(
        "bill_of_lading.html",
        shipment_id=shipment_id,
        bol_number=transport.get("billOfLadingNumber") or shipment_id,
        confirmation_type=shipment.get("shipmentConfirmationType") or "",
        shipment_type=shipment.get("shipmentType") or "",
        shipped_date=shipment.get("shippedDate") or transport.get("shippedDate") or "",
        delivery_date=shipment.get("estimatedDeliveryDate") or transport.get("estimatedDeliveryDate") or "",
        scac=transport.get("carrierScac") or "",
        pro_number=transport.get("carrierShipmentReferenceNumber") or "",
        mode=transport.get("transportationMode") or "",
        freight_terms=freight_terms or "",
        shipper=party_view(shipment.get("shipFromParty")),
        consignee=party_view(shipment.get("shipToParty")),
        vendor=party_view(shipment.get("sellingParty")),
        orders=_orders(items, cartons),
        cartons=cartons,
        pallets=pallets,
        carton_count=measurements.get("cartonCount", len(cartons)),
        pallet_count=measurements.get("palletCount", len(pallets)),
        gross_weight=decimal(gross.get("value")) if gross else (carton_weight if cartons else None),
        weight_unit=gross.get("unitOfMeasure", "") if gross else (cartons[0]["weight_unit"] if cartons else ""),
        units=sum(_eaches(i.get("shippedQuantity")) for i in items),
    )


def _sscc(identifiers: list[Mapping[str, Any]] | None) -> str:
    for ident in identifiers or []:
        if ident.get("containerIdentificationType") == "SSCC":
            return str(ident.get("containerIdentificationNumber") or "")
    first = (identifiers or [{}])[0]
    return str(first.get("containerIdentificationNumber") or "")


def _carton(carton: Mapping[str, Any], po_by_sequence: Mapping[str, str]) -> dict[str, Any]:
    weight = carton.get("weight") or {}
    pos = {
        _po_of(item) or po_by_sequence.get(str(item.get("itemReference")), "")
        for item in carton.get("items") or []
    }
    return {
        "sequence": carton.get("cartonSequenceNumber") or "",
        "sscc": _sscc(carton.get("cartonIdentifiers")),
        "weight": decimal(weight.get("value")),
        "weight_unit": weight.get("unitOfMeasure") or "",
        "po_numbers": sorted(po for po in pos if po),
        "units": sum(_eaches(item.get("shippedQuantity")) for item in carton.get("items") or []),
    }


def _pallet(pallet: Mapping[str, Any]) -> dict[str, Any]:
    weight = pallet.get("weight") or {}
    refs = pallet.get("cartonReferenceDetails") or {}
    return {
        "sscc": _sscc(pallet.get("palletIdentifiers")),
        "carton_count": refs.get("cartonCount", len(refs.get("cartonReferenceNumbers") or [])),
        "weight": decimal(weight.get("value")),
        "weight_unit": weight.get("unitOfMeasure") or "",
    }


def _orders(items: list[Mapping[str, Any]], cartons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    orders: dict[str, dict[str, Any]] = {}
    for item in items:
        po = _po_of(item)
        entry = orders.setdefault(po, {"po_number": po, "units": 0, "cartons": 0, "weight": Decimal(0)})
        entry["units"] += _eaches(item.get("shippedQuantity"))
    for carton in cartons:
        for po in carton["po_numbers"]:
            entry = orders.setdefault(po, {"po_number": po, "units": 0, "cartons": 0, "weight": Decimal(0)})
            entry["cartons"] += 1
            # a carton holds one PO (the domain's rule); a mixed one is not split by weight
            if len(carton["po_numbers"]) == 1 and carton["weight"] is not None:
                entry["weight"] += carton["weight"]
    return [orders[po] for po in sorted(orders)]


def _po_of(item: Mapping[str, Any]) -> str:
    return str((item.get("itemDetails") or {}).get("purchaseOrderNumber") or "")


def _eaches(quantity: Mapping[str, Any] | None) -> int:
    quantity = quantity or {}
    amount = quantity.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool):
        return 0
    return amount * int(quantity.get("unitSize") or 1) if quantity.get("unitOfMeasure") == "Cases" else amount


# --- the VICS bill of lading, from the stored shipment (printed before the truck leaves) ---------


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
    return f"{kg.quantize(Decimal('0.1')):,} kg"


def lb_text(lb: Decimal) -> str:
    return f"{lb:,} lb"


def render_vics_bill_of_lading_html(bol: BillOfLading) -> str:
    return render("vics_bill_of_lading.html", b=bol, kg=kg_text, lb=lb_text)


def render_vics_bill_of_lading_pdf(bol: BillOfLading) -> bytes:
    """A US Letter PDF laid out like the VICS bill of lading."""
    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, "Straight bill of lading - not negotiable", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin1(f"BOL number {bol.bol_number} - shipment {bol.shipment_identifier} - "
                           f"ship date {day(bol.ship_date)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
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
            pdf.multi_cell(62, 4.5, _latin1(line), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(10, bottom + 2)
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
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 9)
    for x, text in ((10, f"Shipper signature / date ({bol.shipper.name})"),
                    (75, f"Carrier signature / pickup date ({bol.carrier_scac})"),
                    (140, f"Consignee signature / date ({bol.consignee.code})")):
        pdf.set_x(x)
        pdf.cell(62, 10, _latin1(text), border="T")
    return bytes(pdf.output())


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
