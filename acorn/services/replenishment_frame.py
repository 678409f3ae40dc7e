"""The replenishment rules of :mod:`acorn.domain.replenishment` for many SKU × warehouse rows at once.

Same rules, same figures, computed column-wise with numpy: one row per SKU at a ship-from
warehouse, one column per week. The domain stays the reference: each step repeats its float
operations in the same order (sums left to right, one week-column at a time; ``x * x``; the
same interpolation weights), so the two agree exactly, which ``tests/services`` checks on random
histories. Only the start date's business-calendar step runs per distinct date, in Python.

Arrays, all rows planned on one ``as_of``:

* ``sold``, ``ordered``: rows × past weeks, oldest first, the last column the week before
  ``as_of``; ``NaN`` where the week is unknown (left out, as the domain does).
* ``forecast_mean`` … ``forecast_p90``: rows × coming weeks from ``as_of``; ``NaN`` where Amazon
  has no forecast for the week (history stands in).
* ``inbound``: one row per arrival, columns ``row`` (position of the item), ``arrives`` (date),
  ``units``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.errors import InvalidRecord
from acorn.domain.replenishment import percentile_share, working_day_by
from acorn.domain.replenishment_inputs import ReplenishmentInputs, ReplenishmentPolicy, planning_ref

_WEEK = 7
_NOISE = 1e-9  # the domain's: float dust is not a unit
ITEM_COLUMNS = ("vendor_sku", "warehouse", "on_hand", "case_pack", "lead_time_days", "review_days")


@dataclass(frozen=True)
class PlanningFrame:
    """Many SKU × warehouse rows as arrays (see the module doc for their shapes)."""

    as_of: date
    items: pd.DataFrame  # ITEM_COLUMNS, one row per SKU × warehouse
    sold: Any  # numpy float arrays
    ordered: Any
    forecast_mean: Any
    forecast_p70: Any
    forecast_p80: Any
    forecast_p90: Any
    inbound: pd.DataFrame  # row, arrives, units


@dataclass(frozen=True)
class HistoryColumns:
    """The domain's ``HistoryEstimate``, one value per row."""

    weeks: Any
    sold_mean: Any
    ordered_mean: Any
    mean: Any
    spread: Any
    at_level: Any
    ordered_spread: Any


def _running_sum(columns: Any, known: Any) -> Any:
    """Row sums left to right, a column at a time (the domain's order); unknown cells add nothing."""
    total = np.zeros(columns.shape[0])
    for j in range(columns.shape[1]):
        total = total + np.where(known[:, j], columns[:, j], 0.0)
    return total


def _last_weeks(values: Any, weeks: int) -> Any:
    """The last ``weeks`` columns, padded on the left with unknown weeks when history is shorter."""
    values = np.asarray(values, dtype=float)
    if values.shape[1] >= weeks:
        return values[:, values.shape[1] - weeks:]
    return np.hstack([np.full((values.shape[0], weeks - values.shape[1]), np.nan), values])


def history_columns(frame: PlanningFrame, policy: ReplenishmentPolicy) -> HistoryColumns:
    """Blended weekly demand from history, its mean, spread and service-level figure, per row."""
    sold, ordered = _last_weeks(frame.sold, policy.history_weeks), _last_weeks(frame.ordered, policy.history_weeks)
    known = ~np.isnan(sold)
    n = known.sum(axis=1)
    weight = float(policy.sales_weight)
    blend = weight * sold + (1.0 - weight) * ordered
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, _running_sum(blend, known) / n, 0.0)
        deviation = blend - mean[:, None]
        spread = np.where(n > 0, np.sqrt(_running_sum(deviation * deviation, known) / n), 0.0)
        sold_mean = np.where(n > 0, _running_sum(sold, known) / n, 0.0)
        ordered_mean = np.where(n > 0, _running_sum(ordered, known) / n, 0.0)
        swing = ordered - ordered_mean[:, None]
        ordered_spread = np.where(n > 0, np.sqrt(_running_sum(swing * swing, known) / n), 0.0)
    return HistoryColumns(n, sold_mean, ordered_mean, mean, spread, mean + policy.z * spread, ordered_spread)


def _horizon(values: Any, weeks: int) -> Any:
    """The first ``weeks`` coming weeks, unknown (``NaN``) past what the forecast covers."""
    values = np.asarray(values, dtype=float)
    if values.shape[1] >= weeks:
        return values[:, :weeks]
    return np.hstack([values, np.full((values.shape[0], weeks - values.shape[1]), np.nan)])


