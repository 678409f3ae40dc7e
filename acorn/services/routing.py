"""Amazon-arranged (collect) freight: the routing request, and the carrier Amazon assigns.

For an account with ``freight = "amazon"`` the vendor does not book the truck. The day flows so:

1. **Planning** (``shipments.plan_shipments``) packs the goods as for any shipment, with a
   departure no earlier than Amazon's pickup lead allows (``domain.routing``), and queues a
   ``SubmitShipments`` routing request (``New``, ``Collect``) in the outbox, in the same
   transaction as the shipment: key ``route:<SHIPMENT>``, kind ``routing_request``.
2. **Delivery** goes through the outbox like every POST (exactly once; a lost answer is
   settled by reading the shipment back with ``GetShipmentDetails`` before any re-post:
   :func:`routing_read_back`). A ``Failure`` raises an alert with Amazon's code and the
   playbook's next step.
3. **Following the carrier** (:func:`follow_carriers`): ``GetShipmentDetails`` gives the ARN
   (``buyerReferenceNumber``) as soon as Amazon accepts the request, then, once Amazon assigns
   a carrier, its SCAC, name, PRO (or master tracking id), the scheduled pickup and the
   estimated delivery. These go on the shipment: it now departs at Amazon's scheduled pickup,
   and its ASN deadline follows. A small-parcel shipment's labels come from
   ``GetShipmentLabels``, one PDF per carton kept under the shipment's documents folder
   (``carrier-labels/carton-NNN.pdf``), and each carton takes its label's tracking id. Then the
   dock's paperwork (GS1 labels, packing list, bill of lading) is written, naming Amazon's
   carrier, PRO and the ARN; until then neither paperwork nor ASN exists (``asn_keys.awaiting_carrier``).
   A pickup that comes without a carrier raises an alert.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from acorn import contract
from acorn.config import AcornSettings, VendorAccountSettings
from acorn.domain.deadlines import AsnDeadlinePolicy, asn_deadline
from acorn.domain.documents import DocumentKind, DocumentState
from acorn.domain.freight import ShipMode
from acorn.domain.measures import weight_text
from acorn.domain.routing import carrier_overdue
from acorn.domain.states import ShipmentStatus
from acorn.services import outbox, packing
from acorn.services.archive import write_once
from acorn.services.asns import ship_from_party, shipped_quantities
from acorn.services.ports import AmazonApi, Units
from acorn.spapi import SpApiError
from acorn.store import UnitOfWork
from schemas.tables import OutboxEntry, Shipment

log = logging.getLogger("acorn.routing")

_ISO = "%Y-%m-%dT%H:%M:%SZ"
COLLECT = "Collect"
KIND = DocumentKind.ROUTING_REQUEST


@dataclass
class CarrierFollowUp:
    assigned: list[str] = field(default_factory=list)     # carrier read back today
    waiting: list[str] = field(default_factory=list)      # Amazon has not named a carrier yet
    labels: list[Path] = field(default_factory=list)      # Amazon's small-parcel labels kept
    overdue: list[str] = field(default_factory=list)      # pickup passed without a carrier
    problems: list[str] = field(default_factory=list)


def routing_key(shipment: Shipment) -> str:
    return f"route:{shipment.shipment_identifier}"


def queue_routing_request(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment, *,
                          as_of: datetime) -> None:
    """Queue the shipment's routing request (in the caller's transaction, beside the shipment it asks for)."""
    payload = routing_request_payload(uow, account, shipment, requested_at=as_of)
    contract.validate("shipments", "SubmitShipments", payload)
    outbox.enqueue(uow, kind=KIND, key=routing_key(shipment), account_code=account.code,
                   business_id=shipment.shipment_identifier, payload=payload)


def routing_request_payload(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment, *,
                            requested_at: datetime) -> dict[str, Any]:
    """``SubmitShipments`` for one shipment: what the carrier collects, from where, when, for which POs."""
    assert shipment.requested_pickup is not None, "a collect shipment is planned with its requested pickup"
    qty = shipped_quantities(uow, shipment)
    cartons, pallets = uow.shipments.cartons(shipment), uow.shipments.pallets(shipment)
    orders: dict[str, list[dict[str, Any]]] = {}
    for ln in uow.shipments.lines(shipment):
        orders.setdefault(ln.po_number, []).append({
            "itemSequenceNumber": ln.item_sequence,
            **({"buyerProductIdentifier": ln.asin} if ln.asin else {}),
            **({"vendorProductIdentifier": ln.vendor_sku} if ln.vendor_sku else {}),
            "shippedQuantity": qty(ln.po_number, ln.item_sequence, ln.shipped_qty, "shipped_qty")})
    # the model: a carton count only for loose shipments; pallets as stackable (Acorn builds
    # single-SKU or mixed pallets within the weight limit, never a load that forbids stacking)
    counts = {"totalPalletStackable": len(pallets)} if pallets else {"totalCartonCount": len(cartons)}
    weight = weight_text(shipment.total_weight_kg)
    return {"shipments": [{
        "vendorShipmentIdentifier": shipment.shipment_identifier,
        "transactionType": "New",
        "transactionDate": requested_at.strftime(_ISO),
        "shipmentFreightTerm": COLLECT,
        "sellingParty": {"partyId": account.selling_party},
        "shipFromParty": ship_from_party(account),
        "shipToParty": {"partyId": shipment.ship_to},
        "shipmentMeasurements": {**counts, "shipmentWeight": {"unitOfMeasure": "Kg", "value": weight}},
        "collectFreightPickupDetails": {"requestedPickUp": shipment.requested_pickup.strftime(_ISO)},
        "purchaseOrders": [{"purchaseOrderNumber": po, "items": items} for po, items in orders.items()],
        # the mode our load plan needs (parcel, LTL or truckload); Amazon picks the carrier for it
        "transportationDetails": {"shipMode": shipment.transport_mode, "transportationMode": "Road"},
    }]}


def routing_read_back(client: AmazonApi) -> outbox.Confirmer:
    """Outbox confirmer: Amazon lists a routing request it accepted under its ``vendorShipmentIdentifier``."""

    def confirm(entry: Any) -> bool:
        return any(s.transaction_type in (None, "New")
                   for s in client.get_shipment_details(vendor_shipment_identifier=entry.business_id))

    return confirm


# -- after the request: Amazon's carrier -------------------------------------------------------------------
def follow_carriers(units: Units, client: AmazonApi, settings: AcornSettings, account: VendorAccountSettings, *,
                    as_of: datetime, documents_dir: Path | None) -> CarrierFollowUp:
    """Read back the carrier of every routed shipment still waiting for one; keep its labels and paperwork."""
    result = CarrierFollowUp()
    policy = AsnDeadlinePolicy(settings.asn_policy.minutes_after_departure,
                               settings.asn_policy.hours_before_appointment)
    with units() as uow:
        uow.stage_lock(f"follow-carriers:{account.code}")
        waiting = [s for s in uow.shipments.list(account.code, statuses=[ShipmentStatus.PLANNED])
                   if s.freight_term == COLLECT and s.carrier_assigned_at is None]
        requests = uow.outbox.by_keys(routing_key(s) for s in waiting)  # one query, not one per shipment
        for shipment in waiting:
            request = requests.get(routing_key(shipment))
            amazon = _read_back(client, shipment, request, result)
            if amazon is not None and _assigned(amazon):
                _record_carrier(uow, client, account, shipment, amazon, policy, documents_dir, result, as_of=as_of)
                continue
            _still_waiting(uow, shipment, amazon, request, result, as_of=as_of)
        uow.commit()
    if documents_dir is not None and result.assigned:
        result.problems += packing.write_after_planning(units, settings, account, result.assigned,
                                                        documents_dir, as_of=as_of)
    log.info("%s: %d carriers assigned, %d shipments wait for Amazon's carrier, %d past their pickup",
             account.code, len(result.assigned), len(result.waiting), len(result.overdue))
    return result


def _read_back(client: AmazonApi, shipment: Shipment, request: OutboxEntry | None,
               result: CarrierFollowUp) -> Any | None:
    """Amazon's view of a shipment whose routing request it accepted; ``None`` before that or when unreadable."""
    if request is None or request.state != DocumentState.ACCEPTED:
        return None
    try:
        return next(iter(client.get_shipment_details(vendor_shipment_identifier=shipment.shipment_identifier)), None)
    except SpApiError as exc:  # read again on the next run; nothing changed here
        result.problems.append(f"{shipment.shipment_identifier}: {exc}")
        return None


