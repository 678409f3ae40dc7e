"""The vectorised replenishment agrees exactly with the domain's per-row rule.

Random small histories (fixed seeds: gaps, spikes, partial forecasts, arrivals before, inside
and after the window, zero demand) and the domain tests' hand-made cases, at several service
levels; every figure of every row must be equal, not close. The speed on 10,000 rows × 52 weeks
is measured by ``benchmarks/replenish_arithmetic.py``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from acorn.domain import (
    ForecastWeek,
    HistoryWeek,
    Inbound,
    InvalidRecord,
    MarketplaceCalendar,
    ReplenishmentInputs,
    ReplenishmentPolicy,
    suggest_replenishment,
)
from acorn.services.replenishment_frame import frame_from_inputs, plan_frame

AS_OF = date(2026, 11, 16)  # a Monday before Thanksgiving: the US calendar has work to do
#: frame column → the domain's figure it must equal
FIGURES = {
    "history_weeks": lambda s: s.history.weeks, "history_mean": lambda s: s.history.mean,
    "history_spread": lambda s: s.history.spread, "history_at_level": lambda s: s.history.at_level,
    "expected_next_week": lambda s: s.weeks[0].expected, "window_days": lambda s: s.window_days,
    "window_demand": lambda s: s.window_demand, "inbound_in_window": lambda s: s.inbound_in_window,
    "inbound_in_horizon": lambda s: s.inbound_in_horizon, "position": lambda s: s.position,
    "units_needed": lambda s: s.units_needed, "cases": lambda s: s.cases,
    "suggested_units": lambda s: s.suggested_units, "weeks_of_cover": lambda s: s.weeks_of_cover,
    "start_by": lambda s: s.start_by, "below_lead_time": lambda s: s.below_lead_time,
}


def _history(rng: random.Random) -> tuple[HistoryWeek, ...]:
    weeks, base = [], rng.choice([0, 0, 3, 40, 250])
    for back in range(1, rng.randint(0, 11)):
        if rng.random() < 0.15:
            continue  # a week the report did not have
        units = base * (rng.choice([1, 1, 1, 6]))  # now and then a spike
        sold, ordered = rng.randint(0, units + 1), rng.randint(0, units + 1)
        weeks.append(HistoryWeek(AS_OF - timedelta(weeks=back), ordered, rng.randint(0, ordered), ordered, sold))
    return tuple(weeks)


def _forecast(rng: random.Random) -> tuple[ForecastWeek, ...]:
    weeks = []
    for ahead in range(rng.choice([0, 0, 2, 13, 15])):
        if rng.random() < 0.2:
            continue
        p70 = rng.uniform(0, 300)
        p80 = p70 + rng.uniform(0, 50)
        weeks.append(ForecastWeek(AS_OF + timedelta(weeks=ahead), rng.uniform(0, p70 + 1), p70, p80,
                                  p80 + rng.uniform(0, 80)))
    return tuple(weeks)


def random_item(rng: random.Random, n: int) -> ReplenishmentInputs:
    lead = rng.randint(0, 63)
    return ReplenishmentInputs(
        vendor_sku=f"SKU{n:04d}", warehouse=rng.choice(["DC1", "DC2"]), as_of=AS_OF,
        on_hand=rng.choice([0, rng.randint(0, 300), rng.randint(0, 5000)]), case_pack=rng.choice([1, 6, 12, 24, 50]),
        lead_time_days=lead, review_days=rng.randint(0, 91 - lead), history=_history(rng), forecast=_forecast(rng),
        inbound=tuple(Inbound(AS_OF + timedelta(days=rng.randint(-3, 110)), rng.randint(0, 600))
                      for _ in range(rng.randint(0, 3))))


def hand_made_items() -> list[ReplenishmentInputs]:
    """The domain tests' cases, on this module's ``as_of``."""
    steady = tuple(HistoryWeek(AS_OF - timedelta(weeks=k), 100, 100, 100, 100) for k in range(1, 9))
    spike = (HistoryWeek(AS_OF - timedelta(weeks=1), 500, 500, 500, 500), *steady[1:])
    forecast = tuple(ForecastWeek(AS_OF + timedelta(weeks=k), 120, 120, 150, 200) for k in range(13))
    base = dict(warehouse="DC1", as_of=AS_OF, on_hand=120, case_pack=12, lead_time_days=14, history=steady)
    return [
        ReplenishmentInputs("STEADY", **base), ReplenishmentInputs("SPIKE", **{**base, "history": spike}),
        ReplenishmentInputs("FORECAST", **base, forecast=forecast),
        ReplenishmentInputs("PARTIAL", **base, forecast=forecast[:2]),
        ReplenishmentInputs("COVERED", **{**base, "on_hand": 2000}),
        ReplenishmentInputs("EARLY", **base, inbound=(Inbound(AS_OF + timedelta(days=10), 200),)),
        ReplenishmentInputs("LATE", **base, inbound=(Inbound(AS_OF + timedelta(days=25), 200),)),
        ReplenishmentInputs("ROUNDED", **{**base, "on_hand": 119}),
        ReplenishmentInputs("EXACT", **{**base, "on_hand": 200}),
        ReplenishmentInputs("ZERO", **{**base, "on_hand": 0, "history": ()}),
    ]


def assert_frame_agrees(items: list[ReplenishmentInputs], policy: ReplenishmentPolicy,
                        calendar: MarketplaceCalendar | None = None) -> None:
    table = plan_frame(frame_from_inputs(items, policy), policy, calendar=calendar)
    assert len(table) == len(items)
    for item, row in zip(items, table.itertuples(index=False)):
        suggestion = suggest_replenishment(item, policy, calendar=calendar)
        assert (row.vendor_sku, row.warehouse) == (item.vendor_sku, item.warehouse)
        differing = {name: (getattr(row, name), figure(suggestion)) for name, figure in FIGURES.items()
                     if getattr(row, name) != figure(suggestion)}
        assert differing == {}, f"{item.ref}:\n{suggestion.explain()}"


@pytest.mark.parametrize(("seed", "level", "weight"), [
    pytest.param(1, "0.7", "0.5", id="P70"),
    pytest.param(2, "0.75", "0.5", id="between-P70-and-P80"),
    pytest.param(3, "0.8", "0.3", id="P80-sales-weighted-low"),
    pytest.param(4, "0.85", "1", id="between-P80-and-P90-sales-only"),
    pytest.param(5, "0.9", "0", id="P90-orders-only"),
])
def test_the_frame_agrees_exactly_with_the_domain_on_random_histories(seed, level, weight):
    rng = random.Random(seed)
    policy = ReplenishmentPolicy(service_level=Decimal(level), sales_weight=Decimal(weight))
    assert_frame_agrees([random_item(rng, n) for n in range(150)], policy)


def test_the_frame_agrees_with_the_domain_on_the_business_calendar():
    rng = random.Random(6)
    assert_frame_agrees([random_item(rng, n) for n in range(150)], ReplenishmentPolicy(),
                        MarketplaceCalendar.for_marketplace("US"))


@pytest.mark.parametrize("level", ["0.7", "0.8", "0.9"])
def test_the_frame_agrees_with_the_domain_on_the_hand_made_cases(level):
    assert_frame_agrees(hand_made_items(), ReplenishmentPolicy(service_level=Decimal(level)))


def test_the_frame_gives_the_hand_worked_answers():
    table = plan_frame(frame_from_inputs(hand_made_items(), ReplenishmentPolicy()), ReplenishmentPolicy())
    suggested = dict(zip(table.vendor_sku, table.suggested_units))
    # see tests/domain/test_replenishment.py for the working; EXACT: 300 − 200 = 100 → 8.3 → 9 cases = 108
    assert suggested == {"STEADY": 180, "SPIKE": 672, "FORECAST": 336, "PARTIAL": 288, "COVERED": 0, "EARLY": 0,
                         "LATE": 180, "ROUNDED": 192, "EXACT": 108, "ZERO": 0}


def test_a_bad_row_in_the_frame_is_named_with_its_field():
    policy = ReplenishmentPolicy()
    frame = frame_from_inputs(hand_made_items(), policy)
    frame.items.loc[3, "case_pack"] = 0
    with pytest.raises(InvalidRecord, match="0 is below 1") as raised:
        plan_frame(frame, policy)
    assert (raised.value.record, raised.value.field) == ("PARTIAL@DC1", "case_pack")


@pytest.mark.parametrize(("column", "value", "field", "reason"), [
    pytest.param("on_hand", -1, "on_hand", "-1 is below 0", id="negative-stock"),
    pytest.param("lead_time_days", 90, "lead_time_days", "longer than the 13-week horizon", id="window-past-horizon"),
])
def test_the_frame_refuses_what_the_domain_refuses(column, value, field, reason):
    policy = ReplenishmentPolicy()
    frame = frame_from_inputs(hand_made_items(), policy)
    frame.items.loc[1, column] = value
    with pytest.raises(InvalidRecord, match=reason) as raised:
        plan_frame(frame, policy)
    assert (raised.value.record, raised.value.field) == ("SPIKE@DC1", field)


def test_negative_inbound_in_the_frame_names_its_row():
    policy = ReplenishmentPolicy()
    frame = frame_from_inputs(hand_made_items(), policy)
    frame.inbound.loc[0, "units"] = -5  # the first arrival belongs to EARLY
    with pytest.raises(InvalidRecord) as raised:
        plan_frame(frame, policy)
    assert (raised.value.record, raised.value.field) == ("EARLY@DC1", "inbound.units")
