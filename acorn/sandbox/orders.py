"""Purchase orders as the simulated Amazon holds them, and how their state follows from events.

A ``PurchaseOrder`` records what happened (created, changed by Amazon, acknowledged, shipped
against, received, invoiced); everything the API shows (state, effective quantities, item
statuses, last update) is computed from those records *at a given moment* of the sandbox
clock. That keeps the simulation deterministic however the clock is moved.

Amazon's changes (``PoChange``) only ever lower line amounts, and never below what was already
shipped against the line (Amazon does not cut what is on a truck). Two kinds:

* a change *before acknowledgement* (``change``) lapses if the vendor acknowledged the order
  before it (Amazon revises orders the vendor has not confirmed yet);
* a change *after acknowledgement* (``late_change``) happens whatever the vendor did; the
  generator schedules it after the acknowledgement deadline and before the ship window opens.

What the vendor then owes on a line (``owed_each``) is what it accepted (plus backordered),
never more than Amazon now orders; before acknowledgement, what is ordered. A generated order
closes when everything owed was shipped and received, or when its window ended more than
``close_grace`` ago (``window_closes_at``): from then on nothing more may be shipped against it
(``target_each`` is what was shipped by then) and it shows ``Closed`` once the goods already on
their way have arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
    """Amazon's change to an order after it was placed: new amounts per line sequence, in the line's unit.

    Which kind it is follows from where the order keeps it (``change`` or ``late_change``). A
    change without amounts (a loaded order that only states ``purchaseOrderChangedDate``)
    changes the date alone.
    """

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
    change: PoChange | None = None  # before acknowledgement (lapses if the vendor acknowledged first)
    late_change: PoChange | None = None  # after acknowledgement (happens whatever the vendor did)
    close_grace: timedelta | None = None  # closed this long after its window ended; None: never by its window
    acknowledged_at: datetime | None = None
    fixed_state: tuple[str, datetime] | None = None  # loaded scenario orders that arrive Closed/Acknowledged
    extra_details: dict[str, Any] | None = None  # loaded scenario orders: fields kept verbatim

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.created, self.number)

    # ---- Amazon's changes -------------------------------------------------------------
    def change_effective(self, now: datetime) -> bool:
        """Whether the change *before acknowledgement* is in force (not lapsed, its moment reached)."""
        c = self.change
        if c is None or c.at > now:
            return False
        return self.acknowledged_at is None or self.acknowledged_at >= c.at

    def _changes(self, now: datetime) -> list[PoChange]:
        """Amazon's changes in force at ``now``, oldest first."""
        if self.change is None and self.late_change is None:
            return []  # the common case, kept cheap for 10,000-order windows
        found = [self.change] if self.change_effective(now) else []
        late = self.late_change
        if late is not None and late.at <= now:
            found.append(late)
        found.sort(key=lambda c: c.at)
        return found  # type: ignore[return-value]

    @staticmethod
    def shipped_amount(line: OrderLine) -> int:
        """What was shipped against the line, in its ordered unit (whole cases, rounded up)."""
        return -(-line.shipped_total // line.factor)

    def amount_history(self, line: OrderLine, now: datetime) -> list[tuple[datetime, int]]:
        """(moment, ordered amount in the line's unit): the creation, then each change that moved it."""
        history: list[tuple[datetime, int]] = [(self.created, line.quantity)]
        for c in self._changes(now):
            if not c.new_amounts:
                continue  # a date-only change (a loaded order); its lines may be poison (unhashable)
            new = c.new_amounts.get(line.sequence)
            current = history[-1][1]
            if new is None or new >= current:
                continue
            cut = max(new, self.shipped_amount(line))  # never below what is already on its way
            if cut < current:
                history.append((c.at, cut))
        return history

    def changed_at(self, now: datetime) -> datetime | None:
        """``purchaseOrderChangedDate``: the last change in force that moved something (or only a date).

        A cut that came to nothing (everything it would cut had already shipped) is no change.
        """
        changes = self._changes(now)
        if not changes:
            return None
        moments = [c.at for c in changes if not c.new_amounts]
        for line in self.lines:
            moments.extend(at for at, _ in self.amount_history(line, now)[1:])
        return max(moments, default=None)

    def amount(self, line: OrderLine, now: datetime) -> int:
        """The line's ordered amount (in its unit) in force at ``now``."""
        if self.change is None and self.late_change is None:
            return line.quantity
        return self.amount_history(line, now)[-1][1]

    def ordered_each(self, line: OrderLine, now: datetime) -> int:
        return self.amount(line, now) * line.factor

    def is_cancelled(self, line: OrderLine, now: datetime) -> bool:
        return self.amount(line, now) == 0

    # ---- vendor's decisions ----------------------------------------------------------
    def owed_each(self, line: OrderLine, now: datetime) -> int:
        """What the vendor is to ship on a line: accepted (+ backordered) if acknowledged, else what
        is ordered; never more than Amazon orders now (a cut after acknowledgement lowers it)."""
        ordered = self.ordered_each(line, now)
        if line.ack is None:
            return ordered
        return min(line.ack.accepted + line.ack.backordered, ordered)

    def target_each(self, line: OrderLine, now: datetime) -> int:
        """The most that may be shipped against a line, all ASNs together: what is owed, and once the
        order was closed by its window, only what had been shipped by then (nothing more is taken)."""
        owed = self.owed_each(line, now)
        if self.window_expired(now):
            return min(owed, line.shipped_total)
        return owed

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

    # ---- closing ---------------------------------------------------------------------
    def window_closes_at(self) -> datetime | None:
        """When Amazon stops taking goods for this order: its (later) window's end + ``close_grace``.

        ``None`` when it never closes that way (no grace: orders loaded by an operator; no window).
        """
        if self.close_grace is None:
            return None
        ends = [w[1] for w in (self.ship_window, self.delivery_window) if w is not None]
        return max(ends) + self.close_grace if ends else None

    def window_expired(self, now: datetime) -> bool:
        closes = self.window_closes_at()
        return closes is not None and closes <= now

    def _closed_by_window(self, now: datetime) -> datetime | None:
        """When the order closed for its window having passed: at ``window_closes_at``, or when the
        goods already on their way by then arrived; ``None`` while that has not happened."""
        closes = self.window_closes_at()
        if closes is None or closes > now:
            return None
        arrived = max((s.delivered_at for ln in self.lines for s in ln.shipped), default=closes)
        moment = max(closes, arrived)
        return moment if moment <= now else None

    def _fulfilled_at(self, ack_at: datetime, now: datetime) -> datetime | None:
        """When everything owed had been shipped and received (the latest of the acknowledgement, the
        last change and the deliveries), or ``None`` while something owed is outstanding."""
        closed_at = ack_at
        for line in self.lines:
            owed = self.owed_each(line, now)
            if owed == 0:
                continue
            if line.shipped_total < owed or any(s.delivered_at > now for s in line.shipped):
                return None
            closed_at = max([closed_at, *(s.delivered_at for s in line.shipped)])
        changed = self.changed_at(now)
        return closed_at if changed is None else max(closed_at, changed)

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
        closings = [self._closed_by_window(now)]
        if ack_at is not None:
            closings.append(self._fulfilled_at(ack_at, now))
        closed = [moment for moment in closings if moment is not None]
        if closed:
            return "Closed", min(closed)
        if ack_at is None:
            return "New", self.created
        return "Acknowledged", ack_at

    def last_updated(self, now: datetime) -> datetime:
        if (self.change is None and self.late_change is None and self.acknowledged_at is None
                and self.fixed_state is None and not any(line.shipped for line in self.lines)):
            closes = self.window_closes_at()  # the common case, kept cheap for 10,000-order windows
            return closes if closes is not None and closes <= now else self.created
        moments = [self.created, self.state(now)[1]]
        changed = self.changed_at(now)
        if changed is not None:
            moments.append(changed)
        for line in self.lines:
            moments.extend(s.delivered_at for s in line.shipped if s.delivered_at <= now)
        return max(moments)
