"""Advance shipment notices: built from what left the dock, gated, queued, delivered.

An ASN goes out only after its truck has left (``shippedDate`` is never in the future).
Whether it was on time is judged once, when Amazon accepts it, on the time of the
submission Amazon applied (``outbox.reflect`` with ``domain.deadlines.asn_is_on_time``);
a shipment still without an accepted ASN past its deadline is the invariant sweep's to
alert. A transport change after acceptance sends a ``Replace`` that keeps the shipment
identifier.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from acorn import contract
from acorn.config import VendorAccountSettings
from acorn.domain.documents import DocumentKind
from acorn.domain.errors import PackingError
from acorn.domain.measures import weight_text
from acorn.domain.states import ShipmentStatus, check_shipment_move
from acorn.gates import gate_each, gate_shipment
from acorn.services import outbox
from acorn.services.acknowledge import quantity
from acorn.services.archive import archive_asn
from acorn.services.asn_keys import asn_key, awaiting_carrier, gate_alert_key
from acorn.services.outbox import crash_point
from acorn.services.ports import Units
from acorn.services.stock import promised_units
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import Carton, Pallet, PurchaseOrder, PurchaseOrderItem, Shipment, ShipmentLine

log = logging.getLogger("acorn.asns")

_ISO = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class AsnQueueResult:
    queued: list[str] = field(default_factory=list)
    gated: list[str] = field(default_factory=list)  # held back by a quality gate


def queue_asns(units: Units, account: VendorAccountSettings, *, as_of: datetime,
               documents_dir: Path | None = None) -> AsnQueueResult:
    """Queue an ASN for every planned shipment whose truck has left by ``as_of``.

    What the ASNs need (lines, PO items, cartons, pallets) is read for all of them at once, and
    their outbox rows, gate alerts and new statuses are written together after the loop: the
    statements follow the stage, not the shipments.
    """
    result = AsnQueueResult()
    with units() as uow:
        uow.stage_lock(f"queue-asns:{account.code}")
        # collect freight leaves with Amazon's carrier: its ASN waits until the carrier is assigned
        # (services/routing.py reads it back and sets departure to Amazon's scheduled pickup)
        departed = [s for s in uow.shipments.departed(account.code, by=as_of) if not awaiting_carrier(s)]
        contents = read_contents(uow, departed)
        gates = gate_each(gate_shipment, {s.shipment_identifier: _gate_rows(contents[stored_id(s)]) for s in departed})
        documents, held, queued = [], [], []
        for shipment in departed:
            payload = asn_payload(uow, account, shipment, submitted_at=as_of, contents=contents[stored_id(shipment)])
            gate = gates[shipment.shipment_identifier]
            if not gate.passed:
                result.gated.append(shipment.shipment_identifier)
                held.append(_held_by_gate(account, shipment, gate.summary()))
                continue
            contract.validate("shipments", "SubmitShipmentConfirmationsRequest", payload)
            if documents_dir is not None:
                archive_asn(documents_dir, account, payload)
            documents.append({"kind": DocumentKind.SHIPMENT_CONFIRMATION, "key": asn_key(shipment),
                              "account_code": account.code, "business_id": shipment.shipment_identifier,
                              "payload": payload})
            queued.append(shipment)
            result.queued.append(shipment.shipment_identifier)
        uow.alerts.raise_alerts(held)
        outbox.enqueue_many(uow, documents)
        uow.shipments.set_status(queued, ShipmentStatus.QUEUED.value)
        uow.commit()
    crash_point("after_queue", DocumentKind.SHIPMENT_CONFIRMATION)
    return result


def _held_by_gate(account: VendorAccountSettings, shipment: Shipment, summary: str) -> dict[str, Any]:
    """The alert (``raise_alert``'s arguments) of a shipment whose ASN the quality gate held back."""
    return {"dedupe_key": gate_alert_key(shipment), "account_code": account.code, "kind": "asn_gate_failed",
            "shipment_identifier": shipment.shipment_identifier,
            "subject": f"ASN {shipment.shipment_identifier} held back by the quality gate",
            "message": summary, "severity": "error",
            "next_step": "Fix the shipment (quantities, SSCC labels) named in the message; nothing was sent to Amazon."}


@dataclass(frozen=True)
class ShipmentContents:
    """What an ASN states about one shipment: its lines (with the PO items they ship), cartons, pallets."""

    lines: list[ShipmentLine]
    ordered: list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]
    cartons: list[Carton]
    pallets: list[Pallet]


def read_contents(uow: UnitOfWork, shipments: list[Shipment]) -> dict[int, ShipmentContents]:
    """:class:`ShipmentContents` of each shipment (by id), in four queries whatever their number."""
    lines, ordered = uow.shipments.lines_of(shipments), uow.shipments.lines_with_orders_of(shipments)
    cartons, pallets = uow.shipments.cartons_of(shipments), uow.shipments.pallets_of(shipments)
    ids = [stored_id(s) for s in shipments]
    return {i: ShipmentContents(lines[i], ordered[i], cartons[i], pallets[i]) for i in ids}


