"""SubmitShipmentConfirmations: Amazon's rules for an ASN, and what an accepted one changes.

Rules: an ``Original`` needs a ``shipmentIdentifier`` not used in the last 365 days
(``DuplicateShipmentIdentifier``); a ``Replace`` needs one Amazon accepted before
(``UnknownShipmentIdentifier``) and takes its place (its SSCCs may be reused by the
replacement). ``shippedDate`` cannot be in the future (``ShippedDateInFuture``). In US, CA and
MX the carrier SCAC and PRO number are required, and for truckload / LTL the bill of lading
anywhere (``MissingCarrierDetails``). Every shipped item needs a known PO (on the item, or on
a carton or pallet holding it) and line (``UnknownPurchaseOrder``, ``UnknownItem``), not
cancelled (``CancelledItem``); units shipped over all accepted ASNs cannot exceed what was
accepted, or ordered when the line was never acknowledged (``QuantityExceedsAccepted`` /
``QuantityExceedsOrdered``). Every SSCC must be 18 digits with a valid GS1 check digit
(``InvalidSSCC``) and never seen before (``DuplicateSSCC``).

Lateness is recorded, not refused (that is a chargeback, not a rejection), and judged by
the project's one rule, ``acorn.domain.deadlines``: the ASN is due 30 minutes after
``shippedDate`` or 6 hours before ``estimatedDeliveryDate`` (the appointment Amazon knows
of), whichever is sooner, and it is ``late`` when the sandbox clock at the accepted
submission is past that. Without an ``estimatedDeliveryDate`` only the 30-minute half can be
judged; without a ``shippedDate`` nothing can, and the ASN is not late. A ``Replace`` keeps
the flag of the ``Original`` it replaces: the chargeback is about the first ASN, and a fix
sent later neither cures nor causes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.domain.deadlines import DEFAULT_ASN_POLICY, asn_deadline, asn_is_on_time
from acorn.sandbox.accounts import CARRIER_DETAILS_REQUIRED_IN, country_of_party
from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.gs1 import sscc_problem
from acorn.sandbox.matching import eaches, find_line, item_reference
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import OrderLine, PurchaseOrder, ShippedLine
from acorn.sandbox.records import Registry, ShipmentRecord
from acorn.sandbox.receiving import delivery_moment, receive
from acorn.sandbox.timefmt import parse_iso

IDENTIFIER_REUSE = timedelta(days=365)
BOL_REQUIRED_FOR = frozenset({"TruckLoad", "LessThanTruckLoad"})


@dataclass
class ShipmentDoc:
    shipment_id: str
    confirmation_type: str
    shipped_date: datetime | None
    estimated_delivery: datetime | None  # as the vendor sent it
    delivers_at: datetime  # when the FC receives (see receiving.delivery_moment)
    late: bool
    ssccs: list[str]
    lines: list[tuple[PurchaseOrder, OrderLine, int]] = field(default_factory=list)
    replaces: ShipmentRecord | None = None
    confirmation: dict[str, Any] = field(default_factory=dict)  # as sent, for GetShipmentDetails


def is_late(*, accepted_at: datetime, shipped: datetime | None, estimated_delivery: datetime | None) -> bool:
    """Whether an ASN accepted at ``accepted_at`` missed Amazon's deadline (``acorn.domain.deadlines``).

    The estimated delivery stands in for the appointment; without it the deadline is the
    30 minutes after departure alone, and without a departure there is nothing to judge.
    """
    if shipped is None:
        return False
    if estimated_delivery is None:
        deadline = shipped + timedelta(minutes=DEFAULT_ASN_POLICY.minutes_after_departure)
    else:
        deadline = asn_deadline(departure=shipped, delivery_appointment=estimated_delivery)
    return not asn_is_on_time(accepted_at, deadline)


def _po_numbers_from_containers(conf: dict[str, Any]) -> dict[str, str]:
    """itemSequenceNumber → PO number, from carton and pallet item details."""
    found: dict[str, str] = {}
    for container in [*(conf.get("cartons") or []), *(conf.get("pallets") or [])]:
        for ci in container.get("items") or []:
            number = (ci.get("itemDetails") or {}).get("purchaseOrderNumber")
            if number:
                found.setdefault(str(ci["itemReference"]), number)
    return found


def _container_ids(conf: dict[str, Any], base: str) -> list[tuple[str, str]]:
    out = []
    for kind, ids in (("cartons", "cartonIdentifiers"), ("pallets", "palletIdentifiers")):
        for k, container in enumerate(conf.get(kind) or []):
            for m, ident in enumerate(container.get(ids) or []):
                if ident.get("containerIdentificationType") == "SSCC":
                    out.append((f"{base}.{kind}[{k}].{ids}[{m}].containerIdentificationNumber",
                                str(ident["containerIdentificationNumber"])))
    return out


def check_shipments(body: dict[str, Any], *, book: OrderBook, registry: Registry,
                    now: datetime) -> tuple[list[RuleViolation], list[ShipmentDoc]]:
    found: list[RuleViolation] = []
    plan: list[ShipmentDoc] = []
    ids_in_request: set[str] = set()
    ssccs_in_request: set[str] = set()
    pending: dict[tuple[str, str], int] = {}
    for i, conf in enumerate(body.get("shipmentConfirmations") or []):
        base = f"shipmentConfirmations[{i}]"
        sid, kind = conf["shipmentIdentifier"], conf["shipmentConfirmationType"]
        existing = registry.shipments.get(sid)
        if sid in ids_in_request:
            found.append(RuleViolation("DuplicateShipmentIdentifier", f"{base}.shipmentIdentifier",
                                       f"shipment {sid} appears twice in this submission"))
        elif kind == "Original" and existing and existing.first_accepted_at > now - IDENTIFIER_REUSE:
            found.append(RuleViolation("DuplicateShipmentIdentifier", f"{base}.shipmentIdentifier",
                                       f"shipment {sid} was already confirmed; send a Replace to change it"))
            continue  # a re-post of an applied ASN: the duplicate is the whole story
        elif kind == "Replace" and existing is None:
            found.append(RuleViolation("UnknownShipmentIdentifier", f"{base}.shipmentIdentifier",
                                       f"there is no accepted shipment {sid} to replace"))
        ids_in_request.add(sid)
        replaces = existing if kind == "Replace" else None
        shipped = parse_iso(conf["shippedDate"]) if conf.get("shippedDate") else None
        if shipped is not None and shipped > now:
            found.append(RuleViolation("ShippedDateInFuture", f"{base}.shippedDate",
                                       f"{conf['shippedDate']} is after the current time"))
        estimated = parse_iso(conf["estimatedDeliveryDate"]) if conf.get("estimatedDeliveryDate") else None
        late = (replaces.late if replaces is not None
                else is_late(accepted_at=now, shipped=shipped, estimated_delivery=estimated))
        doc = ShipmentDoc(sid, kind, shipped, estimated,
                          delivery_moment(estimated=estimated, shipped=shipped, accepted_at=now),
                          late=late, ssccs=[], replaces=replaces, confirmation=copy.deepcopy(conf))
        countries: set[str] = set()
        container_pos = _po_numbers_from_containers(conf)
        for j, item in enumerate(conf["shippedItems"]):
            where = f"{base}.shippedItems[{j}]"
            number = (item.get("itemDetails") or {}).get("purchaseOrderNumber") or container_pos.get(
                str(item["itemSequenceNumber"]))
            if not number:
                found.append(RuleViolation("UnknownPurchaseOrder", f"{where}.itemDetails.purchaseOrderNumber",
                                           "no purchase order number on the item nor on a carton or pallet "
                                           "holding it"))
                continue
            po = book.get(number, now)
            if po is None:
                found.append(RuleViolation("UnknownPurchaseOrder", f"{where}.itemDetails.purchaseOrderNumber",
                                           f"purchase order {number} does not exist"))
                continue
            if po.country:
                countries.add(po.country)
            line = find_line(po, asin=item.get("amazonProductIdentifier"),
                             vendor_id=item.get("vendorProductIdentifier"), sequence=item["itemSequenceNumber"])
            if line is None:
                found.append(RuleViolation("UnknownItem", where,
                                           f"{item_reference(item)} is not a line of purchase order {number}"))
                continue
            if po.is_cancelled(line, now):
                found.append(RuleViolation("CancelledItem", where, f"line {line.sequence} of purchase order "
                                           f"{number} was cancelled by Amazon"))
                continue
            units = eaches(item["shippedQuantity"], line)
            key = (po.number, line.sequence)
            before = line.shipped_total - sum(s.quantity for s in line.shipped if replaces and s.shipment_id == sid)
            total = before + pending.get(key, 0) + units
            pending[key] = pending.get(key, 0) + units
            limit = po.target_each(line, now)
            if total > limit:
                code, what = (("QuantityExceedsAccepted", "accepted") if line.ack is not None
                              else ("QuantityExceedsOrdered", "ordered"))
                found.append(RuleViolation(code, f"{where}.shippedQuantity.amount",
                                           f"{total} units of line {line.sequence} of purchase order {number} "
                                           f"would be shipped but {limit} are {what}"))
                continue
            doc.lines.append((po, line, units))
        if not countries:
            c = country_of_party((conf.get("shipToParty") or {}).get("partyId"))
            countries = {c} if c else set()
        found.extend(_carrier_rules(conf, base, countries))
        for path, sscc in _container_ids(conf, base):
            problem = sscc_problem(sscc)
            owner = registry.ssccs.get(sscc)
            if problem:
                found.append(RuleViolation("InvalidSSCC", path, problem))
            elif sscc in ssccs_in_request:
                found.append(RuleViolation("DuplicateSSCC", path, f"SSCC {sscc} labels two containers here"))
            elif owner is not None and not (replaces is not None and owner == sid):
                found.append(RuleViolation("DuplicateSSCC", path, f"SSCC {sscc} was already used on shipment "
                                           f"{owner}; SSCCs are never reused"))
            ssccs_in_request.add(sscc)
            doc.ssccs.append(sscc)
        plan.append(doc)
    return found, plan


def _carrier_rules(conf: dict[str, Any], base: str, countries: set[str]) -> list[RuleViolation]:
    found = []
    details = conf.get("transportationDetails") or {}
    where = f"{base}.transportationDetails"
    required_in = sorted(countries & CARRIER_DETAILS_REQUIRED_IN)
    if required_in:
        for name, label in (("carrierScac", "carrier SCAC"), ("carrierShipmentReferenceNumber", "PRO number")):
            if not details.get(name):
                found.append(RuleViolation("MissingCarrierDetails", f"{where}.{name}",
                                           f"the {label} is required for shipments in {', '.join(required_in)}"))
    if conf.get("shipmentType") in BOL_REQUIRED_FOR and not details.get("billOfLadingNumber"):
        found.append(RuleViolation("MissingCarrierDetails", f"{where}.billOfLadingNumber",
                                   f"the bill of lading number is required for {conf['shipmentType']} shipments"))
    return found


def apply_shipments(plan: list[ShipmentDoc], *, book: OrderBook, registry: Registry, now: datetime, seed: int,
                    shortage_rate: float, damage_rate: float) -> None:
    """Record accepted ASNs: a Replace withdraws the shipment it replaces, then the FC's outcome is fixed."""
    for doc in plan:
        revision, first_accepted = 1, now
        old = doc.replaces
        if old is not None:
            revision, first_accepted = old.revision + 1, old.first_accepted_at
            for po, line, _ in old.lines:
                line.shipped = [s for s in line.shipped if s.shipment_id != doc.shipment_id]
            for sscc in old.ssccs:
                registry.ssccs.pop(sscc, None)
        delivered = doc.delivers_at
        for po, line, units in doc.lines:
            outcome = receive(seed=seed, shipment_id=doc.shipment_id, revision=revision, po_number=po.number,
                              sequence=line.sequence, quantity=units, shortage_rate=shortage_rate,
                              damage_rate=damage_rate)
            line.shipped.append(ShippedLine(doc.shipment_id, units, delivered, outcome.received, outcome.damaged,
                                            outcome.short))
            book.touch(po)
        for sscc in doc.ssccs:
            registry.ssccs[sscc] = doc.shipment_id
        registry.shipments[doc.shipment_id] = ShipmentRecord(
            shipment_id=doc.shipment_id, first_accepted_at=first_accepted, accepted_at=now,
            confirmation_type=doc.confirmation_type, shipped_date=doc.shipped_date,
            estimated_delivery=doc.estimated_delivery, delivered_at=delivered, late=doc.late, ssccs=list(doc.ssccs),
            lines=list(doc.lines), revision=revision, confirmation=doc.confirmation)
