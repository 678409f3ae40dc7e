"""The backtest's arithmetic on small hand-made demand streams, each figure worked out by hand below."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from acorn.domain import ForecastWeek, ReplenishmentPolicy
from acorn.replenish_backtest import (
    ItemSeries,
    NaivePolicy,
    Order,
    Position,
    SuggestedPolicy,
    Timeline,
    no_forecast,
    opening_stock,
    run_backtest,
    simulate,
    totals,
)

SUNDAY = date(2026, 3, 1)


@dataclass(frozen=True)
class Fixed:
    """Orders ``units`` on the evaluated days listed (offsets from the first one)."""

    units: int = 0
    on: tuple[int, ...] = ()
    name: str = "fixed"

    def order(self, series: ItemSeries, timeline: Timeline, position: Position) -> Order | None:
        if position.day - timeline.start not in self.on:
            return None
        return Order(position.day, position.day + timeline.lead_time_days, self.units)


def series(ordered: list[int], *, case_pack: int = 1, mean_daily: float = 1.0, sold: list[int] | None = None,
           forecast: Callable[[date], tuple[ForecastWeek, ...]] = no_forecast) -> ItemSeries:
    return ItemSeries("ACRNUS", "SKU-1", case_pack, mean_daily, tuple(ordered), tuple(sold or ordered), forecast)


def test_fill_rate_stock_out_days_and_average_stock_are_counted_day_by_day() -> None:
    # one warm-up week (not evaluated), then two weeks from 10 units on hand and no replenishment
    demand = [9] * 7 + [0, 4, 0, 5, 3, 0, 2] + [0, 0, 1, 0, 0, 0, 0]
    outcome = simulate(series(demand), Fixed(), Timeline(SUNDAY, 1, 2, 3), opening=10)
    # 10 -0 -4 -0 -5 → 1; day 4 wants 3, ships 1; day 6 wants 2, ships 0; day 9 wants 1, ships 0
    assert outcome.end_of_day == (10, 6, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert (outcome.ordered, outcome.shipped) == (15, 10)
    assert outcome.stockout_days == 3  # days 4, 6 and 9; days at zero stock without orders are not
    assert outcome.days_with_orders == 5  # 4, 5, 3, 2 and 1 units
    assert outcome.average_stock == pytest.approx(23 / 14)
    figures = totals([outcome])
    assert figures.fill_rate == pytest.approx(10 / 15)
    assert figures.weeks_of_stock == pytest.approx((23 / 14) / (15 / 2))


def test_a_replenishment_arrives_on_the_morning_lead_time_days_later_and_not_before() -> None:
    demand = [0] * 7 + [2] * 7
    outcome = simulate(series(demand), Fixed(units=5, on=(0,)), Timeline(SUNDAY, 1, 1, 3), opening=4)
    # days 0 and 1 use the 4 units; day 2 has none (the order is still on its way); day 3 it arrives
    assert outcome.end_of_day == (2, 0, 0, 3, 1, 0, 0)
    assert outcome.stockout_days == 3  # day 2 (still on its way), day 5 (1 of 2 left) and day 6
    assert outcome.shipped == 4 + 5
    assert outcome.orders == (Order(7, 10, 5),)


def test_the_naive_policy_reorders_the_last_four_weeks_orders_in_whole_cases_every_four_weeks() -> None:
    warmup = [3, 0, 5, 0, 0, 7, 1] * 4  # 16 a week: 64 in the four weeks before the first review
    evaluated = [2] * 28 + [1] * 7
    outcome = simulate(series(warmup + evaluated, case_pack=6), NaivePolicy(), Timeline(SUNDAY, 4, 5, 21),
                       opening=100)
    assert [(o.placed, o.arrives, o.units) for o in outcome.orders] == [
        (28, 49, 66),  # 64 → 11 cases of 6
        (56, 77, 60),  # the four evaluated weeks: 56 → 10 cases
    ]


def test_following_the_suggestions_on_steady_demand_orders_a_week_of_demand_each_week_and_never_runs_out() -> None:
    # 10 a day ordered and sold, no forecast: history's weekly 70 ± 0; lead 21 + review 7 = 28 days = 280
    demand = [10] * 7 * 8
    outcome = simulate(series(demand, case_pack=10, mean_daily=10.0), SuggestedPolicy(ReplenishmentPolicy()),
                       Timeline(SUNDAY, 2, 6, 21))
    assert opening_stock(series(demand, case_pack=10, mean_daily=10.0)) == 280
    # day 0: 280 on hand covers the window; then each week 70 more are used and 70 ordered
    assert [o.units for o in outcome.orders] == [0, 70, 70, 70, 70, 70]
    assert [o.placed - 14 for o in outcome.orders] == [0, 7, 14, 21, 28, 35]
    assert outcome.stockout_days == 0 and outcome.shipped == outcome.ordered == 420
    # the first order with units (day 7) arrives on day 28: stock falls to 0 at the end of day 27, then 70 a week
    assert outcome.end_of_day[27] == 0 and outcome.end_of_day[28] == 60 and outcome.end_of_day[34] == 0
    assert outcome.production == 350


def test_a_suggestion_reads_the_weeks_before_the_review_the_stock_on_hand_and_what_is_on_its_way() -> None:
    warmup = [1, 2, 3, 4, 5, 6, 7] + [10] * 7  # 28 then 70 ordered; sold one less each day
    demand = warmup + [10] * 14
    sold = [max(0, units - 1) for units in demand]
    forecast = lambda as_of: (ForecastWeek(as_of, 60.0, 65.0, 70.0, 80.0),)  # noqa: E731
    outcome = simulate(series(demand, sold=sold, mean_daily=10.0, forecast=forecast),
                       SuggestedPolicy(ReplenishmentPolicy()), Timeline(SUNDAY, 2, 2, 21), opening=100)
    first, second = (o.suggestion for o in outcome.orders)
    assert first is not None and second is not None
    assert first.inputs.as_of == SUNDAY + timedelta(days=14) and first.inputs.on_hand == 100
    assert [(w.week_start, w.ordered, w.accepted, w.sold) for w in first.inputs.history] == [
        (SUNDAY + timedelta(days=7), 70, 70, 63), (SUNDAY, 28, 28, 21)]
    assert first.inputs.forecast == (ForecastWeek(SUNDAY + timedelta(days=14), 60.0, 65.0, 70.0, 80.0),)
    # Amazon's weekly orders 70 and 28: mean 49 ± 21, a margin of at least 0.8416 x 21 = 17.67 on every week.
    # window 28 d: the forecast week, its P80 70 under its mean 60 + 17.67 = 77.67, + 3 history weeks at
    # 45.5 + 0.8416 x 21 = 63.17 (the blend swings as much as the orders) = 267.2; 100 on hand → 168 units (cases of 1)
    assert first.weeks[0].source == "forecast + orders' spread"
    assert first.suggested_units == 168
    # the next week: 30 on hand, and the first order still on its way (placed day 14, due day 35)
    assert second.inputs.on_hand == 30
    assert [(i.arrives, i.units) for i in second.inputs.inbound] == [(SUNDAY + timedelta(days=35), 168)]
    assert [o.units for o in outcome.orders] == [168, second.suggested_units]


def test_both_policies_start_from_the_same_opening_stock_and_see_the_same_demand() -> None:
    items = [series([5] * 7 * 6, case_pack=4, mean_daily=5.0)]
    outcomes = run_backtest(items, Timeline(SUNDAY, 2, 4, 7), [SuggestedPolicy(ReplenishmentPolicy()), NaivePolicy()])
    suggested, naive = outcomes["suggested"][0], outcomes["naive"][0]
    assert suggested.ordered == naive.ordered == 5 * 28
    assert opening_stock(items[0]) == 140  # 4 weeks of 5 a day, 35 cases of 4
    assert suggested.end_of_day[0] == naive.end_of_day[0] == 135  # nothing can arrive on day 0