def change_transport(units: Units, account: VendorAccountSettings, shipment_identifier: str, *,
                     carrier_scac: str, transport_mode: str, pro_number: str, bill_of_lading: str | None,
                     as_of: datetime) -> str:
    """Record a new carrier for an accepted shipment and queue the replacing confirmation."""
    with units() as uow:
        uow.stage_lock(f"queue-asns:{account.code}")
        shipment = uow.shipments.get(shipment_identifier)
        if shipment is None or shipment.account_code != account.code:
            raise KeyError(f"shipment {shipment_identifier!r} does not exist for account {account.code}")
        if shipment.status != ShipmentStatus.ACCEPTED:
            raise ValueError(f"shipment {shipment_identifier}: status is {shipment.status!r}; only an accepted "
                             "ASN is replaced (a planned one is simply sent with the new carrier)")
        shipment.carrier_scac, shipment.transport_mode = carrier_scac, transport_mode
        shipment.pro_number, shipment.bill_of_lading = pro_number, bill_of_lading
        shipment.asn_revision += 1
        shipment.status = check_shipment_move(shipment_identifier, shipment.status, ShipmentStatus.QUEUED).value
        payload = asn_payload(uow, account, shipment, submitted_at=as_of)
        contract.validate("shipments", "SubmitShipmentConfirmationsRequest", payload)
        key = asn_key(shipment)
        outbox.enqueue(uow, kind=DocumentKind.SHIPMENT_CONFIRMATION, key=key, account_code=shipment.account_code,
                       business_id=shipment_identifier, payload=payload)
        uow.audit.append(action="shipment.transport_changed", entity="shipment", entity_id=shipment_identifier,
                         detail={"carrier": carrier_scac, "mode": transport_mode, "revision": shipment.asn_revision})
        uow.commit()
    return key


def asn_payload(uow: UnitOfWork, account: VendorAccountSettings, shipment: Shipment, *,
                submitted_at: datetime, contents: ShipmentContents | None = None) -> dict[str, Any]:
    """The ``SubmitShipmentConfirmationsRequest`` of ``shipment`` (``contents`` when the caller read them in bulk)."""
    contents = contents or read_contents(uow, [shipment])[stored_id(shipment)]
    lines, cartons, pallets = contents.lines, contents.cartons, contents.pallets
    qty = _quantities(contents.ordered)
    confirmation: dict[str, Any] = {
        "shipmentIdentifier": shipment.shipment_identifier,
        "shipmentConfirmationType": "Replace" if shipment.asn_revision else "Original",
        "shipmentType": shipment.transport_mode,
        "shipmentStructure": shipment.structure,
        "transportationDetails": _transport(shipment),
        # collect freight: Amazon's reference for the routed shipment (the model's amazonReferenceNumber)
        **({"amazonReferenceNumber": shipment.amazon_reference_number} if shipment.amazon_reference_number else {}),
        "shipmentConfirmationDate": submitted_at.strftime(_ISO),
        "shippedDate": shipment.departure.strftime(_ISO),
        "estimatedDeliveryDate": shipment.estimated_delivery.strftime(_ISO),
        "sellingParty": {"partyId": account.selling_party},
        "shipFromParty": ship_from_party(account),
        "shipToParty": {"partyId": shipment.ship_to},
        "shipmentMeasurements": _measurements(shipment, cartons, pallets),
        "shippedItems": _shipped_items(lines, qty),
        "cartons": _cartons(cartons, qty),
    }
    if pallets:
        confirmation["pallets"] = _pallets(pallets, cartons)
    return {"shipmentConfirmations": [confirmation]}


#: ``qty(po_number, sequence, units, field)``: a shipped quantity as the ASN states it (see ``shipped_quantities``)
_Quantity = Callable[[str, str, int, str], dict[str, Any]]


def _transport(shipment: Shipment) -> dict[str, Any]:
    """The carrier and its reference (PRO number, bill of lading when there is one)."""
    transport: dict[str, Any] = {"carrierScac": shipment.carrier_scac,
                                 "carrierShipmentReferenceNumber": shipment.pro_number,
                                 "transportationMode": "Road"}
    if shipment.bill_of_lading:
        transport["billOfLadingNumber"] = shipment.bill_of_lading
    return transport


def _measurements(shipment: Shipment, cartons: list[Carton], pallets: list[Pallet]) -> dict[str, Any]:
    """Gross weight, and the pallet count of a palletized shipment or else the carton count."""
    return {"grossShipmentWeight": {"unitOfMeasure": "Kg", "value": _dec(shipment.total_weight_kg)},
            # the model: cartonCount "only for non-palletized shipments",
            # palletCount "only for palletized shipments"
            **({"palletCount": len(pallets)} if pallets else {"cartonCount": len(cartons)})}