def _record_carrier(uow: UnitOfWork, client: AmazonApi, account: VendorAccountSettings, shipment: Shipment,
                    amazon: Any, policy: AsnDeadlinePolicy, documents_dir: Path | None, result: CarrierFollowUp, *,
                    as_of: datetime) -> None:
    """Take the carrier Amazon assigned, or alert that its labels could not be taken (read again next run)."""
    try:
        with uow.savepoint():  # one shipment's bad answer leaves the others' carriers recorded
            result.labels += _take_carrier(uow, client, shipment, amazon, policy, documents_dir, account)
    except (SpApiError, ValueError) as exc:  # read again on the next run
        result.problems.append(f"{shipment.shipment_identifier}: {exc}")
        _alert_labels_failed(uow, account, shipment, exc)
        return
    result.assigned.append(shipment.shipment_identifier)
    uow.alerts.resolve(_overdue_key(shipment), at=as_of)
    uow.alerts.resolve(f"carrier-labels:{shipment.shipment_identifier}", at=as_of)


def _alert_labels_failed(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment,
                         exc: Exception) -> None:
    uow.alerts.raise_alert(
        dedupe_key=f"carrier-labels:{shipment.shipment_identifier}", account_code=account.code,
        shipment_identifier=shipment.shipment_identifier,
        kind="freight_labels_failed", subject=f"Amazon's carrier labels for shipment "
        f"{shipment.shipment_identifier} could not be taken", message=str(exc), severity="error",
        next_step="Acorn reads them again on the next run; if this stays open, download the labels "
                  "from Vendor Central and open a case with Amazon.")


