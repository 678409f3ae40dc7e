"""Replenishment: what to make or ship next, how much and by when, per SKU and ship-from warehouse.

The rules, in the order :func:`suggest_replenishment` applies them (all in eaches, weekly buckets
starting on ``as_of``):

* **Demand per coming week**, at the chosen service level. Where Amazon's forecast has the week,
  its percentile: 0.7, 0.8 and 0.9 are Amazon's P70, P80 and P90; a level between two of them is
  *interpolated linearly* between the two neighbours (0.75 → half P70, half P80), which is an
  approximation: Amazon publishes only those three points of its distribution. Where the forecast
  is missing, own history: over the last ``history_weeks`` calendar weeks, each week's demand is
  ``sales_weight × sold + (1 − sales_weight) × ordered`` (Amazon's sell-through blended with what
  Amazon ordered from us). *Ordered*, not accepted: accepted units are cut by our own shortages, so
  planning on them would shrink the next order after every stock-out. The level is the weeks'
  mean plus ``z × standard deviation`` (normal approximation, ``z`` of the service level); a week
  missing from the history is unknown, not zero, and is left out. The *expected* demand beside it
  is the forecast's mean or the history's mean.
* **Never narrower than Amazon's own orders**: a week's service-level figure is at least its
  expected demand plus ``z ×`` the spread of Amazon's weekly PO units of the SKU over the same
  history weeks. The vendor serves Amazon's purchase orders, not its shoppers: Amazon buys in
  cases, a few lines a week, so its orders of one SKU swing far more (about ±50 % a week at the
  demo's volume) than the customer sales its forecast percentiles describe (about ±10 %).
  Planned on the forecast's spread alone, the backtest (``acorn bench replenish``) filled 0.919
  of Amazon's units against 0.966 for a naive monthly reorder; with this floor, 0.975 with
  fewer stock-out days and two thirds of the naive policy's stock.
* **Weeks of cover**: on-hand plus inbound arriving within the horizon, used up week by week at
  the service-level demand (cautious on purpose: the flag and the date follow the same figures
  as the quantity). Past the horizon, stock lasts at the horizon's average weekly rate; no demand
  at all is infinite cover.
* **Suggested quantity**: demand over the protection window (lead time + review period, a part
  week pro rata), minus on-hand and the inbound that arrives inside the window (later arrivals
  serve later weeks), rounded *up* to whole case packs, never negative. Summing weekly
  percentiles over-states the window's percentile a little; for a supplier a little extra stock is
  the cheaper mistake, and the figure stays one an ops person can add up.
* **Start date**: the day cover falls to the lead time (``as_of`` when it already has: the flag
  ``below_lead_time`` raises the alert), moved back to the business day before it when a calendar
  is given, never before ``as_of``.

Forecast units are statistical estimates, not money: they are floats, so the vectorised path
(``acorn.services.replenishment_frame``) can repeat the same IEEE operations and agree exactly.
A whole unit within :data:`_NOISE` is not rounded up into the next one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.errors import InvalidRecord
from acorn.domain.replenishment_inputs import (
    FORECAST_LEVELS,
    ForecastWeek,
    ReplenishmentInputs,
    ReplenishmentPolicy,
)

#: interpolation leaves float dust (0.1 + 0.2): a shortfall this close to a whole unit is that unit
_NOISE = 1e-9
_WEEK = 7


@dataclass(frozen=True)
class HistoryEstimate:
    """Weekly demand from own history: the blend's mean, its spread and the service-level figure."""

    weeks: int  # weeks of history found in the window (missing weeks are not counted)
    sold_mean: float
    ordered_mean: float
    mean: float  # mean of sales_weight × sold + (1 − sales_weight) × ordered
    spread: float  # population standard deviation of that blend
    z: float
    at_level: float  # mean + z × spread
    #: shown, not planned on: accepted units are cut by our own shortages, received ones lag
    accepted: int = 0
    received: int = 0
    #: population standard deviation of Amazon's weekly ordered units: the floor of every week's margin
    ordered_spread: float = 0.0

    @property
    def orders_margin(self) -> float:
        """Units above the expected demand that Amazon's own order swings call for at the service level."""
        return self.z * self.ordered_spread


@dataclass(frozen=True)
class PlannedWeek:
    """One coming week: expected units, units at the service level, and where they came from."""

    week_start: date
    expected: float
    at_level: float
    source: str  # "forecast" or "history", "+ orders' spread" when that floor set the level


