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

from acorn.domain.deadlines import asn_deadline, asn_is_on_time, shipped_date_is_valid
from acorn.sandbox.accounts import CARRIER_DETAILS_REQUIRED_IN, country_of_party
from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.gs1 import sscc_problem
from acorn.sandbox.matching import beyond_the_line, eaches, find_line, item_reference, party_differs, sequence_key
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
    return not asn_is_on_time(accepted_at, asn_deadline(departure=shipped, delivery_appointment=estimated_delivery))


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


@dataclass
class _Submission:
    """What the confirmations read so far in one body claim: their ids, SSCCs and units per PO line."""

    book: OrderBook
    registry: Registry
    now: datetime
    shipment_ids: set[str] = field(default_factory=set)
    ssccs: set[str] = field(default_factory=set)
    units: dict[tuple[str, str], int] = field(default_factory=dict)  # (PO number, line sequence) -> eaches

    def claim(self, po_number: str, sequence: str, units: int) -> int:
        """Add ``units`` to what this body ships of one PO line; the body's total so far."""
        key = (po_number, sequence)
        self.units[key] = self.units.get(key, 0) + units
        return self.units[key]


@dataclass
class _ItemsFound:
    """The POs and PO lines the shipped items of one confirmation name."""

    orders: dict[str, PurchaseOrder] = field(default_factory=dict)
    lines: dict[int, tuple[str, OrderLine]] = field(default_factory=dict)  # shippedItems index -> (PO number, line)

    @property
    def countries(self) -> set[str]:
        return {po.country for po in self.orders.values() if po.country}


def check_shipments(body: dict[str, Any], *, book: OrderBook, registry: Registry,
                    now: datetime) -> tuple[list[RuleViolation], list[ShipmentDoc]]:
    """Every rule broken by the body's confirmations, and the ASNs to record when none is."""
    found: list[RuleViolation] = []
    plan: list[ShipmentDoc] = []
    submission = _Submission(book, registry, now)
    for i, conf in enumerate(body.get("shipmentConfirmations") or []):
        broken, doc = _check_confirmation(conf, f"shipmentConfirmations[{i}]", submission)
        found.extend(broken)
        if doc is not None:
            plan.append(doc)
    return found, plan


def _check_confirmation(conf: dict[str, Any], base: str,
                        submission: _Submission) -> tuple[list[RuleViolation], ShipmentDoc | None]:
    """One confirmation's rules, in the order Amazon reports them, and the ASN it would record."""
    sid, kind = conf["shipmentIdentifier"], conf["shipmentConfirmationType"]
    existing = submission.registry.shipments.get(sid)
    if sid not in submission.shipment_ids and _reposts_applied_original(kind, existing, submission.now):
        # a re-post of an applied ASN: the duplicate is the whole story
        return [RuleViolation("DuplicateShipmentIdentifier", f"{base}.shipmentIdentifier",
                              f"shipment {sid} was already confirmed; send a Replace to change it")], None
    found = _identifier_rules(sid, kind, base, existing, submission.shipment_ids)
    submission.shipment_ids.add(sid)
    doc = _shipment_doc(conf, replaces=existing if kind == "Replace" else None, now=submission.now)
    found.extend(_shipped_date_rules(conf, base, doc.shipped_date, submission.now))
    broken, items = _check_items(conf, base, doc, submission)
    found.extend(broken)
    found.extend(_carrier_rules(conf, base, items.countries or _ship_to_country(conf)))
    found.extend(_ship_to_rules(conf, base, items.orders))
    found.extend(_structure_rules(conf, base))
    found.extend(_packing_rules(conf, base, items.lines))
    found.extend(_sscc_rules(conf, base, doc, submission))
    return found, doc


def _reposts_applied_original(kind: str, existing: ShipmentRecord | None, now: datetime) -> bool:
    """An ``Original`` whose identifier Amazon accepted within the last 365 days."""
    return kind == "Original" and existing is not None and existing.first_accepted_at > now - IDENTIFIER_REUSE


def _identifier_rules(sid: str, kind: str, base: str, existing: ShipmentRecord | None,
                      ids_in_request: set[str]) -> list[RuleViolation]:
    """An identifier used once per body, and a ``Replace`` only of an ASN Amazon accepted."""
    if sid in ids_in_request:
        return [RuleViolation("DuplicateShipmentIdentifier", f"{base}.shipmentIdentifier",
                              f"shipment {sid} appears twice in this submission")]
    if kind == "Replace" and existing is None:
        return [RuleViolation("UnknownShipmentIdentifier", f"{base}.shipmentIdentifier",
                              f"there is no accepted shipment {sid} to replace")]
    return []