def _shipped_items(lines: list[ShipmentLine], qty: _Quantity) -> list[dict[str, Any]]:
    """What the shipment carries, line by line with the PO each line ships."""
    return [{"itemSequenceNumber": ln.item_sequence,
             **({"amazonProductIdentifier": ln.asin} if ln.asin else {}),
             **({"vendorProductIdentifier": ln.vendor_sku} if ln.vendor_sku else {}),
             "shippedQuantity": qty(ln.po_number, ln.item_sequence, ln.shipped_qty, "shipped_qty"),
             "itemDetails": {"purchaseOrderNumber": ln.po_number}} for ln in lines]


def _cartons(cartons: list[Carton], qty: _Quantity) -> list[dict[str, Any]]:
    """Each carton by its SSCC, numbered from 1 in packing order, with its weight and contents."""
    return [{"cartonIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": c.sscc}],
             "cartonSequenceNumber": str(n),
             "weight": {"unitOfMeasure": "Kg", "value": _dec(c.weight_kg)},
             **({"trackingNumber": c.tracking_number} if c.tracking_number else {}),
             "items": [{"itemReference": i["item_sequence"],
                        "shippedQuantity": qty(i["po_number"], i["item_sequence"], i["qty"], f"carton {c.sscc} qty"),
                        "itemDetails": {"purchaseOrderNumber": i["po_number"]}} for i in c.items]}
            for n, c in enumerate(cartons, start=1)]


def _pallets(pallets: list[Pallet], cartons: list[Carton]) -> list[dict[str, Any]]:
    """Each pallet by its SSCC, naming the cartons on it by their sequence numbers in ``_cartons``."""
    seq_of = {c.id: str(n) for n, c in enumerate(cartons, start=1)}
    return [{
        "palletIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": p.sscc}],
        "weight": {"unitOfMeasure": "Kg", "value": _dec(p.weight_kg)},
        "cartonReferenceDetails": {"cartonReferenceNumbers": [seq_of[c.id] for c in cartons
                                                              if c.pallet_id == p.id]}}
        for p in pallets]


def shipped_quantities(uow: UnitOfWork, shipment: Shipment) -> Callable[[str, str, int, str], dict[str, Any]]:
    """``qty(po_number, sequence, units, field)``: a shipped quantity as the ASN and the routing request state it.

    In cases with ``unitSize`` for a line Amazon ordered in ``Cases``, else in eaches. Planning
    ships such lines in whole cases; a part case (a case too heavy for one carton, split into
    boxes, or a shipment planned before Cases were kept) is stated in eaches, which is as true
    and which Amazon counts the same.
    """
    return _quantities(uow.shipments.lines_with_orders(shipment))


def _quantities(lines_with_orders: list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]
                ) -> Callable[[str, str, int, str], dict[str, Any]]:
    ordered = {(ln.po_number, ln.item_sequence): item for ln, item, _ in lines_with_orders}

    def qty(po_number: str, sequence: str, units: int, field: str) -> dict[str, Any]:
        item = ordered.get((po_number, sequence))
        if item is None:
            return {"amount": units, "unitOfMeasure": "Eaches"}
        try:
            return quantity(item, units, po_number=po_number, field=field)
        except PackingError:
            return {"amount": units, "unitOfMeasure": "Eaches"}

    return qty


def ship_from_party(account: VendorAccountSettings) -> dict[str, Any]:
    """The dock, with its address (where Amazon's carrier collects collect freight)."""
    address = account.ship_from_address
    return {"partyId": account.ship_from_party, "address": {
        "name": address.name, "addressLine1": address.line1, "city": address.city,
        **({"stateOrRegion": address.state_or_region} if address.state_or_region else {}),
        "postalCode": address.postal_code, "countryCode": address.country_code}}


def _gate_rows(contents: ShipmentContents) -> list[dict[str, Any]]:
    shipped = {(ln.po_number, ln.item_sequence): (ln.shipped_qty, item) for ln, item, _ in contents.ordered}
    rows = []
    for carton in contents.cartons:
        for item in carton.items:
            key = (item["po_number"], item["item_sequence"])
            this_shipment, line = shipped.get(key, (0, None))
            rows.append({"po_number": key[0], "item_sequence": key[1], "sscc": carton.sscc,
                         "shipped_qty": item["qty"], "accepted_qty": promised_units(line) if line else 0,
                         "already_shipped_qty": (line.shipped_qty - this_shipment) if line else 0,
                         "cancelled": bool(line.cancelled) if line else True})
    return rows


def _dec(value: Decimal) -> str:
    return weight_text(value)