@dataclass(frozen=True)
class Suggestion:
    """A replenishment suggestion with every input and every figure it was computed from."""

    inputs: ReplenishmentInputs
    policy: ReplenishmentPolicy
    history: HistoryEstimate
    weeks: tuple[PlannedWeek, ...]
    window_days: int  # lead time + review period
    window_demand: float  # service-level demand over the window
    inbound_in_window: int
    inbound_in_horizon: int
    position: int  # on hand + inbound in the window
    units_needed: int  # window demand − position, rounded up, never negative
    cases: int
    suggested_units: int  # whole case packs
    weeks_of_cover: float
    start_by: date | None  # None: no demand, no date
    below_lead_time: bool  # cover shorter than the lead time: the alert

    def explain(self) -> str:
        """The suggestion as an ops person checks it, one figure per line."""
        i, h = self.inputs, self.history
        lines = [
            f"{i.ref} on {i.as_of}: service level {self.policy.service_level}, lead time {i.lead_time_days} d, "
            f"review {i.review_days} d, case pack {i.case_pack}",
            f"history ({h.weeks} wk): sold {h.sold_mean:.2f}/wk, ordered {h.ordered_mean:.2f}/wk, "
            f"blend {h.mean:.2f} ± {h.spread:.2f} → {h.at_level:.2f}/wk at z {h.z:.3f}; "
            f"Amazon's orders ± {h.ordered_spread:.2f}/wk → margin at least {h.orders_margin:.2f}; "
            f"we accepted {h.accepted}, Amazon received {h.received} units in those weeks",
            *(f"  week {w.week_start}: expected {w.expected:.2f}, at level {w.at_level:.2f} ({w.source})"
              for w in self.weeks),
            f"window {self.window_days} d: demand {self.window_demand:.2f}; on hand {i.on_hand} + inbound "
            f"{self.inbound_in_window} = {self.position}; need {self.units_needed} → {self.cases} cases "
            f"= {self.suggested_units} units",
            f"cover {self.weeks_of_cover:.2f} wk (on hand + {self.inbound_in_horizon} inbound in horizon); "
            f"start by {self.start_by or 'no date (no demand)'}"
            + ("; BELOW LEAD TIME" if self.below_lead_time else ""),
        ]
        return "\n".join(lines)


def percentile_share(level: Decimal) -> tuple[int, float]:
    """Which published percentiles bracket ``level`` (index of the upper one in P70, P80, P90) and its share."""
    upper = 1 if level <= FORECAST_LEVELS[1] else 2
    low, high = FORECAST_LEVELS[upper - 1], FORECAST_LEVELS[upper]
    return upper, float((level - low) / (high - low))  # exact in Decimal: 0.8 is all P80, not 0.9999…


def level_of(week: ForecastWeek, level: Decimal) -> float:
    """Amazon's forecast at ``level``: a published percentile, or linear between the two around it."""
    points = (week.p70, week.p80, week.p90)
    upper, share = percentile_share(level)
    return (1.0 - share) * points[upper - 1] + share * points[upper]


def estimate_from_history(inputs: ReplenishmentInputs, policy: ReplenishmentPolicy) -> HistoryEstimate:
    """Weekly demand from the last ``history_weeks`` calendar weeks of sales and Amazon's orders."""
    first = inputs.as_of - timedelta(days=_WEEK * policy.history_weeks)
    weeks = sorted((w for w in inputs.history if w.week_start >= first), key=lambda w: w.week_start)
    if not weeks:
        return HistoryEstimate(0, 0.0, 0.0, 0.0, 0.0, policy.z, 0.0)
    weight = float(policy.sales_weight)
    blend = [weight * w.sold + (1.0 - weight) * w.ordered for w in weeks]
    n = len(weeks)
    mean = _running_sum(blend) / n
    spread = math.sqrt(_running_sum([(b - mean) * (b - mean) for b in blend]) / n)  # x * x, as numpy squares
    sold = _running_sum([float(w.sold) for w in weeks]) / n
    ordered = _running_sum([float(w.ordered) for w in weeks]) / n
    ordered_spread = math.sqrt(_running_sum([(float(w.ordered) - ordered) * (float(w.ordered) - ordered)
                                             for w in weeks]) / n)
    return HistoryEstimate(n, sold, ordered, mean, spread, policy.z, mean + policy.z * spread,
                           accepted=sum(w.accepted for w in weeks), received=sum(w.received for w in weeks),
                           ordered_spread=ordered_spread)


def _running_sum(values: Sequence[float]) -> float:
    """Left to right, one addition at a time: the order the vectorised path repeats column by column."""
    total = 0.0
    for value in values:
        total += value
    return total


