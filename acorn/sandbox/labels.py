"""GetShipmentLabels: the carrier's labels for routed small-parcel shipments, filtered, sorted and paged.

Amazon generates small-parcel labels once a routing request has its carrier; the sandbox creates
them at the carrier assignment (``labelCreateDateTime`` = ``carrierAssignmentDate``), one per carton
(the request's ``totalCartonCount``, else its carton containers), each with its own tracking id, the
first one being the ``masterTrackingId``. Labels of a cancelled request are void and no longer
listed; freight (LTL, truckload) has none. Each ``TransportLabel`` is one shipment; ``label`` is a
base-64 PDF (``label_pdf``), the one ``labelFormat`` the model allows.

Parameters as the model declares them: ``labelCreatedAfter`` / ``labelCreatedBefore`` (``[after,
before)``), ``buyerReferenceNumber`` (the ARN), ``vendorShipmentIdentifier``, ``sellerWarehouseCode``
(``sellingParty.partyId``), exact. ``limit`` 1-50, default 50; sorted by label creation, newest first
unless ``sortOrder=ASC``; opaque ``nextToken`` as for GetShipmentDetails. Nothing found is an empty
list, not a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from acorn.sandbox.label_pdf import label_base64
from acorn.sandbox.paging import PageTokens
from acorn.sandbox.records import Registry, RoutingRecord
from acorn.sandbox.shipment_queries import Cursor, ListQuery, in_window, page_of, parse_list_query, resume
from acorn.sandbox.shipment_view import SMALL_PARCEL
from acorn.sandbox.timefmt import iso

OPERATION = "GetShipmentLabels"
LABEL_FORMAT = "PDF"

_WINDOWS = ("labelCreated",)
_EXACT: dict[str, Callable[[RoutingRecord], str | None]] = {
    "vendorShipmentIdentifier": lambda r: r.shipment_id,
    "buyerReferenceNumber": lambda r: r.buyer_reference,
    "sellerWarehouseCode": lambda r: (r.request.get("sellingParty") or {}).get("partyId"),
}


def labelled(record: RoutingRecord, now: datetime) -> bool:
    """Whether a routed shipment has live labels at ``now``: small parcel, carrier assigned, not cancelled."""
    return (record.plan.ship_mode == SMALL_PARCEL and record.plan.assigned_at <= now
            and record.cancelled_at is None)


def _label_lines(record: RoutingRecord, n: int, tracking: str) -> list[str]:
    req, plan = record.request, record.plan
    ship_from = req.get("shipFromParty") or {}
    address = ship_from.get("address") or {}
    place = " ".join(str(address[k]) for k in ("city", "stateOrRegion", "postalCode", "countryCode") if address.get(k))
    orders = ", ".join(dict.fromkeys(po.number for po, _, _ in record.lines))
    return [f"{plan.carrier_name} ({plan.scac})", f"TRACKING # {tracking}",
            f"FROM: {address.get('name', '')}", f"      {address.get('addressLine1', '')}", f"      {place}",
            f"TO: Amazon {(req.get('shipToParty') or {}).get('partyId', '')}",
            f"ARN {record.buyer_reference}  SHIPMENT {record.shipment_id}", f"PO {orders}",
            f"CARTON {n} OF {len(plan.tracking_ids)}"]


def label_json(record: RoutingRecord) -> dict[str, Any]:
    """The model's ``TransportLabel`` for one labelled shipment."""
    req, plan = record.request, record.plan
    ship_from = req.get("shipFromParty") or {}
    information = {
        "vendorDetails": {"sellingParty": req.get("sellingParty"), "vendorShipmentIdentifier": record.shipment_id},
        "buyerReferenceNumber": record.buyer_reference, "shipToParty": req.get("shipToParty"),
        "shipFromParty": ship_from, "warehouseId": ship_from.get("partyId"),
        "masterTrackingId": plan.tracking_ids[0], "totalLabelCount": len(plan.tracking_ids), "shipMode": SMALL_PARCEL}
    return {
        "labelCreateDateTime": iso(plan.assigned_at),
        "shipmentInformation": {k: v for k, v in information.items() if v is not None},
        "labelData": [{"labelSequenceNumber": n, "labelFormat": LABEL_FORMAT, "carrierCode": plan.scac,
                       "trackingId": tracking, "label": label_base64(_label_lines(record, n, tracking))}
                      for n, tracking in enumerate(plan.tracking_ids, start=1)]}


def _matches(record: RoutingRecord, q: ListQuery) -> bool:
    return (all(_EXACT[name](record) == wanted for name, wanted in q.exact.items())
            and all(in_window(record.plan.assigned_at, bounds) for bounds in q.windows.values()))


def _label_key(record: RoutingRecord) -> Cursor:
    return (record.plan.assigned_at, record.shipment_id)


def shipment_labels(registry: Registry, params: Mapping[str, str], now: datetime,
                    tokens: PageTokens) -> dict[str, Any]:
    """The whole ``GetShipmentLabels`` response for one request (caller holds the state's lock)."""
    resumed = resume(params, tokens, OPERATION)
    q, cursor = resumed or (parse_list_query(params, windows=_WINDOWS, exact=_EXACT), None)
    found = [r for r in registry.routings.values() if labelled(r, now) and _matches(r, q)]
    page, token = page_of(found, _label_key, q, cursor, tokens, OPERATION)
    payload: dict[str, Any] = {}
    if token:
        payload["pagination"] = {"nextToken": token}
    payload["transportLabels"] = [label_json(r) for r in page]
    return {"payload": payload}
