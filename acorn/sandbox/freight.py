"""SubmitShipments: Amazon's rules for a routing request (Amazon-arranged, collect freight), and its effect.

A vendor on collect (WePay) terms does not book its own carrier: it asks Amazon to collect the
goods (``transactionType`` ``New``), Amazon assigns a carrier and an appointment
(``acorn.sandbox.carriers``), the goods leave at the pickup, and the vendor still confirms
them with an ASN (SubmitShipmentConfirmations, quoting the ARN as ``amazonReferenceNumber``).
A routing request books no units against the order: the ASN does, as for prepaid freight.

Rules for a ``New`` (all-or-nothing per submission, like every POST):

* ``shipmentFreightTerm`` must be ``Collect`` (``FreightTermNotCollect``): prepaid vendors
  arrange their own freight and only confirm it.
* What the model calls mandatory for collect freight must be there
  (``MissingCollectFreightDetails``): the ship-from address, the shipment weight, a carton or
  pallet count, ``collectFreightPickupDetails.requestedPickUp`` and the purchase orders with items.
* ``requestedPickUp`` at least ``lead`` business days after today in the order's marketplace
  (``RequestedPickUpTooEarly``; a moment in the past fails the same way), and inside the ship
  window of every order on the request (``RequestedPickUpOutsideShipWindow``).
* Every order known (``UnknownPurchaseOrder``) and confirmed (``PurchaseOrderNotConfirmed``),
  every item one of its lines (``UnknownItem``) not cancelled (``CancelledItem``), and no more
  units than were accepted, less those already shipped on ASNs and those on other open routing
  requests (``QuantityExceedsAccepted``; ``QuantityExceedsOrdered`` for scenario orders loaded
  as already acknowledged without line decisions).
* The identifier is new, or names an open request whose carrier is not yet assigned: that is an
  update (Amazon: every field may change before the carrier is assigned, except
  ``vendorShipmentIdentifier``, ``buyerReferenceNumber`` and ``sellingParty.partyId``:
  ``ImmutableFieldChanged``). An identifier already routed (carrier assigned), cancelled, or used
  by an accepted ASN is a ``DuplicateShipmentIdentifier``, and that is the whole answer: how a
  client that lost the answer learns the first post was applied.

At the gateway (synchronous 400) only required fields and types are checked: see ``gateway_errors``.

Rules for a ``Cancel``: the request must exist (``UnknownShipmentIdentifier``), not be cancelled
already (``DuplicateShipmentIdentifier``), not be picked up yet (``ShipmentAlreadyPickedUp``:
the appointment has passed or an ASN says the goods left), and keep ``sellingParty.partyId`` and
``buyerReferenceNumber`` (``ImmutableFieldChanged``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from acorn.domain.calendar import MarketplaceCalendar
from acorn.sandbox.accounts import country_of_party
from acorn.sandbox.carriers import pallet_count, plan_carrier, reference_number
from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.matching import beyond_the_line, eaches, find_line
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import OrderLine, PurchaseOrder
from acorn.sandbox.records import Registry, RoutingRecord
from acorn.sandbox.schema_checks import _document_order, _explain, _validator
from acorn.sandbox.timefmt import iso, parse_iso

NEW, CANCEL, COLLECT = "New", "Cancel", "Collect"


@dataclass
class RoutingDoc:
    """One request of a submission, checked; what ``apply_routing_requests`` needs."""

    shipment_id: str
    kind: str  # New | Cancel
    request: dict[str, Any]
    existing: RoutingRecord | None
    requested_pickup: datetime | None = None
    orders: list[PurchaseOrder] = field(default_factory=list)  # the known orders it names
    lines: list[tuple[PurchaseOrder, OrderLine, int]] = field(default_factory=list)


def gateway_errors(body: Any) -> list[dict[str, str]]:
    """The synchronous 400 check of a SubmitShipments body: required fields and types, not enum values.

    Amazon's own example of an accepted (202) request carries ``IN``, ``KG`` and ``Each`` where the
    model's enums say ``In``, ``Kg`` and ``Eaches``, so its gateway does not refuse enum values here;
    the transaction reports them as ``InvalidInput`` instead (``schema_checks.processing_violations``).
    """
    found: dict[tuple[str, str], None] = {}
    for err in sorted(_validator("shipments", "SubmitShipments", False).iter_errors(body), key=_document_order):
        if err.validator != "enum":
            for finding in _explain(err):
                found.setdefault(finding)
    return [{"code": "InvalidInput", "message": f"{path}: {why}", "details": path} for path, why in found]


@cache
def _calendar(country: str) -> MarketplaceCalendar:
    return MarketplaceCalendar.for_marketplace(country)


def earliest_pickup(now: datetime, *, country: str | None, lead_business_days: int) -> datetime:
    """Midnight (marketplace time) of the ``lead``-th business day after today: the first pickup Amazon takes."""
    cal = _calendar(country if country in ("US", "CA") else "US")
    day = cal.add_business_days(now.astimezone(cal.zone).date(), lead_business_days)
    return datetime.combine(day, time(0), tzinfo=cal.zone)


def check_routing_requests(body: dict[str, Any], *, book: OrderBook, registry: Registry, now: datetime,
                           lead_business_days: int) -> tuple[list[RuleViolation], list[RoutingDoc]]:
    found: list[RuleViolation] = []
    plan: list[RoutingDoc] = []
    seen: set[str] = set()
    pending: dict[tuple[str, str], int] = {}  # units of a PO line routed earlier in this submission
    for i, request in enumerate(body.get("shipments") or []):
        base = f"shipments[{i}]"
        sid = str(request["vendorShipmentIdentifier"])
        doc = RoutingDoc(sid, request["transactionType"], copy.deepcopy(request), registry.routings.get(sid))
        if sid in seen:
            found.append(RuleViolation("DuplicateShipmentIdentifier", f"{base}.vendorShipmentIdentifier",
                                       f"shipment {sid} appears twice in this submission"))
            continue
        seen.add(sid)
        if doc.kind == CANCEL:
            found.extend(_cancel_rules(doc, base, registry, now))
        else:
            duplicate = _already_routed(doc, registry, now)
            if duplicate:
                found.append(RuleViolation("DuplicateShipmentIdentifier", f"{base}.vendorShipmentIdentifier",
                                           duplicate))
                continue  # a re-post of an applied request: the duplicate is the whole story
            found.extend(_immutable_fields(doc, base))
            found.extend(_new_rules(doc, base, book, registry, now, lead_business_days, pending))
        plan.append(doc)
    return found, plan


def _already_routed(doc: RoutingDoc, registry: Registry, now: datetime) -> str | None:
    sid, existing = doc.shipment_id, doc.existing
    if existing is None:
        return f"an ASN was already accepted as shipment {sid}" if sid in registry.shipments else None
    if existing.cancelled_at is not None:
        return f"shipment {sid} was cancelled; a shipment identifier is not reused"
    if existing.plan.assigned_at <= now:
        return f"shipment {sid} was already routed and its carrier assigned; it can only be cancelled"
    return None  # an update of a request still waiting for its carrier


def _immutable_fields(doc: RoutingDoc, base: str) -> Iterator[RuleViolation]:
    old = doc.existing
    if old is None:
        return
    party = (doc.request.get("sellingParty") or {}).get("partyId")
    if party != (old.request.get("sellingParty") or {}).get("partyId"):
        yield RuleViolation("ImmutableFieldChanged", f"{base}.sellingParty.partyId",
                            f"shipment {doc.shipment_id} was requested for {old.request['sellingParty']['partyId']}")
    reference = doc.request.get("buyerReferenceNumber")
    if reference is not None and reference != old.buyer_reference:
        yield RuleViolation("ImmutableFieldChanged", f"{base}.buyerReferenceNumber",
                            f"Amazon's reference number for shipment {doc.shipment_id} is {old.buyer_reference}")


def _cancel_rules(doc: RoutingDoc, base: str, registry: Registry, now: datetime) -> list[RuleViolation]:
    sid, old = doc.shipment_id, doc.existing
    where = f"{base}.vendorShipmentIdentifier"
    if old is None:
        return [RuleViolation("UnknownShipmentIdentifier", where, f"there is no routing request {sid} to cancel")]
    if old.cancelled_at is not None:
        return [RuleViolation("DuplicateShipmentIdentifier", where,
                              f"shipment {sid} was already cancelled at {iso(old.cancelled_at)}")]
    if old.plan.scheduled_pickup <= now or sid in registry.shipments:
        return [RuleViolation("ShipmentAlreadyPickedUp", where,
                              f"shipment {sid} was picked up at {iso(old.plan.scheduled_pickup)}; it can no longer "
                              "be cancelled")]
    return list(_immutable_fields(doc, base))


def _missing_details(request: dict[str, Any], base: str) -> Iterator[RuleViolation]:
    def missing(path: str, what: str) -> RuleViolation:
        return RuleViolation("MissingCollectFreightDetails", f"{base}.{path}",
                             f"{what} is required for collect freight")

    if not (request.get("shipFromParty") or {}).get("address"):
        yield missing("shipFromParty.address", "the ship-from address (where the carrier collects)")
    measurements = request.get("shipmentMeasurements") or {}
    if not measurements.get("shipmentWeight"):
        yield missing("shipmentMeasurements.shipmentWeight", "the shipment weight")
    if not measurements.get("totalCartonCount") and not pallet_count(measurements):
        yield missing("shipmentMeasurements.totalCartonCount", "a carton or pallet count")
    if not (request.get("collectFreightPickupDetails") or {}).get("requestedPickUp"):
        yield missing("collectFreightPickupDetails.requestedPickUp", "the requested pickup date")
    orders = request.get("purchaseOrders") or []
    if not orders:
        yield missing("purchaseOrders", "the purchase orders (with their items)")
    for j, order in enumerate(orders):
        if not order.get("items"):
            yield missing(f"purchaseOrders[{j}].items", "the items of each purchase order")


def _new_rules(doc: RoutingDoc, base: str, book: OrderBook, registry: Registry, now: datetime, lead: int,
               pending: dict[tuple[str, str], int]) -> list[RuleViolation]:
    request = doc.request
    found: list[RuleViolation] = []
    if request.get("shipmentFreightTerm") != COLLECT:
        found.append(RuleViolation("FreightTermNotCollect", f"{base}.shipmentFreightTerm",
                                   f"is {request.get('shipmentFreightTerm')!r}: Amazon routes only Collect freight; "
                                   "prepaid shipments are only confirmed (SubmitShipmentConfirmations)"))
    found.extend(_missing_details(request, base))
    found.extend(_order_lines(doc, base, book, registry, now, pending))
    raw = (request.get("collectFreightPickupDetails") or {}).get("requestedPickUp")
    if raw:
        try:
            doc.requested_pickup = parse_iso(raw)
        except ValueError as err:
            found.append(RuleViolation("InvalidInput", f"{base}.collectFreightPickupDetails.requestedPickUp", str(err)))
        else:
            found.extend(_pickup_rules(doc, base, now, lead))
    return found


def _pickup_rules(doc: RoutingDoc, base: str, now: datetime, lead: int) -> Iterator[RuleViolation]:
    pickup, where = doc.requested_pickup, f"{base}.collectFreightPickupDetails.requestedPickUp"
    assert pickup is not None
    orders = list({po.number: po for po in doc.orders}.values())
    country = next((po.country for po in orders if po.country),
                   country_of_party((doc.request.get("shipToParty") or {}).get("partyId")))
    earliest = earliest_pickup(now, country=country, lead_business_days=lead)
    if pickup < now:
        yield RuleViolation("RequestedPickUpTooEarly", where, f"{iso(pickup)} is in the past")
    elif pickup < earliest:
        yield RuleViolation("RequestedPickUpTooEarly", where,
                            f"{iso(pickup)} is less than {lead} business days ahead; the earliest pickup is "
                            f"{iso(earliest)}")
    for po in orders:
        if po.ship_window and not po.ship_window[0] <= pickup <= po.ship_window[1]:
            yield RuleViolation("RequestedPickUpOutsideShipWindow", where,
                                f"{iso(pickup)} is outside the ship window of purchase order {po.number} "
                                f"({iso(po.ship_window[0])} to {iso(po.ship_window[1])})")


def _routed_elsewhere(registry: Registry, po: PurchaseOrder, line: OrderLine, sid: str) -> int:
    """Units of a PO line on other open routing requests not yet confirmed by an ASN (the ASN counts them)."""
    return sum(units for r in registry.routings.values()
               if r.shipment_id != sid and r.cancelled_at is None and r.shipment_id not in registry.shipments
               for p, ln, units in r.lines if p.number == po.number and ln.sequence == line.sequence)


def _order_lines(doc: RoutingDoc, base: str, book: OrderBook, registry: Registry, now: datetime,
                 pending: dict[tuple[str, str], int]) -> Iterator[RuleViolation]:
    """Each purchase order is known and confirmed, and each of its items a line that may still ship its units."""
    for j, order in enumerate(doc.request.get("purchaseOrders") or []):
        where = f"{base}.purchaseOrders[{j}]"
        number = order.get("purchaseOrderNumber")
        po = book.get(number, now) if number else None
        if po is None:
            yield RuleViolation("UnknownPurchaseOrder", f"{where}.purchaseOrderNumber",
                                f"purchase order {number} does not exist" if number else "is required")
            continue
        doc.orders.append(po)
        if po.state(now)[0] == "New":
            yield RuleViolation("PurchaseOrderNotConfirmed", f"{where}.purchaseOrderNumber",
                                f"purchase order {number} is not acknowledged yet; Amazon routes confirmed orders only")
            continue
        for k, item in enumerate(order.get("items") or []):
            problem = _route_item(item, f"{where}.items[{k}]", po, doc, registry, now, pending)
            if problem is not None:
                yield problem


def _route_item(item: dict[str, Any], at: str, po: PurchaseOrder, doc: RoutingDoc, registry: Registry,
                now: datetime, pending: dict[tuple[str, str], int]) -> RuleViolation | None:
    """Count the item's units against what its PO line may still ship or route; within that, they are routed."""
    line = find_line(po, asin=item.get("buyerProductIdentifier"), vendor_id=item.get("vendorProductIdentifier"),
                     sequence=item.get("itemSequenceNumber"))
    if line is None:
        return RuleViolation("UnknownItem", at, f"item {item.get('itemSequenceNumber')} is not a line of "
                             f"purchase order {po.number}")
    if po.is_cancelled(line, now):
        return RuleViolation("CancelledItem", at, f"line {line.sequence} of purchase order {po.number} was "
                             "cancelled by Amazon")
    units = eaches(item.get("shippedQuantity"), line)
    key = (po.number, line.sequence)
    pending[key] = pending.get(key, 0) + units
    total = line.shipped_total + _routed_elsewhere(registry, po, line, doc.shipment_id) + pending[key]
    if (too_many := beyond_the_line(po, line, total, now, at, doing="shipped or routed")) is not None:
        return too_many
    doc.lines.append((po, line, units))
    return None


