"""Amazon placing purchase orders: a deterministic stream, one UTC day at a time.

Every (seed, vendor account, day) has its own random stream, so the orders of a day are the
same whether the clock crawled or jumped there. Per account and day: exactly
``pos_per_day`` orders spread over the day, each for 1-8 catalogue items, mostly in whole
cases, shipping 2-5 days later; about 5% are later changed by Amazon (a quantity reduced or
an item cancelled to 0).
"""

from __future__ import annotations

import random
import string
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from acorn.sandbox.accounts import VENDOR_ACCOUNTS, WAREHOUSES, VendorAccount
from acorn.sandbox.catalogue import CatalogueItem
from acorn.sandbox.orders import OrderLine, PoChange, PurchaseOrder

_ALNUM = string.ascii_uppercase + string.digits
CHANGE_RATE = 0.05


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class OrderGenerator:
    def __init__(self, *, seed: int, pos_per_day: int, items: list[CatalogueItem]) -> None:
        self.seed = seed
        self.pos_per_day = pos_per_day
        self.items = items

    def orders_for_day(self, day: date, taken: set[str]) -> list[PurchaseOrder]:
        """All orders Amazon places on ``day`` (UTC), sorted by creation; ``taken`` avoids number clashes."""
        orders: list[PurchaseOrder] = []
        for code in sorted(VENDOR_ACCOUNTS):
            rng = random.Random(f"acorn-sandbox-po:{self.seed}:{code}:{day.isoformat()}")
            start = datetime.combine(day, time(0), tzinfo=timezone.utc)
            n = self.pos_per_day
            for k in range(n):
                offset = int((k + rng.random()) * 86400 / n)
                orders.append(self._order(rng, VENDOR_ACCOUNTS[code], start + timedelta(seconds=offset), taken))
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
        window_start = datetime.combine(local_day, time(0), tzinfo=tz).astimezone(timezone.utc)
        window = (window_start, window_start + timedelta(days=rng.randint(4, 7)))
        po = PurchaseOrder(number=number, created=created, selling_party=account.selling_party, ship_to=fc,
                           buying_party=fc, bill_to=account.bill_to_party, country=country,
                           currency=account.marketplace.currency, lines=lines, ship_window=window)
        if rng.random() < CHANGE_RATE:
            po.change = _change(rng, po)
        return po


def _change(rng: random.Random, po: PurchaseOrder) -> PoChange:
    at = po.created + timedelta(seconds=rng.randint(4 * 3600, 30 * 3600))
    line = rng.choice(po.lines)
    pack = line.case_pack or 1
    if rng.random() < 0.5 or line.quantity <= pack:
        new = 0
    else:
        new = max(pack, (line.quantity // 2) // pack * pack)
    return PoChange(at=at, new_amounts={line.sequence: new})
