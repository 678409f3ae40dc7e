"""submitAcknowledgement: Amazon's business rules, and what an accepted acknowledgement changes.

Rules (codes from ``errors.TRANSACTION_ERROR_CODES``), in the order a document meets them:

* the body acknowledges something: at least one acknowledgement, each with at least one item,
  each item with at least one decision (``EmptyAcknowledgement``). The model has no
  ``required`` / ``minItems`` here, so the gateway lets an empty body through (Amazon's own
  example posts ``{}`` and gets 202); it is the transaction that fails;
* the PO exists (``UnknownPurchaseOrder``) and is not acknowledged yet
  (``DuplicateAcknowledgement``; a re-post learns only that);
* ``sellingParty`` is the PO's vendor code (``SellingPartyMismatch``), and
  ``acknowledgementDate`` is not after the sandbox clock by more than ``CLOCK_SKEW``
  (``AcknowledgementDateInFuture``: a vendor's clock a few minutes fast is not refused);
* each item is a line of the PO (``UnknownItem``); a cancelled line cannot be accepted or
  backordered (``CancelledItem``); accepted + backordered + rejected cannot exceed what is
  ordered (``QuantityExceedsOrdered``);
* each decision acknowledges some units (``InvalidInput``: the model says of
  ``acknowledgedQuantity.amount`` "This value should not be zero"); a ``Backordered`` quantity
  needs a line whose ``isBackOrderAllowed`` is true (``BackorderNotAllowed``) and a
  ``scheduledShipDate`` or ``scheduledDeliveryDate`` (``MissingBackorderDate``); a
  ``Rejected`` quantity needs a ``rejectionReason`` (``MissingRejectionReason``).

Lines an acknowledgement leaves out stay UNCONFIRMED; a line Amazon cancelled (ordered 0) is
acknowledged by leaving it out, since a decision of 0 units is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.domain.deadlines import acknowledgement_deadline, acknowledgement_is_on_time
from acorn.domain.model import ACKNOWLEDGEMENT_WINDOW
from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.matching import eaches, find_line, item_reference, party_differs
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import LineAck, OrderLine, PurchaseOrder
from acorn.sandbox.timefmt import parse_iso

#: A PO and the decision each acknowledged line of it gets
AckedOrder = tuple[PurchaseOrder, list[tuple[OrderLine, LineAck]]]


@dataclass
class AckPlan:
    orders: list[AckedOrder] = field(default_factory=list)


#: How far ahead of the sandbox clock an acknowledgementDate may be: vendors' clocks drift a little
CLOCK_SKEW = timedelta(minutes=5)


def check_acknowledgements(body: dict[str, Any], *, book: OrderBook,
                           now: datetime) -> tuple[list[RuleViolation], AckPlan]:
    """Every rule the body's acknowledgements break, and the decisions to record when none is."""
    found: list[RuleViolation] = []
    plan = AckPlan()
    seen: set[str] = set()
    acknowledgements = body.get("acknowledgements") or []
    if not acknowledgements:
        found.append(RuleViolation("EmptyAcknowledgement", "acknowledgements",
                                   "the submission acknowledges no purchase order"))
    for i, ack in enumerate(acknowledgements):
        broken, decided = _check_acknowledgement(ack, f"acknowledgements[{i}]", book=book, now=now, seen=seen)
        found.extend(broken)
        if decided is not None:
            plan.orders.append(decided)
    return found, plan


def _check_acknowledgement(ack: dict[str, Any], base: str, *, book: OrderBook, now: datetime,
                           seen: set[str]) -> tuple[list[RuleViolation], AckedOrder | None]:
    """One PO's acknowledgement: its header, then each item; the line decisions it would record."""
    po = _order_to_acknowledge(ack["purchaseOrderNumber"], base, book=book, now=now, seen=seen)
    if isinstance(po, RuleViolation):
        return [po], None  # an unknown or already acknowledged PO: nothing more to learn from it
    seen.add(po.number)
    acked_on = parse_iso(ack["acknowledgementDate"])
    found = _header_rules(ack, base, po, acked_on=acked_on, now=now)
    if not ack["items"]:
        found.append(RuleViolation("EmptyAcknowledgement", f"{base}.items",
                                   f"acknowledges no line of purchase order {po.number}"))
    totals: dict[int, LineAck] = {}  # index of the PO line -> what the items decide for it
    for j, item in enumerate(ack["items"]):
        found.extend(_item_rules(item, f"{base}.items[{j}]", po, totals, acked_on=acked_on, now=now))
    return found, (po, [(po.lines[n], slot) for n, slot in sorted(totals.items())])


def _order_to_acknowledge(number: str, base: str, *, book: OrderBook, now: datetime,
                          seen: set[str]) -> PurchaseOrder | RuleViolation:
    """The PO, when it exists and is not acknowledged yet (by Amazon's records or earlier in this body)."""
    po = book.get(number, now)
    if po is None:
        return RuleViolation("UnknownPurchaseOrder", f"{base}.purchaseOrderNumber",
                             f"purchase order {number} does not exist")
    if po.acknowledged_at is not None or po.fixed_state is not None or number in seen:
        return RuleViolation("DuplicateAcknowledgement", f"{base}.purchaseOrderNumber",
                             f"purchase order {number} is already acknowledged")
    return po


