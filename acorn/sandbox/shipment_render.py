"""An accepted ASN in GetShipmentDetails' wire shape (the model's ``Shipment``).

Amazon answers with what it was told and what it did, so a client reading back an ASN
after a lost answer sees its own document: parties, containers, carrier and dates come from
the confirmation as accepted (a ``Replace`` shows the replacing one), quantities per PO line
from what the sandbox booked against the order (in eaches).

Status: the model's enum (``Created``, ``TransportationRequested``, ``CarrierAssigned``,
``Shipped``) has no "received". A shipment confirmation reports goods that left, so every
accepted ASN is ``Shipped`` (at its ``shippedDate``, else at acceptance), after ``Created``
(when Amazon first accepted it). That the fulfilment centre received it shows as
``transportationDetails.shipmentDeliveryDate`` once the sandbox clock has reached the
delivery. Collect-freight fields (pickup, package labels, freight term) are left out: the
sandbox only knows vendor-confirmed shipments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from acorn.sandbox.records import ShipmentRecord
from acorn.sandbox.timefmt import iso

#: The only transactionType a shipment confirmation yields (``Cancel`` is a routing-request notion).
TRANSACTION_TYPE = "New"
SHIPPED, CREATED = "Shipped", "Created"
_PACKED_ITEM_DETAILS = ("purchaseOrderNumber", "lotNumber", "expiry")


def shipped_moment(record: ShipmentRecord) -> datetime:
    """When the shipment counts as shipped: the vendor's ``shippedDate``, else its first acceptance."""
    return record.shipped_date or record.first_accepted_at


def delivered(record: ShipmentRecord, now: datetime) -> datetime | None:
    """When the fulfilment centre received the shipment, once the clock has got there."""
    return record.delivered_at if record.delivered_at <= now else None


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, [], {})}


def _purchase_orders(record: ShipmentRecord) -> list[dict[str, Any]]:
    """Units booked per PO line (a line listed twice on the ASN is one item here)."""
    orders: dict[str, dict[str, Any]] = {}
    units: dict[tuple[str, str], int] = {}
    for po, line, count in record.lines:
        entry = orders.setdefault(po.number, _compact({
            "purchaseOrderNumber": po.number, "purchaseOrderDate": iso(po.created),
            "shipWindow": (f"{po.ship_window[0]:%m/%d/%Y} - {po.ship_window[1]:%m/%d/%Y}"
                           if po.ship_window else None)}))
        entry.setdefault("items", [])
        key = (po.number, line.sequence)
        if key not in units:
            entry["items"].append(_compact({"itemSequenceNumber": line.sequence,
                                            "buyerProductIdentifier": line.asin,
                                            "vendorProductIdentifier": line.vendor_id}))
        units[key] = units.get(key, 0) + count
    for number, entry in orders.items():
        for item in entry["items"]:
            item["shippedQuantity"] = {"amount": units[(number, item["itemSequenceNumber"])],
                                       "unitOfMeasure": "Eaches", "unitSize": 1}
    return list(orders.values())


