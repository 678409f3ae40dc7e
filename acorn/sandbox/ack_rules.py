"""submitAcknowledgement: Amazon's business rules, and what an accepted acknowledgement changes.

Rules (codes from ``errors.TRANSACTION_ERROR_CODES``): the PO must exist
(``UnknownPurchaseOrder``) and not be acknowledged yet (``DuplicateAcknowledgement``); each
item must be a line of it (``UnknownItem``); a cancelled line cannot be accepted or
backordered (``CancelledItem``); accepted + backordered + rejected cannot exceed what is
ordered (``QuantityExceedsOrdered``). Lines an acknowledgement leaves out stay UNCONFIRMED.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.matching import eaches, find_line, item_reference
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import LineAck, OrderLine, PurchaseOrder
from acorn.sandbox.timefmt import parse_iso


@dataclass
class AckPlan:
    orders: list[tuple[PurchaseOrder, list[tuple[OrderLine, LineAck]]]] = field(default_factory=list)


def check_acknowledgements(body: dict[str, Any], *, book: OrderBook,
                           now: datetime) -> tuple[list[RuleViolation], AckPlan]:
    found: list[RuleViolation] = []
    plan = AckPlan()
    seen: set[str] = set()
    for i, ack in enumerate(body.get("acknowledgements") or []):
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


def apply_acknowledgements(plan: AckPlan, *, book: OrderBook, now: datetime) -> None:
    for po, line_acks in plan.orders:
        po.acknowledged_at = now
        for line, decision in line_acks:
            line.ack = decision
        book.touch(po)
