"""Amazon placing purchase orders: a deterministic stream, one UTC day at a time.

Every (seed, vendor account, day) has its own random stream, so the orders of a day are the
same whether the clock crawled or jumped there. Per account and day: exactly
``pos_per_day`` orders spread over the day, each for 1-8 catalogue items, mostly in whole
cases, shipping 2-5 days later; ``change_rate`` of them are changed by Amazon 4-30 hours
after creation (a quantity reduced or an item cancelled to 0) unless the vendor acknowledged
first.

What the lifecycle adds (round two) is drawn from a second stream per (seed, account, day),
``...:lifecycle``, a fixed number of draws per order whatever the outcome, so these settings
never move the numbers, items or quantities of the first stream:

* ``cases_rate`` of orders are ordered in ``Cases`` of the item's case pack (each line's
  eaches rounded up to whole cases);
* ``change_after_ack_rate`` of orders get a second change, made whatever the vendor did:
  one line cut (halved in whole cases) or cancelled, at a moment between the acknowledgement
  deadline and the start of the ship window (Amazon does not cut what is on a truck);
* every generated order closes ``close_grace`` after its ship window ends.

``change_rate`` alone draws from the first stream (as it always did), so changing it moves
the later orders of the same day; the default keeps the stream of earlier releases.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from acorn.domain.model import ACKNOWLEDGEMENT_WINDOW
from acorn.sandbox.accounts import VENDOR_ACCOUNTS, WAREHOUSES, VendorAccount
from acorn.sandbox.catalogue import CatalogueItem
from acorn.sandbox.orders import CASES, OrderLine, PoChange, PurchaseOrder

if TYPE_CHECKING:
    from acorn.sandbox.config import SandboxConfig

_ALNUM = string.ascii_uppercase + string.digits
CHANGE_RATE = 0.05
#: a cut after acknowledgement lands this far into the span from the deadline to the ship window
_LATE_CHANGE_SPAN = (0.1, 0.9)


@dataclass(frozen=True)
class OrderPolicy:
    """How Amazon's orders live, from ``SandboxConfig``; the defaults are the first release's behaviour."""

    change_rate: float = CHANGE_RATE
    change_after_ack_rate: float = 0.0
    cases_rate: float = 0.0
    ack_window: timedelta = ACKNOWLEDGEMENT_WINDOW
    close_grace: timedelta | None = None

    @classmethod
    def from_config(cls, config: SandboxConfig) -> OrderPolicy:
        return cls(change_rate=config.change_rate, change_after_ack_rate=config.change_after_ack_rate,
                   cases_rate=config.cases_rate, ack_window=timedelta(hours=config.ack_deadline_hours),
                   close_grace=timedelta(days=config.close_after_window_days))


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class OrderGenerator:
    def __init__(self, *, seed: int, pos_per_day: int, items: list[CatalogueItem],
                 policy: OrderPolicy | None = None) -> None:
        self.seed = seed
        self.pos_per_day = pos_per_day
        self.items = items
        self.policy = policy or OrderPolicy()

    def orders_for_day(self, day: date, taken: set[str]) -> list[PurchaseOrder]:
        """All orders Amazon places on ``day`` (UTC), sorted by creation; ``taken`` avoids number clashes."""
        orders: list[PurchaseOrder] = []
        for code in sorted(VENDOR_ACCOUNTS):
            stream = f"acorn-sandbox-po:{self.seed}:{code}:{day.isoformat()}"
            rng, lifecycle = random.Random(stream), random.Random(f"{stream}:lifecycle")
            start = datetime.combine(day, time(0), tzinfo=UTC)
            n = self.pos_per_day
            for k in range(n):
                offset = int((k + rng.random()) * 86400 / n)
                po = self._order(rng, VENDOR_ACCOUNTS[code], start + timedelta(seconds=offset), taken)
                self._live(lifecycle, po)
                orders.append(po)
        orders.sort(key=lambda po: po.key)
        return orders

    def _order(self, rng: random.Random, account: VendorAccount, created: datetime,
               taken: set[str]) -> PurchaseOrder:
        number = "".join(rng.choices(_ALNUM, k=8))
        while number in taken:
            number = "".join(rng.choices(_ALNUM, k=8))
        taken.add(number)
        fc = rng.choice(account.warehouses)
        country = account.marketplace.country
        lines = []
        for seq, item in enumerate(rng.sample(self.items, rng.randint(1, min(8, len(self.items)))), start=1):
            if rng.random() < 0.85:
                quantity = item.case_pack * rng.randint(1, 12)
            else:
                quantity = rng.randint(1, item.case_pack * 4)
            cost, currency = item.cost_for(country)
            lines.append(OrderLine(sequence=str(seq), asin=item.asin, vendor_id=item.ean, quantity=quantity,
                                   net_cost=cost, currency=currency, backorder_allowed=rng.random() < 0.3,
                                   case_pack=item.case_pack, vendor_sku=item.vendor_sku))
        tz = _zone(WAREHOUSES[fc].time_zone)
        local_day = created.astimezone(tz).date() + timedelta(days=rng.randint(2, 5))
        window_start = datetime.combine(local_day, time(0), tzinfo=tz).astimezone(UTC)
        window = (window_start, window_start + timedelta(days=rng.randint(4, 7)))
        po = PurchaseOrder(number=number, created=created, selling_party=account.selling_party, ship_to=fc,
                           buying_party=fc, bill_to=account.bill_to_party, country=country,
                           currency=account.marketplace.currency, lines=lines, ship_window=window,
                           close_grace=self.policy.close_grace)
        if rng.random() < self.policy.change_rate:
            po.change = _change(rng, po)
        return po

    def _live(self, rng: random.Random, po: PurchaseOrder) -> None:
        """The order's life after placing (round two), from its own stream: five draws, always."""
        in_cases, cut_after_ack, when, which, cancel = (rng.random() for _ in range(5))
        if in_cases < self.policy.cases_rate:
            _order_in_cases(po)
        if cut_after_ack < self.policy.change_after_ack_rate:
            po.late_change = _late_change(po, self.policy.ack_window, when=when, which=which, cancel=cancel)