def weekly_demand(frame: PlanningFrame, policy: ReplenishmentPolicy,
                  history: HistoryColumns) -> tuple[Any, Any]:
    """(expected, at the service level): rows × horizon weeks, forecast where present, history where not;
    each week at least expected + z × the spread of Amazon's weekly orders (the domain's floor)."""
    weeks = policy.horizon_weeks
    points = [_horizon(p, weeks) for p in (frame.forecast_p70, frame.forecast_p80, frame.forecast_p90)]
    upper, share = percentile_share(policy.service_level)
    level = (1.0 - share) * points[upper - 1] + share * points[upper]
    absent = np.isnan(points[0])
    at_level = np.where(absent, history.at_level[:, None], level)
    expected = np.where(absent, history.mean[:, None], _horizon(frame.forecast_mean, weeks))
    floor = expected + (policy.z * history.ordered_spread)[:, None]
    return expected, np.where(floor > at_level, floor, at_level)


def _cover(stock: Any, weekly: Any) -> Any:
    """Weeks of cover per row, as ``weeks_of_cover`` walks them: the first week stock cannot fill."""
    rows, weeks = weekly.shape
    used = np.cumsum(weekly, axis=1)  # add.accumulate: left to right, like the domain's loop
    full = (used <= stock[:, None]).sum(axis=1)  # used never falls, so the covered weeks are a prefix
    before = np.hstack([np.zeros((rows, 1)), used])[np.arange(rows), full]
    short = full < weeks
    demand = np.hstack([weekly, np.ones((rows, 1))])[np.arange(rows), full]
    with np.errstate(invalid="ignore", divide="ignore"):
        within = full + (stock - before) / demand
        beyond = np.where(before == 0, np.inf, weeks + (stock - before) / (before / weeks))
    return np.where(short, within, beyond)


def _window_demand(weekly: Any, window: Any) -> Any:
    """Service-level demand over each row's window: whole weeks summed, a part week pro rata."""
    rows = np.arange(weekly.shape[0])
    whole, part = np.divmod(window, _WEEK)
    used = np.hstack([np.zeros((weekly.shape[0], 1)), np.cumsum(weekly, axis=1)])[rows, whole]
    next_week = np.hstack([weekly, np.zeros((weekly.shape[0], 1))])[rows, whole]
    return np.where(part > 0, used + next_week * part / _WEEK, used)


def _inbound_before(frame: PlanningFrame, days: Any) -> Any:
    """Per row, inbound units due fewer than ``days[row]`` days after ``as_of``."""
    rows = frame.inbound["row"].to_numpy(dtype=np.int64)
    due = np.array([(day - frame.as_of).days for day in frame.inbound["arrives"]], dtype=np.int64)
    counted = np.where(due < np.asarray(days)[rows], frame.inbound["units"].to_numpy(dtype=np.int64), 0)
    return np.bincount(rows, weights=counted, minlength=len(frame.items)).astype(np.int64)


def _refuse_bad_rows(items: pd.DataFrame, inbound: pd.DataFrame, policy: ReplenishmentPolicy) -> None:
    """The domain's checks on the columns the frame trusts: the first bad row is named, with its field."""
    window = items["lead_time_days"] + items["review_days"]
    checks = [("on_hand", items["on_hand"] < 0, "is below 0"), ("case_pack", items["case_pack"] < 1, "is below 1"),
              ("lead_time_days", items["lead_time_days"] < 0, "is below 0"),
              ("review_days", items["review_days"] < 0, "is below 0"),
              ("lead_time_days", window > _WEEK * policy.horizon_weeks,
               f"+ review is longer than the {policy.horizon_weeks}-week horizon")]
    for field, bad, reason in checks:
        if bad.any():
            row = items[bad.to_numpy()].iloc[0]
            raise InvalidRecord(f"{row[field]} {reason}", record=planning_ref(row.vendor_sku, row.warehouse),
                                field=field)
    if (inbound["units"] < 0).any():
        row = items.iloc[int(inbound[inbound["units"] < 0]["row"].iloc[0])]
        raise InvalidRecord("negative inbound units", record=planning_ref(row.vendor_sku, row.warehouse),
                            field="inbound.units")


