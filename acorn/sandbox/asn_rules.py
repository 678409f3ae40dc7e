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

The packing must describe the shipment: every carton or pallet item refers to a line of
``shippedItems`` by its ``itemSequenceNumber`` (``UnknownItemReference``; ``001`` and ``1`` are
the same number), every carton a pallet names is in ``cartons`` (``UnknownCartonReference``)
and, once any container lists items, each shipped line's quantity is exactly what its cartons
and pallets hold, in eaches (``ContainerQuantityMismatch``). A pallet that names cartons holds
what they hold: its own ``items`` then only summarise them and are not counted again. A
palletised ``shipmentStructure`` (``PalletizedAssortmentCase``, ``PalletizedStandardCase``,
``PalletOfItems``, ``MasterPallet``: the ones whose hierarchy has a Pallet/Tare level) needs
``pallets`` (``MissingPallets``); every carton of a ``SmallParcel`` shipment needs its
``trackingNumber`` (``MissingTrackingNumber``, the model's ``Carton.trackingNumber``). The goods
go to the PO's fulfilment centre: ``shipToParty`` is the ship-to of every PO shipped against
(``ShipToPartyMismatch``).

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
from acorn.sandbox.matching import eaches, find_line, item_reference, party_differs, sequence_key
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import OrderLine, PurchaseOrder, ShippedLine
from acorn.sandbox.receiving import delivery_moment, receive
from acorn.sandbox.records import Registry, ShipmentRecord
from acorn.sandbox.timefmt import parse_iso

IDENTIFIER_REUSE = timedelta(days=365)
BOL_REQUIRED_FOR = frozenset({"TruckLoad", "LessThanTruckLoad"})
#: shipmentStructure values whose hierarchy (the model's enum table) has a Pallet/Tare level
PALLETISED_STRUCTURES = frozenset({"PalletizedAssortmentCase", "PalletizedStandardCase", "PalletOfItems",
                                   "MasterPallet"})


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
                found.setdefault(sequence_key(ci["itemReference"]), number)
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
        orders: dict[str, PurchaseOrder] = {}
        resolved: dict[int, tuple[str, OrderLine]] = {}  # shippedItems index -> (PO number, line)
        for j, item in enumerate(conf["shippedItems"]):
            where = f"{base}.shippedItems[{j}]"
            number = (item.get("itemDetails") or {}).get("purchaseOrderNumber") or container_pos.get(
                sequence_key(item["itemSequenceNumber"]))
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
            orders[po.number] = po
            line = find_line(po, asin=item.get("amazonProductIdentifier"),
                             vendor_id=item.get("vendorProductIdentifier"), sequence=item["itemSequenceNumber"])
            if line is None:
                found.append(RuleViolation("UnknownItem", where,
                                           f"{item_reference(item)} is not a line of purchase order {number}"))
                continue
            resolved[j] = (po.number, line)
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
        found.extend(_ship_to_rules(conf, base, orders))
        found.extend(_structure_rules(conf, base))
        found.extend(_packing_rules(conf, base, resolved))
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


def _ship_to_rules(conf: dict[str, Any], base: str, orders: dict[str, PurchaseOrder]) -> list[RuleViolation]:
    """The goods go where the POs send them: ``shipToParty`` is each PO's fulfilment centre."""
    sent = (conf.get("shipToParty") or {}).get("partyId")
    wrong = [po for po in orders.values() if party_differs(po.ship_to, sent)]
    if not wrong:
        return []
    expected = ", ".join(f"{po.number} to {po.ship_to}" for po in wrong)
    return [RuleViolation("ShipToPartyMismatch", f"{base}.shipToParty.partyId",
                          f"ships to {sent} but the purchase orders ship {expected}")]


def _is_small_parcel(conf: dict[str, Any]) -> bool:
    # shipMode is SubmitShipments' name for shipmentType; a client mixing the two models is still understood
    return "SmallParcel" in (conf.get("shipmentType"), (conf.get("transportationDetails") or {}).get("shipMode"))


def _structure_rules(conf: dict[str, Any], base: str) -> list[RuleViolation]:
    """The containers the shipment's type and structure imply: pallets, and parcels' tracking numbers."""
    found = []
    structure = conf.get("shipmentStructure")
    if structure in PALLETISED_STRUCTURES and not conf.get("pallets"):
        found.append(RuleViolation("MissingPallets", f"{base}.pallets",
                                   f"a {structure} shipment travels on pallets, but none are listed"))
    if _is_small_parcel(conf):
        for k, carton in enumerate(conf.get("cartons") or []):
            if not carton.get("trackingNumber"):
                found.append(RuleViolation("MissingTrackingNumber", f"{base}.cartons[{k}].trackingNumber",
                                           "every carton of a small-parcel shipment needs its carrier tracking "
                                           "number"))
    return found


def _packing_rules(conf: dict[str, Any], base: str,
                   resolved: dict[int, tuple[str, OrderLine]]) -> list[RuleViolation]:
    """Cartons and pallets refer to what the shipment lists, and hold exactly what it ships.

    Quantities are compared per item reference in eaches (a carton may count ``Cases``). A
    pallet that names cartons holds what they hold, so its own ``items`` are not counted
    again; lines whose PO line is unknown are left to the rule that already refused them.
    """
    found: list[RuleViolation] = []
    shipped = conf["shippedItems"]
    by_reference: dict[str, list[int]] = {}
    for j, item in enumerate(shipped):
        by_reference.setdefault(sequence_key(item["itemSequenceNumber"]), []).append(j)
    cartons = conf.get("cartons") or []
    carton_numbers = {sequence_key(c["cartonSequenceNumber"]) for c in cartons}
    containers: list[tuple[str, dict[str, Any], bool]] = [
        (f"{base}.cartons[{k}]", carton, True) for k, carton in enumerate(cartons)]
    for k, pallet in enumerate(conf.get("pallets") or []):
        where = f"{base}.pallets[{k}]"
        references = (pallet.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers") or []
        for m, number in enumerate(references):
            if sequence_key(number) not in carton_numbers:
                found.append(RuleViolation("UnknownCartonReference",
                                           f"{where}.cartonReferenceDetails.cartonReferenceNumbers[{m}]",
                                           f"carton {number} is not one of this shipment's cartons"))
        containers.append((where, pallet, not references))
    packed: dict[str, int] = {}
    for where, container, counted in containers:
        for m, held in enumerate(container.get("items") or []):
            reference = sequence_key(held["itemReference"])
            members = by_reference.get(reference)
            if not members:
                found.append(RuleViolation("UnknownItemReference", f"{where}.items[{m}].itemReference",
                                           f"item {held['itemReference']} is not in shippedItems"))
                continue
            line = _line_held(held, members, resolved)
            if counted and line is not None:
                packed[reference] = packed.get(reference, 0) + eaches(held["shippedQuantity"], line)
    if not packed:
        return found  # the shipment lists no container contents: nothing to add up
    for reference, members in by_reference.items():
        if any(j not in resolved for j in members):
            continue
        ships = sum(eaches(shipped[j]["shippedQuantity"], resolved[j][1]) for j in members)
        holds = packed.get(reference, 0)
        if holds != ships:
            first = members[0]
            found.append(RuleViolation(
                "ContainerQuantityMismatch", f"{base}.shippedItems[{first}].shippedQuantity.amount",
                f"ships {ships} units of item {shipped[first]['itemSequenceNumber']} but its cartons and pallets "
                f"hold {holds}"))
    return found


def _line_held(held: dict[str, Any], members: list[int],
               resolved: dict[int, tuple[str, OrderLine]]) -> OrderLine | None:
    """The PO line a container item counts against: the shipped line it refers to (by its PO when
    several shipped lines share the reference), or ``None`` when that line is unknown."""
    known = [resolved[j] for j in members if j in resolved]
    number = (held.get("itemDetails") or {}).get("purchaseOrderNumber")
    for po_number, line in known:
        if po_number == number:
            return line
    return known[0][1] if known else None


def apply_shipments(plan: list[ShipmentDoc], *, book: OrderBook, registry: Registry, now: datetime, seed: int,
                    shortage_rate: float, damage_rate: float) -> None:
    """Record accepted ASNs: a Replace withdraws the shipment it replaces, then the FC's outcome is fixed."""
    for doc in plan:
        revision, first_accepted = 1, now
        old = doc.replaces
        if old is not None:
            revision, first_accepted = old.revision + 1, old.first_accepted_at
            for _po, line, _ in old.lines:
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
