"""Replenishment arithmetic benchmark: ``.venv/bin/python benchmarks/replenish_arithmetic.py [rows] [--domain]``.

Plans 10,000 SKU × warehouse rows (default) with 52 weeks of history (all of them used:
``history_weeks=52``), a 13-week horizon with Amazon's forecast on about two thirds of the
weeks, and about one inbound arrival per row, through ``acorn.services.replenishment_frame``:
prints the seconds to plan, with and without the US business calendar. ``--domain`` also
times the domain's per-row rule on the same rows (building them as domain inputs first) and
checks that both agree. Figures are printed, not asserted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from acorn.domain import (
    ForecastWeek,
    HistoryWeek,
    Inbound,
    MarketplaceCalendar,
    ReplenishmentInputs,
    ReplenishmentPolicy,
    suggest_replenishment,
)
from acorn.services.replenishment_frame import ITEM_COLUMNS, PlanningFrame, plan_frame

T = TypeVar("T")
AS_OF = date(2026, 11, 16)
HISTORY, HORIZON = 52, 13
POLICY = ReplenishmentPolicy(service_level=Decimal("0.85"), horizon_weeks=HORIZON, history_weeks=HISTORY)


def random_frame(rows: int, seed: int = 7) -> PlanningFrame:
    rng = np.random.default_rng(seed)
    base = rng.choice([0, 5, 40, 250], size=(rows, 1))
    sold = rng.poisson(base, size=(rows, HISTORY)).astype(float)
    ordered = rng.poisson(base, size=(rows, HISTORY)).astype(float)
    sold[rng.random((rows, HISTORY)) < 0.05] = np.nan  # weeks the report did not have
    ordered[np.isnan(sold)] = np.nan
    p70 = rng.uniform(0, 300, size=(rows, HORIZON))
    p80 = p70 + rng.uniform(0, 50, size=(rows, HORIZON))
    p90 = p80 + rng.uniform(0, 80, size=(rows, HORIZON))
    mean = rng.uniform(0, 1, size=(rows, HORIZON)) * p70
    missing = rng.random((rows, HORIZON)) < 0.33
    for array in (mean, p70, p80, p90):
        array[missing] = np.nan
    lead = rng.integers(0, 64, size=rows)
    items = pd.DataFrame({"vendor_sku": [f"SKU{n:05d}" for n in range(rows)], "warehouse": "DC1",
                          "on_hand": rng.integers(0, 5000, size=rows), "case_pack": rng.choice([1, 6, 12, 24], rows),
                          "lead_time_days": lead, "review_days": rng.integers(0, 92 - lead)}, columns=ITEM_COLUMNS)
    arrivals = rng.integers(0, rows, size=rows)
    inbound = pd.DataFrame({"row": arrivals, "units": rng.integers(0, 600, size=rows),
                            "arrives": [AS_OF + timedelta(days=int(d)) for d in rng.integers(-3, 110, size=rows)]})
    return PlanningFrame(AS_OF, items, sold, ordered, mean, p70, p80, p90, inbound)


def as_domain_inputs(frame: PlanningFrame) -> list[ReplenishmentInputs]:
    """The same rows as the domain's inputs (slow: half a million history weeks)."""
    inbound: dict[int, list[Inbound]] = {}
    for row, arrives, units in frame.inbound[["row", "arrives", "units"]].itertuples(index=False):
        inbound.setdefault(int(row), []).append(Inbound(arrives, int(units)))
    inputs = []
    for r, item in enumerate(frame.items.itertuples(index=False)):
        history = tuple(HistoryWeek(AS_OF - timedelta(weeks=HISTORY - c), int(frame.ordered[r, c]), 0, 0,
                                    int(frame.sold[r, c])) for c in range(HISTORY) if not np.isnan(frame.sold[r, c]))
        forecast = tuple(ForecastWeek(AS_OF + timedelta(weeks=c), float(frame.forecast_mean[r, c]),
                                      float(frame.forecast_p70[r, c]), float(frame.forecast_p80[r, c]),
                                      float(frame.forecast_p90[r, c]))
                         for c in range(HORIZON) if not np.isnan(frame.forecast_p70[r, c]))
        inputs.append(ReplenishmentInputs(item.vendor_sku, item.warehouse, AS_OF, int(item.on_hand),
                                          int(item.case_pack), int(item.lead_time_days), int(item.review_days),
                                          history, forecast, tuple(inbound.get(r, ()))))
    return inputs


def timed(label: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    print(f"{label:<44} {time.perf_counter() - started:8.3f} s")
    return result


def main(argv: list[str]) -> None:
    rows = int(next((a for a in argv if a.isdigit()), 10_000))
    calendar = MarketplaceCalendar.for_marketplace("US")
    print(f"{rows} SKU x warehouse rows, {HISTORY} weeks of history, {HORIZON}-week horizon")
    frame = timed("build arrays", lambda: random_frame(rows))
    timed("plan_frame (no calendar)", lambda: plan_frame(frame, POLICY))
    table = timed("plan_frame (US business calendar)", lambda: plan_frame(frame, POLICY, calendar=calendar))
    print(f"rows suggesting an order: {(table.suggested_units > 0).sum()}, below lead time: "
          f"{table.below_lead_time.sum()}, units suggested: {table.suggested_units.sum()}")
    if "--domain" in argv:
        inputs = timed("build domain inputs", lambda: as_domain_inputs(frame))
        suggestions = timed("suggest_replenishment per row (calendar)",
                            lambda: [suggest_replenishment(i, POLICY, calendar=calendar) for i in inputs])
        same = all(s.suggested_units == u and s.start_by == d and s.weeks_of_cover == c for s, u, d, c in
                   zip(suggestions, table.suggested_units, table.start_by, table.weeks_of_cover))
        print(f"domain and frame agree on every row: {same}")


if __name__ == "__main__":
    main(sys.argv[1:])
