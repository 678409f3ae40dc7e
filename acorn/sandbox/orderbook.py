"""Every purchase order the sandbox knows, sorted by creation, generated lazily up to ``now``.

Kept as a sorted list plus indexes so a page of a 10,000-order window costs a bisect and a
slice, not a scan: ``window`` gives the index range of a creation window, ``changed`` the
(few) orders Amazon changed, ``active`` the orders the vendor has acted on.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from datetime import date, datetime, timedelta

from acorn.sandbox.generator import OrderGenerator
from acorn.sandbox.orders import PurchaseOrder


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
        if po.change is not None:
            insort(self.changed, po, key=lambda p: p.key)

    def add(self, po: PurchaseOrder) -> None:
        """Add an order from outside the generator (a scenario); numbers must be unique."""
        if po.number in self.by_number:
            raise ValueError(f"purchase order {po.number} already exists")
        self._append(po)

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
