"""The straight bill of lading handed to the carrier, from the ASN payload.

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
from decimal import Decimal
from typing import Any

from acorn.documents._env import decimal, render
from acorn.documents._parties import party_view
from acorn.documents.errors import DocumentError


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
