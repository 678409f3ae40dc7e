"""Replenishment backtest: the vendor's own warehouse, day by day, under two ordering policies.

Why: a suggestion is only worth following if, replayed on past demand, it would have served
Amazon's orders at least as well as the habit it replaces, with less stock. This module replays
one demand stream per vendor account × SKU (``ItemSeries``); ``acorn.replenish_bench`` feeds it
the sandbox's purchase orders and prints the figures.

The simulation, per item (all quantities in eaches, days counted from the first warm-up day):

* **Warm-up**: the first ``warmup_weeks`` are history only (the policies read them); stock is
  not simulated there and Amazon's orders count as shipped in full.
* **Each evaluated day**, in this order: replenishment due that day arrives (morning); on a
  review day the policy orders, seeing that morning's on-hand and what is still on its way;
  Amazon's orders of the day are served: shipped = min(on-hand, ordered), the rest is lost
  (rejected or cancelled: Amazon does not wait for it).
* **Opening stock**: ``OPENING_WEEKS`` (4) weeks of the item's mean demand, rounded up to whole
  cases, the same for both policies; nothing is on its way at the start.
* **Replenishment**: an order placed on day *d* arrives on day *d* + lead time (morning), in
  whole case packs (both policies round up).
* **Suggested policy**: every ``review_days`` (7), from the first evaluated day, the domain's
  ``suggest_replenishment`` with the last history weeks (Amazon's ordered units, its sales,
  what we shipped as accepted and received), Amazon's forecast from that day, the on-hand and
  the inbound; it orders the suggested units.
* **Naive policy** ("reorder what was ordered last month"): every 4 weeks from the first
  evaluated day, the units Amazon ordered in the 28 days before, rounded up to whole cases.

The figures (:class:`Totals`), over the evaluated days only:

* **fill rate**: units shipped / units Amazon ordered;
* **stock-out day**: an item-day on which Amazon ordered more units than were on hand, so some
  were lost (a day with no orders is never one, even at zero stock);
* **average stock**: end-of-day on-hand, averaged over the days (per item, then summed over
  items); in weeks of demand: divided by the units Amazon ordered per week in the period;
* **production**: units ordered by the policy during the period (the last orders arrive after it).

Unit statistics are floats (they are not money).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from acorn.domain import (
    ForecastWeek,
    HistoryWeek,
    Inbound,
    ReplenishmentInputs,
    ReplenishmentPolicy,
    Suggestion,
    suggest_replenishment,
)
from acorn.domain.replenishment import whole_cases_up

WEEK = 7
OPENING_WEEKS = 4
NAIVE_EVERY_DAYS = 28
#: the ship-from warehouse the suggestions name: the sandbox vendor's one (``SHIP_FROM_PARTY``)
WAREHOUSE = "ACRNWH1"


def no_forecast(as_of: date) -> tuple[ForecastWeek, ...]:
    """Amazon published nothing: the suggestion plans on history alone."""
    return ()


@dataclass(frozen=True)
class ItemSeries:
    """One SKU in one vendor account: Amazon's orders and sales per day, from the first warm-up day."""

    account: str
    vendor_sku: str
    case_pack: int
    mean_daily: float  # the demand model's mean units per day: sets the opening stock
    ordered: tuple[int, ...]  # units on Amazon's POs placed that day
    sold: tuple[int, ...]  # units Amazon shipped to customers that day (its sales)
    forecast: Callable[[date], tuple[ForecastWeek, ...]] = no_forecast  # Amazon's weeks from a review day


@dataclass(frozen=True)
class Timeline:
    """Which days are warm-up and which are evaluated, and how long replenishment takes."""

    first_day: date  # the first warm-up day
    warmup_weeks: int
    weeks: int
    lead_time_days: int

    @property
    def start(self) -> int:
        """Index of the first evaluated day."""
        return WEEK * self.warmup_weeks

    @property
    def end(self) -> int:
        """Index after the last evaluated day."""
        return self.start + WEEK * self.weeks

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)


@dataclass(frozen=True)
class Position:
    """What a policy sees on a review morning."""

    day: int
    on_hand: int
    inbound: dict[int, int]  # arrival day index -> units still on their way
    shipped: Sequence[int]  # units shipped per day index, the days before ``day``


@dataclass(frozen=True)
class Order:
    """A replenishment order: placed, due, how many units, and the suggestion behind it (if any)."""

    placed: int
    arrives: int
    units: int
    suggestion: Suggestion | None = None


class Policy(Protocol):
    @property
    def name(self) -> str:
        """How the printed table names the policy."""

    def order(self, series: ItemSeries, timeline: Timeline, position: Position) -> Order | None:
        """The order placed this morning, or ``None`` when it is not a review day."""


def whole_cases(units: int, case_pack: int) -> int:
    """``units`` rounded up to whole case packs, in units (production makes cases)."""
    return whole_cases_up(units, case_pack) * case_pack


