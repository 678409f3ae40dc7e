"""A shipment in GetShipmentDetails' wire shape (the model's ``Shipment``).

Amazon answers with what it was told and what it did, so a client reading back an ASN
after a lost answer sees its own document: parties, containers, carrier and dates come from
the confirmation as accepted (a ``Replace`` shows the replacing one), quantities per PO line
from what the sandbox booked against the order (in eaches). A routing request (SubmitShipments)
shows its parties, measurements, containers and units per PO line as requested, plus what
Amazon arranged: ``shipmentFreightTerm`` ``Collect``, ``buyerReferenceNumber`` (the ARN),
``collectFreightPickupDetails``, ``packageLabelCreateDate`` (small parcel) and the carrier. When an
ASN confirms a routed shipment (same identifier) the ASN's content wins and the freight is added.

Statuses and the dates that stand in for the stages the enum lacks: see ``shipment_view``.
An ASN alone is ``Shipped`` (at its ``shippedDate``, else at acceptance) after ``Created``.
Nothing is shown before the sandbox clock reaches it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from acorn.sandbox.orders import OrderLine, PurchaseOrder
from acorn.sandbox.shipment_view import ShipmentView
from acorn.sandbox.timefmt import iso

NEW, CANCEL, COLLECT = "New", "Cancel", "Collect"
_PACKED_ITEM_DETAILS = ("purchaseOrderNumber", "lotNumber", "expiry")


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, [], {})}


def _purchase_orders(lines: list[tuple[PurchaseOrder, OrderLine, int]]) -> list[dict[str, Any]]:
    """Units per PO line (a line listed twice on the document is one item here)."""
    orders: dict[str, dict[str, Any]] = {}
    units: dict[tuple[str, str], int] = {}
    for po, line, count in lines:
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


def _transportation(view: ShipmentView, sent: dict[str, Any], now: datetime) -> dict[str, Any]:
    routing = view.routing
    plan = routing.plan if routing and view.carrier_assigned(now) else None
    carrier = _compact({"code": sent.get("carrierScac"), "shipmentReferenceNumber":
                        sent.get("carrierShipmentReferenceNumber")}) if view.asn else {}
    if plan is not None and "code" not in carrier:  # the ASN's carrier, as stated, else the one Amazon assigned
        carrier = {"name": plan.carrier_name, "code": plan.scac, "shipmentReferenceNumber": plan.pro_number}
    ship_mode = (view.asn.confirmation.get("shipmentType") if view.asn else None) or (
        routing.plan.ship_mode if routing else None)
    return _compact({
        "shipMode": ship_mode, "transportationMode": sent.get("transportationMode") or ("Road" if routing else None),
        "shippedDate": _iso(view.shipped(now)), "estimatedDeliveryDate": _iso(view.estimated_delivery(now)),
        "shipmentDeliveryDate": _iso(view.delivered(now)), "carrierDetails": carrier,
        "billOfLadingNumber": sent.get("billOfLadingNumber")})


def _from_asn(view: ShipmentView, now: datetime) -> dict[str, Any]:
    asn = view.asn
    assert asn is not None
    conf = asn.confirmation
    return {"sellingParty": conf.get("sellingParty"), "shipFromParty": conf.get("shipFromParty"),
            "shipToParty": conf.get("shipToParty"), "shipmentMeasurements": _measurements(conf),
            "purchaseOrders": _purchase_orders(asn.lines), "importDetails": conf.get("importDetails"),
            "containers": _containers(conf),
            "transportationDetails": _transportation(view, conf.get("transportationDetails") or {}, now)}


def _from_request(view: ShipmentView, now: datetime) -> dict[str, Any]:
    routing = view.routing
    assert routing is not None
    req = routing.request
    return {"sellingParty": req.get("sellingParty"), "shipFromParty": req.get("shipFromParty"),
            "shipToParty": req.get("shipToParty"), "shipmentMeasurements": req.get("shipmentMeasurements"),
            "purchaseOrders": _purchase_orders(routing.lines), "importDetails": req.get("importDetails"),
            "containers": req.get("containers"),
            "transportationDetails": _transportation(view, req.get("transportationDetails") or {}, now)}


def shipment_json(view: ShipmentView, now: datetime) -> dict[str, Any]:
    """The model's ``Shipment`` for one shipment as the sandbox knows it at ``now``."""
    statuses = view.statuses(now)
    routing = view.routing
    pickup = _compact({"requestedPickUp": _iso(view.requested_pickup),
                       "scheduledPickUp": _iso(view.scheduled_pickup(now)),
                       "carrierAssignmentDate": _iso(view.carrier_assigned(now))})
    content = _from_asn(view, now) if view.asn else _from_request(view, now)
    return _compact({
        "vendorShipmentIdentifier": view.shipment_id,
        "transactionType": CANCEL if view.cancelled else NEW,
        "buyerReferenceNumber": view.buyer_reference,
        "transactionDate": iso(view.transaction_date),
        "currentShipmentStatus": statuses[0][0],
        "currentshipmentStatusDate": iso(statuses[0][1]),  # sic: the model's spelling
        "shipmentStatusDetails": [{"shipmentStatus": s, "shipmentStatusDate": iso(at)} for s, at in statuses],
        "shipmentCreateDate": iso(view.created),
        "shipmentConfirmDate": _iso(view.confirmed),
        "packageLabelCreateDate": _iso(view.label_created(now)),
        "shipmentFreightTerm": COLLECT if routing else None,
        **{k: v for k, v in content.items() if k in ("sellingParty", "shipFromParty", "shipToParty")},
        "shipmentMeasurements": content["shipmentMeasurements"],
        "collectFreightPickupDetails": pickup,
        **{k: content[k] for k in ("purchaseOrders", "importDetails", "containers", "transportationDetails")},
    })