def plan_weeks(inputs: ReplenishmentInputs, policy: ReplenishmentPolicy,
               history: HistoryEstimate) -> tuple[PlannedWeek, ...]:
    """The horizon's weeks: Amazon's forecast where it has the week, own history where not; each at
    least its expected demand plus the margin Amazon's order swings call for."""
    forecast = {w.week_start: w for w in inputs.forecast}
    planned = []
    for k in range(policy.horizon_weeks):
        start = inputs.as_of + timedelta(days=_WEEK * k)
        week = forecast.get(start)
        if week is None:
            expected, level, source = history.mean, history.at_level, "history"
        else:
            expected, level, source = float(week.mean), level_of(week, policy.service_level), "forecast"
        floor = expected + history.orders_margin
        if floor > level:
            level, source = floor, f"{source} + orders' spread"
        planned.append(PlannedWeek(start, expected, level, source))
    return tuple(planned)


def weeks_of_cover(stock: int, weekly: Sequence[float]) -> float:
    """How many weeks ``stock`` lasts at ``weekly`` demand; past the list, at its average; ``inf`` if none."""
    used = 0.0
    for k, demand in enumerate(weekly):
        if used + demand > stock:
            return k + (stock - used) / demand  # demand > 0 here: stock >= used
        used += demand
    if used == 0:
        return math.inf
    return len(weekly) + (stock - used) / (used / len(weekly))


def demand_over(days: int, weekly: Sequence[float]) -> float:
    """Demand over the next ``days``: whole weeks summed, a part week pro rata."""
    whole, part = divmod(days, _WEEK)
    total = _running_sum(weekly[:whole])
    return total + weekly[whole] * part / _WEEK if part else total


def whole_cases_up(units: int, case_pack: int) -> int:
    """Case packs needed for ``units``: a part case becomes a whole one (production makes cases)."""
    return -(-units // case_pack)


def units_short(demand: float, position: int) -> int:
    """Whole units by which ``position`` falls short of ``demand``; 0 when it covers it."""
    return max(0, math.ceil(demand - position - _NOISE))


def inbound_before(inputs: ReplenishmentInputs, day: date) -> int:
    """Units due before ``day`` (a late arrival still due counts: it is expected any day)."""
    return sum(arrival.units for arrival in inputs.inbound if arrival.arrives < day)


def start_date(as_of: date, cover_weeks: float, lead_time_days: int,
               calendar: MarketplaceCalendar | None = None) -> date | None:
    """The day cover falls to the lead time: ``as_of`` if it already has; ``None`` with infinite cover."""
    if math.isinf(cover_weeks):
        return None
    day = as_of + timedelta(days=max(0, math.floor(cover_weeks * _WEEK - lead_time_days)))
    return working_day_by(day, as_of=as_of, calendar=calendar)


def working_day_by(day: date, *, as_of: date, calendar: MarketplaceCalendar | None) -> date:
    """``day``, or with a ``calendar`` the business day before it when the factory or dock does not work.

    Earlier, not later: a later start would be late. Never before ``as_of`` (then the first
    business day from ``as_of``).
    """
    if calendar is None or calendar.is_business_day(day):
        return day
    earlier = calendar.add_business_days(day, -1)
    return earlier if earlier >= as_of else calendar.next_business_day(as_of)


def suggest_replenishment(inputs: ReplenishmentInputs, policy: ReplenishmentPolicy, *,
                          calendar: MarketplaceCalendar | None = None) -> Suggestion:
    """How much to make or send to ``inputs``' warehouse now, and the day to start at the latest."""
    window = inputs.lead_time_days + inputs.review_days
    if window > _WEEK * policy.horizon_weeks:
        raise InvalidRecord(f"lead time + review ({window} d) is longer than the {policy.horizon_weeks}-week horizon",
                            record=inputs.ref, field="lead_time_days")
    history = estimate_from_history(inputs, policy)
    weeks = plan_weeks(inputs, policy, history)
    at_level = [w.at_level for w in weeks]
    window_demand = demand_over(window, at_level)
    in_window = inbound_before(inputs, inputs.as_of + timedelta(days=window))
    in_horizon = inbound_before(inputs, inputs.as_of + timedelta(days=_WEEK * policy.horizon_weeks))
    position = inputs.on_hand + in_window
    needed = units_short(window_demand, position)
    cases = whole_cases_up(needed, inputs.case_pack)
    cover = weeks_of_cover(inputs.on_hand + in_horizon, at_level)
    return Suggestion(
        inputs=inputs, policy=policy, history=history, weeks=weeks, window_days=window,
        window_demand=window_demand, inbound_in_window=in_window, inbound_in_horizon=in_horizon,
        position=position, units_needed=needed, cases=cases, suggested_units=cases * inputs.case_pack,
        weeks_of_cover=cover, start_by=start_date(inputs.as_of, cover, inputs.lead_time_days, calendar),
        below_lead_time=cover < inputs.lead_time_days / _WEEK,
    )