def _item_rules(item: dict[str, Any], where: str, po: PurchaseOrder, totals: dict[int, LineAck], *,
                acked_on: datetime, now: datetime) -> list[RuleViolation]:
    """One item: a line of the PO, with decisions that add up to no more than it orders."""
    line = find_line(po, asin=item.get("amazonProductIdentifier"), vendor_id=item.get("vendorProductIdentifier"),
                     sequence=item.get("itemSequenceNumber"), sequence_is_po_line=True)
    if line is None:
        return [RuleViolation("UnknownItem", where,
                              f"{item_reference(item)} is not a line of purchase order {po.number}")]
    found = []
    decisions = item["itemAcknowledgements"]
    if not decisions:
        found.append(RuleViolation("EmptyAcknowledgement", f"{where}.itemAcknowledgements",
                                   f"no decision for line {line.sequence} of purchase order {po.number}"))
    slot = totals.setdefault(po.lines.index(line), LineAck(0, 0, 0, acked_on))
    for k, decision in enumerate(decisions):
        found.extend(_count_decision(decision, f"{where}.itemAcknowledgements[{k}]", po, line, slot, now=now))
    ordered = po.ordered_each(line, now)
    acknowledged = slot.accepted + slot.backordered + slot.rejected
    if acknowledged > ordered and not po.is_cancelled(line, now):
        found.append(RuleViolation(
            "QuantityExceedsOrdered", f"{where}.itemAcknowledgements[{len(decisions) - 1}].acknowledgedQuantity.amount",
            f"acknowledges {acknowledged} units of line {line.sequence} but purchase order {po.number} "
            f"orders {ordered}"))
    return found


def _count_decision(decision: dict[str, Any], where: str, po: PurchaseOrder, line: OrderLine, slot: LineAck, *,
                    now: datetime) -> list[RuleViolation]:
    """Add one decision's units to the line's totals; a line Amazon cancelled can only be Rejected."""
    units = eaches(decision["acknowledgedQuantity"], line)
    code = decision["acknowledgementCode"]
    if code == "Accepted":
        slot.accepted += units
    elif code == "Backordered":
        slot.backordered += units
    else:
        slot.rejected += units
    found = []
    if po.is_cancelled(line, now) and code != "Rejected" and units > 0:
        found.append(RuleViolation(
            "CancelledItem", f"{where}.acknowledgementCode",
            f"line {line.sequence} of purchase order {po.number} was cancelled by Amazon; it can only be Rejected"))
    found.extend(_decision_rules(decision, where, line, po.number))
    return found


def _header_rules(ack: dict[str, Any], base: str, po: PurchaseOrder, *, acked_on: datetime,
                  now: datetime) -> list[RuleViolation]:
    """Who acknowledges and when: the PO's own vendor code, and not a date still to come."""
    found = []
    seller = (ack.get("sellingParty") or {}).get("partyId")
    if party_differs(po.selling_party, seller):
        found.append(RuleViolation("SellingPartyMismatch", f"{base}.sellingParty.partyId",
                                   f"purchase order {po.number} was placed with vendor code {po.selling_party}, "
                                   f"not {seller}"))
    if acked_on > now + CLOCK_SKEW:
        found.append(RuleViolation("AcknowledgementDateInFuture", f"{base}.acknowledgementDate",
                                   f"{ack['acknowledgementDate']} is after the current time"))
    return found


def _decision_rules(decision: dict[str, Any], where: str, line: OrderLine, number: str) -> list[RuleViolation]:
    """What one Accepted / Backordered / Rejected quantity must carry."""
    found = []
    code = decision["acknowledgementCode"]
    amount = (decision.get("acknowledgedQuantity") or {}).get("amount")
    if amount is None:
        found.append(RuleViolation("InvalidInput", f"{where}.acknowledgedQuantity.amount",
                                   "is required: a decision says how many units it covers"))
    elif amount == 0:
        found.append(RuleViolation("InvalidInput", f"{where}.acknowledgedQuantity.amount",
                                   "must not be zero (leave out a line there is nothing to acknowledge for)"))
    if code == "Backordered":
        if line.backorder_allowed is not True:
            found.append(RuleViolation("BackorderNotAllowed", f"{where}.acknowledgementCode",
                                       f"line {line.sequence} of purchase order {number} does not allow backorders "
                                       f"(isBackOrderAllowed is false); accept or reject it"))
        if not decision.get("scheduledShipDate") and not decision.get("scheduledDeliveryDate"):
            found.append(RuleViolation("MissingBackorderDate", f"{where}.scheduledShipDate",
                                       "a Backordered quantity needs a scheduledShipDate or scheduledDeliveryDate"))
    elif code == "Rejected" and not decision.get("rejectionReason"):
        found.append(RuleViolation("MissingRejectionReason", f"{where}.rejectionReason",
                                   "a Rejected quantity needs a rejectionReason"))
    return found


@dataclass(frozen=True)
class AckTiming:
    """When an applied acknowledgement was due (``acorn.domain.deadlines``) and whether it came late."""

    purchase_order_number: str
    deadline: datetime
    late: bool


def apply_acknowledgements(plan: AckPlan, *, book: OrderBook, now: datetime,
                           ack_window: timedelta = ACKNOWLEDGEMENT_WINDOW) -> list[AckTiming]:
    """Record the accepted decisions; lateness is judged on the sandbox clock at acceptance, against
    the PO's creation + ``ack_window`` (recorded for the ledger, never refused: a chargeback matter)."""
    timings = []
    for po, line_acks in plan.orders:
        po.acknowledged_at = now
        for line, decision in line_acks:
            line.ack = decision
        book.touch(po)
        deadline = acknowledgement_deadline(po.created, window=ack_window)
        timings.append(AckTiming(po.number, deadline, late=not acknowledgement_is_on_time(now, deadline)))
    return timings
