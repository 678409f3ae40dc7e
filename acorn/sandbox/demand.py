"""The shoppers behind Amazon's orders: one demand model for the POs' volume and the vendor reports.

Amazon buys to its forecast, so the units it orders of an item over time are what it expects to
sell. The order generator (``generator.py``, ``OrderGenerator._order``) places ``pos_per_day``
orders per vendor account and day, each for 1-8 of the catalogue's items (so an item is on
4.5/len(catalogue) of the orders), 85 % of lines in 1-12 whole cases (6.5 on average), the rest
1..4 cases' worth of eaches. Those expected units per item and day are the mean demand here: the
forecasting report's mean, and the centre the sales report's daily units vary around. A test
holds the generator's long-run volume to this model, so the two cannot drift apart unnoticed.

Deterministic: every day's sales of an item come from a stream per (seed, account, ASIN, day).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from acorn.sandbox.accounts import VendorAccount
from acorn.sandbox.catalogue import CatalogueItem

_MOST_LINES = 8            # an order has 1.._MOST_LINES items (generator)
_WHOLE_CASE_SHARE = 0.85   # lines ordered in 1..12 whole cases (generator)
_MEAN_CASES = 6.5
#: customers buy more at the weekend (Monday .. Sunday; the mean is 1, so the weekly total is kept)
_WEEKDAY_SHAPE = (0.90, 0.90, 0.95, 0.95, 1.05, 1.15, 1.10)
_DAILY_CV = 0.25           # day-to-day spread of an item's sales around its mean
_RETURN_RATE = 0.02
_UNFILLED_RATE = 0.03      # ordered by customers, not shipped (out of stock at the FC)
#: Amazon's retail price over its cost (the vendor's net cost): revenue in the sales report
RETAIL_MARKUP = Decimal("1.6")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class DaySales:
    """One item's customer activity on one day, in eaches."""

    ordered: int
    shipped: int
    returned: int


def mean_daily_units(item: CatalogueItem, *, pos_per_day: int, catalogue_size: int) -> float:
    """Units of ``item`` Amazon expects to sell per day in one vendor account's marketplace."""
    pack = item.case_pack
    lines = (1 + min(_MOST_LINES, catalogue_size)) / 2
    per_line = _WHOLE_CASE_SHARE * pack * _MEAN_CASES + (1 - _WHOLE_CASE_SHARE) * (1 + 4 * pack) / 2
    return pos_per_day * lines / catalogue_size * per_line


def day_sales(seed: int, account: VendorAccount, item: CatalogueItem, day: date, mean: float) -> DaySales:
    """What customers ordered, were shipped and sent back of ``item`` on ``day``."""
    rng = random.Random(f"acorn-sandbox-demand:{seed}:{account.selling_party}:{item.asin}:{day.isoformat()}")
    centre = mean * _WEEKDAY_SHAPE[day.weekday()]
    ordered = max(0, round(rng.gauss(centre, _DAILY_CV * centre)))
    unfilled = round(ordered * _UNFILLED_RATE * 2 * rng.random())
    returned = round(ordered * _RETURN_RATE * 2 * rng.random())
    return DaySales(ordered=ordered, shipped=ordered - unfilled, returned=returned)


def retail_price(unit_cost: Decimal) -> Decimal:
    return (unit_cost * RETAIL_MARKUP).quantize(_CENT, ROUND_HALF_UP)


#: one-sided standard normal quantiles: the forecast's P70, P80, P90 above its mean
FORECAST_Z = {"p70": 0.5244, "p80": 0.8416, "p90": 1.2816}


def weekly_forecast(mean_daily: float, weeks_ahead: int) -> dict[str, float]:
    """Mean and P70/P80/P90 units of a coming week; further weeks are less certain."""
    mean = 7 * mean_daily
    spread = mean * (0.10 + 0.02 * weeks_ahead)
    found = {"mean": round(mean, 1)}
    found.update({name: round(mean + z * spread, 1) for name, z in FORECAST_Z.items()})
    return found