def _moment(conf: dict[str, Any], name: str) -> datetime | None:
    return parse_iso(conf[name]) if conf.get(name) else None


def _shipment_doc(conf: dict[str, Any], *, replaces: ShipmentRecord | None, now: datetime) -> ShipmentDoc:
    """The ASN as it would be recorded; a ``Replace`` keeps the lateness of the ``Original`` it replaces."""
    shipped, estimated = _moment(conf, "shippedDate"), _moment(conf, "estimatedDeliveryDate")
    late = (replaces.late if replaces is not None
            else is_late(accepted_at=now, shipped=shipped, estimated_delivery=estimated))
    return ShipmentDoc(conf["shipmentIdentifier"], conf["shipmentConfirmationType"], shipped, estimated,
                       delivery_moment(estimated=estimated, shipped=shipped, accepted_at=now),
                       late=late, ssccs=[], replaces=replaces, confirmation=copy.deepcopy(conf))


def _shipped_date_rules(conf: dict[str, Any], base: str, shipped: datetime | None,
                        now: datetime) -> list[RuleViolation]:
    """Goods cannot have left after the submission that reports them (``acorn.domain.deadlines``)."""
    if shipped is None or shipped_date_is_valid(shipped_at=shipped, submitted_at=now):
        return []
    return [RuleViolation("ShippedDateInFuture", f"{base}.shippedDate",
                          f"{conf['shippedDate']} is after the current time")]


def _check_items(conf: dict[str, Any], base: str, doc: ShipmentDoc,
                 submission: _Submission) -> tuple[list[RuleViolation], _ItemsFound]:
    """Each shipped item names a PO line that may still ship its units; those that do join ``doc``."""
    found: list[RuleViolation] = []
    items = _ItemsFound()
    container_pos = _po_numbers_from_containers(conf)
    for j, item in enumerate(conf["shippedItems"]):
        where = f"{base}.shippedItems[{j}]"
        po = _order_of(item, where, container_pos, submission)
        if isinstance(po, RuleViolation):
            found.append(po)
            continue
        items.orders[po.number] = po
        line = find_line(po, asin=item.get("amazonProductIdentifier"),
                         vendor_id=item.get("vendorProductIdentifier"), sequence=item["itemSequenceNumber"])
        if line is None:
            found.append(RuleViolation("UnknownItem", where,
                                       f"{item_reference(item)} is not a line of purchase order {po.number}"))
            continue
        items.lines[j] = (po.number, line)
        problem = _ship_units(item, where, po, line, doc, submission)
        if problem is not None:
            found.append(problem)
    return found, items


def _order_of(item: dict[str, Any], where: str, container_pos: dict[str, str],
              submission: _Submission) -> PurchaseOrder | RuleViolation:
    """The PO an item ships against: named on the item, or on a carton or pallet holding it."""
    field_path = f"{where}.itemDetails.purchaseOrderNumber"
    number = (item.get("itemDetails") or {}).get("purchaseOrderNumber") or container_pos.get(
        sequence_key(item["itemSequenceNumber"]))
    if not number:
        return RuleViolation("UnknownPurchaseOrder", field_path,
                             "no purchase order number on the item nor on a carton or pallet holding it")
    po = submission.book.get(number, submission.now)
    if po is None:
        return RuleViolation("UnknownPurchaseOrder", field_path, f"purchase order {number} does not exist")
    return po


def _ship_units(item: dict[str, Any], where: str, po: PurchaseOrder, line: OrderLine, doc: ShipmentDoc,
                submission: _Submission) -> RuleViolation | None:
    """Count the item's units against what its PO line may ship; within that, they join the ASN."""
    now = submission.now
    if po.is_cancelled(line, now):
        return RuleViolation("CancelledItem", where,
                             f"line {line.sequence} of purchase order {po.number} was cancelled by Amazon")
    units = eaches(item["shippedQuantity"], line)
    total = _shipped_by_other_asns(line, doc) + submission.claim(po.number, line.sequence, units)
    if (too_many := beyond_the_line(po, line, total, now, where)) is not None:
        return too_many
    doc.lines.append((po, line, units))
    return None


