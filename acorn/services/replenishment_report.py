"""The replenishment plan as the report shows it: rows, the charted SKUs' weeks, where the figures came from."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from acorn.documents._env import markdown_cell
from acorn.documents.replenishment_report import (
    CHARTED_SKUS,
    PlanReport,
    ReportPaths,
    SkuSeries,
    write_plan_report,
)

if TYPE_CHECKING:
    from acorn.services.replenishment_plan import PlanOutcome, ReplenishmentPlan

_WEEK = timedelta(days=7)


def _series(plan: ReplenishmentPlan, vendor_sku: str) -> SkuSeries:
    """One SKU's past weeks (sold, ordered; None where no sales report covers the week) and its plan."""
    k = next(i for i, inputs in enumerate(plan.inputs) if inputs.vendor_sku == vendor_sku)
    history, known = plan.history, plan.history.known_weeks
    weeks = [history.first_week + n * _WEEK for n in range(plan.policy.history_weeks)]
    past = [(w, float(history.sold[(vendor_sku, w)]) if w in known else None,
             float(history.ordered[(vendor_sku, w)]) if w in known else None) for w in weeks]
    coming = [(plan.planning_week + n * _WEEK, float(plan.expected[k, n]), float(plan.at_level[k, n]))
              for n in range(plan.policy.horizon_weeks)]
    return SkuSeries(vendor_sku, past, coming)


def _sources(plan: ReplenishmentPlan) -> list[str]:
    history = plan.history
    known = sorted(history.known_weeks)
    sales = (f"Sales: {len(known)} of the last {plan.policy.history_weeks} weeks from Amazon's sales reports "
             f"({known[0]:%Y-%m-%d} to {known[-1] + timedelta(days=6):%Y-%m-%d})" if known
             else f"Sales: no sales report covers the last {plan.policy.history_weeks} weeks: "
                  "demand comes from the forecast alone")
    lines = [sales, f"Forecast: {history.forecast_source}",
             "Amazon's orders by order date, receipts by the last receipt date (the dock's calendar days)"]
    if history.unmatched_asins:
        shown = ", ".join(sorted(history.unmatched_asins)[:10])
        lines.append(f"{len(history.unmatched_asins)} ASIN(s) in Amazon's reports match no SKU of the SKU master "
                     f"and are not planned: {shown}")
    return lines


def plan_report(plan: ReplenishmentPlan, *, generated_at: datetime) -> PlanReport:
    rows = plan.rows()
    settings = {"service_level": plan.policy.service_level, "horizon_weeks": plan.policy.horizon_weeks,
                "history_weeks": plan.policy.history_weeks,
                "lead_time_days": plan.lead_time_days, "review_days": plan.review_days}
    charted = [r["sku"] for r in rows if r["suggested_units"] or r["below_lead_time"]
               or not math.isinf(r["weeks_of_cover"])][:CHARTED_SKUS]
    return PlanReport(account_code=plan.account_code, warehouse=plan.warehouse, day=plan.day,
                      planning_week=plan.planning_week, generated_at=generated_at, settings=settings,
                      sources=_sources(plan), rows=rows, set_aside=[str(s) for s in plan.set_aside],
                      series=[_series(plan, sku) for sku in charted])


def write_report(plan: ReplenishmentPlan, out_dir: Path, *, generated_at: datetime) -> ReportPaths:
    """``replenishment-<ACCOUNT>-<day>.csv`` and ``.html`` in ``out_dir``, replaced atomically."""
    return write_plan_report(plan_report(plan, generated_at=generated_at), out_dir)


def summary_markdown(outcome: PlanOutcome) -> str:
    """The run's summary for a Prefect markdown artifact: counts, the SKUs to start now, the files."""
    plan, rows = outcome.plan, outcome.plan.rows()
    below = [r for r in rows if r["below_lead_time"]]
    lines = [f"# Replenishment {markdown_cell(plan.account_code)} at {markdown_cell(plan.warehouse)}, {plan.day}",
             "", f"{len(rows)} SKUs planned (weeks from {plan.planning_week}), **{len(below)} below the "
             f"{plan.lead_time_days}-day lead time**, {sum(r['suggested_units'] for r in rows):,} units suggested, "
             f"{len(plan.set_aside)} set aside; alerts opened {len(outcome.alerts.opened)}, "
             f"resolved {outcome.alerts.resolved}.", "",
             f"- report: [{outcome.paths.html.name}]({outcome.paths.html.resolve().as_uri()})",
             f"- CSV: [{outcome.paths.csv.name}]({outcome.paths.csv.resolve().as_uri()})"]
    if below:
        lines += ["", "| SKU | weeks of cover | suggested units | start by |", "|---|---:|---:|---|"]
        lines += [f"| {markdown_cell(r['sku'])} | {r['weeks_of_cover']:.2f} | {r['suggested_units']:,} | "
                  f"{r['start_by'] or ''} |" for r in below]
    if plan.set_aside:
        lines += ["", "Set aside (not planned):", *(f"- {markdown_cell(str(s))}" for s in plan.set_aside)]
    return "\n".join(lines) + "\n"