def _start_dates(as_of: date, cover: Any, lead: Any, calendar: MarketplaceCalendar | None) -> list[date | None]:
    """The domain's start date; the calendar step runs once per distinct day, not per row."""
    finite = ~np.isinf(cover)
    offsets = np.where(finite, np.maximum(0, np.floor(np.where(finite, cover, 0.0) * _WEEK - lead)), -1)
    by_offset: dict[int, date | None] = {-1: None}
    for offset in np.unique(offsets).astype(np.int64).tolist():
        if offset >= 0:
            by_offset[offset] = working_day_by(as_of + timedelta(days=offset), as_of=as_of, calendar=calendar)
    return [by_offset[o] for o in offsets.astype(np.int64).tolist()]


def plan_frame(frame: PlanningFrame, policy: ReplenishmentPolicy, *,
               calendar: MarketplaceCalendar | None = None) -> pd.DataFrame:
    """One suggestion per row, with the figures it came from (the domain's ``Suggestion``, as columns)."""
    items = frame.items
    _refuse_bad_rows(items, frame.inbound, policy)
    history = history_columns(frame, policy)
    expected, at_level = weekly_demand(frame, policy, history)
    lead = items["lead_time_days"].to_numpy(dtype=np.int64)
    case_pack = items["case_pack"].to_numpy(dtype=np.int64)
    on_hand = items["on_hand"].to_numpy(dtype=np.int64)
    window = lead + items["review_days"].to_numpy(dtype=np.int64)
    window_demand = _window_demand(at_level, window)
    in_window = _inbound_before(frame, window)
    in_horizon = _inbound_before(frame, np.full(len(items), _WEEK * policy.horizon_weeks))
    position = on_hand + in_window
    needed = np.maximum(0, np.ceil(window_demand - position - _NOISE)).astype(np.int64)
    cases = -(-needed // case_pack)
    cover = _cover((on_hand + in_horizon).astype(float), at_level)
    return pd.DataFrame({
        "vendor_sku": items["vendor_sku"].to_numpy(), "warehouse": items["warehouse"].to_numpy(),
        "history_weeks": history.weeks, "history_mean": history.mean, "history_spread": history.spread,
        "history_at_level": history.at_level,
        "orders_spread": history.ordered_spread, "expected_next_week": expected[:, 0],
        "expected_over_window": _window_demand(expected, window), "window_days": window,
        "window_demand": window_demand, "on_hand": on_hand, "inbound_in_window": in_window,
        "inbound_in_horizon": in_horizon, "position": position, "units_needed": needed, "case_pack": case_pack,
        "cases": cases, "suggested_units": cases * case_pack, "weeks_of_cover": cover,
        "start_by": _start_dates(frame.as_of, cover, lead, calendar), "below_lead_time": cover < lead / _WEEK,
    })


def frame_from_inputs(inputs: Sequence[ReplenishmentInputs], policy: ReplenishmentPolicy) -> PlanningFrame:
    """The arrays for a list of the domain's inputs (all on one ``as_of``): for tests and small runs."""
    as_of = inputs[0].as_of
    if any(i.as_of != as_of for i in inputs):
        raise InvalidRecord("all rows of a frame are planned on one as_of", record="frame", field="as_of")
    past, coming = policy.history_weeks, policy.horizon_weeks
    sold, ordered = np.full((len(inputs), past), np.nan), np.full((len(inputs), past), np.nan)
    forecast = np.full((4, len(inputs), coming), np.nan)
    for r, item in enumerate(inputs):
        for week in item.history:
            column = past + (week.week_start - as_of).days // _WEEK
            if column >= 0:
                sold[r, column], ordered[r, column] = week.sold, week.ordered
        for f in item.forecast:
            column = (f.week_start - as_of).days // _WEEK
            if 0 <= column < coming:
                forecast[:, r, column] = (f.mean, f.p70, f.p80, f.p90)
    items = pd.DataFrame([{name: getattr(i, name) for name in ITEM_COLUMNS} for i in inputs], columns=ITEM_COLUMNS)
    inbound = pd.DataFrame([(r, a.arrives, a.units) for r, i in enumerate(inputs) for a in i.inbound],
                           columns=["row", "arrives", "units"])
    return PlanningFrame(as_of, items, sold, ordered, forecast[0], forecast[1], forecast[2], forecast[3], inbound)
