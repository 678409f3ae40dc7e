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


@dataclass
class AckPlan:
    orders: list[tuple[PurchaseOrder, list[tuple[OrderLine, LineAck]]]] = field(default_factory=list)


#: How far ahead of the sandbox clock an acknowledgementDate may be: vendors' clocks drift a little
CLOCK_SKEW = timedelta(minutes=5)


def check_acknowledgements(body: dict[str, Any], *, book: OrderBook,
                           now: datetime) -> tuple[list[RuleViolation], AckPlan]:
    found: list[RuleViolation] = []
    plan = AckPlan()
    seen: set[str] = set()
    acknowledgements = body.get("acknowledgements") or []
    if not acknowledgements:
        found.append(RuleViolation("EmptyAcknowledgement", "acknowledgements",
                                   "the submission acknowledges no purchase order"))
    for i, ack in enumerate(acknowledgements):
        base = f"acknowledgements[{i}]"
        number = ack["purchaseOrderNumber"]
        po = book.get(number, now)
        if po is None:
            found.append(RuleViolation("UnknownPurchaseOrder", f"{base}.purchaseOrderNumber",
                                       f"purchase order {number} does not exist"))
            continue
        if po.acknowledged_at is not None or po.fixed_state is not None or number in seen:
            found.append(RuleViolation("DuplicateAcknowledgement", f"{base}.purchaseOrderNumber",
                                       f"purchase order {number} is already acknowledged"))
            continue
        seen.add(number)
        acked_on = parse_iso(ack["acknowledgementDate"])
        found.extend(_header_rules(ack, base, po, acked_on=acked_on, now=now))
        if not ack["items"]:
            found.append(RuleViolation("EmptyAcknowledgement", f"{base}.items",
                                       f"acknowledges no line of purchase order {number}"))
        totals: dict[int, LineAck] = {}
        for j, item in enumerate(ack["items"]):
            where = f"{base}.items[{j}]"
            line = find_line(po, asin=item.get("amazonProductIdentifier"),
                             vendor_id=item.get("vendorProductIdentifier"),
                             sequence=item.get("itemSequenceNumber"), sequence_is_po_line=True)
            if line is None:
                found.append(RuleViolation("UnknownItem", where,
                                           f"{item_reference(item)} is not a line of purchase order {number}"))
                continue
            if not item["itemAcknowledgements"]:
                found.append(RuleViolation("EmptyAcknowledgement", f"{where}.itemAcknowledgements",
                                           f"no decision for line {line.sequence} of purchase order {number}"))
            slot = totals.setdefault(po.lines.index(line), LineAck(0, 0, 0, acked_on))
            for k, decision in enumerate(item["itemAcknowledgements"]):
                units = eaches(decision["acknowledgedQuantity"], line)
                code = decision["acknowledgementCode"]
                if code == "Accepted":
                    slot.accepted += units
                elif code == "Backordered":
                    slot.backordered += units
                else:
                    slot.rejected += units
                if po.is_cancelled(line, now) and code != "Rejected" and units > 0:
                    found.append(RuleViolation(
                        "CancelledItem", f"{where}.itemAcknowledgements[{k}].acknowledgementCode",
                        f"line {line.sequence} of purchase order {number} was cancelled by Amazon; it can only be "
                        f"Rejected"))
                found.extend(_decision_rules(decision, f"{where}.itemAcknowledgements[{k}]", line, number))
            ordered = po.ordered_each(line, now)
            acknowledged = slot.accepted + slot.backordered + slot.rejected
            if acknowledged > ordered and not po.is_cancelled(line, now):
                last = len(item["itemAcknowledgements"]) - 1
                found.append(RuleViolation(
                    "QuantityExceedsOrdered", f"{where}.itemAcknowledgements[{last}].acknowledgedQuantity.amount",
                    f"acknowledges {acknowledged} units of line {line.sequence} but purchase order {number} "
                    f"orders {ordered}"))
        plan.orders.append((po, [(po.lines[n], slot) for n, slot in sorted(totals.items())]))
    return found, plan


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
