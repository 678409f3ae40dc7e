"""Purchase orders as the simulated Amazon holds them, and how their state follows from events.

A ``PurchaseOrder`` records what happened (created, changed by Amazon, acknowledged, shipped
against, received, invoiced); everything the API shows (state, effective quantities, item
statuses, last update) is computed from those records *at a given moment* of the sandbox
clock. That keeps the simulation deterministic however the clock is moved: an Amazon change
scheduled for Tuesday is visible from Tuesday on, unless the vendor acknowledged the order
before Tuesday (Amazon does not change orders the vendor has already confirmed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

EACHES, CASES = "Eaches", "Cases"


@dataclass(slots=True)
class LineAck:
    """The vendor's accepted decision for one line, in eaches."""

    accepted: int
    rejected: int
    backordered: int
    acknowledged_at: datetime


@dataclass(slots=True)
class ShippedLine:
    """Units of one PO line on one accepted ASN, and what the warehouse made of them."""

    shipment_id: str
    quantity: int  # eaches
    delivered_at: datetime
    received: int
    damaged: int
    short: int


@dataclass(slots=True, frozen=True)
class FoundUnits:
    """Units the FC had lost and found later (a shortage reversal): received from ``at`` on."""

    at: datetime
    units: int


@dataclass(slots=True)
class OrderLine:
    sequence: str
    asin: str | None
    vendor_id: str | None
    quantity: int  # in ``unit_of_measure`` as ordered
    unit_of_measure: str = EACHES
    unit_size: int = 1
    net_cost: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    backorder_allowed: bool = False
    case_pack: int | None = None  # units per carton when known (catalogue)
    vendor_sku: str | None = None
    ack: LineAck | None = None
    shipped: list[ShippedLine] = field(default_factory=list)
    invoiced: int = 0  # eaches on accepted invoices
    found: list[FoundUnits] = field(default_factory=list)  # set by acorn.sandbox.settlement

    @property
    def factor(self) -> int:
        """Eaches per ordered unit."""
        return max(self.unit_size, 1) if self.unit_of_measure == CASES else 1

    @property
    def case_size(self) -> int:
        """Units per case when a document counts this line in ``Cases`` without a ``unitSize``."""
        if self.unit_of_measure == CASES:
            return max(self.unit_size, 1)
        return self.case_pack or 1

    @property
    def shipped_total(self) -> int:
        return sum(s.quantity for s in self.shipped)


@dataclass(slots=True)
class PoChange:
    """Amazon's change to an order after it was placed: new amounts per line sequence."""

    at: datetime
    new_amounts: dict[str, int]


@dataclass(slots=True)
class PurchaseOrder:
    number: str
    created: datetime
    selling_party: str
    ship_to: str
    buying_party: str
    bill_to: str
    country: str | None
    currency: str | None
    lines: list[OrderLine]
    ship_window: tuple[datetime, datetime] | None = None
    delivery_window: tuple[datetime, datetime] | None = None
    order_type: str = "RegularOrder"
    payment_method: str = "Invoice"
    change: PoChange | None = None
    acknowledged_at: datetime | None = None
    fixed_state: tuple[str, datetime] | None = None  # loaded scenario orders that arrive Closed/Acknowledged
    extra_details: dict[str, Any] | None = None  # loaded scenario orders: fields kept verbatim

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.created, self.number)

    # ---- Amazon's change --------------------------------------------------------------
    def change_effective(self, now: datetime) -> bool:
        c = self.change
        if c is None or c.at > now:
            return False
        return self.acknowledged_at is None or self.acknowledged_at >= c.at

    def changed_at(self, now: datetime) -> datetime | None:
        return self.change.at if self.change_effective(now) else None

    def amount(self, line: OrderLine, now: datetime) -> int:
        """The line's ordered amount (in its unit) in force at ``now``."""
        if self.change_effective(now) and line.sequence in self.change.new_amounts:  # type: ignore[union-attr]
            return self.change.new_amounts[line.sequence]  # type: ignore[union-attr]
        return line.quantity

    def ordered_each(self, line: OrderLine, now: datetime) -> int:
        return self.amount(line, now) * line.factor

    def is_cancelled(self, line: OrderLine, now: datetime) -> bool:
        return self.amount(line, now) == 0

    # ---- vendor's decisions ----------------------------------------------------------
    def target_each(self, line: OrderLine, now: datetime) -> int:
        """What the vendor owes on a line: accepted if acknowledged, else what is ordered."""
        if line.ack is not None:
            return line.ack.accepted + line.ack.backordered
        return self.ordered_each(line, now)

    def confirmation_status(self, line: OrderLine, now: datetime) -> str:
        if line.ack is None:
            return "UNCONFIRMED"
        accepted = line.ack.accepted + line.ack.backordered
        ordered = self.ordered_each(line, now)
        if accepted == 0:
            return "REJECTED"
        return "ACCEPTED" if accepted >= ordered else "PARTIALLY_ACCEPTED"

    # ---- warehouse -------------------------------------------------------------------
    @staticmethod
    def receipts(line: OrderLine, now: datetime) -> list[ShippedLine]:
        return [s for s in line.shipped if s.delivered_at <= now]

    def receive_status(self, line: OrderLine, now: datetime) -> tuple[str, int, datetime | None]:
        """(receiveStatus, received eaches, last receive date) as the FC reports them at ``now``.

        Units found later count as received from the reversal on; the last receive date stays the
        delivery's (payment terms that run from receipt must not move after the fact).
        """
        done = self.receipts(line, now)
        received = sum(s.received for s in done) + sum(f.units for f in line.found if f.at <= now)
        last = max((s.delivered_at for s in done), default=None)
        if received == 0:
            return "NOT_RECEIVED", 0, last
        target = self.target_each(line, now)
        return ("RECEIVED" if received >= target else "PARTIALLY_RECEIVED"), received, last

    # ---- the order as a whole --------------------------------------------------------
    def state(self, now: datetime) -> tuple[str, datetime]:
        """``purchaseOrderState`` and when it was entered."""
        if self.fixed_state is not None and self.fixed_state[0] == "Closed":
            return self.fixed_state
        changed = self.changed_at(now)
        if changed is not None and all(self.amount(ln, now) == 0 for ln in self.lines):
            return "Closed", changed
        ack_at = self.acknowledged_at
        if ack_at is None and self.fixed_state is not None:
            ack_at = self.fixed_state[1]
        if ack_at is None:
            return "New", self.created
        closed_at = ack_at
        for line in self.lines:
            target = self.target_each(line, now)
            if target == 0:
                continue
            if line.shipped_total < target or any(s.delivered_at > now for s in line.shipped):
                return "Acknowledged", ack_at
            closed_at = max([closed_at, *(s.delivered_at for s in line.shipped)])
        return "Closed", closed_at

    def last_updated(self, now: datetime) -> datetime:
        if (self.change is None and self.acknowledged_at is None and self.fixed_state is None
                and not any(line.shipped for line in self.lines)):
            return self.created  # the common case, kept cheap for 10,000-order windows
        moments = [self.created, self.state(now)[1]]
        changed = self.changed_at(now)
        if changed is not None:
            moments.append(changed)
        for line in self.lines:
            moments.extend(s.delivered_at for s in line.shipped if s.delivered_at <= now)
        return max(moments)