def _change(rng: random.Random, po: PurchaseOrder) -> PoChange:
    at = po.created + timedelta(seconds=rng.randint(4 * 3600, 30 * 3600))
    line = rng.choice(po.lines)
    pack = line.case_pack or 1
    if rng.random() < 0.5 or line.quantity <= pack:
        new = 0
    else:
        new = max(pack, (line.quantity // 2) // pack * pack)
    return PoChange(at=at, new_amounts={line.sequence: new})


def _cases(eaches: int, pack: int) -> int:
    return -(-eaches // pack)


def _order_in_cases(po: PurchaseOrder) -> None:
    """Every line in whole cases of its case pack (eaches rounded up), the planned change with it."""
    for line in po.lines:
        pack = line.case_pack or 1
        if po.change is not None and line.sequence in po.change.new_amounts:
            po.change.new_amounts[line.sequence] = _cases(po.change.new_amounts[line.sequence], pack)
        line.quantity, line.unit_of_measure, line.unit_size = _cases(line.quantity, pack), CASES, pack


def _late_change(po: PurchaseOrder, ack_window: timedelta, *, when: float, which: float,
                 cancel: float) -> PoChange:
    """A cut after acknowledgement: after the deadline, before the ship window opens.

    When the deadline leaves less than an hour before the window, the cut comes in the hour
    before the window instead (still after creation).
    """
    opens = po.ship_window[0] if po.ship_window else po.created + 2 * ack_window
    earliest = min(po.created + ack_window, opens - timedelta(hours=1))
    earliest = max(earliest, po.created + timedelta(minutes=1))
    low, high = _LATE_CHANGE_SPAN
    at = earliest + (opens - earliest) * (low + (high - low) * when)
    line = po.lines[min(int(which * len(po.lines)), len(po.lines) - 1)]
    step = 1 if line.unit_of_measure == CASES else (line.case_pack or 1)  # whole cases either way
    if cancel < 0.5 or line.quantity <= step:
        new = 0
    else:
        new = max(step, (line.quantity // 2) // step * step)
    return PoChange(at=at.replace(microsecond=0), new_amounts={line.sequence: new})