@dataclass(frozen=True)
class SuggestedPolicy:
    """Follow ``suggest_replenishment`` every ``review_days``."""

    policy: ReplenishmentPolicy
    review_days: int = WEEK
    name: str = "suggested"

    def order(self, series: ItemSeries, timeline: Timeline, position: Position) -> Order | None:
        if (position.day - timeline.start) % self.review_days:
            return None
        suggestion = suggest_replenishment(self.inputs(series, timeline, position), self.policy)
        return Order(position.day, position.day + timeline.lead_time_days, suggestion.suggested_units, suggestion)

    def inputs(self, series: ItemSeries, timeline: Timeline, position: Position) -> ReplenishmentInputs:
        """The domain's inputs on this review morning: the last history weeks, the forecast, stock, inbound."""
        as_of, history = timeline.day(position.day), []
        for weeks_back in range(1, self.policy.history_weeks + 1):
            first = position.day - WEEK * weeks_back
            if first < 0:
                break
            days = slice(first, first + WEEK)
            shipped = sum(position.shipped[days])
            history.append(HistoryWeek(timeline.day(first), sum(series.ordered[days]), shipped, shipped,
                                       sum(series.sold[days])))
        inbound = tuple(Inbound(timeline.day(d), units) for d, units in sorted(position.inbound.items()))
        return ReplenishmentInputs(series.vendor_sku, WAREHOUSE, as_of, position.on_hand, series.case_pack,
                                   timeline.lead_time_days, self.review_days, tuple(history),
                                   series.forecast(as_of), inbound)


@dataclass(frozen=True)
class NaivePolicy:
    """Every ``every_days``, reorder what Amazon ordered in the ``every_days`` before, in whole cases."""

    every_days: int = NAIVE_EVERY_DAYS
    name: str = "naive"

    def order(self, series: ItemSeries, timeline: Timeline, position: Position) -> Order | None:
        if (position.day - timeline.start) % self.every_days:
            return None
        last_month = sum(series.ordered[max(0, position.day - self.every_days):position.day])
        return Order(position.day, position.day + timeline.lead_time_days, whole_cases(last_month, series.case_pack))


@dataclass(frozen=True)
class ItemOutcome:
    """What one policy did for one item over the evaluated days."""

    account: str
    vendor_sku: str
    policy: str
    days: int
    ordered: int  # units Amazon ordered
    shipped: int
    days_with_orders: int
    stockout_days: int
    end_of_day: tuple[int, ...] = field(repr=False)  # on-hand after each evaluated day's shipments
    orders: tuple[Order, ...] = field(repr=False)

    @property
    def average_stock(self) -> float:
        return sum(self.end_of_day) / self.days if self.days else 0.0

    @property
    def closing_stock(self) -> int:
        return self.end_of_day[-1] if self.end_of_day else 0

    @property
    def production(self) -> int:
        return sum(o.units for o in self.orders)


def opening_stock(series: ItemSeries) -> int:
    """``OPENING_WEEKS`` of mean demand, rounded up to whole cases: where both policies start."""
    return whole_cases(math.ceil(series.mean_daily * WEEK * OPENING_WEEKS), series.case_pack)


def simulate(series: ItemSeries, policy: Policy, timeline: Timeline, *, opening: int | None = None) -> ItemOutcome:
    """Replay the evaluated days of ``series`` under ``policy`` (the module doc gives the order of events)."""
    stock = opening_stock(series) if opening is None else opening
    shipped = list(series.ordered[:timeline.start])  # warm-up: served in full
    inbound: dict[int, int] = {}
    orders: list[Order] = []
    end_of_day: list[int] = []
    stockouts = 0
    for day in range(timeline.start, timeline.end):
        stock += inbound.pop(day, 0)
        placed = policy.order(series, timeline, Position(day, stock, dict(inbound), shipped))
        if placed is not None:
            orders.append(placed)
            if placed.units:
                inbound[placed.arrives] = inbound.get(placed.arrives, 0) + placed.units
        wanted = series.ordered[day]
        shipped.append(min(stock, wanted))
        stock -= shipped[-1]
        stockouts += shipped[-1] < wanted
        end_of_day.append(stock)
    evaluated = series.ordered[timeline.start:timeline.end]
    return ItemOutcome(series.account, series.vendor_sku, policy.name, timeline.end - timeline.start,
                       sum(evaluated), sum(shipped[timeline.start:]), sum(1 for units in evaluated if units),
                       stockouts, tuple(end_of_day), tuple(orders))


@dataclass(frozen=True)
class Totals:
    """One policy's figures over many items (see the module doc for the definitions)."""

    items: int
    weeks: int
    ordered: int
    shipped: int
    days_with_orders: int
    stockout_days: int
    average_stock: float
    production: int
    closing_stock: int

    @property
    def fill_rate(self) -> float:
        return self.shipped / self.ordered if self.ordered else 1.0

    @property
    def weeks_of_stock(self) -> float:
        """Average stock over the units Amazon ordered per week."""
        weekly = self.ordered / self.weeks if self.weeks else 0.0
        return self.average_stock / weekly if weekly else 0.0


def totals(outcomes: Sequence[ItemOutcome]) -> Totals:
    weeks = outcomes[0].days // WEEK if outcomes else 0
    return Totals(items=len(outcomes), weeks=weeks, ordered=sum(o.ordered for o in outcomes),
                  shipped=sum(o.shipped for o in outcomes), days_with_orders=sum(o.days_with_orders for o in outcomes),
                  stockout_days=sum(o.stockout_days for o in outcomes),
                  average_stock=sum(o.average_stock for o in outcomes), production=sum(o.production for o in outcomes),
                  closing_stock=sum(o.closing_stock for o in outcomes))


def run_backtest(items: Sequence[ItemSeries], timeline: Timeline,
                 policies: Sequence[Policy]) -> dict[str, list[ItemOutcome]]:
    """Every item under every policy, from the same opening stock: policy name -> outcomes, in item order."""
    return {policy.name: [simulate(series, policy, timeline) for series in items] for policy in policies}