def apply_routing_requests(plan: list[RoutingDoc], *, registry: Registry, now: datetime, seed: int,
                           assignment_delay: timedelta, transit: timedelta) -> dict[str, dict[str, Any]]:
    """Record accepted requests and cancellations; the ledger's extra fields per shipment identifier."""
    extras: dict[str, dict[str, Any]] = {}
    for doc in plan:
        sid, old = doc.shipment_id, doc.existing
        if doc.kind == CANCEL:
            assert old is not None
            old.cancelled_at = now
            extras[sid] = {"transactionType": CANCEL, "cancelledAt": iso(now)}
            continue
        assert doc.requested_pickup is not None
        revision = old.revision + 1 if old else 1
        carrier = plan_carrier(seed=seed, shipment_id=sid, revision=revision, request=doc.request,
                               requested_pickup=doc.requested_pickup, accepted_at=now,
                               assignment_delay=assignment_delay, transit=transit)
        record = RoutingRecord(
            shipment_id=sid, buyer_reference=old.buyer_reference if old else _new_reference(registry, seed, sid),
            first_accepted_at=old.first_accepted_at if old else now, accepted_at=now,
            requested_pickup=doc.requested_pickup, plan=carrier, lines=list(doc.lines), request=doc.request,
            revision=revision)
        registry.routings[sid] = record
        extras[sid] = {"transactionType": NEW, "buyerReferenceNumber": record.buyer_reference,
                       "shipMode": carrier.ship_mode, "carrierScac": carrier.scac,
                       "requestedPickUp": iso(record.requested_pickup),
                       "carrierAssignmentDate": iso(carrier.assigned_at),
                       "scheduledPickUp": iso(carrier.scheduled_pickup)}
    return extras


def _new_reference(registry: Registry, seed: int, sid: str) -> str:
    """A reference number no other routed shipment has (redrawn on the rare clash)."""
    taken = {r.buyer_reference for r in registry.routings.values()}
    reference, n = reference_number(seed, sid), 0
    while reference in taken:
        n += 1
        reference = reference_number(seed, f"{sid}#{n}")
    return reference