def _still_waiting(uow: UnitOfWork, shipment: Shipment, amazon: Any | None, request: OutboxEntry | None,
                   result: CarrierFollowUp, *, as_of: datetime) -> None:
    """No carrier yet: keep Amazon's reference when it gave one, and alert once the pickup has passed."""
    if amazon is not None and amazon.buyer_reference_number:
        shipment.amazon_reference_number = amazon.buyer_reference_number
    result.waiting.append(shipment.shipment_identifier)
    if carrier_overdue(requested_pickup=shipment.requested_pickup or shipment.departure,
                       carrier_assigned=False, as_of=as_of):
        result.overdue.append(shipment.shipment_identifier)
        _alert_overdue(uow, shipment, request_state=request.state if request else "missing")


def _assigned(amazon: Any) -> bool:
    pickup = amazon.collect_freight_pickup_details
    carrier = amazon.transportation_details.carrier_details if amazon.transportation_details else None
    return bool(pickup and pickup.carrier_assignment_date and carrier and carrier.code)


def _take_carrier(uow: UnitOfWork, client: AmazonApi, shipment: Shipment, amazon: Any, policy: AsnDeadlinePolicy,
                  documents_dir: Path | None, account: VendorAccountSettings) -> list[Path]:
    """Put Amazon's carrier, PRO, ARN and pickup on the shipment; a parcel's cartons take their labels."""
    transport, pickup = amazon.transportation_details, amazon.collect_freight_pickup_details
    carrier = transport.carrier_details
    shipment.carrier_scac, shipment.carrier_name = carrier.code, carrier.name
    shipment.pro_number = carrier.shipment_reference_number
    shipment.amazon_reference_number = amazon.buyer_reference_number or shipment.amazon_reference_number
    shipment.carrier_assigned_at = pickup.carrier_assignment_date
    shipment.scheduled_pickup = pickup.scheduled_pick_up or shipment.requested_pickup
    # the goods leave when Amazon's carrier comes, and arrive when Amazon says: the ASN follows them
    shipment.departure = shipment.scheduled_pickup or shipment.departure
    if transport.estimated_delivery_date is not None:
        shipment.estimated_delivery = shipment.delivery_appointment = transport.estimated_delivery_date
    shipment.asn_deadline = asn_deadline(departure=shipment.departure,
                                         delivery_appointment=shipment.delivery_appointment
                                         or shipment.estimated_delivery, policy=policy)
    kept: list[Path] = []
    if shipment.transport_mode == ShipMode.SMALL_PARCEL:
        kept = _take_labels(uow, client, shipment, documents_dir, account)
    uow.audit.append(action="shipment.carrier_assigned", entity="shipment", entity_id=shipment.shipment_identifier,
                     detail={"carrier": shipment.carrier_scac, "pro": shipment.pro_number,
                             "arn": shipment.amazon_reference_number,
                             "scheduled_pickup": shipment.departure.isoformat(), "labels": len(kept)})
    return kept


def _take_labels(uow: UnitOfWork, client: AmazonApi, shipment: Shipment, documents_dir: Path | None,
                 account: VendorAccountSettings) -> list[Path]:
    """Amazon's carrier labels, one per carton in carton order; each carton takes its label's tracking id."""
    found = [d for t in client.get_shipment_labels(vendor_shipment_identifier=shipment.shipment_identifier)
             for d in t.label_data]
    cartons = uow.shipments.cartons(shipment)
    if len(found) != len(cartons):
        raise ValueError(f"shipment {shipment.shipment_identifier}: Amazon sent {len(found)} carrier labels for "
                         f"{len(cartons)} cartons")
    ordered = sorted(found, key=lambda d: d.label_sequence_number or 0)
    kept = []
    for n, (carton, label) in enumerate(zip(cartons, ordered), start=1):
        carton.tracking_number = label.tracking_id
        if documents_dir is not None:
            folder = documents_dir / account.code / "shipments" / shipment.shipment_identifier / "carrier-labels"
            kept.append(write_once(folder / f"carton-{n:03d}.pdf", label.document))
    shipment.pro_number = shipment.pro_number or ordered[0].tracking_id
    return kept


def _overdue_key(shipment: Shipment) -> str:
    return f"carrier-overdue:{shipment.shipment_identifier}"


def _alert_overdue(uow: UnitOfWork, shipment: Shipment, *, request_state: str) -> None:
    uow.alerts.raise_alert(
        dedupe_key=_overdue_key(shipment), account_code=shipment.account_code, kind="freight_carrier_missing",
        shipment_identifier=shipment.shipment_identifier,
        subject=f"No Amazon carrier for shipment {shipment.shipment_identifier} at its pickup",
        message=f"pickup requested for {shipment.requested_pickup:%Y-%m-%d %H:%M} UTC; the routing request is "
                f"{request_state} and Amazon has assigned no carrier",
        next_step="Check the routing request in Vendor Central (Amazon-arranged freight). If it was refused, the "
                  "refusal alert names why; otherwise open a case with Amazon's transportation team. Do not "
                  "hand the goods to another carrier: the ASN must name Amazon's.", severity="error")
