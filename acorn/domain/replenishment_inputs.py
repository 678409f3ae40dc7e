"""What the replenishment rules read, per SKU and ship-from warehouse, checked on construction.

History and forecast weeks start on ``as_of``'s weekday (the planning week); quantities are
eaches. A bad row is refused naming ``SKU@WAREHOUSE`` and the field, so the run can set that
SKU aside and plan the others. The rules themselves are in :mod:`acorn.domain.replenishment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import NormalDist

from acorn.domain import _checks
from acorn.domain.errors import DuplicateRecord, InvalidRecord

#: the service levels Amazon's forecast publishes, lowest first; between them demand is interpolated
FORECAST_LEVELS = (Decimal("0.7"), Decimal("0.8"), Decimal("0.9"))
_WEEK = 7


def planning_ref(vendor_sku: str, warehouse: str) -> str:
    """How a SKU at a ship-from warehouse is named in errors and explanations: ``SKU@WAREHOUSE``."""
    return f"{vendor_sku}@{warehouse}"


@dataclass(frozen=True)
class HistoryWeek:
    """One past week (starting ``week_start``): Amazon's PO units and its sales of the ASIN."""

    week_start: date
    ordered: int
    accepted: int
    received: int
    sold: int


@dataclass(frozen=True)
class ForecastWeek:
    """Amazon's forecast for the week starting ``week_start``: mean and percentiles, in units."""

    week_start: date
    mean: float
    p70: float
    p80: float
    p90: float


@dataclass(frozen=True)
class Inbound:
    """Units already on their way to the warehouse (production or transfer), due on ``arrives``."""

    arrives: date
    units: int


@dataclass(frozen=True)
class ReplenishmentPolicy:
    """The planner's choices, the same for every SKU of a run."""

    service_level: Decimal = Decimal("0.8")
    horizon_weeks: int = 13
    history_weeks: int = 8
    sales_weight: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        level = _checks.decimal(self.service_level, record="policy", field="service_level")
        if not FORECAST_LEVELS[0] <= level <= FORECAST_LEVELS[-1]:
            raise InvalidRecord(f"{level} is outside Amazon's P70-P90", record="policy", field="service_level")
        weight = _checks.decimal(self.sales_weight, record="policy", field="sales_weight")
        if weight > 1:
            raise InvalidRecord(f"{weight} is above 1", record="policy", field="sales_weight")
        _checks.count(self.horizon_weeks, record="policy", field="horizon_weeks", minimum=1)
        _checks.count(self.history_weeks, record="policy", field="history_weeks", minimum=1)

    @property
    def z(self) -> float:
        """Standard normal quantile of the service level (history's safety margin in deviations)."""
        return NormalDist().inv_cdf(float(self.service_level))


@dataclass(frozen=True)
class ReplenishmentInputs:
    """Everything known about one SKU at one ship-from warehouse on ``as_of`` (week 1's first day)."""

    vendor_sku: str
    warehouse: str
    as_of: date
    on_hand: int
    case_pack: int
    lead_time_days: int
    review_days: int = _WEEK
    history: tuple[HistoryWeek, ...] = ()
    forecast: tuple[ForecastWeek, ...] = ()
    inbound: tuple[Inbound, ...] = ()

    def __post_init__(self) -> None:
        _checks.text(self.vendor_sku, record=None, field="vendor_sku")
        ref = planning_ref(self.vendor_sku, self.warehouse)
        _checks.text(self.warehouse, record=ref, field="warehouse")
        _checks.count(self.on_hand, record=ref, field="on_hand")
        _checks.count(self.case_pack, record=ref, field="case_pack", minimum=1)
        _checks.count(self.lead_time_days, record=ref, field="lead_time_days")
        _checks.count(self.review_days, record=ref, field="review_days")
        for name in ("history", "forecast", "inbound"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        _check_history(self.history, self.as_of, ref)
        _check_forecast(self.forecast, self.as_of, ref)
        for arrival in self.inbound:
            _checks.count(arrival.units, record=ref, field="inbound.units")

    @property
    def ref(self) -> str:
        return planning_ref(self.vendor_sku, self.warehouse)


def _weeks_from(as_of: date, week_start: date, *, ref: str, field: str) -> int:
    """Whole weeks from ``as_of`` to ``week_start`` (negative in the past); weeks start on ``as_of``'s weekday."""
    days = (week_start - as_of).days
    if days % _WEEK:
        raise InvalidRecord(f"{week_start} does not start a week on {as_of:%A}s", record=ref, field=field)
    return days // _WEEK


def _check_history(history: tuple[HistoryWeek, ...], as_of: date, ref: str) -> None:
    seen: set[date] = set()
    for week in history:
        if _weeks_from(as_of, week.week_start, ref=ref, field="history.week_start") >= 0:
            raise InvalidRecord(f"week {week.week_start} is not in the past", record=ref, field="history.week_start")
        if week.week_start in seen:
            raise DuplicateRecord(f"week {week.week_start} given twice", record=ref, field="history.week_start")
        seen.add(week.week_start)
        for name in ("ordered", "accepted", "received", "sold"):
            _checks.count(getattr(week, name), record=ref, field=f"history.{name}")


def _check_forecast(forecast: tuple[ForecastWeek, ...], as_of: date, ref: str) -> None:
    seen: set[date] = set()
    for week in forecast:
        _weeks_from(as_of, week.week_start, ref=ref, field="forecast.week_start")
        if week.week_start in seen:
            raise DuplicateRecord(f"week {week.week_start} given twice", record=ref, field="forecast.week_start")
        seen.add(week.week_start)
        for name in ("mean", "p70", "p80", "p90"):
            value = getattr(week, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
                raise InvalidRecord(f"{value!r} is not a finite number of units >= 0", record=ref,
                                    field=f"forecast.{name}")
        if not week.p70 <= week.p80 <= week.p90:
            raise InvalidRecord(f"week {week.week_start}: percentiles must not fall (P70 <= P80 <= P90)",
                                record=ref, field="forecast.p90")
