"""Every purchase order the sandbox knows, sorted by creation, generated lazily up to ``now``.

Kept as a sorted list plus indexes so a page of a 10,000-order window costs a bisect and a
slice, not a scan: ``window`` gives the index range of a creation window, ``changed`` the
(few) orders Amazon changes, before or after acknowledgement (whether the change is in force
yet is decided at query time), ``active`` the orders the vendor has acted on.

``RawPurchaseOrder`` is an order an operator stored as given (``POST
/_sandbox/rawPurchaseOrders``): its values are served exactly as sent, however wrong, so
tests can put a poison PO in a page of good ones. ``OrderBook.put`` adds one or puts it in
place of the order with its number, which is how "Amazon" changes an order in a test.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from datetime import date, datetime, timedelta
from typing import Any

from acorn.sandbox.generator import OrderGenerator
from acorn.sandbox.orders import OrderLine, PurchaseOrder


def _whole(value: Any) -> int:
    """A number the sandbox can count with; anything else (missing, 2.5, "ten") counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class RawOrderLine(OrderLine):
    """A line holding its values as sent (any JSON value); only the sandbox's own arithmetic
    reads them tolerantly, so a poison line is served verbatim and never crashes the server."""

    __slots__ = ()

    @property
    def factor(self) -> int:
        return max(_whole(self.unit_size), 1) if self._in_cases else 1

    @property
    def case_size(self) -> int:
        return max(_whole(self.unit_size), 1) if self._in_cases else (self.case_pack or 1)

    @property
    def _in_cases(self) -> bool:
        return str(self.unit_of_measure).lower() == "cases"  # Amazon's own examples send "CASES"


class RawPurchaseOrder(PurchaseOrder):
    """An order stored as an operator gave it; see :class:`RawOrderLine`."""

    __slots__ = ()

    def ordered_each(self, line: OrderLine, now: datetime) -> int:
        return _whole(self.amount(line, now)) * line.factor


class OrderBook:
    def __init__(self, generator: OrderGenerator, first_day: date) -> None:
        self._generator = generator
        self._next_day = first_day
        self.orders: list[PurchaseOrder] = []
        self.keys: list[tuple[datetime, str]] = []
        self.by_number: dict[str, PurchaseOrder] = {}
        self._numbers: set[str] = set()  # every number ever used, for the generator to avoid
        self.changed: list[PurchaseOrder] = []  # sorted by key
        self.active: dict[str, PurchaseOrder] = {}  # acknowledged, shipped against or invoiced

    def ensure(self, now: datetime) -> None:
        """Generate whole days up to and including ``now``'s day (deterministic per day)."""
        while self._next_day <= now.date():
            batch = self._generator.orders_for_day(self._next_day, self._numbers)
            self._next_day += timedelta(days=1)
            for po in batch:
                self._append(po)

    def _append(self, po: PurchaseOrder) -> None:
        if self.keys and po.key < self.keys[-1]:
            i = bisect_left(self.keys, po.key)
            self.keys.insert(i, po.key)
            self.orders.insert(i, po)
        else:
            self.keys.append(po.key)
            self.orders.append(po)
        self.by_number[po.number] = po
        self._numbers.add(po.number)
        if po.change is not None or po.late_change is not None:
            insort(self.changed, po, key=lambda p: p.key)

    def add(self, po: PurchaseOrder) -> None:
        """Add an order from outside the generator (a scenario); numbers must be unique."""
        if po.number in self.by_number:
            raise ValueError(f"purchase order {po.number} already exists")
        self._append(po)

    def put(self, po: PurchaseOrder) -> PurchaseOrder | None:
        """Add ``po``, or put it in place of the order with its number (Amazon changed it).

        Returns the order replaced, if any. The replacement is a new order: what the vendor
        did against the old one (acknowledgements, shipments) is not carried over.
        """
        old = self.by_number.get(po.number)
        if old is not None:
            self._remove(old)
        self._append(po)
        return old

    def _remove(self, po: PurchaseOrder) -> None:
        i = bisect_left(self.keys, po.key)
        if i == len(self.keys) or self.orders[i] is not po:  # keys are unique: (created, number)
            i = next(j for j, other in enumerate(self.orders) if other is po)
        del self.keys[i]
        del self.orders[i]
        self.changed[:] = [other for other in self.changed if other is not po]
        self.active.pop(po.number, None)
        del self.by_number[po.number]

    def get(self, number: str, now: datetime) -> PurchaseOrder | None:
        po = self.by_number.get(number)
        return po if po is not None and po.created <= now else None

    def touch(self, po: PurchaseOrder) -> None:
        self.active[po.number] = po

    def window(self, after: datetime | None, before: datetime | None) -> tuple[int, int]:
        """Index range of orders created in ``[after, before)``."""
        lo = 0 if after is None else bisect_left(self.keys, (after, ""))
        hi = len(self.keys) if before is None else bisect_left(self.keys, (before, ""))
        return lo, hi

    def after_cursor(self, cursor: tuple[datetime, str], *, descending: bool) -> int:
        """First index strictly after (ascending) or the end index strictly before (descending) ``cursor``."""
        return bisect_left(self.keys, cursor) if descending else bisect_right(self.keys, cursor)