def _packed(item: dict[str, Any], shipped_items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ref = str(item.get("itemReference", ""))
    shipped = shipped_items.get(ref, {})
    details = item.get("itemDetails") or shipped.get("itemDetails") or {}
    return _compact({"itemSequenceNumber": ref or None,
                     "buyerProductIdentifier": shipped.get("amazonProductIdentifier"),
                     "vendorProductIdentifier": shipped.get("vendorProductIdentifier"),
                     "packedQuantity": item.get("shippedQuantity"),
                     "itemDetails": _compact({k: details.get(k) for k in _PACKED_ITEM_DETAILS})})


def _containers(conf: dict[str, Any]) -> list[dict[str, Any]]:
    shipped_items = {str(i.get("itemSequenceNumber")): i for i in conf.get("shippedItems") or []}
    out = []
    for carton in conf.get("cartons") or []:
        out.append(_compact({
            "containerType": "carton", "containerSequenceNumber": carton.get("cartonSequenceNumber"),
            "trackingNumber": carton.get("trackingNumber"), "dimensions": carton.get("dimensions"),
            "weight": carton.get("weight"),
            "packedItems": [_packed(i, shipped_items) for i in carton.get("items") or []]})
            | {"containerIdentifiers": list(carton.get("cartonIdentifiers") or [])})
    for pallet in conf.get("pallets") or []:
        refs = pallet.get("cartonReferenceDetails") or {}
        numbers = list(refs.get("cartonReferenceNumbers") or [])
        inner = _compact({"containerCount": refs.get("cartonCount", len(numbers)) if refs else None,
                          "containerSequenceNumbers": [{"containerSequenceNumber": n} for n in numbers]})
        out.append(_compact({
            "containerType": "pallet", "tier": pallet.get("tier"), "block": pallet.get("block"),
            "dimensions": pallet.get("dimensions"), "weight": pallet.get("weight"),
            "innerContainersDetails": inner,
            "packedItems": [_packed(i, shipped_items) for i in pallet.get("items") or []]})
            | {"containerIdentifiers": list(pallet.get("palletIdentifiers") or [])})
    return out


def _measurements(conf: dict[str, Any]) -> dict[str, Any]:
    sent = conf.get("shipmentMeasurements") or {}
    cartons = sent.get("cartonCount", len(conf["cartons"]) if conf.get("cartons") else None)
    return _compact({"totalCartonCount": cartons, "shipmentWeight": sent.get("grossShipmentWeight"),
                     "shipmentVolume": sent.get("shipmentVolume")})


def _transportation(record: ShipmentRecord, conf: dict[str, Any], now: datetime) -> dict[str, Any]:
    sent = conf.get("transportationDetails") or {}
    arrived = delivered(record, now)
    return _compact({
        "shipMode": conf.get("shipmentType"), "transportationMode": sent.get("transportationMode"),
        "shippedDate": iso(record.shipped_date) if record.shipped_date else None,
        "estimatedDeliveryDate": iso(record.estimated_delivery) if record.estimated_delivery else None,
        "shipmentDeliveryDate": iso(arrived) if arrived else None,
        "carrierDetails": _compact({"code": sent.get("carrierScac"),
                                    "shipmentReferenceNumber": sent.get("carrierShipmentReferenceNumber")}),
        "billOfLadingNumber": sent.get("billOfLadingNumber")})


def shipment_json(record: ShipmentRecord, now: datetime) -> dict[str, Any]:
    """The model's ``Shipment`` for one accepted ASN as the sandbox knows it at ``now``."""
    conf = record.confirmation
    shipped = iso(shipped_moment(record))
    return _compact({
        "vendorShipmentIdentifier": record.shipment_id,
        "transactionType": TRANSACTION_TYPE,
        "buyerReferenceNumber": conf.get("amazonReferenceNumber"),
        "transactionDate": iso(record.accepted_at),
        "currentShipmentStatus": SHIPPED,
        "currentshipmentStatusDate": shipped,  # sic: the model's spelling
        "shipmentStatusDetails": [{"shipmentStatus": SHIPPED, "shipmentStatusDate": shipped},
                                  {"shipmentStatus": CREATED, "shipmentStatusDate": iso(record.first_accepted_at)}],
        "shipmentCreateDate": iso(record.first_accepted_at),
        "shipmentConfirmDate": iso(record.accepted_at),
        "sellingParty": conf.get("sellingParty"),
        "shipFromParty": conf.get("shipFromParty"),
        "shipToParty": conf.get("shipToParty"),
        "shipmentMeasurements": _measurements(conf),
        "purchaseOrders": _purchase_orders(record),
        "importDetails": conf.get("importDetails"),
        "containers": _containers(conf),
        "transportationDetails": _transportation(record, conf, now),
    })