def _shipped_by_other_asns(line: OrderLine, doc: ShipmentDoc) -> int:
    """Units of ``line`` already shipped, less those of the ASN a ``Replace`` withdraws."""
    if doc.replaces is None:
        return line.shipped_total
    return line.shipped_total - sum(s.quantity for s in line.shipped if s.shipment_id == doc.shipment_id)


def _ship_to_country(conf: dict[str, Any]) -> set[str]:
    """The country of ``shipToParty``, for a confirmation none of whose POs is known."""
    country = country_of_party((conf.get("shipToParty") or {}).get("partyId"))
    return {country} if country else set()


def _sscc_rules(conf: dict[str, Any], base: str, doc: ShipmentDoc, submission: _Submission) -> list[RuleViolation]:
    """Every SSCC valid, and never seen before (a ``Replace`` may reuse those of the ASN it replaces)."""
    found = []
    for path, sscc in _container_ids(conf, base):
        problem = sscc_problem(sscc)
        owner = submission.registry.ssccs.get(sscc)
        if problem:
            found.append(RuleViolation("InvalidSSCC", path, problem))
        elif sscc in submission.ssccs:
            found.append(RuleViolation("DuplicateSSCC", path, f"SSCC {sscc} labels two containers here"))
        elif owner is not None and not (doc.replaces is not None and owner == doc.shipment_id):
            found.append(RuleViolation("DuplicateSSCC", path, f"SSCC {sscc} was already used on shipment "
                                       f"{owner}; SSCCs are never reused"))
        submission.ssccs.add(sscc)
        doc.ssccs.append(sscc)
    return found


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


#: A carton or pallet as the packing rules read it: its path in the body, its JSON, and whether its items count
_Container = tuple[str, dict[str, Any], bool]


def _packing_rules(conf: dict[str, Any], base: str,
                   resolved: dict[int, tuple[str, OrderLine]]) -> list[RuleViolation]:
    """Cartons and pallets refer to what the shipment lists, and hold exactly what it ships.

    Quantities are compared per item reference in eaches (a carton may count ``Cases``). A
    pallet that names cartons holds what they hold, so its own ``items`` are not counted
    again; lines whose PO line is unknown are left to the rule that already refused them.
    """
    shipped = conf["shippedItems"]
    by_reference: dict[str, list[int]] = {}
    for j, item in enumerate(shipped):
        by_reference.setdefault(sequence_key(item["itemSequenceNumber"]), []).append(j)
    found, containers = _containers(conf, base)
    unknown, packed = _packed_units(containers, by_reference, resolved)
    found.extend(unknown)
    if not packed:
        return found  # the shipment lists no container contents: nothing to add up
    found.extend(_quantity_mismatches(shipped, base, by_reference, packed, resolved))
    return found


def _containers(conf: dict[str, Any], base: str) -> tuple[list[RuleViolation], list[_Container]]:
    """Cartons, then pallets; a pallet naming cartons must name this shipment's, and its items do not count."""
    found: list[RuleViolation] = []
    cartons = conf.get("cartons") or []
    carton_numbers = {sequence_key(c["cartonSequenceNumber"]) for c in cartons}
    containers: list[_Container] = [(f"{base}.cartons[{k}]", carton, True) for k, carton in enumerate(cartons)]
    for k, pallet in enumerate(conf.get("pallets") or []):
        where = f"{base}.pallets[{k}]"
        references = (pallet.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers") or []
        for m, number in enumerate(references):
            if sequence_key(number) not in carton_numbers:
                found.append(RuleViolation("UnknownCartonReference",
                                           f"{where}.cartonReferenceDetails.cartonReferenceNumbers[{m}]",
                                           f"carton {number} is not one of this shipment's cartons"))
        containers.append((where, pallet, not references))
    return found, containers


def _packed_units(containers: list[_Container], by_reference: dict[str, list[int]],
                  resolved: dict[int, tuple[str, OrderLine]]) -> tuple[list[RuleViolation], dict[str, int]]:
    """Eaches the containers hold per item reference; a container item must refer to a shipped line."""
    found: list[RuleViolation] = []
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
    return found, packed


def _quantity_mismatches(shipped: list[dict[str, Any]], base: str, by_reference: dict[str, list[int]],
                         packed: dict[str, int], resolved: dict[int, tuple[str, OrderLine]]) -> list[RuleViolation]:
    """Each item reference ships exactly what its cartons and pallets hold (known lines only)."""
    found = []
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
