"""Replenishment arithmetic on small hand-made histories; each answer is worked out in the comments.

Unless a test says otherwise: planning week starts Monday 2 March 2026, service level 0.8, a
13-week horizon, 8 weeks of history blended half sales, half Amazon's ordered units; lead time
14 days + review 7 days = a 21-day (3-week) protection window; case pack 12.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from acorn.domain import (
    DomainError,
    ForecastWeek,
    HistoryWeek,
    Inbound,
    InvalidRecord,
    MarketplaceCalendar,
    ReplenishmentInputs,
    ReplenishmentPolicy,
    suggest_replenishment,
)

AS_OF = date(2026, 3, 2)  # a Monday
POLICY = ReplenishmentPolicy()


def history(*units, accepted=None):
    """Past weeks, oldest first, ending the week before AS_OF; each week sold = ordered = ``units``."""
    start = AS_OF - timedelta(weeks=len(units))
    return tuple(HistoryWeek(start + timedelta(weeks=k), ordered=u, accepted=u if accepted is None else accepted,
                             received=u, sold=u) for k, u in enumerate(units))


def forecast(p70, p80, p90, *, weeks=13, mean=None):
    return tuple(ForecastWeek(AS_OF + timedelta(weeks=k), mean=p70 if mean is None else mean, p70=p70, p80=p80,
                              p90=p90) for k in range(weeks))


def item(**changes):
    fields = dict(vendor_sku="MUG", warehouse="DC1", as_of=AS_OF, on_hand=120, case_pack=12, lead_time_days=14,
                  review_days=7, history=history(*[100] * 8))
    return ReplenishmentInputs(**{**fields, **changes})


def suggest(policy=POLICY, **changes):
    return suggest_replenishment(item(**changes), policy)


def test_steady_demand_orders_the_window_less_stock_in_whole_cases():
    s = suggest()
    # 100/wk every week, no spread: 100/wk at any level; window 3 wk = 300; 300 − 120 on hand = 180 = 15 cases
    assert (s.history.mean, s.history.spread, s.history.at_level) == (100.0, 0.0, 100.0)
    assert [w.source for w in s.weeks] == ["history"] * 13
    assert (s.window_demand, s.position, s.units_needed, s.cases, s.suggested_units) == (300.0, 120, 180, 15, 180)
    # 120 units last 1.2 weeks, under the 2-week lead time: start now, and raise the flag
    assert s.weeks_of_cover == pytest.approx(1.2)
    assert s.below_lead_time and s.start_by == AS_OF


def test_a_spike_in_history_raises_the_level_through_its_spread():
    s = suggest(history=history(*[100] * 7, 500))
    # blend mean (7×100 + 500)/8 = 150; variance (7×50² + 350²)/8 = 17 500, spread 132.288;
    # z(0.8) = 0.841621 → 150 + 111.336 = 261.336/wk; window 3 wk = 784.008; − 120 = 664.008 → 665
    # units → 55.4 cases → 56 cases = 672
    assert s.history.mean == 150.0
    assert s.history.spread == pytest.approx(132.2876, abs=1e-4)
    assert s.history.at_level == pytest.approx(261.3360, abs=1e-4)
    assert (s.units_needed, s.cases, s.suggested_units) == (665, 56, 672)
    assert s.weeks[0].expected == 150.0  # the expected figure is the mean, the plan uses the level


def test_amazons_forecast_replaces_history_where_it_has_the_week():
    full = suggest(forecast=forecast(120, 150, 200))
    # P80 150/wk: 450 − 120 = 330 → 27.5 cases → 28 cases = 336 (history alone gave 180)
    assert [w.source for w in full.weeks] == ["forecast"] * 13
    assert (full.window_demand, full.suggested_units) == (450.0, 336)
    partial = suggest(forecast=forecast(120, 150, 200, weeks=2))
    # weeks 1-2 from the forecast (150), week 3 from history (100): 400 − 120 = 280 → 23.3 → 24 cases = 288
    assert [w.source for w in partial.weeks[:3]] == ["forecast", "forecast", "history"]
    assert (partial.window_demand, partial.suggested_units) == (400.0, 288)


def test_stock_covering_the_whole_horizon_suggests_nothing():
    s = suggest(on_hand=2000)
    # 13 weeks use 1300, 700 left at 100/wk = 7 more weeks: 20 weeks of cover
    assert (s.units_needed, s.suggested_units) == (0, 0)
    assert s.weeks_of_cover == 20.0 and not s.below_lead_time
    # cover falls to the 14-day lead time after 20×7 − 14 = 126 days
    assert s.start_by == AS_OF + timedelta(days=126)


@pytest.mark.parametrize(("arrives_in_days", "suggested"), [
    pytest.param(10, 0, id="before-the-lead-time-counts"),      # 300 − (120 + 200) < 0 → nothing
    pytest.param(25, 180, id="after-the-window-does-not"),        # 300 − 120 = 180, as without it
])
def test_inbound_counts_only_when_it_arrives_inside_the_window(arrives_in_days, suggested):
    s = suggest(inbound=(Inbound(AS_OF + timedelta(days=arrives_in_days), 200),))
    assert s.suggested_units == suggested
    # both arrive inside the 13-week horizon, so both lengthen cover: (120 + 200) / 100 = 3.2 weeks
    assert s.inbound_in_horizon == 200 and s.weeks_of_cover == pytest.approx(3.2)


@pytest.mark.parametrize(("on_hand", "case_pack", "cases", "suggested"), [
    pytest.param(120, 12, 15, 180, id="exact-cases"),          # need 180 = 15 × 12
    pytest.param(119, 12, 16, 192, id="one-unit-over-rounds-up"),  # need 181 → 15.08 → 16 cases
    pytest.param(119, 1, 181, 181, id="eaches"),
    pytest.param(299, 50, 1, 50, id="one-unit-still-a-whole-case"),  # need 1 → 1 case of 50
])
def test_the_suggestion_is_rounded_up_to_whole_case_packs(on_hand, case_pack, cases, suggested):
    s = suggest(on_hand=on_hand, case_pack=case_pack)
    assert (s.cases, s.suggested_units) == (cases, suggested)


@pytest.mark.parametrize(("level", "weekly", "suggested"), [
    pytest.param("0.7", 120.0, 240, id="P70"),     # 360 − 120 = 240 = 20 cases
    pytest.param("0.75", 135.0, 288, id="between-P70-and-P80"),  # half way: 135/wk; 405 − 120 = 285 → 24 cases
    pytest.param("0.8", 150.0, 336, id="P80"),     # 450 − 120 = 330 → 28 cases
    pytest.param("0.9", 200.0, 480, id="P90"),     # 600 − 120 = 480 = 40 cases
])
def test_a_higher_service_level_plans_on_a_higher_percentile(level, weekly, suggested):
    s = suggest(ReplenishmentPolicy(service_level=Decimal(level)), forecast=forecast(120, 150, 200))
    assert s.weeks[0].at_level == weekly and s.suggested_units == suggested


def test_p90_suggests_more_than_p70_from_history_too():
    spiky = history(*[100] * 7, 500)
    low = suggest(ReplenishmentPolicy(service_level=Decimal("0.7")), history=spiky)
    high = suggest(ReplenishmentPolicy(service_level=Decimal("0.9")), history=spiky)
    assert high.history.at_level > low.history.at_level and high.suggested_units > low.suggested_units


def test_cover_equal_to_the_lead_time_is_not_below_it():
    s = suggest(on_hand=200)  # 2.0 weeks of cover, lead time 14 days = 2.0 weeks
    assert s.weeks_of_cover == 2.0 and not s.below_lead_time and s.start_by == AS_OF
    assert suggest(on_hand=199).below_lead_time


def test_no_demand_means_infinite_cover_no_order_and_no_date():
    s = suggest(history=history(*[0] * 8), on_hand=0)
    assert math.isinf(s.weeks_of_cover) and s.suggested_units == 0 and s.start_by is None
    assert not s.below_lead_time
    new_sku = suggest(history=())  # no history, no forecast: nothing to plan on, and it says so
    assert new_sku.history.weeks == 0 and new_sku.suggested_units == 0


def test_history_blends_sales_with_what_amazon_ordered_not_what_we_accepted():
    weeks = history(*[100] * 8, accepted=40)  # we were short: accepted 40 of 100 ordered
    s = suggest(history=weeks, policy=ReplenishmentPolicy(sales_weight=Decimal("0.25")))
    assert s.history.ordered_mean == 100.0 and s.history.mean == 100.0
    assert (s.history.accepted, s.history.received) == (8 * 40, 8 * 100)  # shown in explain(), not planned on
    assert "we accepted 320, Amazon received 800" in s.explain()


def test_a_missing_history_week_is_left_out_not_counted_as_zero():
    weeks = history(*[100] * 8)[4:]  # only the last 4 weeks known
    s = suggest(history=weeks)
    assert (s.history.weeks, s.history.mean) == (4, 100.0)


def test_a_start_day_on_a_weekend_moves_back_to_the_business_day_before():
    calendar = MarketplaceCalendar.for_marketplace("US")
    inputs = item(history=history(*[70] * 8), on_hand=190)
    # 190 / 70 = 2.714 weeks = 19 days of cover; less the 14-day lead time: AS_OF + 5 days = Saturday 7 March
    assert suggest_replenishment(inputs, POLICY).start_by == date(2026, 3, 7)
    assert suggest_replenishment(inputs, POLICY, calendar=calendar).start_by == date(2026, 3, 6)


def test_every_suggestion_explains_its_inputs_and_figures():
    text = suggest().explain()
    for figure in ("MUG@DC1", "service level 0.8", "lead time 14 d", "case pack 12", "demand 300.00",
                   "on hand 120", "15 cases", "180 units", "cover 1.20 wk", "BELOW LEAD TIME"):
        assert figure in text, figure


@pytest.mark.parametrize(("changes", "field"), [
    pytest.param({"on_hand": -1}, "on_hand", id="negative-stock"),
    pytest.param({"case_pack": 0}, "case_pack", id="case-pack-zero"),
    pytest.param({"lead_time_days": -3}, "lead_time_days", id="negative-lead-time"),
    pytest.param({"inbound": (Inbound(AS_OF, -5),)}, "inbound.units", id="negative-inbound"),
    pytest.param({"forecast": (ForecastWeek(AS_OF, 10, 20, 15, 30),)}, "forecast.p90", id="falling-percentiles"),
    pytest.param({"forecast": (ForecastWeek(AS_OF, float("nan"), 1, 2, 3),)}, "forecast.mean", id="nan-forecast"),
    pytest.param({"forecast": (ForecastWeek(AS_OF + timedelta(days=3), 1, 1, 1, 1),)}, "forecast.week_start",
                 id="week-not-aligned"),
    pytest.param({"history": (HistoryWeek(AS_OF, 1, 1, 1, 1),)}, "history.week_start", id="history-not-past"),
])
def test_bad_input_is_refused_naming_the_sku_warehouse_and_field(changes, field):
    with pytest.raises(InvalidRecord) as raised:
        item(**changes)
    assert isinstance(raised.value, DomainError)
    assert (raised.value.record, raised.value.field) == ("MUG@DC1", field)


def test_a_window_longer_than_the_horizon_is_refused():
    with pytest.raises(InvalidRecord, match="horizon") as raised:
        suggest(ReplenishmentPolicy(horizon_weeks=2))
    assert (raised.value.record, raised.value.field) == ("MUG@DC1", "lead_time_days")


@pytest.mark.parametrize("level", ["0.5", "0.95"])
def test_a_service_level_outside_p70_to_p90_is_refused(level):
    with pytest.raises(InvalidRecord, match="P70-P90"):
        ReplenishmentPolicy(service_level=Decimal(level))


# ---- Amazon's orders swing more than its shoppers: their spread is the floor of every week's margin ----

def lumpy_history():
    """Amazon orders 0 and 200 in turn (mean 100, spread 100) while shoppers buy a steady 100 a week."""
    start = AS_OF - timedelta(weeks=8)
    return tuple(HistoryWeek(start + timedelta(weeks=k), ordered=200 * (k % 2), accepted=200 * (k % 2),
                             received=200 * (k % 2), sold=100) for k in range(8))


def test_lumpy_orders_widen_a_narrow_forecast_to_their_own_spread():
    s = suggest(history=lumpy_history(), forecast=forecast(104, 108, 112, mean=100))
    # orders: mean 100, variance 100² → spread 100; z(0.8) = 0.841621 → floor 100 + 84.1621 = 184.1621 > P80 108
    assert (s.history.ordered_mean, s.history.ordered_spread) == (100.0, 100.0)
    assert s.weeks[0].at_level == pytest.approx(184.1621, abs=1e-4)
    assert {w.source for w in s.weeks} == {"forecast + orders' spread"}
    assert {w.expected for w in s.weeks} == {100.0}  # the expectation stays Amazon's mean
    # window 3 wk: 552.486 − 120 on hand = 432.486 → 433 units → 36.08 → 37 cases = 444
    assert (s.units_needed, s.cases, s.suggested_units) == (433, 37, 444)
    assert "Amazon's orders ± 100.00/wk → margin at least 84.16" in s.explain()


def test_steady_orders_leave_the_forecasts_percentile_in_charge():
    s = suggest(history=history(*[100] * 8), forecast=forecast(104, 108, 112, mean=100))
    # orders never swing: spread 0, floor = the mean 100 < P80 108
    assert s.history.ordered_spread == 0.0
    assert {(w.at_level, w.source) for w in s.weeks} == {(108.0, "forecast")}


def test_history_weeks_take_the_orders_spread_when_it_is_wider_than_the_blends():
    s = suggest(history=lumpy_history())
    # blend = ½·100 + ½·ordered = 50 or 150: mean 100, spread 50 → 142.08; orders' floor 184.16 wins
    assert s.history.spread == 50.0
    assert s.weeks[0].source == "history + orders' spread"
    assert s.weeks[0].at_level == pytest.approx(100 + s.history.z * 100)
