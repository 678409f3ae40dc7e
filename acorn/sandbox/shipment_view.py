"""One shipment as GetShipmentDetails sees it at a moment: an accepted ASN, a routing request, or both.

A routed (collect) shipment and the ASN that later confirms it share the vendor's
``vendorShipmentIdentifier``, so they are one shipment here: the ASN says what left, the routing
request adds Amazon's freight (ARN, carrier, pickup, labels).

Statuses use the model's enum, which has four values; the other stages show as dates:

    stage                          how it shows
    request accepted               Created + TransportationRequested (routing), Created (ASN)
    carrier assigned               CarrierAssigned, collectFreightPickupDetails.carrierAssignmentDate
    picked up / in transit         Shipped (at the pickup, or the ASN's shippedDate), shippedDate
    delivered / received at the FC transportationDetails.shipmentDeliveryDate (no status value exists)
    cancelled (routing)            transactionType Cancel; the status stays the last one reached

Everything is computed from moments fixed when the documents were accepted, so the view at a
given sandbox time is the same however the clock got there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acorn.sandbox.records import Registry, RoutingRecord, ShipmentRecord

CREATED, REQUESTED, ASSIGNED, SHIPPED = "Created", "TransportationRequested", "CarrierAssigned", "Shipped"
_RANK = {CREATED: 0, REQUESTED: 1, ASSIGNED: 2, SHIPPED: 3}
SMALL_PARCEL = "SmallParcel"


@dataclass(frozen=True)
class ShipmentView:
    shipment_id: str
    asn: ShipmentRecord | None = None
    routing: RoutingRecord | None = None

    # ---- the routing request's course -----------------------------------------------------
    def _reached(self, moment: datetime, now: datetime) -> bool:
        """Whether a routing stage at ``moment`` happened: the clock got there before any cancellation."""
        r = self.routing
        return r is not None and moment <= now and (r.cancelled_at is None or moment <= r.cancelled_at)

    def carrier_assigned(self, now: datetime) -> datetime | None:
        r = self.routing
        return r.plan.assigned_at if r is not None and self._reached(r.plan.assigned_at, now) else None

    def scheduled_pickup(self, now: datetime) -> datetime | None:
        r = self.routing
        return r.plan.scheduled_pickup if r is not None and self.carrier_assigned(now) else None

    def picked_up(self, now: datetime) -> datetime | None:
        r = self.routing
        return r.plan.scheduled_pickup if r is not None and self._reached(r.plan.scheduled_pickup, now) else None

    def label_created(self, now: datetime) -> datetime | None:
        """Small-parcel labels exist from the carrier assignment on (``packageLabelCreateDate``)."""
        r = self.routing
        return self.carrier_assigned(now) if r is not None and r.plan.ship_mode == SMALL_PARCEL else None

    @property
    def requested_pickup(self) -> datetime | None:
        return self.routing.requested_pickup if self.routing else None

    @property
    def cancelled(self) -> bool:
        return self.routing is not None and self.routing.cancelled_at is not None

    # ---- both ------------------------------------------------------------------------------
    @property
    def created(self) -> datetime:
        return min(r.first_accepted_at for r in (self.asn, self.routing) if r is not None)

    @property
    def confirmed(self) -> datetime | None:
        """``shipmentConfirmDate``: the latest accepted ASN (a routing request confirms nothing)."""
        return self.asn.accepted_at if self.asn else None

    @property
    def transaction_date(self) -> datetime:
        moments = [r.accepted_at for r in (self.asn, self.routing) if r is not None]
        if self.routing and self.routing.cancelled_at:
            moments.append(self.routing.cancelled_at)
        return max(moments)

    def shipped(self, now: datetime) -> datetime | None:
        """``shippedDate``: the ASN's, else the pickup once it happened."""
        return (self.asn.shipped_date if self.asn and self.asn.shipped_date else None) or self.picked_up(now)

    def estimated_delivery(self, now: datetime) -> datetime | None:
        if self.asn and self.asn.estimated_delivery:
            return self.asn.estimated_delivery
        return self.routing.plan.estimated_delivery if self.routing and self.carrier_assigned(now) else None

    def delivered(self, now: datetime) -> datetime | None:
        """When the fulfilment centre received it, once the clock has got there."""
        if self.asn:
            return self.asn.delivered_at if self.asn.delivered_at <= now else None
        arrival = self.routing.plan.estimated_delivery if self.routing and self.picked_up(now) else None
        return arrival if arrival is not None and arrival <= now else None

    @property
    def buyer_reference(self) -> str | None:
        if self.routing:
            return self.routing.buyer_reference
        return self.asn.confirmation.get("amazonReferenceNumber") if self.asn else None

    @property
    def document(self) -> dict[str, Any]:
        """The vendor's own document the parties come from: the ASN when there is one."""
        return self.asn.confirmation if self.asn else self.routing.request  # type: ignore[union-attr]

    def statuses(self, now: datetime) -> list[tuple[str, datetime]]:
        """``shipmentStatusDetails``: every status reached, furthest stage first.

        Ordered by stage, not by date: an ASN is confirmed after its goods left, so its
        ``Created`` moment is later than its ``Shipped`` one, yet the shipment is shipped."""
        found = [(CREATED, self.created)]
        if self.routing:
            found.append((REQUESTED, self.routing.first_accepted_at))
            if assigned := self.carrier_assigned(now):
                found.append((ASSIGNED, assigned))
        if self.asn:
            found.append((SHIPPED, self.asn.shipped_date or self.asn.first_accepted_at))
        elif picked := self.picked_up(now):
            found.append((SHIPPED, picked))
        return sorted(found, key=lambda s: (_RANK[s[0]], s[1]), reverse=True)

    def current_status(self, now: datetime) -> tuple[str, datetime]:
        return self.statuses(now)[0]


def shipment_views(registry: Registry) -> dict[str, ShipmentView]:
    """Every shipment the sandbox knows, by vendor shipment identifier."""
    ids = dict.fromkeys([*registry.shipments, *registry.routings])
    return {sid: ShipmentView(sid, registry.shipments.get(sid), registry.routings.get(sid)) for sid in ids}


def shipment_view(registry: Registry, shipment_id: str) -> ShipmentView | None:
    asn, routing = registry.shipments.get(shipment_id), registry.routings.get(shipment_id)
    return ShipmentView(shipment_id, asn, routing) if asn or routing else None
